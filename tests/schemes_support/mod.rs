//! Independent implementations of the signed-scheme vendors' signatures, written from
//! the vendors' documentation with the hash crates directly (not hookscope's code), and
//! an app that records what `send` delivers.

#![allow(dead_code, reason = "each test binary uses part of it")]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};

pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

/// `t=…,v1=<hex>` over `{t}.{body}`, the secret used whole.
pub fn stripe_header(secret: &str, t: i64, body: &[u8]) -> String {
    let msg = [format!("{t}.").as_bytes(), body].concat();
    format!(
        "t={t},v1={}",
        hex::encode(hmac_sha256(secret.as_bytes(), &msg))
    )
}

/// Checks a Stripe-Signature header: any `v1` over `{t}.{body}`.
pub fn stripe_verifies(secret: &str, header: &str, body: &[u8]) -> bool {
    let t = header
        .split(',')
        .find_map(|p| p.strip_prefix("t="))
        .unwrap_or_default();
    let expected = hex::encode(hmac_sha256(
        secret.as_bytes(),
        &[format!("{t}.").as_bytes(), body].concat(),
    ));
    header
        .split(',')
        .filter_map(|p| p.strip_prefix("v1="))
        .any(|v| v == expected)
}

/// Shopify: base64 HMAC-SHA256 of the body.
pub fn shopify_header(secret: &str, body: &[u8]) -> String {
    B64.encode(hmac_sha256(secret.as_bytes(), body))
}

pub fn hmac_sha1(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<sha1::Sha1>::new_from_slice(key).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

/// Standard Webhooks: `v1,<base64>` over `{id}.{timestamp}.{body}`, the key the base64
/// after an optional `whsec_`.
pub fn standard_webhooks_signature(secret: &str, id: &str, t: &str, body: &[u8]) -> String {
    let key = B64
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .unwrap();
    let msg = [format!("{id}.{t}.").as_bytes(), body].concat();
    format!("v1,{}", B64.encode(hmac_sha256(&key, &msg)))
}

/// GitHub: `sha256=<hex>` over the body.
pub fn github_signature(secret: &str, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(hmac_sha256(secret.as_bytes(), body))
    )
}

/// Slack: `v0=<hex>` over `v0:{timestamp}:{body}`.
pub fn slack_signature(secret: &str, t: &str, body: &[u8]) -> String {
    let msg = [format!("v0:{t}:").as_bytes(), body].concat();
    format!("v0={}", hex::encode(hmac_sha256(secret.as_bytes(), &msg)))
}

/// Twilio: base64 HMAC-SHA1 of the URL then each form parameter, sorted by name, as
/// name and value.
pub fn twilio_signature(token: &str, url: &str, form_body: &[u8]) -> String {
    let mut params: Vec<(String, String)> = form_urlencoded::parse(form_body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    params.sort();
    let mut msg = url.to_string();
    for (k, v) in params {
        msg.push_str(&k);
        msg.push_str(&v);
    }
    B64.encode(hmac_sha1(token.as_bytes(), msg.as_bytes()))
}

/// POSTs `body` with a content type of the caller's choosing; the status.
pub fn post_as(url: &str, content_type: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    let client = reqwest::blocking::Client::new();
    let mut req = client
        .post(url)
        .header("content-type", content_type)
        .body(body.to_vec());
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().unwrap().status().as_u16()
}

/// What an app received: URI, headers, body.
pub type Hit = (String, HeaderMap, Vec<u8>);

async fn record(
    State(hits): State<Arc<Mutex<Vec<Hit>>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    hits.lock()
        .unwrap()
        .push((uri.to_string(), headers, body.to_vec()));
    StatusCode::OK
}

/// An in-process app on a free port that records every request and answers 200.
pub fn app() -> (String, Arc<Mutex<Vec<Hit>>>, tokio::runtime::Runtime) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let hits = Arc::new(Mutex::new(Vec::new()));
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new().fallback(record).with_state(hits.clone());
    rt.spawn(async move { axum::serve(listener, router).await.unwrap() });
    (format!("http://{addr}"), hits, rt)
}

/// Runs the hookscope binary with `args` and a config file holding `config`.
pub fn hookscope(dir: &std::path::Path, args: &[&str], config: &str) -> (i32, String, String) {
    let cfg = dir.join("hookscope.toml");
    std::fs::write(&cfg, config).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hookscope"))
        .args(args)
        .arg("--config")
        .arg(&cfg)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `hookscope verify --provider P --header … --body-file … --now NOW [--path …]`; the
/// verdict printed, parsed.
pub fn verify(
    config: &str,
    provider: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    now: i64,
    path: Option<&str>,
) -> (i32, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let body_file = dir.path().join("body");
    std::fs::write(&body_file, body).unwrap();
    let mut args = vec![
        "verify".to_string(),
        "--provider".into(),
        provider.into(),
        "--body-file".into(),
        body_file.to_string_lossy().into_owned(),
        "--now".into(),
        now.to_string(),
    ];
    for (n, v) in headers {
        args.push("--header".into());
        args.push(format!("{n}: {v}"));
    }
    if let Some(p) = path {
        args.push("--path".into());
        args.push(p.into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = hookscope(dir.path(), &args, config);
    let v = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    (code, v)
}
