//! The app with its reads carried out: [`Tui`] hands each event to the pure
//! [`App::update`], runs the [`Command::Read`]s it returns through a [`Reads`] and feeds
//! the answers back, and hands every other command to its caller (the loop, or a test).

use std::ops::Deref;

use super::app::{App, AppEvent, Command};
use super::reads::{Query, Reads, StoreReads};
use crate::store::Reader;

/// Answers (and the answers they ask for in turn) applied for one event at most: a
/// bound on a chain that should end after a few reads.
const MAX_CHAIN: usize = 64;

pub struct Tui<R = StoreReads> {
    app: App,
    reads: R,
}

impl Tui<StoreReads> {
    /// `app` over the history `reader` reads; the first frame loads it.
    pub fn new(app: App, reader: Reader) -> Self {
        let (reads, problem) = StoreReads::new(reader);
        let mut tui = Tui::with_reads(app, reads);
        if let Some(p) = problem {
            tui.update(AppEvent::Problem(p));
        }
        // Whether the store can be reached, for the first frame's header.
        if let Some(answer) = tui.reads.run(Query::Version) {
            tui.update(AppEvent::Loaded(answer));
        }
        tui
    }

    /// Waits for the next answer of the filter worker, for the loop.
    pub(crate) async fn next_found(&mut self) -> super::matcher::Found {
        self.reads.next_found().await
    }

    /// An answer of the filter worker already waiting, if any.
    pub fn try_found(&mut self) -> Option<super::matcher::Found> {
        self.reads.try_found()
    }
}

impl<R: Reads> Tui<R> {
    pub(crate) fn with_reads(app: App, reads: R) -> Self {
        Tui { app, reads }
    }

    pub(crate) fn app(&self) -> &App {
        &self.app
    }

    /// Where `w` writes settings (see [`App::with_settings_file`]).
    pub fn with_settings_file(mut self, target: crate::config_file::Target) -> Self {
        self.app = self.app.with_settings_file(target);
        self
    }

    /// Applies `event` and the answers to the reads it asks for; returns the other
    /// commands, in order.
    pub fn update(&mut self, event: AppEvent) -> Vec<Command> {
        let mut out = Vec::new();
        let mut pending = vec![event];
        let mut applied = 0;
        // Depth first, so that an answer is applied before the commands after its read.
        while let Some(event) = pending.pop() {
            applied += 1;
            if applied > MAX_CHAIN {
                tracing::warn!("a chain of store reads did not end; the rest waits a frame");
                break;
            }
            let mut answers = Vec::new();
            for command in self.app.update(event) {
                match command {
                    Command::Read(query) => {
                        if let Some(answer) = self.reads.run(query) {
                            answers.push(AppEvent::Loaded(answer));
                        }
                    }
                    other => out.push(other),
                }
            }
            pending.extend(answers.into_iter().rev());
        }
        out
    }

    /// Catches the app up with the store before a frame: the rows counted since, a
    /// changed filter, the page on screen.
    pub fn refresh(&mut self) -> Vec<Command> {
        self.update(AppEvent::Frame)
    }

    /// Filters the table as if `text` had been typed into the filter field, reading the
    /// stored event names first unless the worker has, so that it means the same however
    /// soon it is called.
    pub fn set_filter(&mut self, text: &str) {
        if !self.app.events_loaded() {
            let names = self.reads.event_names();
            self.update(AppEvent::Found(super::matcher::Found::Events(names)));
        }
        self.app.set_filter(text);
    }

    /// Waits until the filter being searched for is shown, for callers outside the event
    /// loop (tests, benchmarks). Must not run on an async runtime's thread.
    pub fn finish_filtering(&mut self) {
        self.wait_filtering(|app| app.searching().is_none());
    }

    /// Waits until the filter's first matches are shown (those among the newest
    /// deliveries, or the whole result when it comes first), as `finish_filtering` does.
    pub fn show_first_matches(&mut self) {
        self.wait_filtering(|app| app.searching().is_none() || app.first_matches());
    }

    fn wait_filtering(&mut self, done: impl Fn(&App) -> bool) {
        self.refresh();
        while !done(&self.app) {
            let Some(found) = self.reads.wait_found() else {
                break;
            };
            self.update(AppEvent::Found(found));
            self.refresh();
        }
    }
}

/// Read access to the app's state, for drawing and for tests.
impl<R> Deref for Tui<R> {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}
