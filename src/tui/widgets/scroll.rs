//! Scrolled windows: a vertical offset kept in cells so drawing stays `&self`, drawing
//! the visible lines of a list with a scrollbar, and horizontally panned rows.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget};

use super::doc::char_width;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;

/// A vertical scroll position kept in cells so drawing can stay `&self`; the last drawn
/// height and length let key handling clamp and page without a frame.
#[derive(Debug, Default)]
pub(crate) struct Scroll {
    offset: Cell<usize>,
    height: Cell<usize>,
    total: Cell<usize>,
}

impl Scroll {
    pub(crate) fn offset(&self) -> usize {
        self.offset.get()
    }

    pub(crate) fn height(&self) -> usize {
        self.height.get().max(1)
    }

    fn max_offset(&self) -> usize {
        self.total.get().saturating_sub(self.height.get())
    }

    pub(crate) fn set(&self, offset: usize) {
        self.offset.set(offset);
    }

    /// Records the drawn window and keeps the offset inside it.
    pub(crate) fn fit(&self, total: usize, height: usize) {
        self.total.set(total);
        self.height.set(height);
        self.offset.set(self.offset.get().min(self.max_offset()));
    }

    /// Scrolls just enough for `row` to be visible.
    pub(crate) fn reveal(&self, row: usize) {
        let h = self.height();
        let off = self.offset.get();
        if row < off {
            self.offset.set(row);
        } else if row >= off + h {
            self.offset.set(row + 1 - h);
        }
    }

    pub(crate) fn by(&self, delta: isize) {
        let off = self.offset.get().saturating_add_signed(delta);
        self.offset.set(off.min(self.max_offset()));
    }

    /// The moves (up, down, a page, the ends). `true` when the action was one.
    pub(crate) fn act(&self, action: Action) -> bool {
        let page = self.height().saturating_sub(1).max(1) as isize;
        match action {
            Action::Down => self.by(1),
            Action::Up => self.by(-1),
            Action::PageDown => self.by(page),
            Action::PageUp => self.by(-page),
            Action::Top => self.offset.set(0),
            Action::Bottom => self.offset.set(self.max_offset()),
            _ => return false,
        }
        true
    }
}

/// The area left for text once the scrollbar column is set aside.
pub(crate) fn text_area(area: Rect) -> Rect {
    Rect {
        width: area.width.saturating_sub(1),
        ..area
    }
}

/// Draws the visible window of `lines` into `area` (the scrollbar in its last column).
pub(crate) fn render_lines(
    lines: &[Line<'_>],
    scroll: &Scroll,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let inner = text_area(area);
    let height = usize::from(area.height);
    scroll.fit(lines.len(), height);
    for (i, line) in lines.iter().skip(scroll.offset()).take(height).enumerate() {
        let y = area.y.saturating_add(i as u16);
        buf.set_line(inner.x, y, line, inner.width);
    }
    render_scrollbar(lines.len(), scroll, theme, area, buf);
}

/// Two columns of lines side by side in `area`, scrolled together.
pub(crate) fn render_columns(
    left: &[Line<'_>],
    right: &[Line<'_>],
    scroll: &Scroll,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let inner = text_area(area);
    let height = usize::from(area.height);
    let total = left.len().max(right.len());
    scroll.fit(total, height);
    let gap = 2;
    let col = inner.width.saturating_sub(gap) / 2;
    for (x, lines) in [(inner.x, left), (inner.x + col + gap, right)] {
        for (i, line) in lines.iter().skip(scroll.offset()).take(height).enumerate() {
            buf.set_line(x, area.y.saturating_add(i as u16), line, col);
        }
    }
    render_scrollbar(total, scroll, theme, area, buf);
}

/// A scrollbar in the last column of `area` when `total` rows overflow it.
pub(crate) fn render_scrollbar(
    total: usize,
    scroll: &Scroll,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let height = usize::from(area.height);
    if total <= height || area.width < 2 || area.height < 2 {
        return;
    }
    let mut state = ScrollbarState::new(total.saturating_sub(height))
        .position(scroll.offset())
        .viewport_content_length(height);
    Scrollbar::new(ScrollbarOrientation::VerticalRight)
        .begin_symbol(None)
        .end_symbol(None)
        .track_symbol(Some("│"))
        .track_style(theme.dim())
        .render(area, buf, &mut state);
}

/// Draws `line` from its `skip`th cell on: a horizontally panned row.
pub(crate) fn set_line_panned(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    line: &Line<'_>,
    skip: usize,
    width: u16,
) {
    if skip == 0 {
        buf.set_line(x, y, line, width);
        return;
    }
    let mut col = 0;
    let mut spans = Vec::new();
    for span in &line.spans {
        let mut kept = String::new();
        for c in span.content.chars() {
            if col >= skip {
                kept.push(c);
            }
            col += char_width(c);
        }
        if !kept.is_empty() {
            spans.push(Span::styled(kept, span.style));
        }
    }
    buf.set_line(x, y, &Line::from(spans), width);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scroll_clamps_to_the_last_page() {
        let s = Scroll::default();
        s.fit(100, 10);
        s.by(500);
        assert_eq!(s.offset(), 90);
        s.by(-500);
        assert_eq!(s.offset(), 0);
        s.reveal(30);
        assert_eq!(s.offset(), 21);
        s.fit(5, 10);
        assert_eq!(s.offset(), 0);
    }
}
