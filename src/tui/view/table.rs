//! The live table. Only the rows on screen are built, from the app's cache, whatever the
//! number of deliveries; columns are dropped, least useful first, when space runs out.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row as TableRow, Table, Widget, Wrap};

use super::super::app::App;
use super::super::filter;
use super::super::units::human_size;
use super::Areas;
use crate::sanitize;
use crate::store::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Time,
    Provider,
    Event,
    Subject,
    Verification,
    Hint,
    Answer,
    Size,
    Id,
}

/// Left to right.
const ORDER: [Column; 9] = [
    Column::Time,
    Column::Provider,
    Column::Event,
    Column::Subject,
    Column::Verification,
    Column::Hint,
    Column::Answer,
    Column::Size,
    Column::Id,
];

/// Kept first when space is short.
const PRIORITY: [Column; 9] = [
    Column::Time,
    Column::Verification,
    Column::Provider,
    Column::Event,
    Column::Subject,
    Column::Size,
    Column::Answer,
    Column::Hint,
    Column::Id,
];

impl Column {
    fn title(self) -> &'static str {
        match self {
            Column::Time => "Time",
            Column::Provider => "Provider",
            Column::Event => "Event",
            Column::Subject => "Subject",
            Column::Verification => "Verification",
            Column::Hint => "Hint",
            Column::Answer => "Answer",
            Column::Size => "Size",
            Column::Id => "Id",
        }
    }

    /// Fixed width; `None` for the columns that share what is left.
    fn width(self, time: u16) -> Option<u16> {
        match self {
            Column::Time => Some(time),
            Column::Provider => Some(12),
            Column::Event | Column::Subject => None,
            Column::Verification => Some(12),
            Column::Hint => Some(27),
            Column::Answer => Some(6),
            Column::Size => Some(10),
            Column::Id => Some(36),
        }
    }

    /// What the shared columns need at least for this one to be worth its space.
    fn room_needed(self) -> u16 {
        match self {
            Column::Hint | Column::Id => 20,
            _ => 10,
        }
    }
}

/// The columns that fit in `width`, left to right, with their constraints.
fn columns(width: u16, time: u16) -> Vec<(Column, Constraint)> {
    let mut chosen: Vec<Column> = Vec::new();
    for c in PRIORITY {
        let mut trial = chosen.clone();
        trial.push(c);
        let fixed: u16 = trial.iter().filter_map(|c| c.width(time)).sum();
        let shared = trial.iter().filter(|c| c.width(time).is_none()).count() as u16;
        let gaps = trial.len() as u16 - 1;
        if fixed + shared * c.room_needed() + gaps <= width {
            chosen = trial;
        }
    }
    ORDER
        .into_iter()
        .filter(|c| chosen.contains(c))
        .map(|c| {
            let constraint = match c.width(time) {
                Some(w) => Constraint::Length(w),
                None => Constraint::Fill(1),
            };
            (c, constraint)
        })
        .collect()
}

fn cell(app: &App, column: Column, row: &Row, time: &str) -> Cell<'static> {
    let theme = app.theme();
    let or_dash = |s: Option<&str>| s.map(sanitize::line).unwrap_or_else(|| "—".into());
    match column {
        Column::Time => Cell::from(time.to_string()),
        Column::Provider => Cell::from(row.provider.as_str()),
        Column::Event => {
            // An event read from the body rather than named by the vendor.
            let style = if row.event_inferred {
                Style::new().add_modifier(Modifier::ITALIC)
            } else {
                Style::new()
            };
            let event = Span::styled(or_dash(row.event.as_deref()), style);
            // A re-send of another row: marked inside the shared column, so no width moves.
            match row.replay_of {
                Some(_) => Cell::from(Line::from(vec![Span::styled("↻ ", theme.key()), event])),
                None => Cell::from(event),
            }
        }
        Column::Subject => Cell::from(or_dash(row.subject.as_deref())),
        Column::Verification => {
            let (word, style) = theme.status(row.verification_status);
            Cell::from(Span::styled(word, style))
        }
        Column::Hint => Cell::from(row.verification_hint.map(|h| h.as_str()).unwrap_or("")),
        Column::Answer => Cell::from(Span::styled(
            row.response_status.to_string(),
            theme.answer(row.response_status),
        )),
        Column::Size => {
            let mut size = human_size(row.body_bytes);
            if row.body_truncated {
                size.push('+');
            }
            Cell::from(Line::from(size).alignment(Alignment::Right))
        }
        Column::Id => Cell::from(sanitize::line(&row.id)),
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
    let time_width = times.iter().map(|t| t.len()).max().unwrap_or(8).max(8) as u16;
    let columns = columns(areas.columns.width, time_width);
    let header = TableRow::new(columns.iter().map(|(c, _)| Cell::from(c.title())))
        .style(Style::new().add_modifier(Modifier::BOLD));
    let table_rows = rows.iter().zip(&times).map(|((i, row), time)| {
        let cells = columns.iter().map(|(c, _)| cell(app, *c, row, time));
        let r = TableRow::new(cells);
        if Some(*i) == list.selected() {
            r.style(theme.selected())
        } else {
            r
        }
    });
    let area = Rect {
        height: areas.columns.height + areas.body.height,
        ..areas.columns
    };
    Table::new(table_rows, columns.iter().map(|(_, w)| *w))
        .header(header)
        .column_spacing(1)
        .render(area, buf);
}

fn render_title(app: &App, area: Rect, buf: &mut Buffer) {
    let theme = app.theme();
    let list = app.list();
    let mut spans = vec![Span::styled(
        " Deliveries ",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    if let Some(searching) = app.searching() {
        // The rows below are the previous result until the search ends.
        spans.push(Span::styled(
            format!(
                "searching {} deliveries for {}… ",
                app.tally().total,
                sanitize::line(&filter::describe(searching))
            ),
            theme.fg(ratatui::style::Color::Yellow),
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
            theme.fg(ratatui::style::Color::Yellow),
        ),
        _ => Span::styled(" following ", theme.dim()),
    };
    let right_width = state.width() as u16;
    // A rule under the header, with the title and the follow state set into it.
    Line::styled("─".repeat(area.width as usize), theme.dim()).render(area, buf);
    let left_width = spans.iter().map(|s| s.width()).sum::<usize>() as u16;
    let left = Rect {
        x: area.x.saturating_add(1).min(area.right()),
        width: left_width.min(area.width.saturating_sub(1)),
        ..area
    };
    Line::from(spans).render(left, buf);
    if area.width > right_width + 20 {
        let right = Rect {
            x: area.right() - right_width,
            width: right_width,
            ..area
        };
        Line::from(state).render(right, buf);
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

    fn names(width: u16) -> Vec<&'static str> {
        columns(width, 8).iter().map(|(c, _)| c.title()).collect()
    }

    #[test]
    fn narrow_terminals_keep_the_essential_columns() {
        assert_eq!(
            names(60),
            ["Time", "Provider", "Event", "Subject", "Verification"]
        );
        assert_eq!(names(21), ["Time", "Verification"]);
        assert_eq!(names(20), ["Time", "Event"]);
        assert!(names(0).is_empty());
    }

    #[test]
    fn wide_terminals_show_everything() {
        assert_eq!(names(250).len(), ORDER.len());
        assert!(names(120).contains(&"Size") && names(120).contains(&"Answer"));
    }
}
