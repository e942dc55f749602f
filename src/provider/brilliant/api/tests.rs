use super::*;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use serde_json::json;

use crate::config::Config;

fn access(toml: &str) -> Result<Option<Access>, String> {
    let config = Config::from_parts(toml, None, &[]).expect("config parses");
    Access::from_config(&config.providers.brilliant)
}

fn bearer(base: &str, key: &str) -> Access {
    access(&format!(
        "[providers.brilliant]\napi_base = \"{base}\"\napi_key = \"{key}\"\n"
    ))
    .expect("valid")
    .expect("configured")
}

/// Serves the responses API on a free loopback port; returns its base URL. It accepts
/// the bearer key `api-key-1`, or the key pair `pub-1`/`priv-1` in `X-Tenant`/`X-Secret`.
async fn serve() -> String {
    async fn response(Path(id): Path<String>, headers: HeaderMap) -> (StatusCode, String) {
        let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
        let authorised = h("authorization") == Some("Bearer api-key-1")
            || (h("x-tenant") == Some("pub-1") && h("x-secret") == Some("priv-1"));
        match (authorised, id.as_str()) {
            (true, "1112057") => (
                StatusCode::OK,
                r#"{"ResponseId":1112057,"Score":42}"#.into(),
            ),
            (true, "7") => (StatusCode::OK, "<html>".into()),
            (true, _) => (
                StatusCode::NOT_FOUND,
                "{\"error\":\n \"no such response\"}".into(),
            ),
            _ => (StatusCode::UNAUTHORIZED, "bad key".into()),
        }
    }
    let app = Router::new().route("/api/v2/responses/{id}", get(response));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

#[test]
fn excerpts_are_short_and_on_one_line() {
    assert_eq!(excerpt(b""), "(empty body)");
    assert_eq!(excerpt(b"not\n  found"), "not found");
    let long = "é".repeat(500);
    let e = excerpt(long.as_bytes());
    assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
    assert!(e.ends_with('…'));
}

#[test]
fn access_needs_a_base_and_both_v2_keys() {
    assert!(access("").expect("valid").is_none());
    let err = access("[providers.brilliant]\napi_base = \"https://x\"\npublic_key = \"p\"\n")
        .expect_err("private key missing");
    assert!(err.contains("private_key is not"), "{err}");
    let err = access("[providers.brilliant]\nprivate_key = \"p\"\npublic_key = \"q\"\n")
        .expect_err("base missing");
    assert!(err.contains("api_base"), "{err}");
    assert!(!err.contains("\"p\"") && !err.contains("\"q\""), "{err}");
}

#[tokio::test]
async fn fetches_with_the_v2_key_pair_in_the_configured_headers() {
    let base = serve().await;
    let client = reqwest::Client::new();
    let pair = |public: &str| {
        access(&format!(
            "[providers.brilliant]\napi_base = \"{base}\"\npublic_key = \"{public}\"\n\
             private_key = \"priv-1\"\npublic_key_header = \"X-Tenant\"\n\
             private_key_header = \"X-Secret\"\n"
        ))
        .expect("valid")
        .expect("configured")
    };
    let v = pair("pub-1")
        .fetch_response(&client, "1112057")
        .await
        .expect("fetched");
    assert_eq!(v["Score"], json!(42));
    let err = pair("pub-2")
        .fetch_response(&client, "1112057")
        .await
        .expect_err("wrong public key");
    assert!(err.contains("401"), "{err}");
}

#[tokio::test]
async fn fetches_with_bearer_key_and_tolerates_trailing_slash() {
    let base = serve().await;
    let client = reqwest::Client::new();
    let v = bearer(&format!("{base}/"), "api-key-1")
        .fetch_response(&client, "1112057")
        .await
        .expect("fetched");
    assert_eq!(v["Score"], json!(42));
}

#[tokio::test]
async fn non_success_reports_status_and_excerpt() {
    let base = serve().await;
    let client = reqwest::Client::new();
    let err = bearer(&base, "api-key-1")
        .fetch_response(&client, "99")
        .await
        .expect_err("404");
    assert!(err.contains("404"), "{err}");
    assert!(err.contains("{\"error\": \"no such response\"}"), "{err}");
    let err = bearer(&base, "wrong")
        .fetch_response(&client, "1112057")
        .await
        .expect_err("401");
    assert!(err.contains("401") && err.contains("bad key"), "{err}");
    assert!(!err.contains("wrong"), "the key must not be echoed: {err}");
}

#[tokio::test]
async fn non_json_answers_and_crafted_ids_are_errors() {
    let base = serve().await;
    let client = reqwest::Client::new();
    let api = bearer(&base, "api-key-1");
    let err = api
        .fetch_response(&client, "7")
        .await
        .expect_err("not JSON");
    assert!(err.contains("not JSON"), "{err}");
    for id in ["../admin", "", "1?x=1", "%2e%2e"] {
        let err = api
            .fetch_response(&client, id)
            .await
            .expect_err("crafted id");
        assert!(err.contains("not a plain id"), "{err}");
    }
}
