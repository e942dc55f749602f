//! A delivery of a scheme of the user's own (`[schemes.acme]`) in the detail view: its
//! outline summary and its signature debugger, at 80x24 and wide.

mod common;
mod detail_support;

use hmac::{Hmac, Mac};
use hookscope::tui::detail::Tab;
use insta::assert_snapshot;

use detail_support::*;

const SECRET: &str = "acme_snapshot_secret_77";
const BODY: &[u8] = br#"{"type":"invoice.paid","data":{"id":"inv_0042"},"amount":1200,"currency":"EUR","live":false}"#;

fn acme_config() -> std::sync::Arc<hookscope::config::Config> {
    config(&format!(
        "[schemes.acme]\nroute = \"/acme\"\nheader = \"X-Acme-Signature\"\nprefix = \"sha256=\"\n\
         signed = \"{{timestamp}}.{{body}}\"\ntimestamp_header = \"X-Acme-Timestamp\"\n\
         id_header = \"X-Acme-Id\"\nsecret = \"{SECRET}\"\nevent = \"/type\"\nsubject = \"/data/id\"\n"
    ))
}

/// `sha256=<hex>` over `{t}.{body}` under `secret`, computed here with the hash crates.
fn signature(secret: &str, t: i64) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(BODY);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn acme_detail(secret: &str, tab: Tab) -> hookscope::tui::detail::Detail {
    let cfg = acme_config();
    let t = RECEIVED.to_string();
    let sig = signature(secret, RECEIVED);
    let headers = [
        ("X-Acme-Signature", sig.as_str()),
        ("X-Acme-Timestamp", t.as_str()),
        ("X-Acme-Id", "evt_0001"),
    ];
    let d = delivery(&cfg, "/acme", &headers, BODY);
    assert_eq!(d.findings.provider.as_str(), "acme");
    open(d, cfg, tab)
}

#[test]
fn the_summary_is_an_outline_of_event_subject_and_payload() {
    let d = acme_detail(SECRET, Tab::Summary);
    assert_snapshot!("scheme_summary_80x24", screen(&d, 80, 24));
    assert_snapshot!("scheme_summary_wide", screen(&d, 160, 24));
}

#[test]
fn a_wrong_secret_is_explained_in_the_debugger() {
    let d = acme_detail("acme_someone_elses_secret", Tab::Verification);
    let text = screen(&d, 80, 24);
    assert!(text.contains("failed") || text.contains("Failed"), "{text}");
    assert_snapshot!("scheme_verification_failed_80x24", text);
}
