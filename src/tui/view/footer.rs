//! The footer: the keys that work right now, and the last message. Also the filter field,
//! which sits just above it while it has focus.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::super::app::App;
use super::super::filter;
use super::super::keymap::Action;
use super::super::resend;
use crate::sanitize;

fn key(app: &App, action: Action) -> String {
    app.keymap().first_key(action)
}

/// (keys, what they do) for the current focus.
fn hints(app: &App) -> Vec<(String, String)> {
    let k = |a| key(app, a);
    let pair = |keys: String, what: &str| (keys, what.to_string());
    if app.help_scroll().is_some() {
        return vec![
            pair(format!("{}{}", k(Action::Up), k(Action::Down)), "scroll"),
            pair(k(Action::Back), "close"),
            pair(k(Action::Quit), "quit"),
        ];
    }
    if app.prompt().is_some() {
        return vec![
            pair("Enter".into(), "send"),
            pair("Esc".into(), "cancel"),
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
            pair(k(Action::ForceQuit), "quit"),
        ];
    }
    let actions = [
        pair(k(Action::CopyBody), "copy body"),
        pair(k(Action::CopyCurl), "copy curl"),
        pair(k(Action::CopyHeaders), "copy headers"),
        pair(k(Action::Resend), "re-send"),
        pair(k(Action::EditResend), "edit & send"),
    ];
    if let Some(detail) = app.detail() {
        let own: Vec<(String, String)> = detail
            .key_hints()
            .into_iter()
            .map(|(keys, what)| pair(keys.into(), what))
            .collect();
        if detail.is_editing() {
            let mut out = own;
            out.push(pair(k(Action::ForceQuit), "quit"));
            return out;
        }
        let tabs = format!("{}/1-{}", k(Action::NextTab), super::detail::Tab::ALL.len());
        let mut out = vec![pair(tabs, "tabs")];
        // A key the tab uses itself does that there.
        let taken = |keys: &str| own.iter().any(|(k, _)| k == keys);
        let actions: Vec<_> = actions.into_iter().filter(|(k, _)| !taken(k)).collect();
        out.extend(own);
        out.push(pair(k(Action::Back), "back"));
        out.extend(actions);
        out.push(pair(k(Action::Help), "help"));
        out.push(pair(k(Action::Quit), "quit"));
        return out;
    }
    let mut out = Vec::new();
    if app.list().total() > 0 {
        out.push(pair(
            format!("{}{}", k(Action::Up), k(Action::Down)),
            "move",
        ));
        if !app.list().follow() {
            out.push(pair(k(Action::Bottom), "follow"));
        }
        out.push(pair(k(Action::Open), "open"));
    }
    out.push(pair(k(Action::Filter), "filter"));
    if app.filter().is_active() {
        out.push(pair(k(Action::Back), "clear filter"));
    }
    if app.list().total() > 0 {
        out.extend(actions);
    }
    out.push(pair(k(Action::Help), "help"));
    out.push(pair(k(Action::Quit), "quit"));
    out
}

fn hint_line(app: &App) -> Line<'static> {
    let theme = app.theme();
    let mut spans = Vec::new();
    for (i, (keys, what)) in hints(app).into_iter().enumerate() {
        if i > 0 {
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
        let text = sanitize::line(&m.text);
        return Some(if m.error {
            Line::from(vec![
                Span::styled("Error: ", theme.error()),
                Span::styled(text, theme.error()),
            ])
        } else {
            Line::from(text)
        });
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
        message.unwrap_or_else(|| hint_line(app)).render(area, buf);
        return;
    }
    let [hints, last] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    hint_line(app).render(hints, buf);
    if let Some(m) = message {
        m.render(last, buf);
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
