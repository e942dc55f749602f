//! The event loop: wait for something to happen, apply it and everything else already
//! queued, then draw once. A burst of thousands of deliveries costs one frame, and the
//! receiver never waits for the UI: it only ever sends on an unbounded channel. Re-sends
//! run as tasks of their own and report back on another channel, so a slow app never
//! freezes the screen.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::io;
use std::sync::Arc;
use std::task::Poll;

use futures_util::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::app::{AppEvent, Command};
use super::clipboard::Clipboard;
use super::driver::Tui;
use super::resend::{self, Resend};
use super::view;
use crate::model::Delivery;

/// Events applied before a frame at most, so that a flood cannot keep the screen from
/// updating.
const MAX_BATCH: usize = 10_000;

/// How often time passes for the app: messages expire and the store is polled for rows
/// other processes wrote.
const TICK: std::time::Duration = std::time::Duration::from_secs(1);

/// Where events come from besides the terminal.
pub struct Feeds {
    /// Deliveries, after they were committed.
    pub deliveries: UnboundedReceiver<Arc<Delivery>>,
    /// Messages for the footer from the rest of the program.
    pub notices: UnboundedReceiver<String>,
}

fn backend_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// Catches the app up with the store, then draws it. Returns what the catching up
/// asked for besides reads (a key waiting for its row may have asked to copy it).
pub fn draw<B: Backend>(terminal: &mut Terminal<B>, tui: &mut Tui) -> io::Result<Vec<Command>> {
    let commands = tui.refresh();
    paint(terminal, tui)?;
    Ok(commands)
}

fn paint<B: Backend>(terminal: &mut Terminal<B>, tui: &Tui) -> io::Result<()> {
    terminal
        .draw(|frame| view::render(tui.app(), frame))
        .map_err(backend_error)?;
    Ok(())
}

/// Runs the UI on `terminal` until the user quits or `input` ends. Works with any
/// backend and any stream of terminal events, so tests drive it with a `TestBackend` and
/// a channel.
pub async fn run_loop<B, S>(
    terminal: &mut Terminal<B>,
    app: &mut Tui,
    mut input: S,
    mut feeds: Feeds,
    clipboard: &mut dyn Clipboard,
) -> io::Result<()>
where
    B: Backend,
    S: Stream<Item = io::Result<crossterm::event::Event>> + Unpin,
{
    let size = terminal.size().map_err(backend_error)?;
    app.update(AppEvent::Resize(size.width, size.height));
    let mut deliveries_open = true;
    let mut notices_open = true;
    let (results_tx, mut results) = unbounded_channel::<AppEvent>();
    let mut client: Option<reqwest::Client> = None;
    let mut queue: VecDeque<AppEvent> = VecDeque::new();
    let mut carried = app.refresh();
    if perform(
        &mut carried,
        &mut queue,
        clipboard,
        &mut client,
        &results_tx,
    ) {
        return Ok(());
    }
    paint(terminal, app)?;
    let mut ticks = tokio::time::interval(TICK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        // Deliveries and notices first: then a batch applies them before the keys that
        // came with them, in a fixed order.
        let first = tokio::select! {
            biased;
            // Ready once a second, so it never holds the others up, and a flood of
            // deliveries never holds it up.
            _ = ticks.tick() => Some(AppEvent::Tick),
            d = feeds.deliveries.recv(), if deliveries_open => match d {
                Some(d) => Some(AppEvent::Delivery(d)),
                None => {
                    deliveries_open = false;
                    Some(AppEvent::Notice("The receiver has stopped.".into()))
                }
            },
            n = feeds.notices.recv(), if notices_open => match n {
                Some(text) => Some(AppEvent::Notice(text)),
                None => {
                    notices_open = false;
                    None
                }
            },
            // Never closed: the loop holds a sender.
            r = results.recv() => r,
            found = app.next_found() => Some(AppEvent::Found(found)),
            event = input.next() => match event {
                Some(event) => AppEvent::from_terminal(event?),
                // Nothing can drive the UI any more.
                None => return Ok(()),
            },
        };
        queue.extend(first);
        while let Ok(event) = results.try_recv() {
            queue.push_back(event);
        }
        while let Some(found) = app.try_found() {
            queue.push_back(AppEvent::Found(found));
        }
        drain(&mut queue, &mut input, &mut feeds).await?;
        let mut frame_asked = false;
        loop {
            while let Some(event) = queue.pop_front() {
                carried.extend(app.update(event));
                if perform(
                    &mut carried,
                    &mut queue,
                    clipboard,
                    &mut client,
                    &results_tx,
                ) {
                    return Ok(());
                }
            }
            if frame_asked {
                break;
            }
            // What the frame needs; a key that waited for its row may act now.
            frame_asked = true;
            carried.extend(app.refresh());
            if perform(
                &mut carried,
                &mut queue,
                clipboard,
                &mut client,
                &results_tx,
            ) {
                return Ok(());
            }
        }
        paint(terminal, app)?;
    }
}

/// Carries out `commands`; what they report is queued before anything else. Returns
/// whether the user quit.
fn perform(
    commands: &mut Vec<Command>,
    queue: &mut VecDeque<AppEvent>,
    clipboard: &mut dyn Clipboard,
    client: &mut Option<reqwest::Client>,
    results: &UnboundedSender<AppEvent>,
) -> bool {
    let mut reports = Vec::new();
    for command in commands.drain(..) {
        match command {
            Command::Quit => return true,
            Command::Copy(c) => {
                let result = clipboard.copy(&c.text);
                reports.push(AppEvent::Copied {
                    what: c.what,
                    bytes: c.text.len(),
                    notes: c.notes,
                    result,
                });
            }
            Command::WriteSetting(w) => {
                let result = w.execute(|var| std::env::var_os(var).is_some());
                reports.push(AppEvent::SettingWritten(result));
            }
            Command::Resend(r) => {
                // Made on the first re-send: most sessions never need one.
                let client = client.get_or_insert_with(reqwest::Client::new).clone();
                spawn_resend(client, *r, results.clone());
            }
            // The driver carries out reads; none reach the loop.
            Command::Read(_) => {}
        }
    }
    // Reported before anything queued after the key that asked.
    for report in reports.into_iter().rev() {
        queue.push_front(report);
    }
    false
}

/// Sends `r` on a task of its own; its outcome comes back to the loop as an event.
fn spawn_resend(client: reqwest::Client, r: Resend, results: UnboundedSender<AppEvent>) {
    tokio::spawn(async move {
        let outcome = resend::execute(&client, r).await;
        // The loop may have ended meanwhile; nobody is left to tell.
        let _ = results.send(AppEvent::Resent(outcome));
    });
}

/// Moves everything already waiting into `queue`, without waiting for more.
async fn drain<S>(
    queue: &mut VecDeque<AppEvent>,
    input: &mut S,
    feeds: &mut Feeds,
) -> io::Result<()>
where
    S: Stream<Item = io::Result<crossterm::event::Event>> + Unpin,
{
    while queue.len() < MAX_BATCH {
        match feeds.deliveries.try_recv() {
            Ok(d) => queue.push_back(AppEvent::Delivery(d)),
            Err(_) => break,
        }
    }
    while let Ok(text) = feeds.notices.try_recv() {
        queue.push_back(AppEvent::Notice(text));
    }
    // Polled with this task's own waker, so a pending poll still wakes the loop later.
    let events = poll_fn(|cx| {
        let mut events = Vec::new();
        while events.len() < MAX_BATCH {
            match input.poll_next_unpin(cx) {
                Poll::Ready(Some(event)) => events.push(event),
                Poll::Ready(None) | Poll::Pending => break,
            }
        }
        Poll::Ready(events)
    })
    .await;
    for event in events {
        queue.extend(AppEvent::from_terminal(event?));
    }
    Ok(())
}
