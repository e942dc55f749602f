//! Drawing: one function per part of the screen, all from `&App`. Nothing here reads
//! the store or changes state; the layout is shared with the app so that clicks land
//! where things are drawn.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};

use super::app::App;
use crate::signature::Status;

mod confirm;
mod footer;
mod header;
pub(crate) mod help;
mod resend;
mod table;

/// Colours, or none at all when `NO_COLOR` is set: every colour then has a word or a
/// symbol next to it, so nothing is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn from_env() -> Self {
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
    pub fn settle(self, area: Rect, buf: &mut ratatui::buffer::Buffer) {
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

    pub fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// The symbol and word for a verification status, and its colour.
    pub fn status(self, status: Status) -> (&'static str, Style) {
        match status {
            Status::Verified => ("✓ verified", self.fg(Color::Green)),
            Status::Failed => ("✗ failed", self.fg(Color::Red).add_modifier(Modifier::BOLD)),
            Status::Unsigned => ("– unsigned", self.dim()),
            Status::Unchecked => ("? unchecked", self.fg(Color::Yellow)),
        }
    }

    /// Our answer's status code: errors stand out.
    pub fn answer(self, code: u16) -> Style {
        match code {
            200..=299 => Style::new(),
            400..=499 => self.fg(Color::Yellow),
            _ => self.fg(Color::Red),
        }
    }
}

/// Where each part of the screen goes, for drawing and for mouse clicks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Areas {
    pub header: Rect,
    pub main: Rect,
    /// The table's title line, its column names and its rows.
    pub title: Rect,
    pub columns: Rect,
    pub body: Rect,
    /// The filter field or a re-send's URL prompt; empty unless one has focus.
    pub filter: Rect,
    pub footer: Rect,
}

impl Areas {
    pub fn new(area: Rect, app: &App) -> Self {
        let footer_height = if area.height >= 10 {
            1 + footer::message_height(app, area.width)
        } else {
            1
        };
        let filter_height = u16::from(app.filter().is_editing() || app.prompt().is_some());
        let [header, main, filter, footer] = Layout::vertical([
            Constraint::Length(header::height(app, area)),
            Constraint::Fill(1),
            Constraint::Length(filter_height),
            Constraint::Length(footer_height),
        ])
        .areas(area);
        let [title, columns, body] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
        ])
        .areas(main);
        Self {
            header,
            main,
            title,
            columns,
            body,
            filter,
            footer,
        }
    }
}

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    let areas = Areas::new(area, app);
    let buf = frame.buffer_mut();
    header::render(app, area, areas.header, buf);
    match app.detail() {
        Some(detail) => detail.render(areas.main, buf),
        None => table::render(app, &areas, buf),
    }
    // Full screen but for the footer, which shows the editor's keys.
    let above_footer = Rect {
        height: areas.main.bottom().saturating_sub(area.y),
        ..area
    };
    resend::render_editor(app, above_footer, buf);
    footer::render_filter(app, areas.filter, buf);
    resend::render_prompt(app, areas.filter, buf);
    footer::render(app, areas.footer, buf);
    if let Some(scroll) = app.help_scroll() {
        help::render(app, scroll, area, buf);
    }
    confirm::render(app, area, buf);
    app.theme().settle(area, buf);
}
