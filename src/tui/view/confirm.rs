//! The question before a write: a box in the middle of the screen, over everything.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::super::app::App;
use super::super::keymap::{Action, Scope};
use crate::sanitize;

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(confirm) = app.confirm() else {
        return;
    };
    let theme = app.theme();
    let keymap = app.keymap();
    let width = area.width.saturating_sub(4).clamp(20, 76).min(area.width);
    let mut lines: Vec<Line> = confirm
        .lines
        .iter()
        .map(|l| Line::raw(sanitize::line(l)))
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(keymap.keys_in(Scope::Confirm, Action::Confirm), theme.key()),
        Span::raw(" write   "),
        Span::styled(keymap.keys_in(Scope::Confirm, Action::Cancel), theme.key()),
        Span::raw(" cancel"),
    ]));
    let inner_width = usize::from(width.saturating_sub(2).max(1));
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_width).max(1))
        .sum();
    let height = (rows as u16).saturating_add(2).min(area.height);
    let [_, row, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, dialog, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(width),
        Constraint::Fill(1),
    ])
    .areas(row);
    Clear.render(dialog, buf);
    let block = Block::bordered()
        .border_style(theme.warn())
        .title(Span::styled(format!(" {} ", confirm.title), theme.title()));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block)
        .render(dialog, buf);
}
