//! Deliveries built the way the receiver builds them (analysed, then redacted as stored),
//! signed like the vendors sign, and rendered into a plain buffer.

use std::sync::Arc;

use base64::Engine;
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Detail, DetailInput, DetailOutcome};
use crate::config::Config;
use crate::model::{Delivery, Request};
use crate::provider;
use crate::redact::Redactor;
use crate::signature::hmac_sha256;

pub(crate) const TS_SECRET: &str = "whsec_dGVzdF9zZWNyZXRfZm9yX3RhbGVudHNwcm91dA";
pub(crate) const CL_SECRET: &str = "classet_sig_secret_1b7e";
/// 2025-11-20T15:46:40Z.
pub(crate) const RECEIVED: i64 = 1_763_653_600;

pub(crate) fn config(toml: &str) -> Arc<Config> {
    Arc::new(Config::from_parts(toml, None, &[]).expect("test config parses"))
}

pub(crate) fn ts_config() -> Arc<Config> {
    config(&format!(
        "[providers.talentsprout]\nsecret = \"{TS_SECRET}\"\n[providers.classet]\nsecret = \"{CL_SECRET}\"\n"
    ))
}

pub(crate) fn fixture(rel: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/payloads")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture as one line, as vendors send it.
pub(crate) fn compact(rel: &str) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(&fixture(rel)).expect("fixture is JSON");
    serde_json::to_vec(&v).expect("serializes")
}

pub(crate) fn ts_signature(secret: &str, t: i64, body: &[u8]) -> String {
    let msg = [format!("{t}.").as_bytes(), body].concat();
    format!(
        "t={t},v1={}",
        hex::encode(hmac_sha256(secret.as_bytes(), &msg))
    )
}

pub(crate) fn classet_signature(secret: &str, body: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hmac_sha256(secret.as_bytes(), body))
}

/// A delivery as the store holds it: analysed on arrival, secrets then redacted.
pub(crate) fn delivery(
    config: &Config,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Delivery {
    let mut request = Request {
        peer: Some("127.0.0.1:50123".into()),
        ..Request::post(path, headers, body)
    };
    let a = provider::analyze(&request, config, RECEIVED);
    Redactor::from_config(config).apply(&mut request);
    let mut findings = a.findings;
    // Stored deliveries carry no evidence; the debugger must work it out again.
    findings.verification.evidence = None;
    Delivery {
        id: "019aa1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into(),
        received_at: DateTime::<Utc>::from_timestamp(RECEIVED, 0).expect("valid time"),
        request,
        findings,
        response_status: 200,
        replay_of: None,
        forward: None,
    }
}

pub(crate) fn detail(delivery: Delivery, config: Arc<Config>) -> Detail {
    Detail::new(DetailInput {
        delivery,
        previous: None,
        fetched: None,
        config,
    })
}

pub(crate) fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub(crate) fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

pub(crate) fn press(d: &mut Detail, code: KeyCode) -> DetailOutcome {
    d.press(&crate::tui::keymap::Keymap::default(), key(code))
}

pub(crate) fn type_text(d: &mut Detail, text: &str) {
    for c in text.chars() {
        d.press(
            &crate::tui::keymap::Keymap::default(),
            key(KeyCode::Char(c)),
        );
    }
}

pub(crate) fn render(d: &Detail, width: u16, height: u16) -> Buffer {
    let area = Rect::new(0, 0, width, height);
    let mut buf = Buffer::empty(area);
    d.render(crate::tui::theme::Theme::colored(), area, &mut buf);
    buf
}

/// The buffer's text, one line per row.
pub(crate) fn text(buf: &Buffer) -> String {
    let a = buf.area;
    (a.top()..a.bottom())
        .map(|y| {
            (a.left()..a.right())
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
