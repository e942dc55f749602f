//! Drawing the debugger: the report on top, the secret field, then the body (a one-line
//! summary, or the editor while it has focus). Small areas drop borders first.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};

use super::report::{self, Context};
use super::{Debugger, Focus};
use crate::sanitize;
use crate::tui::theme::Theme;
use crate::tui::widgets::doc;
use crate::tui::widgets::field::{self, Look};
use crate::tui::widgets::scroll;

const MASK: char = '•';

/// Rows from the top of `area`, and what is left below.
fn take_top(area: Rect, rows: u16) -> (Rect, Rect) {
    let rows = rows.min(area.height);
    (
        Rect {
            height: rows,
            ..area
        },
        Rect {
            y: area.y.saturating_add(rows),
            height: area.height.saturating_sub(rows),
            ..area
        },
    )
}

/// Rows from the bottom of `area`, and what is left above.
fn take_bottom(area: Rect, rows: u16) -> (Rect, Rect) {
    let rows = rows.min(area.height);
    let rest = area.height.saturating_sub(rows);
    (
        Rect {
            y: area.y.saturating_add(rest),
            height: rows,
            ..area
        },
        Rect {
            height: rest,
            ..area
        },
    )
}

pub(crate) fn render(d: &Debugger, t: Theme, area: Rect, buf: &mut Buffer) {
    if area.width < 4 || area.height == 0 {
        return;
    }
    // Borders only when there is room for them and for the report.
    let roomy = area.height >= 16;
    let secret_rows = if roomy { 3 } else { 1 };
    let (lower, report_area) = if d.focus == Focus::Body {
        let report_rows = (area.height / 3).max(3).min(area.height);
        let (top, rest) = take_top(area, report_rows);
        (rest, top)
    } else {
        let body_rows = if roomy { 3 } else { 1 };
        take_bottom(area, secret_rows + body_rows)
    };
    let (secret_area, body_area) = take_top(lower, secret_rows.min(lower.height));
    draw_report(d, t, report_area, buf);
    draw_secret(d, t, secret_area, roomy, buf);
    draw_body(d, t, body_area, roomy, buf);
}

fn draw_report(d: &Debugger, t: Theme, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let body = d.edited_body();
    let ctx = Context {
        theme: t,
        at_receipt: &d.at_receipt,
        edited: d.is_edited(),
        unrestored: d.unrestored,
        secret: d.setting.map(|s| s.name()),
        headers: &d.request.headers,
        body: body.as_deref().unwrap_or(&d.request.body),
        tolerance: crate::provider::body_signatures(d.provider, &d.config)
            .into_iter()
            .find_map(|(_, tolerance)| tolerance),
    };
    let width = usize::from(scroll::text_area(area).width);
    let lines = if d.focus == Focus::Body {
        // While the body has the room, the verdict shrinks to what changes as one types.
        let mut lines = vec![Line::from(report::verdict_spans(&d.verdict, t))];
        lines.extend(
            doc::wrap(&sanitize::line(&d.verdict.detail), width)
                .into_iter()
                .map(Line::raw),
        );
        // A stale timestamp stays in sight: fixing the body never hides it.
        lines.extend(report::stale_timestamp(&d.verdict, &ctx));
        lines
    } else {
        report::build(&d.verdict, &ctx, width).lines
    };
    scroll::render_lines(&lines, &d.scroll, t, area, buf);
}

/// A titled box when `bordered`, else the title inline before the content.
fn frame(
    t: Theme,
    title: Vec<Span<'static>>,
    focused: bool,
    bordered: bool,
    area: Rect,
    buf: &mut Buffer,
) -> Rect {
    let border = if focused { t.focused() } else { t.dim() };
    if bordered && area.height >= 3 {
        let block = Block::bordered()
            .border_style(border)
            .title(Line::from(title));
        let inner = block.inner(area);
        block.render(area, buf);
        return inner;
    }
    let line = Line::from(title);
    let w = (line.width() as u16 + 1).min(area.width);
    buf.set_line(area.x, area.y, &line, w);
    Rect {
        x: area.x.saturating_add(w),
        width: area.width.saturating_sub(w),
        ..area
    }
}

fn draw_secret(d: &Debugger, t: Theme, area: Rect, bordered: bool, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let focused = d.focus == Focus::Secret;
    let Some(setting) = d.setting else {
        let line = Line::styled(
            "Secret: no credential applies to an unknown provider",
            t.missing(),
        );
        buf.set_line(area.x, area.y, &line, area.width);
        return;
    };
    let state = if d.secret_text() != d.original_secret {
        "edited"
    } else if d.original_secret.is_empty() {
        "not configured"
    } else {
        "configured"
    };
    let mut title = vec![Span::styled(" Secret ", t.label())];
    if bordered {
        title.push(Span::styled(
            format!("{} ({state}) ", setting.name()),
            t.dim(),
        ));
    }
    let inner = frame(t, title, focused, bordered, area, buf);
    let field_area = Rect {
        height: inner.height.min(1),
        ..inner
    };
    if d.secret_text().is_empty() && !focused {
        let hint = Line::styled("empty · s to type one", t.missing());
        buf.set_line(field_area.x, field_area.y, &hint, field_area.width);
        return;
    }
    let look = Look {
        mask: (!d.revealed).then_some(MASK),
        focused,
        style: Style::new(),
        wrap: false,
    };
    field::render(&d.secret, look, &d.secret_top, field_area, buf);
}

fn draw_body(d: &Debugger, t: Theme, area: Rect, bordered: bool, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let focused = d.focus == Focus::Body;
    let size = d.edited_body().map_or(d.request.body.len(), |b| b.len()) as i64;
    let delta = size - d.request.body.len() as i64;
    let state = match (&d.body, delta) {
        (None, _) => "original".to_string(),
        (Some(_), 0) if d.edited_body().as_deref() == Some(d.request.body.as_ref()) => {
            "unchanged".to_string()
        }
        (Some(_), 0) => "edited".to_string(),
        (Some(_), n) if n.abs() == 1 => format!("edited, {n:+} byte"),
        (Some(_), n) => format!("edited, {n:+} bytes"),
    };
    let mut title = vec![
        Span::styled(" Body ", t.label()),
        Span::styled(
            format!("{} ({state}) ", doc::bytes(size.unsigned_abs())),
            t.dim(),
        ),
    ];
    match (&d.body, focused) {
        (Some(body), true) => {
            let inner = frame(t, title, true, bordered || area.height >= 3, area, buf);
            let look = Look {
                mask: None,
                focused: true,
                style: Style::new(),
                wrap: true,
            };
            field::render(body, look, &d.body_top, inner, buf);
        }
        _ => {
            let note = match (std::str::from_utf8(&d.request.body).is_ok(), bordered) {
                (true, true) => "b to edit, e.g. add a trailing newline",
                (true, false) => "b to edit",
                (false, _) => "not UTF-8: not editable",
            };
            if !bordered {
                title.push(Span::styled(
                    note,
                    if delta != 0 { t.warn() } else { t.dim() },
                ));
            }
            let inner = frame(t, title, false, bordered, area, buf);
            if bordered {
                let line = Line::styled(note, t.dim());
                buf.set_line(inner.x, inner.y, &line, inner.width);
            }
        }
    }
}
