//! Helpers for the detail-view snapshots: deliveries built as the receiver builds them
//! and drawn on a `TestBackend`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hookscope::config::Config;
use hookscope::model::{Delivery, Request};
use hookscope::provider;
use hookscope::redact::Redactor;
use hookscope::tui::detail::{Detail, DetailInput, Tab};
use hookscope::tui::view::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

use crate::common::{CL_SECRET, TS_SECRET, classet_header, compact, talentsprout_header};

/// 2025-11-20T15:46:40Z.
pub const RECEIVED: i64 = 1_763_653_600;
pub const ID: &str = "019aa1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
pub const PREVIOUS_ID: &str = "019aa1a0-0000-7000-8000-00000000beef";

pub fn config(toml: &str) -> Arc<Config> {
    Arc::new(Config::from_parts(toml, None, &[]).expect("test config parses"))
}

pub fn signing_config() -> Arc<Config> {
    config(&format!(
        "[providers.talentsprout]\nsecret = \"{TS_SECRET}\"\n[providers.classet]\nsecret = \"{CL_SECRET}\"\n"
    ))
}

pub fn sample(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets/samples")
        .join(rel);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("sample")).expect("JSON");
    serde_json::to_vec(&v).expect("serializes")
}

/// A delivery as the store holds it: analysed on arrival, secrets redacted, no evidence.
pub fn delivery_at(
    config: &Config,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    at: i64,
    id: &str,
) -> Delivery {
    let headers: Vec<(&str, &str)> = [
        ("content-type", "application/json"),
        ("user-agent", "vendor-webhooks/2.1"),
    ]
    .iter()
    .chain(headers)
    .copied()
    .collect();
    let mut request = Request {
        peer: Some("203.0.113.7:50123".into()),
        ..Request::post(path, &headers, body)
    };
    let a = provider::analyze(&request, config, at);
    Redactor::from_config(config).apply(&mut request);
    let mut findings = a.findings;
    findings.verification.evidence = None;
    Delivery {
        id: id.into(),
        received_at: DateTime::<Utc>::from_timestamp(at, 0).expect("valid time"),
        request,
        findings,
        response_status: 200,
        replay_of: None,
        forward: None,
    }
}

pub fn delivery(config: &Config, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Delivery {
    delivery_at(config, path, headers, body, RECEIVED, ID)
}

pub fn open(delivery: Delivery, config: Arc<Config>, tab: Tab) -> Detail {
    let mut d = Detail::new(DetailInput {
        delivery,
        previous: None,
        fetched: None,
        config,
    });
    d.set_tab(tab);
    d
}

pub fn press(d: &mut Detail, code: KeyCode) {
    d.press(
        &hookscope::tui::keymap::Keymap::default(),
        KeyEvent::new(code, KeyModifiers::NONE),
    );
}

pub fn type_text(d: &mut Detail, text: &str) {
    text.chars().for_each(|c| press(d, KeyCode::Char(c)));
}

pub fn draw(d: &Detail, width: u16, height: u16) -> Buffer {
    draw_in(d, Theme::colored(), width, height)
}

pub fn draw_in(d: &Detail, theme: Theme, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| d.render(theme, f.area(), f.buffer_mut()))
        .expect("draws");
    terminal.backend().buffer().clone()
}

pub fn text(buf: &Buffer) -> String {
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

pub fn screen(d: &Detail, width: u16, height: u16) -> String {
    text(&draw(d, width, height))
}

/// Where `needle` starts on screen, as (x, y).
pub fn find(buf: &Buffer, needle: &str) -> (u16, u16) {
    let t = text(buf);
    for (y, line) in t.lines().enumerate() {
        if let Some(i) = line.find(needle) {
            return (line[..i].chars().count() as u16, y as u16);
        }
    }
    panic!("{needle:?} not on screen:\n{t}")
}

pub const TS_COMPLETED: &str = "talentsprout/interview_completed.json";

/// The completed TalentSprout interview, signed 4 s before receipt and verified.
pub fn ts_completed(tab: Tab) -> Detail {
    let body = compact(TS_COMPLETED);
    ts_detail(signing_config(), &body, TS_SECRET, RECEIVED - 4, tab)
}

/// A TalentSprout delivery of `body` signed with `secret` at `t`, opened on `tab`.
pub fn ts_detail(cfg: Arc<Config>, body: &[u8], secret: &str, t: i64, tab: Tab) -> Detail {
    let sig = talentsprout_header(secret, t, body);
    let d = delivery(
        &cfg,
        "/talentsprout",
        &[("x-talentsprout-signature", &sig)],
        body,
    );
    open(d, cfg, tab)
}

/// A Classet delivery of `body` carrying the signature of `signed`, opened on `tab`.
pub fn classet_detail(cfg: Arc<Config>, body: &[u8], signed: &[u8], tab: Tab) -> Detail {
    let sig = classet_header(CL_SECRET, signed);
    let d = delivery(
        &cfg,
        "/classet",
        &[("x-classet-webhook-signature", &sig)],
        body,
    );
    open(d, cfg, tab)
}

/// A delivery without credentials, opened on `tab`.
pub fn plain_detail(cfg: Arc<Config>, path: &str, body: &[u8], tab: Tab) -> Detail {
    let d = delivery(&cfg, path, &[], body);
    open(d, cfg, tab)
}

/// A delivery without credentials and nothing configured, opened on `tab`.
pub fn unsigned(path: &str, body: &[u8], tab: Tab) -> Detail {
    plain_detail(config(""), path, body, tab)
}
