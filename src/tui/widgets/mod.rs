//! Drawing pieces shared by the table, the footer and the detail tabs: text measured in
//! screen cells and cut with a visible `…`, never silently; documents of labelled,
//! wrapped lines; scrolled windows; the tab bar; text fields.

pub mod doc;
pub mod field;
pub mod scroll;
pub mod tabs;

use ratatui::buffer::Buffer;
use ratatui::text::{Line, Span};

/// Cells one character takes on screen.
pub(crate) fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    Span::raw(&*c.encode_utf8(&mut buf)).width()
}

/// Cells a (sanitized) text takes on screen.
pub(crate) fn text_width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Cuts sanitized `text` to `width` cells, ending in `…` when something was cut.
pub(crate) fn truncate(text: &str, width: usize) -> String {
    if text_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Spans cut to `width` cells, ending in `…` (in the style of the span it cuts) when
/// something was cut.
pub(crate) fn clip(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(Span::width).sum();
    if total <= width {
        return spans;
    }
    let mut out = Vec::new();
    // Room for the text before the `…`.
    let mut room = width.saturating_sub(1);
    for span in spans {
        let mut kept = String::new();
        for c in span.content.chars() {
            let w = char_width(c);
            if w > room {
                room = 0;
                break;
            }
            room -= w;
            kept.push(c);
        }
        let full = kept.len() == span.content.len();
        if full && room > 0 {
            out.push(span);
            continue;
        }
        if width > 0 {
            kept.push('…');
        }
        out.push(Span::styled(kept, span.style));
        break;
    }
    out
}

/// Draws `spans` into one row of `area`, cut with `…` when it does not fit.
pub(crate) fn draw_clipped(
    spans: Vec<Span<'static>>,
    x: u16,
    y: u16,
    width: u16,
    buf: &mut Buffer,
) {
    if width == 0 {
        return;
    }
    let line = Line::from(clip(spans, usize::from(width)));
    buf.set_line(x, y, &line, width);
}

/// Breaks `text` into rows of at most `width` cells at spaces; a word longer than a row
/// is cut with `…`. Always at least one row.
pub(crate) fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = text_width(&row);
        if len > 0 && len + 1 + text_width(word) > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push(' ');
        }
        row.push_str(word);
        if text_width(&row) > width {
            rows.push(truncate(&row, width));
            row.clear();
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};

    #[test]
    fn cut_text_ends_in_an_ellipsis() {
        assert_eq!(truncate("5520173846227", 13), "5520173846227");
        assert_eq!(truncate("5520173846227", 12), "55201738462…");
        assert_eq!(truncate("Zoë", 0), "");
    }

    #[test]
    fn clipped_spans_keep_their_styles_up_to_the_cut() {
        let red = Style::new().fg(Color::Red);
        let spans = vec![Span::styled("✗ ", red), Span::raw("wrong_secret")];
        let out = clip(spans.clone(), 8);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].style, red);
        assert_eq!(out[1].content, "wrong…");
        assert_eq!(clip(spans.clone(), 40), spans);
        // Cut right where a span ends: the `…` still shows.
        let text = |s: Vec<Span>| s.iter().map(|s| s.content.to_string()).collect::<String>();
        assert_eq!(text(clip(spans.clone(), 2)), "✗…");
        assert_eq!(text(clip(spans.clone(), 13)), "✗ wrong_secr…");
        assert_eq!(text(clip(spans, 0)), "");
    }

    #[test]
    fn words_wrap_and_overlong_ones_are_cut_visibly() {
        assert_eq!(wrap_words("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap_words("longword x", 5), ["long…", "x"]);
        assert_eq!(wrap_words("", 5), [""]);
    }
}
