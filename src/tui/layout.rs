//! Where each part of the screen goes. The app lays the screen out (a click lands on
//! the row drawn there, a page is as tall as the table), the view draws into it.

use ratatui::layout::{Constraint, Layout, Rect};

/// Where each part of the screen goes, for drawing and for mouse clicks.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Areas {
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

/// How tall the parts around the table are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sizes {
    pub header: u16,
    /// A filter field or URL prompt has focus.
    pub field: bool,
    /// Rows of the footer's message (at least one, the key bar's neighbour).
    pub message: u16,
}

/// The header: the status line, and the routes line where there is a receiver to send
/// to and room for it.
pub(crate) fn header_height(area: Rect, listening: bool) -> u16 {
    1 + u16::from(listening && area.height >= 8 && area.width > 0)
}

impl Areas {
    pub(crate) fn new(area: Rect, sizes: Sizes) -> Self {
        let footer_height = if area.height >= 10 {
            1 + sizes.message
        } else {
            1
        };
        let [header, main, filter, footer] = Layout::vertical([
            Constraint::Length(sizes.header),
            Constraint::Fill(1),
            Constraint::Length(u16::from(sizes.field)),
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
