use crossterm::event::KeyCode;

use super::super::testing::*;
use super::super::{Detail, Tab};
use super::*;
use crate::signature::{Hint, Status};

fn debugger_for(cfg: Arc<Config>, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Detail {
    let mut d = detail(delivery(&cfg, path, headers, body), cfg);
    d.set_tab(Tab::Verification);
    d
}

fn verdict(d: &Detail) -> (Status, Option<Hint>) {
    let v = d.verification.verdict();
    (v.status, v.hint)
}

fn ts_signed(cfg: Arc<Config>, t: i64) -> Detail {
    let body = compact("talentsprout/interview_completed.json");
    let sig = ts_signature(TS_SECRET, t, &body);
    debugger_for(
        cfg,
        "/talentsprout",
        &[("x-talentsprout-signature", &sig)],
        &body,
    )
}

#[test]
fn typing_the_right_secret_verifies_and_a_wrong_one_fails_with_the_hint() {
    let mut d = ts_signed(config(""), RECEIVED - 10);
    assert_eq!(verdict(&d), (Status::Unchecked, None));
    press(&mut d, KeyCode::Char('s'));
    assert_eq!(d.verification.focus(), Focus::Secret);
    type_text(&mut d, TS_SECRET);
    assert_eq!(verdict(&d), (Status::Verified, None));
    type_text(&mut d, "x");
    assert_eq!(verdict(&d), (Status::Failed, Some(Hint::WrongSecret)));
    press(&mut d, KeyCode::Backspace);
    assert_eq!(verdict(&d), (Status::Verified, None));
    // The secret without its prefix is a diagnosis of its own.
    press(&mut d, KeyCode::Home);
    for _ in 0..6 {
        press(&mut d, KeyCode::Delete);
    }
    assert_eq!(verdict(&d), (Status::Failed, Some(Hint::SecretPrefix)));
    // Enter finishes editing and keeps the edit.
    press(&mut d, KeyCode::Enter);
    assert!(!d.is_editing());
    assert_eq!(verdict(&d), (Status::Failed, Some(Hint::SecretPrefix)));
}

#[test]
fn editing_the_body_changes_the_verdict_and_reset_restores_it() {
    let mut d = ts_signed(ts_config(), RECEIVED - 10);
    assert_eq!(verdict(&d), (Status::Verified, None));
    press(&mut d, KeyCode::Char('b'));
    assert_eq!(d.verification.focus(), Focus::Body);
    press(&mut d, KeyCode::End);
    press(&mut d, KeyCode::Enter);
    assert_eq!(verdict(&d), (Status::Failed, Some(Hint::TrailingNewline)));
    press(&mut d, KeyCode::Backspace);
    assert_eq!(verdict(&d), (Status::Verified, None));
    press(&mut d, KeyCode::Char(' '));
    assert_eq!(verdict(&d), (Status::Failed, Some(Hint::TrailingNewline)));
    press(&mut d, KeyCode::Home);
    press(&mut d, KeyCode::Char('x'));
    assert_eq!(verdict(&d).1, Some(Hint::WrongSecret));
    // Tab moves to the secret, Esc leaves the edits in place.
    press(&mut d, KeyCode::Tab);
    assert_eq!(d.verification.focus(), Focus::Secret);
    press(&mut d, KeyCode::Esc);
    assert_eq!(verdict(&d).1, Some(Hint::WrongSecret));
    assert!(d.verification.is_edited());
    assert!(matches!(
        press(&mut d, KeyCode::Char('R')),
        DetailOutcome::Message(_)
    ));
    assert_eq!(verdict(&d), (Status::Verified, None));
    assert!(!d.verification.is_edited());
}

#[test]
fn a_pretty_printed_body_is_diagnosed_and_compacting_it_verifies() {
    let cfg = ts_config();
    let compact_body = compact("classet/candidate_interview_updated.json");
    let sig = classet_signature(CL_SECRET, &compact_body);
    let pretty = fixture("classet/candidate_interview_updated.json");
    let mut d = debugger_for(
        cfg,
        "/classet",
        &[("x-classet-webhook-signature", &sig)],
        &pretty,
    );
    assert_eq!(verdict(&d), (Status::Failed, Some(Hint::BodyReserialized)));
    // Replace the body with its compact form by clearing it and typing.
    press(&mut d, KeyCode::Char('b'));
    if let Some(body) = d.verification.body.as_mut() {
        body.select_all();
        body.cut();
    }
    type_text(&mut d, &String::from_utf8_lossy(&compact_body));
    assert_eq!(verdict(&d), (Status::Verified, None));
}

#[test]
fn a_stale_timestamp_fails_however_the_secret_is_set() {
    let d = ts_signed(ts_config(), RECEIVED - 2 * 3600 - 13 * 60);
    assert_eq!(
        verdict(&d),
        (Status::Failed, Some(Hint::TimestampOutsideTolerance))
    );
    let skew = d
        .verification
        .verdict()
        .evidence
        .as_ref()
        .and_then(|e| e.skew_secs);
    assert_eq!(skew, Some(2 * 3600 + 13 * 60));
}

#[test]
fn a_stale_timestamp_stays_in_sight_while_the_secret_and_the_body_are_edited() {
    let mut d = ts_signed(ts_config(), RECEIVED - 2 * 3600 - 13 * 60);
    d.set_tab(Tab::Verification);
    press(&mut d, KeyCode::Char('s'));
    type_text(&mut d, "x");
    assert_eq!(verdict(&d).0, Status::Failed);
    let screen = text(&render(&d, 100, 40));
    assert!(
        screen.contains("signed 2 h 13 min before receipt"),
        "{screen}"
    );
    press(&mut d, KeyCode::Esc);
    press(&mut d, KeyCode::Char('b'));
    type_text(&mut d, " ");
    let screen = text(&render(&d, 100, 40));
    assert!(
        screen.contains("outside it, whatever the secret"),
        "{screen}"
    );
}

#[test]
fn redaction_markers_are_restored_before_re_verifying() {
    let key = "cs_live_key_123456";
    let cfg = config(&format!("[providers.clearspeed]\napi_key = \"{key}\"\n"));
    let body = compact("clearspeed/result_published.json");
    let d = debugger_for(cfg.clone(), "/clearspeed", &[("x-api-key", key)], &body);
    let stored = &d.delivery().request;
    assert_eq!(
        stored.header("x-api-key"),
        Some("[redacted:providers.clearspeed.api_key]")
    );
    // Checked as stored, the marker is not the key…
    let raw = provider::analyze_as(ProviderId::CLEARSPEED, stored, &cfg, RECEIVED);
    assert_eq!(raw.findings.verification.status, Status::Failed);
    // …but the debugger restores it first.
    assert_eq!(verdict(&d), (Status::Verified, None));
    assert!(d.verification.verdict().evidence.is_some());

    let url_cfg = config("[providers.brilliant]\nurl_key = \"brkey999\"\n");
    let body = compact("brilliant/response_completed.json");
    let b = debugger_for(url_cfg, "/brilliant/brkey999", &[], &body);
    assert!(b.delivery().request.path.contains("[redacted:"));
    assert_eq!(verdict(&b), (Status::Verified, None));
}

#[test]
fn the_secret_field_edits_the_setting_the_check_uses() {
    let cfg =
        config("[providers.jobmojito]\nheader = \"X-Mojito-Token\"\nvalue = \"mojito-token-1\"\n");
    let body = compact("jobmojito/interview_collected.json");
    let mut d = debugger_for(
        cfg,
        "/jobmojito",
        &[("x-mojito-token", "mojito-token-1")],
        &body,
    );
    assert_eq!(verdict(&d), (Status::Verified, None));
    press(&mut d, KeyCode::Char('s'));
    press(&mut d, KeyCode::Backspace);
    assert_eq!(verdict(&d), (Status::Failed, Some(Hint::WrongSecret)));
    // Emptying the field unsets the setting: nothing left to compare with.
    for _ in 0..20 {
        press(&mut d, KeyCode::Backspace);
    }
    assert_eq!(verdict(&d).0, Status::Unchecked);
}

#[test]
fn unknown_providers_have_no_secret_to_try() {
    let cfg = config("");
    let mut d = debugger_for(cfg, "/somewhere", &[], b"hello");
    assert!(matches!(
        press(&mut d, KeyCode::Char('s')),
        DetailOutcome::Message(_)
    ));
    assert!(!d.is_editing());
    assert_eq!(verdict(&d).0, Status::Unsigned);
}

#[test]
fn binary_bodies_cannot_be_edited() {
    let cfg = ts_config();
    let body = b"\xff\xfe{}";
    let sig = ts_signature(TS_SECRET, RECEIVED, body);
    let mut d = debugger_for(
        cfg,
        "/talentsprout",
        &[("x-talentsprout-signature", &sig)],
        body,
    );
    assert_eq!(verdict(&d), (Status::Verified, None));
    assert!(matches!(
        press(&mut d, KeyCode::Char('b')),
        DetailOutcome::Message(_)
    ));
    assert!(!d.is_editing());
}
