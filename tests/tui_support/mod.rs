//! Deliveries with fixed ids and times in a temporary store, and an app over them drawn
//! on a `TestBackend`, for the UI tests.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent};
use hookscope::config::Config;
use hookscope::model::{Delivery, Request};
use hookscope::model::{DetectedBy, Findings, ProviderId};
use hookscope::signature::{Hint, Status, Verification};
use hookscope::store::Store;
use hookscope::tui::units::Clock;
use hookscope::tui::view::Theme;
use hookscope::tui::{self, App, AppEvent, Context, Tui};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_763_650_000 + secs, 0).unwrap()
}

/// 2025-11-20 18:00:00 UTC: the fixtures arrive that afternoon.
pub fn now() -> DateTime<Utc> {
    at(11_600)
}

pub const VENDORS: [(ProviderId, &str, &str); 5] = [
    (ProviderId::TALENTSPROUT, "interview.completed", "ats-90213"),
    (ProviderId::CLASSET, "call_completed", "cand_58c1e03a"),
    (ProviderId::CLEARSPEED, "Result Published", "5520173846201"),
    (ProviderId::BRILLIANT, "response.completed", "1112057"),
    (ProviderId::JOBMOJITO, "interview_result", "ir_9c4d27e1"),
];

pub const STATES: [Status; 4] = [
    Status::Verified,
    Status::Failed,
    Status::Unsigned,
    Status::Unchecked,
];

pub fn delivery(
    n: i64,
    provider: ProviderId,
    event: &str,
    subject: &str,
    status: Status,
) -> Delivery {
    let body = format!(
        "{{\"event\":\"{event}\",\"subject\":\"{subject}\",\"pad\":\"{}\"}}",
        "x".repeat((n as usize * 397) % 3000)
    );
    let mut verification = Verification::new(status, format!("{provider}-scheme"), "detail");
    let mut response_status = 200;
    if status == Status::Failed {
        verification.hint =
            Some([Hint::WrongSecret, Hint::TimestampOutsideTolerance][n as usize % 2]);
        response_status = 401;
    }
    Delivery {
        id: format!("0193a5b0-0000-7000-8000-{n:012}"),
        received_at: at(n * 7),
        request: Request {
            peer: Some("127.0.0.1:50000".into()),
            ..Request::post(
                &format!("/{provider}"),
                &[("content-type", "application/json")],
                body.as_bytes(),
            )
        },
        findings: Findings {
            provider,
            detected_by: DetectedBy::Path,
            event: Some(event.into()),
            event_inferred: false,
            subject: Some(subject.into()),
            verification,
        },
        response_status,
        replay_of: None,
        forward: None,
    }
}

/// Every vendor in every verification state, after one delivery from the day before.
pub fn all_vendors_all_states() -> Vec<Delivery> {
    let mut out = vec![Delivery {
        received_at: at(-86_400),
        ..delivery(
            0,
            ProviderId::CLASSET,
            "candidate.interview.updated",
            "cand_0",
            Status::Verified,
        )
    }];
    let mut n = 1;
    for status in STATES {
        for (provider, event, subject) in VENDORS {
            out.push(delivery(n, provider, event, subject, status));
            n += 1;
        }
    }
    out
}

pub struct Screen {
    pub dir: tempfile::TempDir,
    pub store: Store,
}

impl Screen {
    pub fn with(deliveries: &[Delivery]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("deliveries.db")).unwrap();
        for d in deliveries {
            store.insert_blocking(d).unwrap();
        }
        Self { dir, store }
    }

    pub fn app(&self, theme: Theme) -> Tui {
        self.app_with_label(
            theme,
            "/home/ada/.local/share/hookscope/deliveries.db".into(),
        )
    }

    pub fn app_with_label(&self, theme: Theme, store: String) -> Tui {
        self.app_with_context(theme, store, None)
    }

    /// An app whose receiver forwards every delivery to `forward_to`.
    pub fn app_forwarding(&self, theme: Theme, forward_to: &str) -> Tui {
        self.app_with_context(
            theme,
            "/home/ada/.local/share/hookscope/deliveries.db".into(),
            Some(forward_to.to_string()),
        )
    }

    /// An app whose receiver runs with `config`.
    pub fn app_configured(&self, config: Config) -> Tui {
        let context = Context {
            config: Arc::new(config),
            listen: "127.0.0.1:8787".into(),
            store: Some("deliveries.db".into()),
            forward_to: None,
        };
        Tui::new(
            App::new(context)
                .with_theme(Theme::colored())
                .with_clock(Clock::fixed(FixedOffset::east_opt(0).unwrap(), now())),
            self.store.reader().unwrap(),
        )
    }

    fn app_with_context(&self, theme: Theme, store: String, forward_to: Option<String>) -> Tui {
        let context = Context {
            config: Arc::new(Config::default()),
            listen: "127.0.0.1:8787".into(),
            store: Some(store),
            forward_to,
        };
        Tui::new(
            App::new(context)
                .with_theme(theme)
                .with_clock(Clock::fixed(FixedOffset::east_opt(0).unwrap(), now())),
            self.store.reader().unwrap(),
        )
    }
}

pub fn draw(app: &mut Tui, width: u16, height: u16) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    app.update(AppEvent::Resize(width, height));
    tui::draw(&mut terminal, app).unwrap();
    terminal
}

pub fn press(app: &mut Tui, keys: &str) {
    for c in keys.chars() {
        app.update(AppEvent::Key(KeyEvent::from(KeyCode::Char(c))));
    }
}

pub fn text(terminal: &Terminal<TestBackend>) -> String {
    terminal.backend().to_string()
}
