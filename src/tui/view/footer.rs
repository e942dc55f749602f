//! The footer: the keys that work right now, and the last message. Also the filter field,
//! which sits just above it while it has focus.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::super::app::App;
use super::super::filter;
use super::super::keymap::{Action, Scope};
use super::super::message;
use super::super::resend;
use super::super::widgets::{text_width, truncate};
use crate::sanitize;

fn key(app: &App, action: Action) -> String {
    app.keymap().first_key(action)
}

/// (keys, what they do) for the current focus, most useful first: `? help` leads, so
/// that it is never the one left out.
fn hints(app: &App) -> Vec<(String, String)> {
    let k = |a| key(app, a);
    let pair = |keys: String, what: &str| (keys, what.to_string());
    if app.help_scroll().is_some() {
        return vec![
            pair(format!("{}{}", k(Action::Up), k(Action::Down)), "scroll"),
            pair(k(Action::Back), "close"),
            pair(k(Action::ForceQuit), "quit"),
        ];
    }
    if app.confirm().is_some() {
        let keys = |a| app.keymap().keys_in(Scope::Confirm, a);
        return vec![
            pair(keys(Action::Confirm), "write"),
            pair(keys(Action::Cancel), "cancel"),
            pair(k(Action::ForceQuit), "quit"),
        ];
    }
    if app.prompt().is_some() {
        return vec![
            pair("Enter".into(), "send"),
            pair("Esc".into(), "cancel"),
            pair("↑↓".into(), "recent"),
            pair("Ctrl-U".into(), "clear"),
            pair(k(Action::ForceQuit), "quit"),
        ];
    }
    if let Some(editor) = app.editor() {
        let send = if resend::resigns(editor.delivery()) {
            "re-sign & send"
        } else {
            "send"
        };
        return vec![
            pair("Ctrl-S".into(), send),
            pair("Esc".into(), "cancel"),
            pair(k(Action::ForceQuit), "quit"),
        ];
    }
    if app.filter().is_editing() {
        return vec![
            pair("Enter".into(), "keep filter"),
            pair("Esc".into(), "clear filter"),
            pair("Ctrl-U".into(), "clear line"),
            pair(k(Action::ForceQuit), "quit"),
        ];
    }
    let actions = [
        pair(k(Action::Resend), "re-send"),
        pair(k(Action::EditResend), "edit & send"),
        pair(k(Action::CopyBody), "copy body"),
        pair(k(Action::CopyCurl), "copy curl"),
        pair(k(Action::CopyHeaders), "copy headers"),
    ];
    if let Some(detail) = app.detail() {
        let own: Vec<(String, String)> = detail
            .key_hints(app.keymap())
            .into_iter()
            .map(|(keys, what)| pair(keys, what))
            .collect();
        if detail.is_editing() {
            let mut out = own;
            out.push(pair(k(Action::ForceQuit), "quit"));
            return out;
        }
        let mut out = vec![pair(k(Action::Help), "help"), pair(k(Action::Back), "back")];
        // A key the tab uses itself does that there.
        let taken = |keys: &str| own.iter().any(|(k, _)| k == keys);
        let actions: Vec<_> = actions.into_iter().filter(|(k, _)| !taken(k)).collect();
        out.extend(own);
        let tabs = format!(
            "{}/1-{}",
            k(Action::NextTab),
            super::super::detail::Tab::ALL.len()
        );
        out.push(pair(tabs, "tabs"));
        out.extend(actions);
        return out;
    }
    let mut out = vec![pair(k(Action::Help), "help"), pair(k(Action::Quit), "quit")];
    if app.list().total() > 0 {
        out.push(pair(k(Action::Open), "open"));
    }
    out.push(pair(k(Action::Filter), "filter"));
    if app.filter().is_active() {
        out.push(pair(k(Action::Back), "clear filter"));
    }
    if app.list().total() > 0 {
        if !app.list().follow() {
            out.push(pair(k(Action::Bottom), "follow"));
        }
        out.push(pair(
            format!("{}{}", k(Action::Up), k(Action::Down)),
            "move",
        ));
        out.extend(actions);
    }
    out
}

/// As many hints as fit in `width`, whole, in order.
fn hint_line(app: &App, width: u16) -> Line<'static> {
    let theme = app.theme();
    let mut spans = Vec::new();
    let mut used = 0;
    for (keys, what) in hints(app) {
        let gap = if spans.is_empty() { 0 } else { 2 };
        let w = gap + text_width(&keys) + 1 + text_width(&what);
        if used + w > usize::from(width) {
            break;
        }
        used += w;
        if gap > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(format!(" {what}")));
    }
    Line::from(spans)
}

fn message_line(app: &App) -> Option<Line<'static>> {
    let theme = app.theme();
    if let Some(m) = app.message() {
        let style = if m.error {
            theme.error()
        } else {
            ratatui::style::Style::new()
        };
        return Some(Line::styled(m.shown(), style));
    }
    if let Some(p) = app.prompt() {
        let path = sanitize::line(&p.pending().delivery.request.path);
        return Some(Line::styled(
            format!("A URL without a path gets the delivery's own ({path})"),
            theme.dim(),
        ));
    }
    if app.filter().is_editing() {
        let f = app.filter().filter();
        return Some(Line::styled(
            sanitize::line(&format!("Showing {}", filter::describe(f))),
            theme.dim(),
        ));
    }
    None
}

pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let message = message_line(app);
    if area.height < 2 {
        // One line: the message matters more than the key list.
        match message {
            Some(m) => {
                let text: String = m.spans.iter().map(|s| s.content.as_ref()).collect();
                Line::styled(truncate(&text, usize::from(area.width)), m.style).render(area, buf)
            }
            None => hint_line(app, area.width).render(area, buf),
        }
        return;
    }
    let [hints, last] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
    hint_line(app, hints.width).render(hints, buf);
    if let Some(m) = message {
        let text: String = m.spans.iter().map(|s| s.content.as_ref()).collect();
        let rows = message::rows(&text, last.width);
        let lines: Vec<Line> = rows.into_iter().map(|r| Line::styled(r, m.style)).collect();
        ratatui::widgets::Paragraph::new(lines).render(last, buf);
    }
}

/// The filter field: a prompt, the text being typed, and how many deliveries match.
pub(super) fn render_filter(app: &App, area: Rect, buf: &mut Buffer) {
    let Some(input) = app.filter().input() else {
        return;
    };
    if area.is_empty() {
        return;
    }
    let theme = app.theme();
    let count = format!(" {} of {} ", app.list().total(), app.tally().total);
    let [prompt, field, matches] = Layout::horizontal([
        Constraint::Length(8),
        Constraint::Fill(1),
        Constraint::Length(count.len() as u16),
    ])
    .areas(area);
    Span::styled("Filter: ", theme.key()).render(prompt, buf);
    input.render(field, buf);
    Span::styled(count, theme.dim()).render(matches, buf);
}
