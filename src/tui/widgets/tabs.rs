//! The bar that names the detail's six tabs, the open one highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{text_width, truncate};
use crate::tui::tab::Tab;
use crate::tui::theme::Theme;

/// The bar's labels at `width`: full titles if they fit, then short ones for the other
/// tabs, then bare numbers. The current tab is bracketed as well as highlighted, so it
/// shows without colour and to screen readers.
fn labels(current: Tab, width: usize) -> Vec<String> {
    let label = |t: Tab, level: u8| {
        let n = t.index() + 1;
        match level {
            _ if t == current => format!("[{n} {}]", t.title()),
            0 => format!(" {n} {} ", t.title()),
            1 => format!(" {n} {} ", t.short_title()),
            _ => format!(" {n} "),
        }
    };
    let build = |level: u8| -> Vec<String> { Tab::ALL.iter().map(|t| label(*t, level)).collect() };
    let fits = |labels: &[String]| labels.iter().map(|l| text_width(l)).sum::<usize>() <= width;
    [0, 1, 2]
        .into_iter()
        .map(build)
        .find(|l| fits(l))
        .unwrap_or_else(|| build(2))
}

/// The tab whose label is `dx` columns into a bar `width` wide.
pub(crate) fn tab_at(current: Tab, width: usize, dx: usize) -> Option<Tab> {
    let mut x = 0;
    for (tab, label) in Tab::ALL.iter().zip(labels(current, width)) {
        let w = text_width(&label);
        if dx >= x && dx < x + w {
            return Some(*tab);
        }
        x += w;
    }
    None
}

/// `1 Summary  2 Transcript …`: the current tab highlighted, tabs without content for
/// this delivery dimmed, `right` (the delivery's identity) in what width is left.
pub(crate) fn render_bar(
    current: Tab,
    applies: [bool; 6],
    right: &str,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let width = usize::from(area.width);
    let labels = labels(current, width);
    let mut spans = Vec::new();
    for (tab, text) in Tab::ALL.iter().zip(labels) {
        let style = if *tab == current {
            theme.current_tab()
        } else if applies[tab.index()] {
            Style::new()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(text, style));
    }
    let line = Line::from(spans);
    let used = line.width();
    buf.set_line(area.x, area.y, &line, area.width);
    let room = width.saturating_sub(used + 2);
    if room >= 8 && !right.is_empty() {
        let shown = truncate(right, room);
        let x = area.x + (width - text_width(&shown)) as u16;
        buf.set_string(x, area.y, shown, theme.dim());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_cycle_and_map_digits() {
        assert_eq!(Tab::Body.next(), Tab::Summary);
        assert_eq!(Tab::Summary.prev(), Tab::Body);
        assert_eq!(Tab::from_digit('4'), Some(Tab::Verification));
        assert_eq!(Tab::from_digit('0'), None);
        assert_eq!(Tab::from_digit('7'), None);
        assert_eq!(Tab::ALL.map(Tab::title)[5], "Body");
    }

    #[test]
    fn narrow_bars_keep_the_current_title() {
        let area = Rect::new(0, 0, 40, 1);
        let mut buf = Buffer::empty(area);
        render_bar(
            Tab::Verification,
            [true; 6],
            "",
            Theme::colored(),
            area,
            &mut buf,
        );
        let text: String = (0..40).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert!(text.contains("4 Verification"), "{text}");
        assert!(!text.contains("Transcript"), "{text}");
    }
}
