//! `[schemes.NAME]`, the README's acme example, through the real binary: signatures made
//! here with the hash crates directly (not hookscope's code), received at the scheme's
//! route and detected by its header elsewhere, `verify`, `send`, `replay --resign`, the
//! environment override and config errors that name their key.

mod common;
mod schemes_support;

use common::{Options, Server, now};
use schemes_support::*;

const SECRET: &str = "acme_test_secret_5f0c2b";

/// The README's example, with a secret.
fn acme(secret: &str) -> String {
    format!(
        "[schemes.acme]\n\
         route = \"/acme\"\n\
         header = \"X-Acme-Signature\"\n\
         algorithm = \"sha256\"\n\
         encoding = \"hex\"\n\
         prefix = \"sha256=\"\n\
         signed = \"{{timestamp}}.{{body}}\"\n\
         timestamp_header = \"X-Acme-Timestamp\"\n\
         id_header = \"X-Acme-Id\"\n\
         secret = \"{secret}\"\n\
         secret_encoding = \"raw\"\n\
         event = \"/type\"\n\
         subject = \"/data/id\"\n"
    )
}

const BODY: &[u8] = br#"{"type":"invoice.paid","data":{"id":"inv_0042","amount":1200}}"#;

/// `sha256=<hex>` of HMAC-SHA256 over `{t}.{body}`, as the acme sender signs.
fn acme_signature(secret: &str, t: i64, body: &[u8]) -> String {
    let msg = [format!("{t}.").as_bytes(), body].concat();
    format!(
        "sha256={}",
        hex::encode(hmac_sha256(secret.as_bytes(), &msg))
    )
}

fn post(s: &Server, path: &str, headers: &[(&str, &str)], body: &[u8]) -> serde_json::Value {
    let n = s.lines.lock().unwrap().len();
    s.post(path, headers, body);
    s.line(n)
}

fn signed_headers(secret: &str, t: i64) -> Vec<(String, String)> {
    vec![
        ("X-Acme-Signature".into(), acme_signature(secret, t, BODY)),
        ("X-Acme-Timestamp".into(), t.to_string()),
        ("X-Acme-Id".into(), "evt_1".into()),
    ]
}

fn pairs(h: &[(String, String)]) -> Vec<(&str, &str)> {
    h.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect()
}

#[test]
fn the_example_verifies_at_its_route_with_event_and_subject_and_by_its_header_elsewhere() {
    let s = Server::start(&acme(SECRET));
    let h = signed_headers(SECRET, now());
    let line = post(&s, "/acme", &pairs(&h), BODY);
    assert_eq!(line["provider"], "acme", "{line}");
    assert_eq!(line["detected_by"], "path");
    assert_eq!(line["event"], "invoice.paid");
    assert_eq!(line["subject"], "inv_0042");
    assert_eq!(line["verification"]["status"], "verified", "{line}");
    assert_eq!(line["verification"]["scheme"], "acme", "{line}");

    let line = post(&s, "/hooks/in", &pairs(&h), BODY);
    assert_eq!(
        (&line["provider"], &line["detected_by"]),
        (&"acme".into(), &"header".into()),
        "{line}"
    );
    assert_eq!(line["verification"]["status"], "verified", "{line}");

    let wrong = signed_headers("someone_elses_secret", now());
    let line = post(&s, "/acme", &pairs(&wrong), BODY);
    assert_eq!(line["verification"]["status"], "failed", "{line}");
    assert!(line["verification"]["hint"].is_string(), "{line}");
    assert!(!s.all_stdout().contains(SECRET));
    let status = reqwest::blocking::get(s.url("/")).unwrap().text().unwrap();
    assert!(
        status
            .lines()
            .any(|l| l.split_whitespace().eq(["acme", "/acme"])),
        "{status}"
    );
}

#[test]
fn a_wrong_signature_is_diagnosed_like_a_built_in_one() {
    let s = Server::start(&acme(SECRET));
    let t = now();
    // Signed over the body alone, not `{timestamp}.{body}`.
    let body_only = format!(
        "sha256={}",
        hex::encode(hmac_sha256(SECRET.as_bytes(), BODY))
    );
    let ts = t.to_string();
    let line = post(
        &s,
        "/acme",
        &[("X-Acme-Signature", &body_only), ("X-Acme-Timestamp", &ts)],
        BODY,
    );
    assert_eq!(line["verification"]["hint"], "signed_content", "{line}");
    // Milliseconds where seconds were expected.
    let ms = t * 1000;
    let sig = acme_signature(SECRET, ms, BODY);
    let ms = ms.to_string();
    let line = post(
        &s,
        "/acme",
        &[("X-Acme-Signature", &sig), ("X-Acme-Timestamp", &ms)],
        BODY,
    );
    assert_eq!(line["verification"]["hint"], "timestamp_unit", "{line}");
    // SHA-1 for SHA-256.
    let msg = [format!("{t}.").as_bytes(), BODY].concat();
    let sha1 = format!("sha256={}", hex::encode(hmac_sha1(SECRET.as_bytes(), &msg)));
    let line = post(
        &s,
        "/acme",
        &[("X-Acme-Signature", &sha1), ("X-Acme-Timestamp", &ts)],
        BODY,
    );
    assert_eq!(line["verification"]["hint"], "wrong_algorithm", "{line}");
}

#[test]
fn verify_checks_the_example_offline() {
    let t = 1_763_655_390;
    let h = signed_headers(SECRET, t);
    let (code, v) = verify(&acme(SECRET), "acme", &pairs(&h), BODY, t + 5, None);
    assert_eq!((code, &v["status"]), (0, &"verified".into()), "{v}");
    let (code, v) = verify(&acme(SECRET), "acme", &pairs(&h), BODY, t + 3600, None);
    assert_eq!(code, 1);
    assert_eq!(v["hint"], "timestamp_outside_tolerance", "{v}");
    let (code, v) = verify(
        &acme("not_the_senders_secret"),
        "acme",
        &pairs(&h),
        BODY,
        t,
        None,
    );
    assert_eq!((code, &v["status"]), (1, &"failed".into()), "{v}");
}

#[test]
fn send_acme_is_verified_by_hookscope_and_by_the_scheme_as_described() {
    let s = Server::start(&acme(SECRET));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sent.db");
    let db = db.to_string_lossy();
    let url = s.url("/acme");
    let args = ["send", "acme", "--to", &url, "--store", &db];
    let (code, out, err) = hookscope(dir.path(), &args, &acme(SECRET));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("schemes.acme.secret"), "{out}");
    let line = s.line(0);
    assert_eq!(line["provider"], "acme", "{line}");
    assert_eq!(line["verification"]["status"], "verified", "{line}");
    assert_eq!(line["subject"], "sample_0001", "{line}");

    // A body from a file, into an app: signed as the scheme describes.
    let (base, hits, _rt) = app();
    let body_file = dir.path().join("body.json");
    std::fs::write(&body_file, BODY).unwrap();
    let body_file = body_file.to_string_lossy();
    let url = format!("{base}/acme");
    let args = [
        "send",
        "acme",
        "--to",
        &url,
        "--body-file",
        &body_file,
        "--store",
        &db,
    ];
    let (code, out, err) = hookscope(dir.path(), &args, &acme(SECRET));
    assert_eq!(code, 0, "{out}{err}");
    let hits = hits.lock().unwrap();
    let (_, headers, body) = &hits[0];
    assert_eq!(body, BODY);
    let h = |n: &str| headers.get(n).unwrap().to_str().unwrap().to_string();
    let t: i64 = h("x-acme-timestamp").parse().unwrap();
    assert_eq!(h("x-acme-signature"), acme_signature(SECRET, t, BODY));
    assert!(!h("x-acme-id").is_empty());
}

#[test]
fn replay_resign_refreshes_a_stale_acme_signature() {
    let s = Server::start(&acme(SECRET));
    let h = signed_headers(SECRET, now() - 7200);
    let line = post(&s, "/acme", &pairs(&h), BODY);
    assert_eq!(line["verification"]["hint"], "timestamp_outside_tolerance");
    let id = line["id"].as_str().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let db = s.db.to_string_lossy().into_owned();
    let url = s.url("");
    let args = ["replay", &id, "--to", &url, "--resign", "--store", &db];
    let (code, out, err) = hookscope(dir.path(), &args, &acme(SECRET));
    assert_eq!(code, 0, "{out}{err}");
    let line = s.line(1);
    assert_eq!(line["provider"], "acme", "{line}");
    assert_eq!(line["verification"]["status"], "verified", "{line}");
}

#[test]
fn the_environment_sets_the_secret_and_it_is_masked_in_the_store() {
    let from_env = "acme_env_secret_9d1e77";
    let opts = Options {
        env: vec![("HOOKSCOPE_ACME_SECRET".into(), from_env.into())],
        ..Options::default()
    };
    let s = Server::start_opts(&acme("acme_file_secret_3a3a3a"), opts, &[]);
    // The secret sent in a header by mistake is masked wherever it is written.
    let mut h = signed_headers(from_env, now());
    h.push(("X-Debug".into(), from_env.into()));
    let line = post(&s, "/acme", &pairs(&h), BODY);
    assert_eq!(line["verification"]["status"], "verified", "{line}");
    assert!(!s.all_stdout().contains(from_env));
    let stored: String = s
        .db()
        .query_row("SELECT group_concat(headers) FROM deliveries", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(!stored.contains(from_env), "{stored}");
    assert!(
        stored.contains("[redacted:schemes.acme.secret]"),
        "{stored}"
    );
}

#[test]
fn config_errors_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            acme(SECRET).replace("\"sha256\"", "\"sha3\""),
            "schemes.acme.algorithm: unknown \"sha3\"; expected sha1, sha256 or sha512",
        ),
        (
            acme(SECRET).replace("encoding = \"hex\"", "encoding = \"b32\""),
            "schemes.acme.encoding",
        ),
        (
            acme(SECRET).replace("{timestamp}.{body}", "{timestamp}.{bdy}"),
            "schemes.acme.signed",
        ),
        (
            acme(SECRET).replace("secret_encoding = \"raw\"", "secret_encoding = \"rot13\""),
            "schemes.acme.secret_encoding",
        ),
        (
            acme(SECRET).replace("header = \"X-Acme-Signature\"\n", ""),
            "schemes.acme.header: missing",
        ),
        (
            acme(SECRET).replace("event = \"/type\"", "event = \"type\""),
            "schemes.acme.event",
        ),
        (
            acme(SECRET).replace("route =", "rout ="),
            "schemes.acme.rout",
        ),
        (
            acme(SECRET).replace("[schemes.acme]", "[schemes.github]"),
            "schemes.github",
        ),
        (
            acme(SECRET).replace("\"/acme\"", "\"/stripe/acme\""),
            "schemes.acme.route",
        ),
        (
            format!(
                "{}{}",
                acme(SECRET),
                acme(SECRET).replace("[schemes.acme]", "[schemes.acme2]")
            ),
            "schemes.acme2.route",
        ),
    ];
    for (config, expected) in cases {
        let (code, out, err) = hookscope(
            dir.path(),
            &["verify", "--provider", "acme", "--body-file", "x"],
            &config,
        );
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains(expected), "{expected}: {err}");
        assert!(!err.contains(SECRET), "{err}");
    }
}
