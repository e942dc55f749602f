//! The delivery detail view, drawn on a `TestBackend`: every vendor's summary, the
//! transcript, changes, the signature debugger in each state, headers and body.

mod common;
mod detail_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use hookscope::tui::detail::{Detail, DetailInput, Tab};
use insta::assert_snapshot;
use ratatui::style::Color;

use common::{TS_SECRET, compact, fixture};
use detail_support::*;

/// Snapshots what `d` draws at `width`×`height`.
fn snap(name: &str, d: &Detail, width: u16, height: u16) {
    assert_snapshot!(name.to_string(), screen(d, width, height));
}

// ---- Summary ----

#[test]
fn summary_of_each_vendor() {
    let s = Tab::Summary;
    let abandoned = compact("talentsprout/interview_abandoned.json");
    let call = compact("classet/call_completed.json");
    let incomplete = compact("clearspeed/attempted_incomplete.json");
    let result = sample("jobmojito/interview_result.json");
    let cases = [
        ("talentsprout_completed", ts_completed(s), 80),
        (
            "talentsprout_abandoned",
            ts_detail(signing_config(), &abandoned, TS_SECRET, RECEIVED, s),
            50,
        ),
        (
            "classet_call_completed",
            classet_detail(signing_config(), &call, &call, s),
            45,
        ),
        (
            "clearspeed_incomplete",
            unsigned("/clearspeed", &incomplete, s),
            32,
        ),
        ("jobmojito_result", unsigned("/jobmojito", &result, s), 60),
        ("unknown_text", unsigned("/hooks/other", b"a=1&b=2", s), 20),
        (
            "talentsprout_not_json",
            unsigned("/talentsprout", b"<xml>not json</xml>", s),
            20,
        ),
    ];
    for (name, d, height) in cases {
        snap(&format!("detail_summary_{name}"), &d, 100, height);
    }
}

#[test]
fn summary_uses_two_columns_when_wide() {
    snap(
        "detail_summary_talentsprout_wide",
        &ts_completed(Tab::Summary),
        250,
        42,
    );
}

#[test]
fn summary_clearspeed_draws_the_verdict_in_the_vendor_colour() {
    let published = compact("clearspeed/result_published.json");
    let d = unsigned("/clearspeed", &published, Tab::Summary);
    let buf = draw(&d, 100, 40);
    let (x, y) = find(&buf, " HR ");
    assert_eq!(buf[(x + 1, y)].bg, Color::Rgb(0xdc, 0x35, 0x45));
    assert_eq!(buf[(x + 1, y)].fg, Color::White);
    let (x, y) = find(&buf, "HR  high risk");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    let (x, y) = find(&buf, "LR  low risk");
    assert_eq!(buf[(x, y)].fg, Color::Green);
    assert_snapshot!("detail_summary_clearspeed_published", text(&buf));

    let partial = sample("clearspeed/Attempted - Partial.json");
    let d = unsigned("/clearspeed", &partial, Tab::Summary);
    let buf = draw(&d, 100, 40);
    let (x, y) = find(&buf, " Partial ");
    assert_eq!(buf[(x + 1, y)].bg, Color::Rgb(0xff, 0xc1, 0x07));
    assert_eq!(buf[(x + 1, y)].fg, Color::Black);
    assert_snapshot!("detail_summary_clearspeed_partial", text(&buf));
}

#[test]
fn summary_classet_interview_updated_shows_the_vendor_diff() {
    let body = sample("classet/candidate.interview.updated.json");
    let d = classet_detail(signing_config(), &body, &body, Tab::Summary);
    let buf = draw(&d, 100, 45);
    let (x, y) = find(&buf, "candidate_not_responsive → qualified");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    assert_eq!(buf[(x + 28, y)].fg, Color::Green);
    assert_snapshot!("detail_summary_classet_interview_updated", text(&buf));
}

#[test]
fn summary_brilliant_without_and_with_the_fetched_response() {
    let cfg = config("[providers.brilliant]\nurl_key = \"brkey999\"\n");
    let body = compact("brilliant/response_completed.json");
    let d = delivery(&cfg, "/brilliant/brkey999", &[], &body);
    let unfetched = open(d.clone(), cfg.clone(), Tab::Summary);
    snap("detail_summary_brilliant_unfetched", &unfetched, 100, 22);
    let fetched = serde_json::json!({
        "ResponseId": 1112057, "Status": "Completed", "Candidate": {"Name": "Sam Lee"}, "Score": 71
    });
    let input = DetailInput {
        delivery: d,
        previous: None,
        fetched: Some(fetched),
        config: cfg,
    };
    snap(
        "detail_summary_brilliant_fetched",
        &Detail::new(input),
        100,
        28,
    );
}

// ---- Transcript ----

#[test]
fn transcript_talentsprout_and_search() {
    let mut d = ts_completed(Tab::Transcript);
    snap("detail_transcript_talentsprout", &d, 100, 12);
    press(&mut d, KeyCode::Char('/'));
    type_text(&mut d, "retries");
    snap("detail_transcript_search_typing", &d, 100, 12);
    press(&mut d, KeyCode::Enter);
    let buf = draw(&d, 100, 12);
    let (x, y) = find(&buf, "retries with");
    assert_eq!(buf[(x, y)].bg, Color::LightRed);
    assert_snapshot!("detail_transcript_search_found", text(&buf));
}

#[test]
fn transcript_classet_and_vendors_without_one() {
    let t = Tab::Transcript;
    let call = compact("classet/call_completed.json");
    let d = classet_detail(signing_config(), &call, &call, t);
    snap("detail_transcript_classet", &d, 100, 10);
    let sample_call = sample("classet/call_completed.json");
    snap(
        "detail_transcript_classet_sample",
        &unsigned("/classet", &sample_call, t),
        100,
        30,
    );
    let published = compact("clearspeed/result_published.json");
    snap(
        "detail_transcript_clearspeed",
        &unsigned("/clearspeed", &published, t),
        100,
        5,
    );
}

// ---- Changes ----

#[test]
fn changes_against_the_previous_delivery_or_none() {
    let cfg = config("");
    let (collected, result) = (
        sample("jobmojito/interview_collected.json"),
        sample("jobmojito/interview_result.json"),
    );
    let before = delivery_at(
        &cfg,
        "/jobmojito",
        &[],
        &collected,
        RECEIVED - 754,
        PREVIOUS_ID,
    );
    let now = delivery(&cfg, "/jobmojito", &[], &result);
    assert_eq!(before.findings.subject, now.findings.subject);
    let mut d = Detail::new(DetailInput {
        delivery: now,
        previous: Some(before),
        fetched: None,
        config: cfg,
    });
    d.set_tab(Tab::Changes);
    snap("detail_changes_jobmojito_resend", &d, 100, 30);
    let body = compact("classet/candidate_interview_updated.json");
    snap(
        "detail_changes_no_previous",
        &unsigned("/classet", &body, Tab::Changes),
        100,
        10,
    );
}

// ---- Verification ----

#[test]
fn verification_in_each_state() {
    let (ts, sc, v) = (compact(TS_COMPLETED), signing_config, Tab::Verification);
    let (stale, other) = (
        RECEIVED - 2 * 3600 - 13 * 60,
        "whsec_c29tZW9uZSBlbHNlcyBzZWNyZXQ",
    );
    let classet_compact = compact("classet/candidate_interview_updated.json");
    let classet_pretty = fixture("classet/candidate_interview_updated.json");
    let result = sample("jobmojito/interview_result.json");
    let cases = [
        ("verified", ts_completed(v), 30),
        (
            "stale_timestamp",
            ts_detail(sc(), &ts, TS_SECRET, stale, v),
            30,
        ),
        (
            "wrong_secret",
            ts_detail(sc(), &ts, other, RECEIVED - 4, v),
            30,
        ),
        (
            "body_reserialized",
            classet_detail(sc(), &classet_pretty, &classet_compact, v),
            30,
        ),
        (
            "unchecked",
            ts_detail(config(""), &ts, TS_SECRET, RECEIVED - 4, v),
            20,
        ),
        (
            "unsigned",
            unsigned("/jobmojito/interview_result", &result, v),
            16,
        ),
    ];
    for (name, d, height) in cases {
        snap(&format!("detail_verification_{name}"), &d, 100, height);
    }
}

#[test]
fn verification_jwt_claims() {
    use hookscope::oauth::{TokenRequest, issue};
    let cfg = config(
        "[providers.clearspeed]\njwt_secret = \"jwt-signing-key-0001\"\nclient_id = \"cs-client\"\n\
         client_secret = \"cs-client-secret\"\naudience = \"https://hooks.example.test\"\n",
    );
    let form = b"grant_type=client_credentials&client_id=cs-client&client_secret=cs-client-secret";
    let token = issue(
        &cfg.providers.clearspeed,
        &TokenRequest::parse(form, None),
        RECEIVED - 30,
    )
    .expect("token");
    let auth = format!("Bearer {token}");
    let body = compact("clearspeed/result_published.json");
    let d = open(
        delivery(&cfg, "/clearspeed", &[("authorization", &auth)], &body),
        cfg,
        Tab::Verification,
    );
    let shown = screen(&d, 100, 36);
    assert!(!shown.contains("jwt-signing-key-0001"), "{shown}");
    assert_snapshot!("detail_verification_jwt_claims", shown);
}

#[test]
fn verification_editing_the_secret_masked_then_revealed() {
    let body = compact(TS_COMPLETED);
    let mut d = ts_detail(
        config(""),
        &body,
        TS_SECRET,
        RECEIVED - 4,
        Tab::Verification,
    );
    press(&mut d, KeyCode::Char('s'));
    type_text(&mut d, TS_SECRET);
    let masked = screen(&d, 100, 30);
    assert!(!masked.contains(&TS_SECRET[..12]), "{masked}");
    assert_snapshot!("detail_verification_editing_secret_masked", masked);
    d.press(
        &hookscope::tui::keymap::Keymap::default(),
        KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL),
    );
    let revealed = screen(&d, 100, 30);
    assert!(revealed.contains(TS_SECRET), "{revealed}");
    assert_snapshot!("detail_verification_editing_secret_revealed", revealed);
}

#[test]
fn verification_editing_the_body() {
    let mut d = ts_completed(Tab::Verification);
    press(&mut d, KeyCode::Char('b'));
    press(&mut d, KeyCode::End);
    press(&mut d, KeyCode::Enter);
    snap("detail_verification_editing_body", &d, 100, 24);
    press(&mut d, KeyCode::Esc);
    snap("detail_verification_edited_body", &d, 100, 30);
}

// ---- Headers ----

#[test]
fn headers_masked_then_revealed() {
    let cfg = config("[providers.clearspeed]\napi_key = \"cs_live_key_123456\"\n");
    let headers = [
        ("x-api-key", "cs_live_key_123456"),
        ("authorization", "Basic dXNlcjpwYXNzd29yZA=="),
        ("cookie", "session=abcdef0123456789"),
        ("x-request-token", "rt_9f8e7d6c5b4a"),
        (
            "x-talentsprout-signature",
            "t=1763653596,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd",
        ),
    ];
    let body = compact("clearspeed/result_published.json");
    let mut d = open(
        delivery(&cfg, "/clearspeed?attempt=2", &headers, &body),
        cfg,
        Tab::Headers,
    );
    let masked = screen(&d, 100, 24);
    for secret in [
        "cs_live_key_123456",
        "abcdef0123456789",
        "rt_9f8e7d6c5b4a",
        "dXNlcjpwYXNzd29yZA",
    ] {
        assert!(!masked.contains(secret), "{secret} shown:\n{masked}");
    }
    assert_snapshot!("detail_headers_masked", masked);
    press(&mut d, KeyCode::Char('v'));
    snap("detail_headers_revealed", &d, 100, 24);
}

#[test]
fn headers_mask_a_brilliant_url_key() {
    let body = compact("brilliant/response_completed.json");
    let d = unsigned("/brilliant/k3ysecret99", &body, Tab::Headers);
    let shown = screen(&d, 100, 14);
    assert!(!shown.contains("k3ysecret99"), "{shown}");
    assert_snapshot!("detail_headers_brilliant_url_key", shown);
}

// ---- Body ----

#[test]
fn body_pretty_folded_and_raw() {
    let mut d = ts_completed(Tab::Body);
    snap("detail_body_pretty", &d, 100, 30);
    press(&mut d, KeyCode::Char('z'));
    (0..5).for_each(|_| press(&mut d, KeyCode::Char('j')));
    press(&mut d, KeyCode::Enter);
    snap("detail_body_folded", &d, 100, 30);
    press(&mut d, KeyCode::Char('p'));
    snap("detail_body_raw", &d, 100, 12);
}

#[test]
fn body_hex_for_binary() {
    let mut body = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    body.extend(0u8..=40);
    snap(
        "detail_body_hex",
        &unsigned("/upload", &body, Tab::Body),
        100,
        8,
    );
}

// ---- Narrow and hostile ----

#[test]
fn narrow_60x15() {
    let mut d = ts_completed(Tab::Summary);
    for tab in Tab::ALL.into_iter().filter(|t| *t != Tab::Changes) {
        d.set_tab(tab);
        let name = format!("detail_narrow_{}", tab.title().to_lowercase());
        snap(&name, &d, 60, 15);
    }
}

#[test]
fn hostile_payloads_draw_no_control_characters() {
    let evil = "Eve\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\u{202e}txt";
    let mut v: serde_json::Value = serde_json::from_slice(&compact(TS_COMPLETED)).expect("JSON");
    v["candidate"]["full_name"] = evil.into();
    v["evaluation"]["ai_summary"]["strengths"][0] = evil.into();
    v["transcript"][0]["text"] = evil.into();
    v[evil] = evil.into();
    let body = serde_json::to_vec(&v).expect("serializes");
    let cfg = signing_config();
    let sig = common::talentsprout_header(TS_SECRET, RECEIVED, &body);
    let headers = [("x-talentsprout-signature", sig.as_str()), ("x-evil", evil)];
    let mut d = open(
        delivery(&cfg, "/talentsprout", &headers, &body),
        cfg,
        Tab::Summary,
    );
    for tab in Tab::ALL {
        d.set_tab(tab);
        for keys in ["", "r", "x", "b"] {
            keys.chars().for_each(|c| press(&mut d, KeyCode::Char(c)));
            let buf = draw(&d, 100, 40);
            let bad: Vec<_> = buf
                .area
                .positions()
                .filter(|p| buf[*p].symbol().chars().any(char::is_control))
                .collect();
            assert!(
                bad.is_empty(),
                "{tab:?} after {keys:?}: control characters at {bad:?}"
            );
        }
    }
    d.set_tab(Tab::Summary);
    let shown = screen(&d, 100, 14);
    assert!(shown.contains("Eve␛[2J␛]0;pwned␇"), "{shown}");
    assert_snapshot!("detail_hostile_summary", shown);
}
