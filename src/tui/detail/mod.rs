//! One delivery in detail: six tabs (summary, transcript, changes, the signature
//! debugger, headers, body) under a tab bar. Everything derived from the payload is
//! computed once in [`Detail::new`]; drawing is `&self` and touches only what is visible.

use std::sync::Arc;

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::config::Config;
use crate::model::Delivery;
use crate::provider;
use crate::tui::keymap::{Action, Keymap, Scope};
use crate::tui::theme::Theme;

use component::Component;
pub(crate) use component::Hint;

mod body;
mod changes;
pub mod component;
mod headers;
mod json_diff;
mod json_view;
mod labels;
mod raw;
mod summary;
mod transcript;
mod verification;

pub use crate::tui::tab::Tab;
use crate::tui::widgets::tabs;

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

    pub(crate) fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    pub(crate) fn tab(&self) -> Tab {
        self.tab
    }

    /// Switching tabs ends editing and searching (edits are kept).
    pub fn set_tab(&mut self, tab: Tab) {
        self.current_mut().blur();
        self.tab = tab;
    }

    pub(crate) fn next_tab(&mut self) {
        self.set_tab(self.tab.next());
    }

    pub(crate) fn prev_tab(&mut self) {
        self.set_tab(self.tab.prev());
    }

    fn component(&self, tab: Tab) -> &dyn Component {
        match tab {
            Tab::Summary => &self.summary,
            Tab::Transcript => &self.transcript,
            Tab::Changes => &self.changes,
            Tab::Verification => &self.verification,
            Tab::Headers => &self.headers,
            Tab::Body => &self.body,
        }
    }

    fn current_mut(&mut self) -> &mut dyn Component {
        match self.tab {
            Tab::Summary => &mut self.summary,
            Tab::Transcript => &mut self.transcript,
            Tab::Changes => &mut self.changes,
            Tab::Verification => &mut self.verification,
            Tab::Headers => &mut self.headers,
            Tab::Body => &mut self.body,
        }
    }

    /// Whether each tab has something for this delivery (the others are dimmed).
    fn applies(&self) -> [bool; 6] {
        Tab::ALL.map(|t| self.component(t).applies())
    }

    /// Where keys are resolved: the focused field's scope, else the open tab's.
    pub(crate) fn scope(&self) -> Scope {
        self.component(self.tab)
            .focus()
            .unwrap_or(Scope::Tab(self.tab))
    }

    /// An action resolved in [`Detail::scope`]; `key` is the key it came from, which a
    /// focused field takes as text when it is no action there. Tabs switch here while no
    /// field has focus.
    pub(crate) fn handle(&mut self, action: Option<Action>, key: KeyEvent) -> DetailOutcome {
        if self.is_editing() {
            return match action {
                Some(a) => self.current_mut().handle(a),
                None => self.current_mut().input(key),
            };
        }
        match action {
            Some(Action::NextTab) => self.next_tab(),
            Some(Action::PrevTab) => self.prev_tab(),
            Some(Action::ShowTab(i)) => match Tab::ALL.get(i) {
                Some(tab) => self.set_tab(*tab),
                None => return DetailOutcome::Ignored,
            },
            Some(a) => return self.current_mut().handle(a),
            None => return DetailOutcome::Ignored,
        }
        DetailOutcome::Consumed
    }

    /// `key` resolved with `keymap` in [`Detail::scope`], then handled: what the app does.
    pub fn press(&mut self, keymap: &Keymap, key: KeyEvent) -> DetailOutcome {
        if key.kind == crossterm::event::KeyEventKind::Release {
            return DetailOutcome::Ignored;
        }
        let action = keymap.action_in(self.scope(), &key);
        self.handle(action, key)
    }

    /// The footer's keys for the current tab, as `(keys, what)`, named with `keymap`.
    pub(crate) fn key_hints(&self, keymap: &Keymap) -> Vec<(String, &'static str)> {
        let scope = self.scope();
        self.hints()
            .into_iter()
            .map(|h| {
                let keys: Vec<String> = h
                    .actions
                    .iter()
                    .map(|a| keymap.hint_key(scope, *a))
                    .collect();
                (keys.join("/"), h.what)
            })
            .collect()
    }

    /// An action with no key behind it (the mouse wheel).
    pub(crate) fn act(&mut self, action: Action) -> DetailOutcome {
        self.current_mut().handle(action)
    }

    /// True while a text field has focus: the caller then sends every key (except
    /// Ctrl-C) here.
    pub(crate) fn is_editing(&self) -> bool {
        self.component(self.tab).focus().is_some()
    }

    /// The tab whose title is drawn at `at` when the view is rendered in `area`.
    pub(crate) fn tab_at(&self, area: Rect, at: ratatui::layout::Position) -> Option<Tab> {
        if at.y != area.y || at.x < area.x {
            return None;
        }
        tabs::tab_at(
            self.tab,
            usize::from(area.width),
            usize::from(at.x - area.x),
        )
    }

    /// The tab bar (with the delivery's identity on the right) and the current tab, in
    /// `theme`'s styles.
    pub fn render(&self, theme: Theme, area: Rect, buf: &mut Buffer) {
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
            theme,
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
        self.component(self.tab).render(d, theme, content, buf);
    }

    /// Keys for the footer, for the current tab and state. Switching tabs and going back
    /// are the caller's, which names them with its keymap.
    pub(crate) fn hints(&self) -> Vec<Hint> {
        self.component(self.tab).hints()
    }
}

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
