//! Draws a `TextArea`'s text without its widget: every character sanitized (the body
//! editor holds payload text), optionally masked, long lines panned or soft-wrapped, and
//! the cursor kept in view.

use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui_textarea::{DataCursor, TextArea};

use super::doc::text_width;
use super::scroll::set_line_panned;
use crate::sanitize;

const CURSOR: Style = Style::new().add_modifier(Modifier::REVERSED);

/// How a field is drawn.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Look {
    /// Draw this character for every character of the text.
    pub mask: Option<char>,
    pub focused: bool,
    pub style: Style,
    /// Soft-wrap long lines instead of panning them.
    pub wrap: bool,
}

/// What one character of the text looks like on screen.
fn piece(c: char, mask: Option<char>) -> String {
    match mask {
        Some(m) => m.to_string(),
        None if c.is_ascii_graphic() || c == ' ' => c.to_string(),
        None => {
            let mut buf = [0u8; 4];
            sanitize::line(c.encode_utf8(&mut buf))
        }
    }
}

/// A display row: a line's characters `start..end`, drawn as `text`.
struct Row {
    line: usize,
    start: usize,
    end: usize,
    text: String,
    /// Cells before each character of the row, and after the last.
    offsets: Vec<usize>,
}

/// Every line broken into rows of at most `width` cells (whole lines when `width` is 0).
fn rows(lines: &[String], mask: Option<char>, width: usize) -> Vec<Row> {
    let mut out = Vec::new();
    for (li, line) in lines.iter().enumerate() {
        let mut row = Row {
            line: li,
            start: 0,
            end: 0,
            text: String::new(),
            offsets: vec![0],
        };
        for (ci, c) in line.chars().enumerate() {
            let p = piece(c, mask);
            let w = text_width(&p);
            let used = row.offsets.last().copied().unwrap_or(0);
            if width > 0 && used + w > width && row.end > row.start {
                let next = Row {
                    line: li,
                    start: ci,
                    end: ci,
                    text: String::new(),
                    offsets: vec![0],
                };
                out.push(std::mem::replace(&mut row, next));
            }
            let used = row.offsets.last().copied().unwrap_or(0);
            row.text.push_str(&p);
            row.offsets.push(used + w);
            row.end = ci + 1;
        }
        out.push(row);
    }
    out
}

/// Draws `ta` into `area`. `top` keeps the first visible row between frames so the view
/// only scrolls when the cursor leaves it.
pub(crate) fn render(
    ta: &TextArea<'_>,
    look: Look,
    top: &Cell<usize>,
    area: Rect,
    buf: &mut Buffer,
) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    buf.set_style(area, look.style);
    let width = usize::from(area.width);
    let height = usize::from(area.height);
    let DataCursor(cursor_line, cursor_col) = ta.cursor();
    let rows = rows(ta.lines(), look.mask, if look.wrap { width } else { 0 });
    // The cursor's row: the one holding its character, or the line's last at its end.
    let cursor_row = rows
        .iter()
        .position(|r| r.line == cursor_line && cursor_col >= r.start && cursor_col < r.end)
        .or_else(|| rows.iter().rposition(|r| r.line == cursor_line))
        .unwrap_or(0);
    let cursor_x = rows
        .get(cursor_row)
        .and_then(|r| r.offsets.get(cursor_col.saturating_sub(r.start)).copied())
        .unwrap_or(0);
    let mut first = top.get().min(cursor_row);
    if cursor_row >= first + height {
        first = cursor_row + 1 - height;
    }
    top.set(first);
    // Unwrapped rows pan together so the cursor column stays on screen.
    let pan = (cursor_x + 1).saturating_sub(width);
    for (i, row) in rows.iter().skip(first).take(height).enumerate() {
        let y = area.y + i as u16;
        let text = Line::styled(row.text.as_str(), look.style);
        set_line_panned(buf, area.x, y, &text, pan, area.width);
    }
    if look.focused {
        let x = area.x + (cursor_x - pan).min(width - 1) as u16;
        let y = area.y + (cursor_row - first) as u16;
        buf.set_style(Rect::new(x, y, 1, 1), CURSOR);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(buf: &Buffer) -> String {
        let a = buf.area;
        (0..a.height)
            .map(|y| {
                (0..a.width)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn look(mask: Option<char>, wrap: bool) -> Look {
        Look {
            mask,
            focused: true,
            style: Style::new(),
            wrap,
        }
    }

    #[test]
    fn masked_fields_draw_only_the_mask() {
        let ta = TextArea::new(vec!["hunter2".into()]);
        let area = Rect::new(0, 0, 10, 1);
        let mut buf = Buffer::empty(area);
        render(&ta, look(Some('•'), false), &Cell::new(0), area, &mut buf);
        assert_eq!(text(&buf), "•••••••   ");
    }

    #[test]
    fn controls_are_escaped_and_the_cursor_line_stays_in_view() {
        let mut ta = TextArea::new((0..10).map(|i| format!("l{i}\u{1b}")).collect());
        ta.move_cursor(ratatui_textarea::CursorMove::Bottom);
        let area = Rect::new(0, 0, 5, 3);
        let mut buf = Buffer::empty(area);
        let top = Cell::new(0);
        render(&ta, look(None, false), &top, area, &mut buf);
        assert_eq!(top.get(), 7);
        assert_eq!(text(&buf), "l7␛  \nl8␛  \nl9␛  ");
    }

    #[test]
    fn wrapped_lines_follow_the_cursor_to_the_end() {
        let mut ta = TextArea::new(vec!["abcdefghij".into(), String::new()]);
        ta.move_cursor(ratatui_textarea::CursorMove::Bottom);
        let area = Rect::new(0, 0, 4, 2);
        let mut buf = Buffer::empty(area);
        let top = Cell::new(0);
        render(&ta, look(None, true), &top, area, &mut buf);
        assert_eq!(text(&buf), "ij  \n    ");
        assert_eq!(buf[(0, 1)].modifier, Modifier::REVERSED);
        ta.move_cursor(ratatui_textarea::CursorMove::Top);
        render(&ta, look(None, true), &top, area, &mut buf);
        assert_eq!(text(&buf), "abcd\nefgh");
    }
}
