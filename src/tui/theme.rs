//! The one theme every screen draws with: colours, or none at all when `NO_COLOR` is
//! set.

use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};

use crate::signature::Status;

/// Colours, or none at all when `NO_COLOR` is set: every colour then has a word or a
/// symbol next to it, so nothing is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub(crate) fn from_env() -> Self {
        Self::from_no_color(std::env::var_os("NO_COLOR"))
    }

    /// `NO_COLOR` set to anything but the empty string turns colours off (no-color.org).
    pub fn from_no_color(value: Option<std::ffi::OsString>) -> Self {
        Self {
            color: value.is_none_or(|v| v.is_empty()),
        }
    }

    pub const fn colored() -> Self {
        Self { color: true }
    }

    pub const fn monochrome() -> Self {
        Self { color: false }
    }

    /// Takes every colour out of `area` when colours are off, whoever drew them (the
    /// detail tabs' styles included); bold, reverse and the words stay.
    pub(crate) fn settle(self, area: Rect, buf: &mut ratatui::buffer::Buffer) {
        if self.color {
            return;
        }
        let area = area.intersection(buf.area);
        for y in area.top()..area.bottom() {
            for x in area.left()..area.right() {
                let cell = &mut buf[(x, y)];
                cell.set_fg(Color::Reset);
                cell.set_bg(Color::Reset);
            }
        }
    }

    pub(crate) fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub(crate) fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub(crate) fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub(crate) fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    pub(crate) fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    pub(crate) fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub(crate) fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// The symbol and word for a verification status, and its colour.
    pub(crate) fn status(self, status: Status) -> (&'static str, Style) {
        match status {
            Status::Verified => ("✓ verified", self.fg(Color::Green)),
            Status::Failed => ("✗ failed", self.fg(Color::Red).add_modifier(Modifier::BOLD)),
            Status::Unsigned => ("– unsigned", self.dim()),
            Status::Unchecked => ("? unchecked", self.fg(Color::Yellow)),
        }
    }

    /// Our answer's status code: errors stand out.
    pub(crate) fn answer(self, code: u16) -> Style {
        match code {
            200..=299 => Style::new(),
            400..=499 => self.fg(Color::Yellow),
            _ => self.fg(Color::Red),
        }
    }
}
