//! `r` and `e` end to end: the commands the app emits, sent by the loop's executor to a
//! real receiver (the `hookscope listen --headless` binary, and one in process under the
//! running loop), which records each re-send as a new row and verifies its signature,
//! linking it to the original when it writes to the store the original is in; and
//! snapshots of the URL prompt and the body editor.

mod common;
mod tui_support;

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{CL_SECRET, Server, TS_SECRET, classet_header, talentsprout_header};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use hookscope::config::{Config, Secret};
use hookscope::ingest::{self, Receiver};
use hookscope::model::{Delivery, ProviderId};
use hookscope::signature::Status;
use hookscope::store::Store;
use hookscope::tui::clipboard::{Clipboard, CopyMethod};
use hookscope::tui::resend::{self, Resend};
use hookscope::tui::view::Theme;
use hookscope::tui::{self, App, AppEvent, Command, Context, Feeds, Tui};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use tui_support::{Screen, delivery, draw, press, text};

const SERVER_CONFIG: &str = "[providers.classet]\nsecret = \"classet_sig_secret_1b7e\"\n\
    [providers.talentsprout]\nsecret = \"whsec_dGVzdF9zZWNyZXRfZm9yX3RhbGVudHNwcm91dA\"\n";

fn config() -> Config {
    let mut c = Config::default();
    c.providers.classet.secret = Some(Secret::new(CL_SECRET));
    c.providers.talentsprout.secret = Some(Secret::new(TS_SECRET));
    c
}

/// A delivery as the vendor signed it, `age` seconds ago.
fn signed(n: i64, provider: ProviderId, age: i64) -> Delivery {
    let mut d = delivery(
        n,
        provider,
        "call_completed",
        "cand_58c1e03a",
        Status::Verified,
    );
    let body = d.request.body.clone();
    let header = match provider {
        ProviderId::TALENTSPROUT => (
            "x-talentsprout-signature".to_string(),
            talentsprout_header(TS_SECRET, common::now() - age, &body),
        ),
        _ => (
            "x-classet-webhook-signature".to_string(),
            classet_header(CL_SECRET, &body),
        ),
    };
    d.request.headers.push(header);
    d
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> AppEvent {
    AppEvent::Key(KeyEvent::new(code, modifiers))
}

fn only_resend(commands: Vec<Command>) -> Resend {
    match commands.as_slice() {
        [Command::Resend(r)] => (**r).clone(),
        other => panic!("{other:?}"),
    }
}

/// The app over `screen`'s store, sending to `forward_to`.
fn app(screen: &Screen, listen: &str, forward_to: Option<String>) -> Tui {
    let context = Context {
        config: Arc::new(config()),
        listen: listen.into(),
        store: None,
        forward_to,
    };
    Tui::new(
        App::new(context).with_theme(Theme::monochrome()),
        screen.store.reader().unwrap(),
    )
}

/// The row the server recorded for its `n`th line: what it re-sends, and its body.
fn recorded(server: &Server, n: usize) -> (serde_json::Value, Option<String>, Vec<u8>) {
    let line = server.line(n);
    let id = line["id"].as_str().unwrap().to_string();
    let (replay_of, body) = server
        .db()
        .query_row(
            "select replay_of, body from deliveries where id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    (line, replay_of, body)
}

#[test]
fn re_sends_reach_a_real_receiver_on_another_store_as_unlinked_rows_that_verify() {
    let server = Server::start(SERVER_CONFIG);
    let classet = signed(1, ProviderId::CLASSET, 0);
    // An hour old: sent as it was, its t= would fail the 300 s tolerance.
    let talentsprout = signed(2, ProviderId::TALENTSPROUT, 3600);
    let screen = Screen::with(&[classet.clone(), talentsprout.clone()]);
    let mut app = app(&screen, "127.0.0.1:1", Some(server.url("")));
    app.update(AppEvent::Resize(100, 30));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = reqwest::Client::new();
    let send = |app: &mut Tui, commands: Vec<Command>| {
        let outcome = rt.block_on(resend::execute(&client, only_resend(commands)));
        app.update(AppEvent::Resent(outcome));
        app.message().unwrap().clone()
    };

    // r on the selected (newest) row: TalentSprout, signed anew.
    let commands = app.update(key(KeyCode::Char('r'), KeyModifiers::NONE));
    let m = send(&mut app, commands);
    assert!(!m.error, "{m:?}");
    assert!(
        m.text.contains("200 OK in") && m.text.contains("tolerance"),
        "{}",
        m.text
    );
    let (line, replay_of, _) = recorded(&server, 0);
    assert_eq!(line["verification"]["status"], "verified", "{line}");
    // The receiver keeps its own store, where the original is not: no link.
    assert_eq!(replay_of, None);

    // r on Classet: byte for byte.
    press(&mut app, "k");
    let commands = app.update(key(KeyCode::Char('r'), KeyModifiers::NONE));
    let m = send(&mut app, commands);
    let url = server.url("/classet");
    assert!(
        m.text
            .starts_with(&format!("Re-sent 0193a5b0-0000 to {url}: 200 OK in ")),
        "{}",
        m.text
    );
    assert!(m.text.ends_with(" ms (acknowledged)"), "{}", m.text);
    let (line, replay_of, body) = recorded(&server, 1);
    assert_eq!(line["verification"]["status"], "verified", "{line}");
    assert_eq!(replay_of, None);
    assert_eq!(body, classet.request.body.to_vec());

    // e on Classet: the first value emptied, then Ctrl-S.
    press(&mut app, "e");
    for code in [KeyCode::Down, KeyCode::End, KeyCode::Left, KeyCode::Left] {
        app.update(key(code, KeyModifiers::NONE));
    }
    for _ in 0.."call_completed".len() {
        app.update(key(KeyCode::Backspace, KeyModifiers::NONE));
    }
    let commands = app.update(key(KeyCode::Char('s'), KeyModifiers::CONTROL));
    let m = send(&mut app, commands);
    assert!(
        m.text.starts_with("Re-sent 0193a5b0-0000 (edited) to "),
        "{}",
        m.text
    );
    let (line, replay_of, body) = recorded(&server, 2);
    assert_eq!(line["verification"]["status"], "verified", "{line}");
    assert_eq!(replay_of, None);
    let sent: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(sent["event"], "");
    assert_eq!(body, serde_json::to_vec(&sent).unwrap(), "compact again");
}

/// A `TestBackend` the test can read while the loop draws on it.
#[derive(Clone)]
struct Shared(Arc<Mutex<TestBackend>>);

impl Shared {
    fn text(&self) -> String {
        self.0.lock().unwrap().to_string()
    }
}

impl Backend for Shared {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.0.lock().unwrap().draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.0.lock().unwrap().get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> Result<(), Self::Error> {
        self.0.lock().unwrap().set_cursor_position(p)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.0.lock().unwrap().clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.0.lock().unwrap().size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.0.lock().unwrap().window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.0.lock().unwrap().flush()
    }
}

struct NoClipboard;

impl Clipboard for NoClipboard {
    fn copy(&mut self, _: &str) -> Result<CopyMethod, String> {
        Err("not in this test".into())
    }
}

fn typed(code: KeyCode) -> io::Result<Event> {
    Ok(Event::Key(KeyEvent::from(code)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_loop_re_sends_into_its_own_receiver_and_shows_the_linked_row() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("deliveries.db")).unwrap();
    let original = signed(1, ProviderId::CLASSET, 0);
    store.insert_blocking(&original).unwrap();
    let (reader, check) = (store.reader().unwrap(), store.reader().unwrap());
    let config = Arc::new(config());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let listen = listener.local_addr().unwrap().to_string();
    let (tx, deliveries) = tokio::sync::mpsc::unbounded_channel();
    let state = Receiver::new(config.clone(), store, tx);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(ingest::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let context = Context {
        config,
        listen: listen.clone(),
        store: None,
        forward_to: None,
    };
    let mut app = Tui::new(App::new(context).with_theme(Theme::monochrome()), reader);
    let backend = Shared(Arc::new(Mutex::new(TestBackend::new(120, 30))));
    let mut terminal = Terminal::new(backend.clone()).unwrap();
    let (keys, rx) = tokio::sync::mpsc::unbounded_channel();
    let input = Box::pin(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|e| (e, rx))
    }));
    let (_notices_tx, notices) = tokio::sync::mpsc::unbounded_channel();
    // r opens the prompt on hookscope's own address; Enter sends there.
    keys.send(typed(KeyCode::Char('r'))).unwrap();
    keys.send(typed(KeyCode::Enter)).unwrap();
    let driver = async {
        let deadline = Instant::now() + Duration::from_secs(60);
        // The answer and the announced row arrive separately, and the message expires
        // after a few seconds: on a loaded machine the row may come after it has gone.
        let mut sent: Option<String> = None;
        loop {
            let screen = backend.text();
            if sent.is_none() {
                sent = screen
                    .lines()
                    .find(|l| l.contains("Re-sent"))
                    .map(str::to_string);
            }
            if sent.is_some() && screen.contains('↻') {
                break;
            }
            assert!(Instant::now() < deadline, "{screen}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        keys.send(typed(KeyCode::Char('q'))).unwrap();
        sent.unwrap_or_default()
    };
    let feeds = Feeds {
        deliveries,
        notices,
    };
    let mut clipboard = NoClipboard;
    let (result, sent) = tokio::join!(
        tui::run_loop(&mut terminal, &mut app, input, feeds, &mut clipboard),
        driver
    );
    result.unwrap();
    let _ = stop.send(());
    server.await.unwrap().unwrap();

    let url = format!("http://{listen}/classet");
    assert!(
        sent.contains(&format!("Re-sent 0193a5b0-0000 to {url}: 200 OK")),
        "{sent}"
    );
    assert_eq!(app.list().total(), 2);
    let screen = backend.text();
    assert_eq!(screen.matches('↻').count(), 1, "{screen}");
    let rows = check.rows(0, 10).unwrap();
    let replay = rows.iter().find(|r| r.id != original.id).unwrap();
    assert_eq!(replay.replay_of.as_deref(), Some(original.id.as_str()));
    assert_eq!(replay.findings.verification.status, Status::Verified);
}

/// An original and a re-send of it, as the table lists them.
fn with_a_replay() -> Screen {
    let mut original = delivery(
        0,
        ProviderId::CLASSET,
        "call_completed",
        "cand_0",
        Status::Verified,
    );
    let signature = classet_header(CL_SECRET, &original.request.body);
    original
        .request
        .headers
        .push(("x-classet-webhook-signature".into(), signature));
    let mut replay = delivery(
        1,
        ProviderId::CLASSET,
        "call_completed",
        "cand_0",
        Status::Verified,
    );
    replay.replay_of = Some(original.id.clone());
    Screen::with(&[original, replay])
}

#[test]
fn resend_url_prompt() {
    let screen = with_a_replay();
    let mut app = screen.app(Theme::colored());
    draw(&mut app, 100, 20);
    press(&mut app, "kr");
    let t = draw(&mut app, 100, 20);
    insta::assert_snapshot!(text(&t));
}

#[test]
fn resend_editor() {
    let screen = with_a_replay();
    let mut app = screen.app(Theme::colored());
    draw(&mut app, 100, 20);
    press(&mut app, "ke");
    app.update(key(KeyCode::Down, KeyModifiers::NONE));
    let t = draw(&mut app, 100, 20);
    insta::assert_snapshot!(text(&t));
}
