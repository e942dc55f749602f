//! The one-line URL prompt a re-send opens when no forward target is configured.

use crossterm::event::KeyEvent;
use ratatui_textarea::{CursorMove, TextArea};

use super::Pending;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;

/// The URL being typed, and what will be sent there.
pub struct UrlPrompt {
    input: TextArea<'static>,
    pending: Pending,
    /// What ↑ and ↓ step through: the address offered first, then recent targets.
    choices: Vec<String>,
    chosen: usize,
    theme: Theme,
}

/// What a key did in the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PromptKey {
    /// Enter, with the URL as typed (trimmed).
    Submit(String),
    /// Esc.
    Cancel,
    Consumed,
}

fn field(url: &str, theme: Theme) -> TextArea<'static> {
    let mut input = TextArea::new(vec![url.to_string()]);
    theme.text_area(&mut input);
    input.set_placeholder_text("http://host:port, or with a path to send there exactly");
    input.move_cursor(CursorMove::End);
    input
}

impl UrlPrompt {
    /// Offers `url`, with `recent` targets (newest first) a ↑ away.
    pub(crate) fn open(url: &str, recent: &[String], pending: Pending, theme: Theme) -> Self {
        let mut choices = vec![url.to_string()];
        for r in recent {
            if !choices.contains(r) {
                choices.push(r.clone());
            }
        }
        Self {
            input: field(url, theme),
            pending,
            choices,
            chosen: 0,
            theme,
        }
    }

    fn choose(&mut self, index: usize) {
        if let Some(url) = self.choices.get(index) {
            self.chosen = index;
            self.input = field(url, self.theme);
        }
    }

    pub(crate) fn input(&self) -> &TextArea<'static> {
        &self.input
    }

    pub(crate) fn pending(&self) -> &Pending {
        &self.pending
    }

    pub(crate) fn text(&self) -> String {
        self.input.lines().join("")
    }

    /// A key: `action` is what the keymap made of it in a one-line field (Enter, and
    /// the Ctrl-M or Ctrl-J some terminals send for it, submit); a key that is no action
    /// is text.
    pub(crate) fn key(&mut self, action: Option<Action>, key: KeyEvent) -> PromptKey {
        match action {
            Some(Action::Submit) => PromptKey::Submit(self.text().trim().to_string()),
            Some(Action::Back) => PromptKey::Cancel,
            Some(Action::Up) => {
                self.choose(self.chosen + 1);
                PromptKey::Consumed
            }
            Some(Action::Down) => {
                self.choose(self.chosen.saturating_sub(1));
                PromptKey::Consumed
            }
            Some(Action::ClearLine) => {
                self.input = field("", self.theme);
                PromptKey::Consumed
            }
            // One line only: no tabs, no newlines.
            Some(_) => PromptKey::Consumed,
            None => {
                self.input.input(key);
                PromptKey::Consumed
            }
        }
    }
}
