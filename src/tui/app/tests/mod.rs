use bytes::Bytes;
use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEventKind};

use super::*;
use crate::model::Request;
use crate::model::{DetectedBy, Findings, ProviderId};
use crate::signature::{Hint, Status, Verification};
use crate::tui::clipboard::CopyMethod;
use crate::tui::detail::Tab;
use crate::tui::driver::Tui;
use fake::FakeStore;

mod actions;
mod fake;
mod filtering;
mod navigation;
mod resend;
mod write_secret;

/// The app over a store in memory.
type TestApp = Tui<FakeStore>;

struct Fixture {
    store: FakeStore,
    next: i64,
}

impl Fixture {
    fn new() -> Self {
        Self {
            store: FakeStore::default(),
            next: 0,
        }
    }

    fn add(&mut self, provider: ProviderId, status: Status, subject: &str) -> Arc<Delivery> {
        let d = self.build(provider, status, subject);
        self.store.insert(&d);
        Arc::new(d)
    }

    /// The next delivery, not stored yet.
    fn build(&mut self, provider: ProviderId, status: Status, subject: &str) -> Delivery {
        self.next += 1;
        let n = self.next;
        let body = format!("{{\"n\":{n},\"candidate\":\"{subject}\",\"note\":\"it's\"}}");
        let mut verification = Verification::new(status, "test-scheme", "detail");
        if status == Status::Failed {
            verification.hint = Some(Hint::WrongSecret);
        }
        Delivery {
            id: format!("0193a5b0-0000-7000-8000-{n:012}"),
            received_at: Utc.timestamp_opt(1_763_650_000 + n, 0).unwrap(),
            request: Request::post(
                &format!("/{provider}"),
                &[("content-type", "application/json"), ("x-note", "O'Brien")],
                body.as_bytes(),
            ),
            findings: Findings {
                provider,
                detected_by: DetectedBy::Path,
                event: Some(if provider == ProviderId::CLASSET {
                    "call_completed".into()
                } else {
                    "interview.completed".into()
                }),
                event_inferred: false,
                subject: Some(subject.into()),
                verification,
            },
            response_status: 200,
            replay_of: None,
            forward: None,
        }
    }

    fn many(&mut self, n: usize) {
        for i in 0..n {
            self.add(ProviderId::TALENTSPROUT, Status::Verified, &format!("s{i}"));
        }
    }

    fn app(&self) -> TestApp {
        self.app_with(Config::default(), None)
    }

    /// An app with `config`, sending re-sends to `forward_to` when given.
    fn app_with(&self, config: Config, forward_to: Option<&str>) -> TestApp {
        self.app_listening(config, forward_to, "127.0.0.1:8787")
    }

    /// As [`Self::app_with`], with the receiver's address (empty: a viewer).
    fn app_listening(&self, config: Config, forward_to: Option<&str>, listen: &str) -> TestApp {
        let context = Context {
            config: Arc::new(config),
            listen: listen.into(),
            store: None,
            forward_to: forward_to.map(str::to_string),
        };
        let app = App::new(context).with_theme(Theme::monochrome());
        let mut app = Tui::with_reads(app, self.store.clone());
        app.update(AppEvent::Resize(100, 30));
        app.refresh();
        app
    }
}

fn key(code: KeyCode) -> AppEvent {
    AppEvent::Key(KeyEvent::from(code))
}

fn ch(c: char) -> AppEvent {
    key(KeyCode::Char(c))
}

fn ctrl_c() -> AppEvent {
    AppEvent::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))
}

/// Applies events, then catches up with the store as the loop does before drawing.
fn apply(app: &mut TestApp, events: impl IntoIterator<Item = AppEvent>) -> Vec<Command> {
    let mut commands = Vec::new();
    for e in events {
        commands.extend(app.update(e));
    }
    // A filter is searched for on the worker; the tests look at its result.
    app.finish_filtering();
    commands
}

fn mixed() -> Fixture {
    let mut f = Fixture::new();
    f.add(ProviderId::CLASSET, Status::Failed, "cand_123");
    f.add(ProviderId::CLASSET, Status::Verified, "cand_456");
    f.add(ProviderId::TALENTSPROUT, Status::Failed, "ats-1");
    f.add(ProviderId::CLASSET, Status::Failed, "cand_789");
    f.add(ProviderId::BRILLIANT, Status::Unsigned, "cand_1234");
    f
}

fn mouse(kind: MouseEventKind, column: u16, row: u16) -> AppEvent {
    AppEvent::Mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    })
}
