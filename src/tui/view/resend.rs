//! The re-send views: the body editor, drawn over the header and the table or detail,
//! and the one-line URL prompt above the footer.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Widget};

use super::super::app::App;
use super::super::resend::{self, short_id};
use crate::model::Delivery;
use crate::sanitize;

/// `019aa1b2 · classet · call_completed`
fn label(d: &Delivery) -> String {
    let mut parts = vec![short_id(&d.id).to_string(), d.findings.provider.to_string()];
    parts.extend(d.findings.event.clone());
    sanitize::line(&parts.join(" · "))
}

/// Where Ctrl-S and Enter send: the forward target, or the prompt.
fn target(app: &App) -> String {
    match &app.context().forward_to {
        Some(url) => format!(" sends to {} ", sanitize::line(url)),
        None => " asks where to send ".into(),
    }
}

pub(super) fn render_editor(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(editor) = app.editor() else {
        return;
    };
    Clear.render(area, buf);
    let theme = app.theme();
    let d = editor.delivery();
    let format = if editor.is_pretty() {
        "JSON, compacted again to send"
    } else {
        "sent as typed"
    };
    let signing = if resend::resigns(d) {
        "signature refreshed over the edit"
    } else {
        "the credentials do not cover the body"
    };
    let title = format!(" Edit the body of {} ", label(d));
    let block = Block::bordered()
        .title(Span::styled(title, theme.label()))
        .title_bottom(Line::styled(format!(" {format}; {signing} "), theme.dim()))
        .title_bottom(Line::styled(target(app), theme.dim()).right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    editor.input().render(inner, buf);
}

pub(super) fn render_prompt(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(prompt) = app.prompt() else {
        return;
    };
    if area.is_empty() {
        return;
    }
    let theme = app.theme();
    let p = prompt.pending();
    let edited = if p.edited.is_some() { " (edited)" } else { "" };
    let what = format!(" {}{edited} ", label(&p.delivery));
    let [name, field, about] = Layout::horizontal([
        Constraint::Length(12),
        Constraint::Fill(1),
        Constraint::Length(what.chars().count() as u16),
    ])
    .areas(area);
    Span::styled("Re-send to: ", theme.key()).render(name, buf);
    prompt.input().render(field, buf);
    Span::styled(what, theme.dim()).render(about, buf);
}
