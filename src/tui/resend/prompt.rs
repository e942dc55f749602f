//! The one-line URL prompt a re-send opens when no forward target is configured.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{CursorMove, TextArea};

use super::Pending;

/// The URL being typed, and what will be sent there.
pub struct UrlPrompt {
    input: TextArea<'static>,
    pending: Pending,
    /// What ↑ and ↓ step through: the address offered first, then recent targets.
    choices: Vec<String>,
    chosen: usize,
}

/// What a key did in the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKey {
    /// Enter, with the URL as typed (trimmed).
    Submit(String),
    /// Esc.
    Cancel,
    Consumed,
}

fn field(url: &str) -> TextArea<'static> {
    let mut input = TextArea::new(vec![url.to_string()]);
    input.set_cursor_line_style(Style::default());
    input.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
    input.set_placeholder_text("http://host:port, or with a path to send there exactly");
    input.move_cursor(CursorMove::End);
    input
}

impl UrlPrompt {
    /// Offers `url`, with `recent` targets (newest first) a ↑ away.
    pub fn open(url: &str, recent: &[String], pending: Pending) -> Self {
        let mut choices = vec![url.to_string()];
        for r in recent {
            if !choices.contains(r) {
                choices.push(r.clone());
            }
        }
        Self {
            input: field(url),
            pending,
            choices,
            chosen: 0,
        }
    }

    fn choose(&mut self, index: usize) {
        if let Some(url) = self.choices.get(index) {
            self.chosen = index;
            self.input = field(url);
        }
    }

    pub fn input(&self) -> &TextArea<'static> {
        &self.input
    }

    pub fn pending(&self) -> &Pending {
        &self.pending
    }

    pub fn text(&self) -> String {
        self.input.lines().join("")
    }

    pub fn key(&mut self, key: KeyEvent) -> PromptKey {
        match key.code {
            KeyCode::Enter => PromptKey::Submit(self.text().trim().to_string()),
            KeyCode::Esc => PromptKey::Cancel,
            // One line only: no tabs, no newlines.
            KeyCode::Tab | KeyCode::BackTab => PromptKey::Consumed,
            KeyCode::Up => {
                self.choose(self.chosen + 1);
                PromptKey::Consumed
            }
            KeyCode::Down => {
                self.choose(self.chosen.saturating_sub(1));
                PromptKey::Consumed
            }
            KeyCode::Char('u' | 'U') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.input = field("");
                PromptKey::Consumed
            }
            // Some terminals send Enter as Ctrl-M or Ctrl-J, which would insert a newline.
            KeyCode::Char('m' | 'j') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                PromptKey::Submit(self.text().trim().to_string())
            }
            _ => {
                self.input.input(key);
                PromptKey::Consumed
            }
        }
    }
}
