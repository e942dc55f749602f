//! The UI's state and its one way to change: [`App::update`] takes an [`AppEvent`] and
//! returns the [`Command`]s the loop must carry out. It is pure: no store, clock or
//! thread inside. What it needs read is a [`Command::Read`] whose answer comes back as
//! [`AppEvent::Loaded`]; the time comes with the answers that need it. Once per drained
//! batch of events, [`AppEvent::Frame`] asks for what the screen about to be drawn needs
//! (the rows just counted, the page on screen), never while drawing.

use std::sync::Arc;

use crossterm::event::{KeyEvent, MouseEvent};
use ratatui::layout::Rect;

use super::clipboard::CopyMethod;
use super::confirm::{Confirm, WriteSetting};
use super::copy::{Copy, CopyWhat};
use super::detail::Detail;
use super::filter::FilterState;
use super::keymap::Keymap;
use super::layout::{self, Areas, Sizes};
use super::list::List;
use super::matcher::Found;
pub use super::message::Message;
use super::reads::{Intent, Loaded, Query};
use super::resend::{BodyEditor, Resend, Resent, UrlPrompt};
use super::theme::Theme;
use super::units::{Clock, human_size};
use crate::config::Config;
use crate::config_file::Target;
use crate::model::Delivery;
use crate::redact::Redactor;
use crate::store::{Filter, Tally};
use filtering::{Arrived, Shown};

/// Everything that can happen to the UI.
#[derive(Debug, Clone)]
pub enum AppEvent {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// A delivery was committed to the store.
    Delivery(Arc<Delivery>),
    /// Something the rest of the program wants the user to see.
    Notice(String),
    /// How a [`Command::Copy`] went.
    Copied {
        what: CopyWhat,
        bytes: usize,
        notes: Vec<String>,
        result: Result<CopyMethod, String>,
    },
    /// How a [`Command::Resend`] went.
    Resent(Resent),
    /// What the filter worker found.
    Found(Found),
    /// The answer to a [`Command::Read`].
    Loaded(Loaded),
    /// Something went wrong that the user should know of.
    Problem(String),
    /// A frame is about to be drawn: the app asks for what it needs on screen.
    Frame,
    /// How a [`Command::WriteSetting`] went: what to tell the user.
    SettingWritten(Result<String, String>),
    /// A second passed: messages age, and the store is asked whether another process
    /// wrote to it.
    Tick,
}

impl AppEvent {
    /// The event for a terminal event, if it matters to the UI.
    pub(crate) fn from_terminal(event: crossterm::event::Event) -> Option<AppEvent> {
        use crossterm::event::Event;
        match event {
            Event::Key(k) => Some(AppEvent::Key(k)),
            Event::Mouse(m) => Some(AppEvent::Mouse(m)),
            Event::Resize(w, h) => Some(AppEvent::Resize(w, h)),
            _ => None,
        }
    }
}

/// What the loop must do for the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Quit,
    /// Read this from the store, and report with [`AppEvent::Loaded`] (or, for a search,
    /// [`AppEvent::Found`]).
    Read(Query),
    Copy(Copy),
    /// Send this request, off the UI's thread, and report with [`AppEvent::Resent`].
    Resend(Box<Resend>),
    /// Write a setting into the config file, and report with [`AppEvent::SettingWritten`].
    WriteSetting(WriteSetting),
}

/// What the header says about where deliveries arrive and where they are kept.
#[derive(Debug, Clone)]
pub struct Context {
    pub config: Arc<Config>,
    /// `host:port` the receiver listens on; empty when there is none (`view`).
    pub listen: String,
    /// The store file as shown; `None` for an in-memory store.
    pub store: Option<String>,
    /// The user's app (`--forward-to`), where `r` and `e` send at once; without it they
    /// ask for a URL.
    pub forward_to: Option<String>,
}

/// How many rows the mouse wheel moves.
const WHEEL_STEP: u64 = 3;

pub struct App {
    context: Context,
    /// Whether the store could be reached when last asked.
    connected: bool,
    /// Whether the store's file was deleted or replaced (nothing is stored any more).
    store_gone: bool,
    /// Deliveries answered and not in the store yet: the table shows them once filed.
    filing: u64,
    keymap: Keymap,
    theme: Theme,
    clock: Clock,
    area: Rect,
    tally: Tally,
    list: List,
    filter: FilterState,
    known_events: Vec<String>,
    /// Whether `known_events` holds the stored ones too.
    events_loaded: bool,
    /// The newest search asked for; answers of older ones are dropped.
    generation: u64,
    /// Bumped whenever the table's sequence changes: pages read for an older one are
    /// dropped.
    sequence: u64,
    /// What a key asked to do with the selected delivery, once the table is caught up.
    intent: Option<Intent>,
    /// What the table pages through.
    shown: Shown,
    /// The filter being searched for, while the table still shows the previous rows.
    searching: Option<Filter>,
    /// A search's result, shown at the next refresh.
    arrived: Option<Arrived>,
    /// Deliveries arrived since the last count.
    stale: bool,
    /// The store's `data_version` when last asked.
    data_version: Option<i64>,
    /// The filter changed since the last count.
    refilter: bool,
    detail: Option<Detail>,
    /// The help screen's scroll position, while it is open.
    help: Option<u16>,
    /// The furthest the help scrolls, as last drawn (its text depends on the screen's
    /// width): set by drawing, as gitui keeps scroll state, so drawing stays `&self`.
    help_end: std::cell::Cell<u16>,
    message: Option<Message>,
    redactor: Redactor,
    /// `e`'s body editor, while it is open.
    editor: Option<BodyEditor>,
    /// The URL prompt of a re-send, while it is open (over the editor, if that is open).
    prompt: Option<UrlPrompt>,
    /// URLs typed into the prompt, newest first, a ↑ away next time.
    recent_urls: Vec<String>,
    /// A question waiting for yes or no, over everything else.
    confirm: Option<Confirm>,
    /// Where settings are written (`w` in the signature debugger).
    settings_file: Target,
}

impl App {
    /// An app over an empty table; the first [`AppEvent::Frame`] asks for the history.
    pub fn new(context: Context) -> Self {
        Self {
            redactor: Redactor::from_config(&context.config),
            connected: true,
            store_gone: false,
            filing: 0,
            keymap: Keymap::default(),
            theme: Theme::from_env(),
            clock: Clock::local(),
            area: Rect::default(),
            tally: Tally::default(),
            list: List::default(),
            filter: FilterState::new(),
            // Only names deliveries really carry: a word that is no stored event name is
            // looked for as text (`"Under Review"` in Clearspeed's bodies).
            known_events: Vec::new(),
            events_loaded: false,
            generation: 0,
            sequence: 0,
            intent: None,
            shown: Shown::All,
            searching: None,
            arrived: None,
            stale: true,
            data_version: None,
            refilter: false,
            detail: None,
            help: None,
            help_end: std::cell::Cell::new(u16::MAX),
            message: None,
            editor: None,
            prompt: None,
            recent_urls: Vec::new(),
            confirm: None,
            settings_file: Target::for_config(&context.config),
            context,
        }
    }

    pub fn with_theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }

    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    pub(crate) fn context(&self) -> &Context {
        &self.context
    }
    pub(crate) fn keymap(&self) -> &Keymap {
        &self.keymap
    }
    pub(crate) fn theme(&self) -> Theme {
        self.theme
    }
    pub(crate) fn clock(&self) -> Clock {
        self.clock
    }
    pub(crate) fn tally(&self) -> &Tally {
        &self.tally
    }
    pub fn list(&self) -> &List {
        &self.list
    }
    /// Whether the store could be reached when last tried (always, for a file).
    pub(crate) fn store_connected(&self) -> bool {
        self.connected
    }
    /// Whether the store's file was found deleted or replaced when last asked.
    pub(crate) fn store_gone(&self) -> bool {
        self.store_gone
    }

    /// Deliveries the receiver answered under a burst and has not filed into the store
    /// yet; the table and filters show them once filed.
    pub(crate) fn filing(&self) -> u64 {
        self.filing
    }
    pub(crate) fn filter(&self) -> &FilterState {
        &self.filter
    }
    pub fn detail(&self) -> Option<&Detail> {
        self.detail.as_ref()
    }
    pub fn help_scroll(&self) -> Option<u16> {
        self.help
    }
    /// Drawing says how far the help scrolls at the screen's size.
    pub(crate) fn note_help_end(&self, end: u16) {
        self.help_end.set(end);
    }
    /// The footer's message, with every configured secret masked: the footer is an exit.
    pub fn message(&self) -> Option<Message> {
        let mut m = self.message.clone()?;
        self.redactor.apply(&mut m.text);
        Some(m)
    }
    #[cfg(test)]
    pub(crate) fn area(&self) -> Rect {
        self.area
    }
    pub fn editor(&self) -> Option<&BodyEditor> {
        self.editor.as_ref()
    }
    pub fn prompt(&self) -> Option<&UrlPrompt> {
        self.prompt.as_ref()
    }
    pub fn confirm(&self) -> Option<&Confirm> {
        self.confirm.as_ref()
    }
    /// Where `w` writes settings, as known when the app started or last wrote.
    pub(crate) fn with_settings_file(mut self, target: Target) -> Self {
        self.settings_file = target;
        self
    }

    /// Applies one event. Cheap for deliveries, so a burst of thousands costs little
    /// before the next [`App::refresh`].
    pub(crate) fn update(&mut self, event: AppEvent) -> Vec<Command> {
        match event {
            AppEvent::Key(key) => return self.key(key),
            AppEvent::Mouse(m) => return self.mouse(m),
            AppEvent::Loaded(loaded) => return self.loaded(loaded),
            AppEvent::Frame => return self.progress(),
            AppEvent::Problem(text) => self.message = Some(Message::error(text)),
            AppEvent::Resize(w, h) => self.area = Rect::new(0, 0, w, h),
            AppEvent::Delivery(d) => {
                if let Some(event) = &d.findings.event {
                    self.learn_event(event);
                }
                // Announced after the app answered: a row read before then learns it.
                if let (Some(f), Some(row)) = (&d.forward, self.list.cached_mut(&d.id)) {
                    row.forwarded = true;
                    row.app_status = f.status;
                }
                self.stale = true;
            }
            AppEvent::Found(found) => self.found(found),
            AppEvent::Notice(text) => self.message = Some(Message::info(text)),
            AppEvent::Copied {
                what,
                bytes,
                notes,
                result,
            } => {
                self.message = Some(match result {
                    Ok(method) => {
                        let mut text = format!(
                            "Copied {} ({}) to the clipboard ({})",
                            what.noun(),
                            human_size(bytes as u64),
                            method.describe()
                        );
                        for n in notes {
                            text.push_str("; ");
                            text.push_str(&n);
                        }
                        Message::info(text)
                    }
                    Err(e) => Message::error(format!("Could not copy {}: {e}", what.noun())),
                })
            }
            AppEvent::Resent(r) => self.message = Some(r.message()),
            AppEvent::SettingWritten(result) => {
                self.message = Some(match result {
                    Ok(text) => {
                        self.settings_file.exists = true;
                        Message::info(text)
                    }
                    Err(text) => Message::error(text),
                })
            }
            AppEvent::Tick => {
                if let Some(m) = self.message.as_mut()
                    && !m.tick()
                {
                    self.message = None;
                }
                // Rows another process wrote (an import, a second receiver) arrive with
                // no event: the store's data version says that something was committed.
                return vec![Command::Read(Query::Version)];
            }
        }
        Vec::new()
    }

    /// Rows the table shows at the current size.
    pub(crate) fn table_height(&self) -> u16 {
        self.areas(self.area).body.height
    }

    /// Where each part of a screen of `area` goes.
    pub(crate) fn areas(&self, area: Rect) -> Areas {
        let message = self
            .message()
            .map_or(1, |m| m.rows(area.width).len() as u16);
        Areas::new(
            area,
            Sizes {
                header: layout::header_height(area, !self.context.listen.is_empty()),
                field: self.filter.is_editing() || self.prompt.is_some(),
                message,
            },
        )
    }
}

mod filtering;
mod input;
mod resend;
mod sync;
#[cfg(test)]
mod tests;
