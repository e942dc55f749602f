//! One delivery in detail: six tabs (summary, transcript, changes, the signature
//! debugger, headers, body) under a tab bar. Everything derived from the payload is
//! computed once in [`Detail::new`]; drawing is `&self` and touches only what is visible.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::config::Config;
use crate::model::Delivery;
use crate::provider;

mod body;
mod changes;
mod doc;
mod field;
mod headers;
mod json_diff;
mod json_view;
mod raw;
mod scroll;
mod summary;
mod tabs;
mod transcript;
mod verification;

pub use tabs::Tab;

/// What the detail view is opened on.
pub struct DetailInput {
    pub delivery: Delivery,
    /// The previous delivery about the same subject, for the Changes tab.
    pub previous: Option<Delivery>,
    /// Brilliant's full response, when it was fetched.
    pub fetched: Option<serde_json::Value>,
    pub config: Arc<Config>,
}

/// What a key did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DetailOutcome {
    /// Not a key for the detail view: the caller may use it.
    Ignored,
    Consumed,
    /// Consumed, with something to tell the user.
    Message(String),
    /// The user asks for `value` to be written into the config file as `setting`; the
    /// caller asks for confirmation first.
    WriteSetting {
        setting: &'static str,
        value: crate::config::Secret,
    },
}

pub struct Detail {
    delivery: Delivery,
    tab: Tab,
    summary: summary::SummaryView,
    transcript: transcript::TranscriptView,
    changes: changes::ChangesView,
    verification: verification::Debugger,
    headers: headers::HeadersView,
    body: body::BodyView,
}

impl Detail {
    pub fn new(input: DetailInput) -> Self {
        let DetailInput {
            delivery,
            previous,
            fetched,
            config,
        } = input;
        let json = provider::body_json(&delivery.request.body);
        let summary = summary::SummaryView::new(&delivery, json.as_ref(), fetched, &config);
        Self {
            tab: Tab::Summary,
            transcript: transcript::TranscriptView::new(
                delivery.findings.provider,
                summary.summary(),
            ),
            changes: changes::ChangesView::new(&delivery, json.as_ref(), previous.as_ref()),
            verification: verification::Debugger::new(&delivery, config.clone()),
            headers: headers::HeadersView::new(&config, delivery.findings.provider),
            body: body::BodyView::new(&delivery.request, json.as_ref()),
            summary,
            delivery,
        }
    }

    pub fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    /// Switching tabs ends editing and searching (edits are kept).
    pub fn set_tab(&mut self, tab: Tab) {
        self.verification.stop_editing();
        self.transcript.stop_searching();
        self.tab = tab;
    }

    pub fn next_tab(&mut self) {
        self.set_tab(self.tab.next());
    }

    pub fn prev_tab(&mut self) {
        self.set_tab(self.tab.prev());
    }

    /// Whether each tab has something for this delivery (the others are dimmed).
    fn applies(&self) -> [bool; 6] {
        [
            true,
            self.transcript.applies(),
            self.changes.applies(),
            true,
            true,
            !self.body.is_empty(),
        ]
    }

    /// Keys for the current tab (scrolling, search, editing). Esc while editing or
    /// searching is consumed here; otherwise it is `Ignored` so the caller can go back.
    /// `1`–`6`, Tab and Shift-Tab switch tabs when no field has focus.
    pub fn handle_key(&mut self, key: KeyEvent) -> DetailOutcome {
        if key.kind == KeyEventKind::Release {
            return DetailOutcome::Ignored;
        }
        if !self.is_editing() {
            let plain = !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            match key.code {
                KeyCode::Char(c) if plain && Tab::from_digit(c).is_some() => {
                    if let Some(t) = Tab::from_digit(c) {
                        self.set_tab(t);
                    }
                    return DetailOutcome::Consumed;
                }
                KeyCode::Tab if plain => {
                    self.next_tab();
                    return DetailOutcome::Consumed;
                }
                KeyCode::BackTab => {
                    self.prev_tab();
                    return DetailOutcome::Consumed;
                }
                _ => {}
            }
        }
        match self.tab {
            Tab::Summary => self.summary.handle_key(key),
            Tab::Transcript => self.transcript.handle_key(key),
            Tab::Changes => self.changes.handle_key(key),
            Tab::Verification => self.verification.handle_key(key),
            Tab::Headers => self.headers.handle_key(key),
            Tab::Body => self.body.handle_key(key),
        }
    }

    /// True while a text field has focus: the caller then sends every key (except
    /// Ctrl-C) here.
    pub fn is_editing(&self) -> bool {
        match self.tab {
            Tab::Transcript => self.transcript.is_searching(),
            Tab::Verification => self.verification.is_editing(),
            _ => false,
        }
    }

    /// The tab whose title is drawn at `at` when the view is rendered in `area`.
    pub fn tab_at(&self, area: Rect, at: ratatui::layout::Position) -> Option<Tab> {
        if at.y != area.y || at.x < area.x {
            return None;
        }
        tabs::tab_at(
            self.tab,
            usize::from(area.width),
            usize::from(at.x - area.x),
        )
    }

    /// The tab bar (with the delivery's identity on the right) and the current tab.
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let d = &self.delivery;
        let mut who = format!(
            "{} · {}",
            d.findings.provider,
            d.findings.event.as_deref().unwrap_or("no event")
        );
        if let Some(s) = &d.findings.subject {
            who.push_str(&format!(" · {s}"));
        }
        let bar = Rect { height: 1, ..area };
        tabs::render_bar(
            self.tab,
            self.applies(),
            &crate::sanitize::line(&who),
            bar,
            buf,
        );
        let content = Rect {
            y: area.y.saturating_add(1),
            height: area.height.saturating_sub(1),
            ..area
        };
        if content.is_empty() {
            return;
        }
        match self.tab {
            Tab::Summary => self.summary.render(d, content, buf),
            Tab::Transcript => self.transcript.render(content, buf),
            Tab::Changes => self.changes.render(content, buf),
            Tab::Verification => self.verification.render(content, buf),
            Tab::Headers => self.headers.render(&d.request, content, buf),
            Tab::Body => self.body.render(content, buf),
        }
    }

    /// Keys for the footer, for the current tab and state. Switching tabs and going back
    /// are the caller's, which names them with its keymap.
    pub fn key_hints(&self) -> Vec<(&'static str, &'static str)> {
        match self.tab {
            Tab::Summary => self.summary.key_hints(),
            Tab::Transcript => self.transcript.key_hints(),
            Tab::Changes => self.changes.key_hints(),
            Tab::Verification => self.verification.key_hints(),
            Tab::Headers => self.headers.key_hints(),
            Tab::Body => self.body.key_hints(),
        }
    }
}

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
