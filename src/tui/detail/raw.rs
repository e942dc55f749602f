//! The body as it arrived: UTF-8 text wrapped to the width (rows computed once per width,
//! drawn only where visible), or a hex dump of the bytes.

use std::cell::RefCell;

use ratatui::text::{Line, Span};

use crate::sanitize;
use crate::tui::theme::Theme;
use crate::tui::widgets::doc::char_width;

/// Byte ranges of display rows.
type Rows = Vec<(usize, usize)>;

/// The text's display rows, computed for the last width drawn.
#[derive(Debug, Default)]
pub(crate) struct TextRows {
    cache: RefCell<Option<(usize, Rows)>>,
}

/// Cells a character takes once sanitized (controls become visible escapes).
fn shown_width(c: char) -> usize {
    if c.is_ascii_graphic() || c == ' ' {
        1
    } else {
        let mut buf = [0u8; 4];
        sanitize::line(c.encode_utf8(&mut buf))
            .chars()
            .map(char_width)
            .sum()
    }
}

/// Rows of at most `width` cells; a newline ends a row, so text ending in one has an
/// empty last row (which is how a trailing newline shows).
fn rows_for(text: &str, width: usize) -> Vec<(usize, usize)> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, c) in text.char_indices() {
        if c == '\n' {
            rows.push((start, i));
            start = i + 1;
            used = 0;
            continue;
        }
        let w = shown_width(c);
        if used + w > width && used > 0 {
            rows.push((start, i));
            start = i;
            used = 0;
        }
        used += w;
    }
    rows.push((start, text.len()));
    rows
}

impl TextRows {
    /// How many rows `text` takes at `width`.
    pub(crate) fn len(&self, text: &str, width: usize) -> usize {
        self.with(text, width, |rows| rows.len())
    }

    /// Row `index` of `text` at `width`, sanitized.
    pub(crate) fn line(&self, text: &str, width: usize, index: usize) -> Line<'static> {
        self.with(text, width, |rows| {
            rows.get(index)
                .and_then(|(s, e)| text.get(*s..*e))
                .map(|row| Line::raw(sanitize::line(row)))
                .unwrap_or_default()
        })
    }

    fn with<T>(&self, text: &str, width: usize, f: impl FnOnce(&[(usize, usize)]) -> T) -> T {
        let mut cache = self.cache.borrow_mut();
        if cache.as_ref().is_none_or(|(w, _)| *w != width) {
            *cache = Some((width, rows_for(text, width)));
        }
        let rows = cache
            .as_ref()
            .map(|(_, r)| r.as_slice())
            .unwrap_or_default();
        f(rows)
    }
}

/// Bytes per hex row that fit `width`: 16, 8 or 4.
pub(crate) fn hex_bytes_per_row(width: usize) -> usize {
    match width {
        w if w >= 78 => 16,
        w if w >= 44 => 8,
        _ => 4,
    }
}

pub(crate) fn hex_rows(len: usize, per_row: usize) -> usize {
    len.div_ceil(per_row.max(1)).max(1)
}

/// `00000010  7b 22 …  |{"…|` for row `index`.
pub(crate) fn hex_line(bytes: &[u8], per_row: usize, index: usize, t: Theme) -> Line<'static> {
    let start = index * per_row;
    let chunk = bytes
        .get(start..(start + per_row).min(bytes.len()))
        .unwrap_or_default();
    let mut hex = String::with_capacity(per_row * 3 + 1);
    for i in 0..per_row {
        if i > 0 && i % 8 == 0 {
            hex.push(' ');
        }
        match chunk.get(i) {
            Some(b) => hex.push_str(&format!("{b:02x} ")),
            None => hex.push_str("   "),
        }
    }
    let mut spans = vec![
        Span::styled(format!("{start:08x}  "), t.dim()),
        Span::raw(hex),
        Span::styled(" |", t.dim()),
    ];
    for b in chunk {
        if b.is_ascii_graphic() || *b == b' ' {
            spans.push(Span::styled(char::from(*b).to_string(), t.printable()));
        } else {
            spans.push(Span::styled(".", t.dim()));
        }
    }
    spans.push(Span::styled("|", t.dim()));
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rows_wrap_and_keep_a_trailing_newline_row() {
        let rows = TextRows::default();
        let text = "abcdef\nxy\n";
        assert_eq!(rows.len(text, 4), 4);
        assert_eq!(rows.line(text, 4, 0).to_string(), "abcd");
        assert_eq!(rows.line(text, 4, 1).to_string(), "ef");
        assert_eq!(rows.line(text, 4, 3).to_string(), "");
        assert_eq!(rows.len(text, 80), 3);
        assert_eq!(rows_for("", 10), vec![(0, 0)]);
    }

    #[test]
    fn controls_count_at_their_escaped_width() {
        // U+009B shows as `\u{9b}`: six cells.
        assert_eq!(rows_for("a\u{9b}b", 4), vec![(0, 1), (1, 3), (3, 4)]);
        let line = TextRows::default().line("\u{1b}[2J", 10, 0).to_string();
        assert_eq!(line, "␛[2J");
    }

    #[test]
    fn hex_rows_show_offset_bytes_and_ascii() {
        let bytes = b"{\"a\":1}\xff\x00";
        let line = hex_line(bytes, 8, 1, Theme::colored()).to_string();
        assert_eq!(line, "00000008  00                       |.|");
        let first = hex_line(bytes, 8, 0, Theme::colored()).to_string();
        assert_eq!(first, "00000000  7b 22 61 22 3a 31 7d ff  |{\"a\":1}.|");
        assert_eq!(hex_rows(0, 16), 1);
        assert_eq!(hex_rows(17, 16), 2);
    }
}
