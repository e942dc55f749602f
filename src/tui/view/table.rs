//! The live table. Only the rows on screen are built, from the app's cache, whatever the
//! number of deliveries. Columns are kept in priority order (Time, Provider, Event,
//! Subject, Verification with its hint, then Answer, Size, Id) and every cut text ends
//! in `…`.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::super::app::App;
use super::super::filter;
use super::super::units::human_size;
use super::super::widgets::{draw_clipped, text_width};
use super::{Areas, Theme};
use crate::sanitize;
use crate::store::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Time,
    Provider,
    Event,
    Subject,
    Verification,
    Answer,
    Size,
    Id,
}

/// Left to right, which is also the order they are kept in when space is short.
const ORDER: [Column; 8] = [
    Column::Time,
    Column::Provider,
    Column::Event,
    Column::Subject,
    Column::Verification,
    Column::Answer,
    Column::Size,
    Column::Id,
];

/// Room the shared columns (Event, Subject, Verification) keep before a column after
/// them is shown.
const SHARED_WANTED: u16 = 54;

impl Column {
    fn title(self) -> &'static str {
        match self {
            Column::Time => "Time",
            Column::Provider => "Provider",
            Column::Event => "Event",
            Column::Subject => "Subject",
            Column::Verification => "Verification",
            Column::Answer => "Answer",
            Column::Size => "Size",
            Column::Id => "Id",
        }
    }

    /// Answer, Size and Id: shown only when the shared columns keep enough room.
    fn after_shared(self) -> bool {
        matches!(self, Column::Answer | Column::Size | Column::Id)
    }

    fn shared(self) -> bool {
        matches!(self, Column::Event | Column::Subject | Column::Verification)
    }

    /// The least a column is drawn with.
    fn min_width(self, fixed: &Widths) -> u16 {
        match self {
            Column::Time => fixed.time,
            Column::Provider => 12,
            Column::Event | Column::Subject => 5,
            Column::Verification => 12,
            Column::Answer => fixed.answer,
            Column::Size => 9,
            Column::Id => 36,
        }
    }
}

/// What the rows on screen need.
#[derive(Debug, Clone, Copy)]
struct Widths {
    time: u16,
    answer: u16,
    event: u16,
    subject: u16,
    /// `✗ wrong_secret`: what the verdict needs.
    verification: u16,
    /// `✗ failed · wrong_secret`: what it takes when there is room.
    verification_full: u16,
}

/// The columns that fit in `width`, left to right, with their widths.
fn columns(width: u16, need: &Widths) -> Vec<(Column, u16)> {
    let mut chosen: Vec<Column> = Vec::new();
    let room = |cols: &[Column]| -> Option<u16> {
        let fixed: u16 = cols
            .iter()
            .filter(|c| !c.shared())
            .map(|c| c.min_width(need))
            .sum();
        let gaps = cols.len().saturating_sub(1) as u16;
        width.checked_sub(fixed + gaps)
    };
    for c in ORDER {
        let mut trial = chosen.clone();
        trial.push(c);
        let Some(shared_room) = room(&trial) else {
            break;
        };
        let shared_min: u16 = trial
            .iter()
            .filter(|c| c.shared())
            .map(|c| c.min_width(need))
            .sum();
        // The app's status beside ours is what forwarding is for: it goes with the
        // shared columns.
        let forwarded = c == Column::Answer && need.answer > 6;
        let wanted = if !c.after_shared() || forwarded {
            shared_min
        } else {
            // After the shared columns: only when they keep what they need.
            let needs = need.event + need.subject + need.verification;
            needs.min(SHARED_WANTED).max(shared_min)
        };
        if shared_room < wanted {
            break;
        }
        // Nor at the cost of the hint: the verdict in its short form comes first.
        if c.after_shared()
            && !forwarded
            && verdict_width(&trial, shared_room, need) < need.verification
        {
            break;
        }
        chosen = trial;
    }
    let shared_room = room(&chosen).unwrap_or(0);
    let mut given = share(shared_room, &shared_columns(&chosen, need));
    // Room the Subject got beyond its need goes to the verdict's long form first.
    if let (Some(si), Some(vi)) = (
        given.iter().position(|(c, _)| *c == Column::Subject),
        given.iter().position(|(c, _)| *c == Column::Verification),
    ) {
        let spare = given[si].1.saturating_sub(need.subject.max(10));
        let more = need
            .verification_full
            .saturating_sub(given[vi].1)
            .min(spare);
        given[si].1 -= more;
        given[vi].1 += more;
    }
    chosen
        .into_iter()
        .map(|c| match given.iter().find(|(s, _)| *s == c) {
            Some((_, w)) => (c, *w),
            None => (c, c.min_width(need)),
        })
        .collect()
}

/// The shared columns among `cols`, as (column, least, wanted).
fn shared_columns(cols: &[Column], need: &Widths) -> Vec<(Column, u16, u16)> {
    cols.iter()
        .filter(|c| c.shared())
        .map(|c| {
            let want = match c {
                Column::Event => need.event,
                Column::Subject => need.subject,
                _ => need.verification,
            };
            (*c, c.min_width(need), want.max(c.min_width(need)))
        })
        .collect()
}

/// The width the Verification column gets among `cols` sharing `room`; what it needs
/// when it is not among them.
fn verdict_width(cols: &[Column], room: u16, need: &Widths) -> u16 {
    share(room, &shared_columns(cols, need))
        .into_iter()
        .find(|(c, _)| *c == Column::Verification)
        .map_or(need.verification, |(_, w)| w)
}

/// Splits `room` between columns (column, least, wanted) so that no column gets more
/// than it wants while another gets less than an equal share; what is left over goes
/// to the Subject.
fn share(room: u16, cols: &[(Column, u16, u16)]) -> Vec<(Column, u16)> {
    let mut given: Vec<(Column, u16)> = cols.iter().map(|(c, min, _)| (*c, *min)).collect();
    let mut left = room.saturating_sub(given.iter().map(|(_, w)| *w).sum());
    // One cell at a time to whoever wants more and has least: fair, and few cells.
    while left > 0 {
        let next = given
            .iter()
            .enumerate()
            .filter(|(i, (_, w))| *w < cols[*i].2)
            .min_by_key(|(_, (_, w))| *w)
            .map(|(i, _)| i);
        match next {
            Some(i) => given[i].1 += 1,
            None => break,
        }
        left -= 1;
    }
    if let Some(subject) = given.iter_mut().find(|(c, _)| *c == Column::Subject) {
        subject.1 += left;
    }
    given
}

/// `✗ failed · wrong_secret`, or `✗ wrong_secret` when that does not fit.
fn verification(theme: Theme, row: &Row, width: usize) -> Vec<Span<'static>> {
    let (word, style) = theme.status(row.findings.verification.status);
    let Some(hint) = row.findings.verification.hint else {
        return vec![Span::styled(word, style)];
    };
    let full = format!("{word} · {}", hint.as_str());
    if text_width(&full) <= width {
        return vec![Span::styled(full, style)];
    }
    let symbol = word.split(' ').next().unwrap_or_default();
    vec![Span::styled(format!("{symbol} {}", hint.as_str()), style)]
}

fn verification_width(row: &Row) -> u16 {
    let words = match row.findings.verification.hint {
        Some(h) => 2 + h.as_str().len(),
        None => 12,
    };
    words as u16
}

fn verification_full_width(row: &Row) -> u16 {
    let words = match row.findings.verification.hint {
        Some(h) => 13 + h.as_str().len(),
        None => 12,
    };
    words as u16
}

/// `200`, or `200→204` when the delivery was forwarded (`200→✗` when the app did not
/// answer).
fn answer(theme: Theme, row: &Row) -> Vec<Span<'static>> {
    let ours = Span::styled(
        row.response_status.to_string(),
        theme.answer(row.response_status),
    );
    if !row.forwarded {
        return vec![ours];
    }
    let app = match row.app_status {
        Some(code) => Span::styled(code.to_string(), theme.answer(code)),
        None => Span::styled("✗", theme.error()),
    };
    vec![ours, Span::styled("→", theme.dim()), app]
}

fn answer_width(row: &Row) -> u16 {
    if row.forwarded { 7 } else { 6 }
}

/// The event, with the payload's status when the vendor's event name alone does not say
/// what happened: `Result Update · Under Review`.
fn event_text(row: &Row) -> Option<String> {
    let status = row.body_status.as_deref().map(str::trim).filter(|s| {
        !s.is_empty()
            && crate::provider::vendor(row.findings.provider).is_some_and(|v| v.event_has_status())
    });
    match (row.findings.event.as_deref(), status) {
        (Some(e), Some(s)) if !e.to_lowercase().contains(&s.to_lowercase()) => {
            Some(format!("{e} · {s}"))
        }
        (Some(e), _) => Some(e.to_string()),
        (None, s) => s.map(str::to_string),
    }
}

fn cell(app: &App, column: Column, row: &Row, time: &str, width: u16) -> Vec<Span<'static>> {
    let theme = app.theme();
    let or_dash = |s: Option<&str>| s.map(sanitize::line).unwrap_or_else(|| "—".into());
    match column {
        Column::Time => vec![Span::raw(time.to_string())],
        Column::Provider => vec![Span::raw(row.findings.provider.as_str())],
        Column::Event => {
            // An event read from the body rather than named by the vendor.
            let style = if row.findings.event_inferred {
                theme.inferred()
            } else {
                Style::new()
            };
            let event = Span::styled(or_dash(event_text(row).as_deref()), style);
            // A re-send of another row: marked inside the shared column, so no width moves.
            match row.replay_of {
                Some(_) => vec![Span::styled("↻ ", theme.key()), event],
                None => vec![event],
            }
        }
        Column::Subject => vec![Span::raw(or_dash(row.findings.subject.as_deref()))],
        Column::Verification => verification(theme, row, usize::from(width)),
        Column::Answer => answer(theme, row),
        Column::Size => {
            let mut size = human_size(row.body_bytes);
            if row.body_truncated {
                size.push('+');
            }
            let pad = usize::from(width).saturating_sub(text_width(&size));
            vec![Span::raw(format!("{}{size}", " ".repeat(pad)))]
        }
        Column::Id => vec![Span::raw(sanitize::line(&row.id))],
    }
}

pub(super) fn render(app: &App, areas: &Areas, buf: &mut Buffer) {
    let theme = app.theme();
    let list = app.list();
    render_title(app, areas.title, buf);
    let visible = list.visible(areas.body.height);
    if visible.is_empty() {
        render_empty(app, areas.body, buf);
    }
    let clock = app.clock();
    let today = clock.today();
    let rows: Vec<(u64, &Row)> = visible.filter_map(|i| Some((i, list.row(i)?))).collect();
    let times: Vec<String> = rows
        .iter()
        .map(|(_, r)| clock.time(r.received_at, today))
        .collect();
    let max = |f: &dyn Fn(&Row) -> u16, least: u16| {
        rows.iter()
            .map(|(_, r)| f(r))
            .max()
            .unwrap_or(least)
            .max(least)
    };
    let need = Widths {
        time: times
            .iter()
            .map(|t| text_width(t))
            .max()
            .unwrap_or(8)
            .max(4) as u16,
        answer: max(&answer_width, 6),
        event: max(
            &|r| {
                let replay = if r.replay_of.is_some() { 2 } else { 0 };
                replay + event_text(r).map_or(1, |e| text_width(&sanitize::line(&e))) as u16
            },
            10,
        ),
        subject: max(
            &|r| {
                r.findings
                    .subject
                    .as_deref()
                    .map_or(1, |s| text_width(&sanitize::line(s))) as u16
            },
            10,
        ),
        verification: max(&verification_width, 12),
        verification_full: max(&verification_full_width, 12),
    };
    let columns = columns(areas.columns.width, &need);
    let header: Vec<(Column, Vec<Span<'static>>)> = columns
        .iter()
        .map(|(c, _)| (*c, vec![Span::raw(c.title())]))
        .collect();
    draw_row(header, &columns, areas.columns, app.theme().label(), buf);
    for (y, ((i, row), time)) in rows.iter().zip(&times).enumerate() {
        let Ok(y) = u16::try_from(y) else { break };
        if y >= areas.body.height {
            break;
        }
        let cells = columns
            .iter()
            .map(|(c, w)| (*c, cell(app, *c, row, time, *w)))
            .collect();
        let style = if Some(*i) == list.selected() {
            theme.selected()
        } else {
            Style::new()
        };
        let line = Rect {
            y: areas.body.y + y,
            height: 1,
            ..areas.body
        };
        draw_row(cells, &columns, line, style, buf);
    }
}

/// One row of cells, each cut to its column with `…`.
fn draw_row(
    cells: Vec<(Column, Vec<Span<'static>>)>,
    columns: &[(Column, u16)],
    area: Rect,
    style: Style,
    buf: &mut Buffer,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    buf.set_style(area, style);
    let mut x = area.x;
    for ((_, spans), (_, width)) in cells.into_iter().zip(columns) {
        let width = (*width).min(area.right().saturating_sub(x));
        draw_clipped(spans, x, area.y, width, buf);
        x = x.saturating_add(width + 1);
        if x >= area.right() {
            break;
        }
    }
}

fn render_title(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = app.theme();
    let list = app.list();
    let mut spans = vec![Span::styled(" Deliveries ", theme.label())];
    if let Some(searching) = app.searching() {
        // The rows below are the previous result, or the matches among the newest
        // deliveries, until the search ends.
        if app.first_matches() {
            spans.push(Span::raw(format!("{} so far · ", list.total())));
        }
        spans.push(Span::styled(
            format!(
                "searching {} deliveries for {}… ",
                app.tally().total,
                sanitize::line(&filter::describe(searching))
            ),
            theme.warn(),
        ));
    } else if let Some(shown) = app.shown_filter() {
        spans.push(Span::raw(format!(
            "{} of {} · filter: {} ",
            list.total(),
            app.tally().total,
            sanitize::line(&filter::describe(shown))
        )));
    } else {
        spans.push(Span::raw(format!("{} ", list.total())));
    }
    let state = match list.selected() {
        Some(i) if !list.follow() => Span::styled(
            format!(" {} of {} · paused · End follows ", i + 1, list.total()),
            theme.warn(),
        ),
        _ => Span::styled(" following ", theme.dim()),
    };
    let right_width = state.width() as u16;
    // A rule under the header, with the title and the follow state set into it.
    Line::styled("─".repeat(area.width as usize), theme.dim()).render(area, buf);
    let left_room = if area.width > right_width + 20 {
        area.width.saturating_sub(right_width + 2)
    } else {
        area.width.saturating_sub(1)
    };
    draw_clipped(
        spans,
        area.x.saturating_add(1).min(area.right()),
        area.y,
        left_room,
        buf,
    );
    if area.width > right_width + 20 {
        Line::from(state).render(
            Rect {
                x: area.right() - right_width,
                width: right_width,
                ..area
            },
            buf,
        );
    }
}

fn render_empty(app: &App, area: Rect, buf: &mut Buffer) {
    let text = if let Some(searching) = app.searching() {
        format!(
            "Searching {} deliveries for {}…",
            app.tally().total,
            sanitize::line(&filter::describe(searching))
        )
    } else if let Some(shown) = app.shown_filter() {
        format!(
            "No delivery matches {}. Esc clears the filter.",
            sanitize::line(&filter::describe(shown))
        )
    } else if app.context().listen.is_empty() {
        "No deliveries yet. They appear here as the receivers writing to this store record \
         them."
            .to_string()
    } else {
        let listen = sanitize::line(&app.context().listen);
        format!(
            "No deliveries yet. Point a vendor at one of the routes above, or send a sample: \
             hookscope send classet --to http://{listen}/classet"
        )
    };
    Paragraph::new(text)
        .style(app.theme().dim())
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need(verification: u16) -> Widths {
        Widths {
            time: 8,
            answer: 6,
            event: 20,
            subject: 13,
            verification,
            verification_full: verification + 9,
        }
    }

    fn names(width: u16, verification: u16) -> Vec<&'static str> {
        columns(width, &need(verification))
            .iter()
            .map(|(c, _)| c.title())
            .collect()
    }

    #[test]
    fn narrow_terminals_keep_the_columns_in_priority_order() {
        assert_eq!(
            names(80, 36),
            ["Time", "Provider", "Event", "Subject", "Verification"]
        );
        assert_eq!(names(30, 12), ["Time", "Provider", "Event"]);
        assert!(names(0, 12).is_empty());
    }

    #[test]
    fn the_hint_gets_its_share_at_80_columns() {
        let cols = columns(80, &need(36));
        let width = |c| cols.iter().find(|(x, _)| *x == c).map(|(_, w)| *w);
        assert!(width(Column::Verification) >= Some(20), "{cols:?}");
        assert_eq!(width(Column::Subject), Some(13), "{cols:?}");
        let total: u16 = cols.iter().map(|(_, w)| w + 1).sum::<u16>() - 1;
        assert_eq!(total, 80);
    }

    /// Long subjects share with the verdict, but Answer and Size are shown only while the
    /// hint stays whole in its short form (`✗ timestamp_outside_tolerance`).
    #[test]
    fn answer_and_size_come_after_the_whole_hint() {
        let long = Widths {
            time: 8,
            answer: 6,
            event: 27,
            subject: 36,
            verification: 29,
            verification_full: 38,
        };
        let at = |width| {
            let cols = columns(width, &long);
            let v = cols.iter().find(|(c, _)| *c == Column::Verification);
            let shown: Vec<Column> = cols.iter().map(|(c, _)| *c).collect();
            (v.map(|(_, w)| *w), shown.contains(&Column::Size))
        };
        // At 120 columns the hint is whole and Size waits; at 150 both fit.
        let (verdict, size) = at(120);
        assert!(verdict >= Some(29) && !size, "{:?}", columns(120, &long));
        let (verdict, size) = at(150);
        assert!(verdict >= Some(29) && size, "{:?}", columns(150, &long));
    }

    #[test]
    fn wide_terminals_show_everything() {
        assert_eq!(names(200, 36).len(), ORDER.len());
        assert!(names(120, 12).contains(&"Size") && names(120, 12).contains(&"Answer"));
    }
}
