//! The footer's message: what just happened, for a few seconds.

use crate::sanitize;
use crate::tui::widgets::{truncate, wrap_words};

/// The footer's last message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
    /// Ticks seen since it was shown.
    age: u32,
}

/// Ticks (seconds) a message stays; errors stay longer, as they ask for something.
const INFO_TICKS: u32 = 5;
const ERROR_TICKS: u32 = 10;

impl Message {
    pub(crate) fn info(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            error: false,
            age: 0,
        }
    }

    pub(crate) fn error(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            error: true,
            age: 0,
        }
    }

    /// One tick older; `false` once it has been shown long enough.
    pub(crate) fn tick(&mut self) -> bool {
        self.age += 1;
        self.age < if self.error { ERROR_TICKS } else { INFO_TICKS }
    }
}

/// Rows a message may take: it is wrapped rather than cut, up to this.
const MESSAGE_ROWS: usize = 3;

impl Message {
    /// As shown: an error says so.
    pub(crate) fn shown(&self) -> String {
        let text = sanitize::line(&self.text);
        if self.error {
            format!("Error: {text}")
        } else {
            text
        }
    }

    /// The rows at `width` (see [`rows`]).
    pub(crate) fn rows(&self, width: u16) -> Vec<String> {
        rows(&self.shown(), width)
    }
}

/// A footer text's rows at `width`: wrapped, and only the last of [`MESSAGE_ROWS`] cut
/// with `…`.
pub(crate) fn rows(text: &str, width: u16) -> Vec<String> {
    let mut rows = wrap_words(text, usize::from(width));
    if rows.len() > MESSAGE_ROWS {
        let rest = rows.split_off(MESSAGE_ROWS - 1).join(" ");
        rows.push(truncate(&rest, usize::from(width)));
    }
    rows
}
