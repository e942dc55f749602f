use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::*;
use crate::config::Secret;
use crate::sender::{Attempt, Policy};
use crate::tui::resend::{Resend, Resent};

const CL_SECRET: &str = "classet_sig_secret_1b7e";
const TS_SECRET: &str = "whsec_dGVzdF9zZWNyZXRfZm9yX3RhbGVudHNwcm91dA";

fn mac(key: &str, msg: &[u8]) -> Vec<u8> {
    let mut m = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

fn config() -> Config {
    let mut c = Config::default();
    c.providers.classet.secret = Some(Secret::new(CL_SECRET));
    c.providers.talentsprout.secret = Some(Secret::new(TS_SECRET));
    c
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl Fixture {
    /// Stores a delivery of `body`, signed with `signature`: the newest row, selected.
    fn put(&mut self, body: &[u8], provider: ProviderId, signature: Option<String>) -> Delivery {
        let mut d = self.build(provider, Status::Verified, "cand_9");
        d.id = format!("019aa1b2-0000-7000-8000-{:012}", self.next);
        d.request.body = Bytes::copy_from_slice(body);
        d.request.body_bytes = body.len() as u64;
        let name = match provider {
            ProviderId::TALENTSPROUT => "x-talentsprout-signature",
            _ => "x-classet-webhook-signature",
        };
        d.request
            .headers
            .extend(signature.map(|s| (name.into(), s)));
        self.store.insert(&d);
        d
    }

    fn classet(&mut self, body: &str) -> Delivery {
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(mac(CL_SECRET, body.as_bytes()));
        self.put(body.as_bytes(), ProviderId::CLASSET, Some(sig))
    }
}

fn one_resend(commands: Vec<Command>) -> Resend {
    match <[Command; 1]>::try_from(commands) {
        Ok([Command::Resend(r)]) => *r,
        Ok(other) => panic!("{other:?}"),
        Err(other) => panic!("{other:?}"),
    }
}

fn ctrl(c: char) -> AppEvent {
    AppEvent::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

const BODY: &str = r#"{"n":1,"candidate":"cand_9","score":7}"#;

#[test]
fn r_with_a_forward_target_sends_there_at_once() {
    let mut f = Fixture::new();
    let d = f.classet(BODY);
    let mut app = f.app_with(config(), Some("http://127.0.0.1:3000"));
    let r = one_resend(apply(&mut app, [ch('r')]));
    assert_eq!(r.original, d.id);
    assert_eq!(r.outgoing.url, "http://127.0.0.1:3000/classet");
    assert_eq!(r.outgoing.body, BODY.as_bytes());
    assert_eq!(
        header(&r.outgoing.headers, "x-hookscope-replay-of"),
        Some(d.id.as_str())
    );
    assert!(app.prompt().is_none());
    let m = app.message().unwrap();
    assert_eq!(
        m.text,
        "Re-sending 019aa1b2-0000 to http://127.0.0.1:3000/classet…"
    );
}

#[test]
fn r_without_a_target_asks_for_a_url_prefilled_with_the_listen_address() {
    let mut f = Fixture::new();
    let d = f.classet(BODY);
    let mut app = f.app_with(config(), None);
    assert!(apply(&mut app, [ch('r')]).is_empty());
    let prompt = app.prompt().expect("the prompt opens");
    assert_eq!(prompt.text(), "http://127.0.0.1:8787");
    let r = one_resend(apply(&mut app, [key(KeyCode::Enter)]));
    assert_eq!(r.outgoing.url, "http://127.0.0.1:8787/classet");
    assert_eq!(r.original, d.id);
    assert!(app.prompt().is_none());
    // Hookscope's own address is offered again, the URLs typed before a ↑ away.
    apply(&mut app, [ch('r'), ctrl('u')]);
    assert_eq!(app.prompt().unwrap().text(), "", "Ctrl-U clears the line");
    for c in "http://127.0.0.1:3000".chars() {
        apply(&mut app, [ch(c)]);
    }
    apply(&mut app, [key(KeyCode::Enter)]);
    apply(&mut app, [ch('r')]);
    assert_eq!(app.prompt().unwrap().text(), "http://127.0.0.1:8787");
    apply(&mut app, [key(KeyCode::Up)]);
    assert_eq!(app.prompt().unwrap().text(), "http://127.0.0.1:3000");
    apply(&mut app, [key(KeyCode::Up)]);
    assert_eq!(app.prompt().unwrap().text(), "http://127.0.0.1:3000");
    apply(&mut app, [key(KeyCode::Down)]);
    assert_eq!(app.prompt().unwrap().text(), "http://127.0.0.1:8787");
}

#[test]
fn a_viewer_has_no_address_of_its_own_to_offer() {
    let mut f = Fixture::new();
    f.classet(BODY);
    let mut app = f.app_listening(config(), None, "");
    apply(&mut app, [ch('r')]);
    assert_eq!(app.prompt().expect("the prompt opens").text(), "");
    for c in "http://127.0.0.1:3000".chars() {
        apply(&mut app, [ch(c)]);
    }
    one_resend(apply(&mut app, [key(KeyCode::Enter)]));
    apply(&mut app, [ch('r')]);
    assert_eq!(app.prompt().unwrap().text(), "http://127.0.0.1:3000");
}

#[test]
fn esc_cancels_the_prompt_and_a_bad_url_keeps_it_open() {
    let mut f = Fixture::new();
    f.classet(BODY);
    let mut app = f.app_with(config(), None);
    apply(&mut app, [key(KeyCode::Enter), ch('r')]);
    assert!(apply(&mut app, [key(KeyCode::Esc)]).is_empty());
    assert!(app.prompt().is_none());
    assert!(app.detail().is_some(), "Esc closes only the prompt");
    apply(&mut app, [ch('r'), ctrl('a'), ctrl('k')]);
    assert_eq!(app.prompt().unwrap().text(), "");
    assert!(apply(&mut app, [ch('x'), key(KeyCode::Enter)]).is_empty());
    assert!(app.prompt().is_some());
    assert!(app.message().unwrap().error);
}

#[test]
fn typing_q_in_the_prompt_does_not_quit_but_ctrl_c_does() {
    let mut f = Fixture::new();
    f.classet(BODY);
    let mut app = f.app_with(config(), None);
    apply(&mut app, [ch('r')]);
    assert!(apply(&mut app, [ch('/'), ch('q')]).is_empty());
    assert_eq!(app.prompt().unwrap().text(), "http://127.0.0.1:8787/q");
    assert_eq!(app.update(ctrl_c()), vec![Command::Quit]);
}

#[test]
fn e_opens_the_editor_with_pretty_json() {
    let mut f = Fixture::new();
    f.classet(BODY);
    let mut app = f.app_with(config(), None);
    apply(&mut app, [ch('e')]);
    let editor = app.editor().expect("the editor opens");
    assert!(editor.is_pretty());
    assert_eq!(
        editor.text(),
        "{\n  \"n\": 1,\n  \"candidate\": \"cand_9\",\n  \"score\": 7\n}"
    );
    // Every key is text now, even q; Esc closes without sending.
    assert!(apply(&mut app, [ch('q')]).is_empty());
    assert!(apply(&mut app, [key(KeyCode::Esc)]).is_empty());
    assert!(app.editor().is_none());
    apply(&mut app, [ch('e')]);
    assert_eq!(app.update(ctrl_c()), vec![Command::Quit]);
}

/// Changes `"score": 7` to 9 in the pretty-printed body.
fn edit_score() -> Vec<AppEvent> {
    let mut keys = vec![ch('e')];
    keys.extend(
        [
            KeyCode::Down,
            KeyCode::Down,
            KeyCode::Down,
            KeyCode::End,
            KeyCode::Backspace,
        ]
        .map(key),
    );
    keys.push(ch('9'));
    keys
}

#[test]
fn ctrl_s_sends_the_edited_json_compacted_and_signed_anew() {
    let mut f = Fixture::new();
    let d = f.classet(BODY);
    let mut app = f.app_with(config(), Some("http://127.0.0.1:3000/hooks"));
    assert!(apply(&mut app, edit_score()).is_empty());
    let r = one_resend(apply(&mut app, [ctrl('s')]));
    let sent = br#"{"n":1,"candidate":"cand_9","score":9}"#;
    assert_eq!(r.outgoing.body, sent);
    assert_eq!(r.outgoing.url, "http://127.0.0.1:3000/hooks");
    assert_eq!(r.original, d.id);
    assert!(r.edited);
    let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac(CL_SECRET, sent));
    let signature = header(&r.outgoing.headers, "x-classet-webhook-signature");
    assert_eq!(signature, Some(expected.as_str()));
    assert_ne!(
        signature,
        header(&d.request.headers, "x-classet-webhook-signature")
    );
    assert!(app.editor().is_none(), "sent: the editor closes");
}

#[test]
fn ctrl_s_without_a_target_asks_for_the_url_over_the_editor() {
    let mut f = Fixture::new();
    f.classet(BODY);
    let mut app = f.app_with(config(), None);
    apply(&mut app, edit_score());
    assert!(apply(&mut app, [ctrl('s')]).is_empty());
    assert!(app.prompt().is_some() && app.editor().is_some());
    // Esc on the prompt goes back to the edit, not losing it.
    apply(&mut app, [key(KeyCode::Esc)]);
    assert!(app.prompt().is_none());
    assert!(app.editor().unwrap().text().contains("\"score\": 9"));
    apply(&mut app, [ctrl('s')]);
    let r = one_resend(apply(&mut app, [key(KeyCode::Enter)]));
    assert_eq!(r.outgoing.url, "http://127.0.0.1:8787/classet");
    assert_eq!(
        r.outgoing.body,
        br#"{"n":1,"candidate":"cand_9","score":9}"#
    );
    assert!(app.editor().is_none() && app.prompt().is_none());
}

#[test]
fn an_edit_that_breaks_the_json_is_refused_with_where_it_breaks() {
    let mut f = Fixture::new();
    f.classet(BODY);
    let mut app = f.app_with(config(), Some("http://127.0.0.1:3000"));
    apply(&mut app, [ch('e'), key(KeyCode::Down), ch('x')]);
    assert!(apply(&mut app, [ctrl('s')]).is_empty(), "nothing is sent");
    assert!(app.editor().is_some(), "the edits stay open");
    let m = app.message().unwrap();
    assert!(m.error);
    assert!(
        m.text.contains("not valid JSON at line 2, column"),
        "{}",
        m.text
    );
    // The cursor waits on the mistake: fixed, it goes.
    apply(&mut app, [key(KeyCode::Delete)]);
    let r = one_resend(apply(&mut app, [ctrl('s')]));
    assert_eq!(r.outgoing.body, BODY.as_bytes());
}

#[test]
fn an_unchanged_body_goes_as_stored() {
    let mut f = Fixture::new();
    let d = f.classet(r#"{ "spaced" : true }"#);
    let mut app = f.app_with(config(), Some("http://127.0.0.1:3000"));
    let r = one_resend(apply(&mut app, [ch('e'), ctrl('s')]));
    assert_eq!(r.outgoing.body, d.request.body.to_vec());
    assert!(!r.edited);
}

#[test]
fn a_body_that_is_not_utf8_is_not_edited() {
    let mut f = Fixture::new();
    f.put(&[b'{', 0xff, b'}'], ProviderId::CLASSET, None);
    let mut app = f.app_with(config(), None);
    assert!(apply(&mut app, [ch('e')]).is_empty());
    assert!(app.editor().is_none());
    let m = app.message().unwrap();
    assert!(m.error && m.text.contains("not UTF-8"), "{m:?}");
}

#[test]
fn talentsprout_gets_a_fresh_timestamp_and_the_footer_says_why() {
    let mut f = Fixture::new();
    let old = super::fake::NOW - 3600;
    let mut msg = format!("{old}.").into_bytes();
    msg.extend_from_slice(BODY.as_bytes());
    let sig = format!("t={old},v1={}", hex::encode(mac(TS_SECRET, &msg)));
    f.put(BODY.as_bytes(), ProviderId::TALENTSPROUT, Some(sig));
    let mut app = f.app_with(config(), Some("http://127.0.0.1:3000"));
    let r = one_resend(apply(&mut app, [ch('r')]));
    let value = header(&r.outgoing.headers, "x-talentsprout-signature").unwrap();
    let (t, v1) = value.split_once(',').unwrap();
    let t: i64 = t.trim_start_matches("t=").parse().unwrap();
    assert_eq!(
        t,
        super::fake::NOW,
        "the time the send was prepared at: {value}"
    );
    let mut msg = format!("{t}.").into_bytes();
    msg.extend_from_slice(BODY.as_bytes());
    assert_eq!(
        v1.trim_start_matches("v1="),
        hex::encode(mac(TS_SECRET, &msg))
    );
    app.update(AppEvent::Resent(Resent {
        original: r.original.clone(),
        url: r.outgoing.url.clone(),
        edited: false,
        notes: r.notes.clone(),
        attempt: Attempt {
            number: 1,
            status: Some(200),
            error: None,
            latency: Duration::from_millis(4),
            acknowledged: true,
            retry_in: None,
            answer: String::new(),
        },
        policy: Policy::for_provider(ProviderId::TALENTSPROUT, Duration::from_secs(1)),
    }));
    let m = app.message().unwrap();
    assert_eq!(
        m.text,
        "Re-sent 019aa1b2-0000 to http://127.0.0.1:3000/talentsprout: 200 OK in 4 ms \
         (acknowledged); t= refreshed, as the original's would fail the 300 s tolerance check"
    );
}

#[test]
fn talentsprout_without_its_secret_is_not_re_sent_stale() {
    let mut f = Fixture::new();
    f.put(
        BODY.as_bytes(),
        ProviderId::TALENTSPROUT,
        Some("t=1,v1=00".into()),
    );
    let mut app = f.app_with(Config::default(), Some("http://127.0.0.1:3000"));
    assert!(apply(&mut app, [ch('r')]).is_empty());
    let m = app.message().unwrap();
    assert!(
        m.error && m.text.contains("providers.talentsprout.secret"),
        "{m:?}"
    );
}

#[test]
fn in_the_detail_r_re_sends_on_every_tab() {
    let mut f = Fixture::new();
    f.classet(BODY);
    let mut app = f.app_with(config(), Some("http://127.0.0.1:3000"));
    apply(&mut app, [key(KeyCode::Enter)]);
    one_resend(apply(&mut app, [ch('r')]));
    apply(&mut app, [ch('6')]);
    assert_eq!(app.detail().unwrap().tab(), Tab::Body);
    one_resend(apply(&mut app, [ch('r')]));
    assert!(
        apply(&mut app, [ch('p')]).is_empty(),
        "p switches pretty/raw there"
    );
    apply(&mut app, [ch('e')]);
    assert!(app.editor().is_some());
}
