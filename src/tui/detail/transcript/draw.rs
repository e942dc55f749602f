//! Drawing the transcript: rows wrapped to the width with matches highlighted, and the
//! search bar.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{SPEAKER_WIDTH, TranscriptView, clock};
use crate::sanitize;
use crate::tui::theme::Theme;
use crate::tui::widgets::doc::{self, text_width, truncate, wrap_ranges};
use crate::tui::widgets::field::{self, Look};
use crate::tui::widgets::scroll;

impl TranscriptView {
    /// The style of character `at` of entry `e`.
    fn char_style(&self, t: Theme, e: usize, at: usize) -> Option<Style> {
        let len = self.query.len();
        let hit = self
            .matches
            .iter()
            .position(|(me, ms)| *me == e && at >= *ms && at < ms + len)?;
        Some(t.found(Some(hit) == self.current))
    }

    /// All rows at `width`, and the row each match starts on.
    fn rows(&self, t: Theme, width: usize) -> (Vec<Line<'static>>, Vec<usize>) {
        let speaker_w = self
            .entries
            .iter()
            .map(|e| text_width(&e.speaker))
            .max()
            .unwrap_or(0)
            .min(SPEAKER_WIDTH);
        // Clock column: as wide as the longest reading plus a space, none when untimed.
        let time_w = self
            .entries
            .iter()
            .filter_map(|e| e.start.map(|s| clock(s).len() + 1))
            .max()
            .unwrap_or(0);
        // Narrow areas put the text under the speaker instead of beside it.
        let beside = width >= time_w + speaker_w + 1 + 20;
        let indent = if beside { time_w + speaker_w + 1 } else { 2 };
        let avail = width.saturating_sub(indent).max(1);
        let mut lines = Vec::new();
        let mut match_rows = vec![0; self.matches.len()];
        for (ei, e) in self.entries.iter().enumerate() {
            let time = e.start.map(clock).unwrap_or_default();
            let mut head = vec![
                Span::styled(right_aligned(&time, time_w), t.dim()),
                Span::styled(
                    format!("{:<w$} ", truncate(&e.speaker, speaker_w), w = speaker_w),
                    t.speaker(e.side),
                ),
            ];
            if !beside {
                lines.push(Line::from(std::mem::take(&mut head)));
            }
            for (start, end) in wrap_ranges(&e.text, avail, avail) {
                for (mi, (me, ms)) in self.matches.iter().enumerate() {
                    if *me == ei && *ms >= start && *ms < end.max(start + 1) {
                        match_rows[mi] = lines.len();
                    }
                }
                let mut spans = if head.is_empty() {
                    vec![Span::raw(" ".repeat(indent))]
                } else {
                    std::mem::take(&mut head)
                };
                let mut run = String::new();
                let mut run_style = None;
                for at in start..end {
                    let style = self.char_style(t, ei, at);
                    if style != run_style && !run.is_empty() {
                        spans.push(Span::styled(
                            std::mem::take(&mut run),
                            run_style.unwrap_or_default(),
                        ));
                    }
                    run_style = style;
                    run.push(e.text[at]);
                }
                if !run.is_empty() {
                    spans.push(Span::styled(run, run_style.unwrap_or_default()));
                }
                lines.push(Line::from(spans));
            }
        }
        (lines, match_rows)
    }

    pub(super) fn draw(&self, t: Theme, area: Rect, buf: &mut Buffer) {
        if area.height == 0 || area.width == 0 {
            return;
        }
        if self.entries.is_empty() {
            let mut d = doc::Doc::new(usize::from(area.width), t);
            d.text(&self.absent, 0, t.missing());
            scroll::render_lines(&d.lines, &self.scroll, t, area, buf);
            return;
        }
        let bar = self.input.is_some() || !self.query.is_empty();
        let (main, bar_area) = if bar && area.height > 1 {
            let h = area.height - 1;
            (
                Rect { height: h, ..area },
                Some(Rect {
                    y: area.y + h,
                    height: 1,
                    ..area
                }),
            )
        } else {
            (area, None)
        };
        let (lines, match_rows) = self.rows(t, usize::from(scroll::text_area(main).width));
        self.scroll.fit(lines.len(), usize::from(main.height));
        if self.follow.replace(false)
            && let Some(row) = self.current.and_then(|c| match_rows.get(c))
        {
            self.scroll.reveal(*row);
        }
        scroll::render_lines(&lines, &self.scroll, t, main, buf);
        if let Some(bar_area) = bar_area {
            self.render_bar(t, bar_area, buf);
        }
    }

    fn render_bar(&self, t: Theme, area: Rect, buf: &mut Buffer) {
        let count = match (self.matches.len(), self.current) {
            (0, _) => "no matches".to_string(),
            (n, Some(c)) => format!("{}/{n}", c + 1),
            (1, None) => "1 match".to_string(),
            (n, None) => format!("{n} matches"),
        };
        let info = format!("  {count}");
        let info_w = text_width(&info) as u16;
        buf.set_string(area.x, area.y, "/", t.label());
        let field_w = area.width.saturating_sub(1 + info_w);
        let field = Rect {
            x: area.x + 1,
            width: field_w,
            ..area
        };
        match &self.input {
            Some(input) => {
                let look = Look {
                    mask: None,
                    focused: true,
                    style: Style::new(),
                    wrap: false,
                };
                field::render(input, look, &self.input_top, field, buf);
            }
            None => {
                let q: String = self.query.iter().collect();
                buf.set_stringn(
                    field.x,
                    field.y,
                    sanitize::line(&q),
                    usize::from(field_w),
                    Style::new(),
                );
            }
        }
        buf.set_stringn(
            area.x + 1 + field_w,
            area.y,
            info,
            usize::from(info_w),
            t.dim(),
        );
    }
}

/// `time` right-aligned in a column of `width` (its last cell a space).
fn right_aligned(time: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    format!("{time:>w$} ", w = width - 1)
}
