//! Building blocks shared by the tabs: payload text made safe and word-wrapped into
//! lines that fit the area, and labelled fields.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub(crate) use super::{char_width, text_width, truncate};
use crate::sanitize;
use crate::tui::theme::Theme;

/// Widest label column; narrower areas get a third of their width.
const LABEL_WIDTH: usize = 16;

/// A payload-derived span: sanitized onto one line first.
pub(crate) fn safe(text: &str, style: Style) -> Span<'static> {
    Span::styled(sanitize::line(text), style)
}

/// Breaks sanitized one-line `text` into rows of at most `width` cells, at spaces when
/// possible. Always at least one row.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let mut row = String::new();
    let mut used = 0;
    for word in text.split(' ') {
        let w = text_width(word);
        if used > 0 && used + 1 + w <= width {
            row.push(' ');
            row.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            rows.push(std::mem::take(&mut row));
            used = 0;
        }
        // A word longer than a row is split wherever the row ends.
        for c in word.chars() {
            let cw = char_width(c);
            if used + cw > width && used > 0 {
                rows.push(std::mem::take(&mut row));
                used = 0;
            }
            row.push(c);
            used += cw;
        }
    }
    rows.push(row);
    rows
}

/// `12,345 bytes`.
pub(crate) fn bytes(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out} {}", if n == 1 { "byte" } else { "bytes" })
}

/// Breaks sanitized `text` into rows of exactly `width` cells (the last shorter),
/// ignoring word boundaries: for signatures and signed strings.
pub(crate) fn wrap_hard(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut rows = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > width && used > 0 {
            rows.push(String::new());
            used = 0;
        }
        if let Some(row) = rows.last_mut() {
            row.push(c);
        }
        used += w;
    }
    rows
}

/// Rows of `text` as character ranges: the first at most `first` cells wide, the rest
/// `rest`, each broken after its last space when it has one. Always at least one row.
pub(crate) fn wrap_ranges(text: &[char], first: usize, rest: usize) -> Vec<(usize, usize)> {
    let mut rows = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let width = if rows.is_empty() { first } else { rest }.max(1);
        let (mut used, mut end, mut space) = (0, start, None);
        while end < text.len() {
            let w = char_width(text[end]);
            if used + w > width && end > start {
                break;
            }
            if text[end] == ' ' {
                space = Some(end);
            }
            used += w;
            end += 1;
        }
        if end < text.len()
            && let Some(s) = space.filter(|s| *s > start)
        {
            end = s + 1;
        }
        rows.push((start, end));
        start = end;
    }
    if rows.is_empty() {
        rows.push((0, 0));
    }
    rows
}

/// Lines built to fit one width, styled by one theme: what every document-like tab
/// draws.
pub(crate) struct Doc {
    pub width: usize,
    pub theme: Theme,
    pub lines: Vec<Line<'static>>,
    /// Where each section starts (its heading line).
    pub sections: Vec<usize>,
    label_width: usize,
}

impl Doc {
    pub(crate) fn new(width: usize, theme: Theme) -> Self {
        Self {
            width: width.max(1),
            theme,
            lines: Vec::new(),
            sections: Vec::new(),
            label_width: LABEL_WIDTH.min(width / 3),
        }
    }

    pub(crate) fn push(&mut self, line: impl Into<Line<'static>>) {
        self.lines.push(line.into());
    }

    pub(crate) fn blank(&mut self) {
        self.lines.push(Line::default());
    }

    /// A section title, set off from what precedes it.
    pub(crate) fn heading(&mut self, title: &str) {
        if !self.lines.is_empty() {
            self.blank();
        }
        let title = truncate(&sanitize::line(title), self.width.saturating_sub(3));
        let rule = self.width.saturating_sub(text_width(&title) + 4).min(40);
        self.sections.push(self.lines.len());
        self.push(Line::from(vec![
            Span::styled(format!("── {title} "), self.theme.heading()),
            Span::styled("─".repeat(rule), self.theme.dim()),
        ]));
    }

    /// Payload text as paragraphs (its newlines kept), wrapped, every row indented.
    pub(crate) fn text(&mut self, raw: &str, indent: usize, style: Style) {
        let pad = " ".repeat(indent.min(self.width / 2));
        let avail = self.width.saturating_sub(pad.len());
        for para in sanitize::for_screen(raw, true).split('\n') {
            for row in wrap(para, avail) {
                self.push(Line::from(vec![
                    Span::raw(pad.clone()),
                    Span::styled(row, style),
                ]));
            }
        }
    }

    /// `marker` then payload text, continuation rows aligned under the text.
    pub(crate) fn item(&mut self, marker: Span<'static>, raw: &str, style: Style) {
        self.item_with(vec![marker], raw, style);
    }

    /// As [`Doc::item`] with a head of several (safe) spans.
    pub(crate) fn item_with(&mut self, head: Vec<Span<'static>>, raw: &str, style: Style) {
        let lead: usize = head.iter().map(Span::width).sum();
        let avail = self.width.saturating_sub(lead);
        let mut head = Some(head);
        for row in wrap(&sanitize::line(raw), avail) {
            let mut spans = head
                .take()
                .unwrap_or_else(|| vec![Span::raw(" ".repeat(lead))]);
            spans.push(Span::styled(row, style));
            self.push(Line::from(spans));
        }
    }

    fn label_span(&self, label: &str) -> Span<'static> {
        let w = self.label_width;
        let cut = truncate(label, w.saturating_sub(1));
        let pad = w.saturating_sub(text_width(&cut));
        Span::styled(format!("{cut}{}", " ".repeat(pad)), self.theme.label())
    }

    /// `label  value`, the payload value wrapped under itself.
    pub(crate) fn field(&mut self, label: &str, raw: &str) {
        self.field_styled(label, raw, Style::new());
    }

    pub(crate) fn label_width(&self) -> usize {
        self.label_width
    }

    pub(crate) fn field_styled(&mut self, label: &str, raw: &str, style: Style) {
        let avail = self.width.saturating_sub(self.label_width).max(1);
        let rows = wrap(&sanitize::line(raw), avail);
        self.field_rows(label, rows, style);
    }

    /// A field broken at the width regardless of words (signatures, signed strings).
    pub(crate) fn field_hard(&mut self, label: &str, raw: &str, style: Style) {
        let avail = self.width.saturating_sub(self.label_width).max(1);
        let rows = wrap_hard(&sanitize::line(raw), avail);
        self.field_rows(label, rows, style);
    }

    fn field_rows(&mut self, label: &str, rows: Vec<String>, style: Style) {
        for (i, row) in rows.into_iter().enumerate() {
            let head = if i == 0 {
                self.label_span(label)
            } else {
                Span::raw(" ".repeat(self.label_width))
            };
            self.push(Line::from(vec![head, Span::styled(row, style)]));
        }
    }

    /// A field whose absence is worth saying.
    pub(crate) fn field_opt(&mut self, label: &str, raw: Option<&str>) {
        match raw {
            Some(v) => self.field(label, v),
            None => self.missing(label),
        }
    }

    /// `label  spans`, for values already made of safe spans; not wrapped.
    pub(crate) fn field_spans(&mut self, label: &str, spans: Vec<Span<'static>>) {
        let mut all = vec![self.label_span(label)];
        all.extend(spans);
        self.push(Line::from(all));
    }

    /// Styled spans (already safe) wrapped at spaces where possible, continuation rows
    /// indented.
    pub(crate) fn spans_wrapped(&mut self, spans: Vec<Span<'static>>, indent: usize) {
        let indent = indent.min(self.width / 2);
        let cells: Vec<(char, Style)> = spans
            .iter()
            .flat_map(|s| s.content.chars().map(move |c| (c, s.style)))
            .collect();
        let chars: Vec<char> = cells.iter().map(|(c, _)| *c).collect();
        let rows = wrap_ranges(&chars, self.width, self.width.saturating_sub(indent));
        for (i, (start, end)) in rows.into_iter().enumerate() {
            let mut line = Vec::new();
            if i > 0 {
                line.push(Span::raw(" ".repeat(indent)));
            }
            let mut run = String::new();
            let mut style = None;
            for (c, st) in &cells[start..end] {
                if style != Some(*st) && !run.is_empty() {
                    line.push(Span::styled(
                        std::mem::take(&mut run),
                        style.unwrap_or_default(),
                    ));
                }
                style = Some(*st);
                run.push(*c);
            }
            if !run.is_empty() {
                line.push(Span::styled(run, style.unwrap_or_default()));
            }
            self.lines.push(Line::from(line));
        }
    }

    pub(crate) fn missing(&mut self, label: &str) {
        self.field_spans(
            label,
            vec![Span::styled("not present", self.theme.missing())],
        );
    }

    /// The lines split in two at the section start nearest the middle, for two columns.
    pub(crate) fn halves(&self) -> (&[Line<'static>], &[Line<'static>]) {
        let middle = self.lines.len() / 2;
        let split = self
            .sections
            .iter()
            .copied()
            .filter(|s| *s > 0)
            .min_by_key(|s| s.abs_diff(middle))
            .unwrap_or(self.lines.len());
        let (left, right) = self.lines.split_at(split);
        // The blank line that set the section off belongs to neither column.
        let left = left.strip_suffix(&[Line::default()]).unwrap_or(left);
        (left, right)
    }

    pub(crate) fn note(&mut self, text: &str) {
        self.text(text, 0, self.theme.dim());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_and_splits_long_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), vec![""]);
        assert_eq!(wrap("日本語", 4), vec!["日本", "語"]);
    }

    #[test]
    fn byte_counts_group_thousands() {
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(999), "999 bytes");
        assert_eq!(bytes(1234567), "1,234,567 bytes");
    }

    #[test]
    fn ranges_prefer_spaces_and_indent_continuations() {
        let chars: Vec<char> = "aaa bbb ccccccc".chars().collect();
        assert_eq!(
            wrap_ranges(&chars, 5, 5),
            vec![(0, 4), (4, 8), (8, 13), (13, 15)]
        );
        assert_eq!(
            wrap_ranges(&chars, 8, 3),
            vec![(0, 8), (8, 11), (11, 14), (14, 15)]
        );
        assert_eq!(wrap_ranges(&[], 5, 5), vec![(0, 0)]);
        let mut d = Doc::new(10, Theme::colored());
        d.spans_wrapped(vec![Span::raw("key: "), Span::raw("one two three")], 2);
        let rows: Vec<String> = d.lines.iter().map(|l| l.to_string()).collect();
        assert_eq!(rows, vec!["key: one ", "  two ", "  three"]);
    }

    #[test]
    fn halves_split_at_the_section_nearest_the_middle() {
        let mut d = Doc::new(40, Theme::colored());
        for title in ["a", "b", "c"] {
            d.heading(title);
            d.field("x", "1");
            d.field("y", "2");
        }
        let (left, right) = d.halves();
        // Sections start at rows 0, 4 and 8 of 11: the split is at 4, the blank dropped.
        assert_eq!(left.len(), 3);
        assert_eq!(
            right.first().map(|l| l.to_string()),
            Some(format!("── b {}", "─".repeat(35)))
        );
        assert!(Doc::new(10, Theme::colored()).halves().0.is_empty());
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("abc", 0), "");
    }
}
