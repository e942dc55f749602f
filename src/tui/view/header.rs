//! The header: where to send deliveries (each vendor's URL, ready to paste), how many
//! arrived and how they verified, where they are kept, and whether the table follows.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::super::app::App;
use super::super::widgets::clip;
use crate::provider;
use crate::sanitize;

/// Columns between two routes on a line.
const GAP: usize = 3;

/// Lines the header takes: the status line, then the routes (see [`route_lines`]).
pub(super) fn height(app: &App, area: Rect) -> u16 {
    route_lines(app, area).lines.len() as u16 + 1
}

fn routes(app: &App) -> Vec<(&'static str, String)> {
    let base = format!("http://{}", sanitize::line(&app.context().listen));
    provider::all()
        .iter()
        .map(|v| (v.id().as_str(), format!("{base}{}", v.route())))
        .collect()
}

fn store_label(app: &App) -> String {
    match &app.context().store {
        Some(path) => sanitize::line(path),
        None => "in memory".into(),
    }
}

struct RouteLines {
    lines: Vec<Line<'static>>,
    /// The store is listed with the routes, so the status line can leave it out.
    has_store: bool,
}

/// Each vendor's full URL in a grid, with the store as the last entry, when that fits
/// in a few lines; else the base URL and the paths, wrapped; on very short terminals,
/// nothing.
fn route_lines(app: &App, area: Rect) -> RouteLines {
    let theme = app.theme();
    let none = RouteLines {
        lines: Vec::new(),
        has_store: false,
    };
    // Without a receiver there is nowhere to send deliveries.
    if area.height < 8 || area.width == 0 || app.context().listen.is_empty() {
        return none;
    }
    // An ordinary 80×24 terminal keeps its rows for the table: one line of routes.
    let budget = if area.height < 30 || area.width < 100 {
        1
    } else {
        usize::from(area.height.saturating_sub(10) / 3).max(1)
    };
    let mut entries = routes(app);
    let name_width = entries.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    // The store is last, so it may run to the end of its line.
    let url_width = entries
        .iter()
        .map(|(_, u)| u.chars().count())
        .max()
        .unwrap_or(0);
    entries.push(("store", store_label(app)));
    let entry = name_width + 1 + url_width;
    let per_line = ((area.width as usize + GAP) / (entry + GAP)).max(1);
    if entries.len().div_ceil(per_line) <= budget {
        let lines = entries
            .chunks(per_line)
            .map(|chunk| {
                let mut spans = Vec::new();
                for (i, (name, url)) in chunk.iter().enumerate() {
                    if i > 0 {
                        spans.push(Span::raw(" ".repeat(GAP)));
                    }
                    spans.push(Span::styled(format!("{name:<name_width$} "), theme.dim()));
                    let pad = url_width.saturating_sub(url.chars().count());
                    spans.push(Span::raw(format!("{url}{}", " ".repeat(pad))));
                }
                Line::from(spans)
            })
            .collect();
        return RouteLines {
            lines,
            has_store: true,
        };
    }
    // The base URL once, then each route's path, wrapped within the budget.
    let mut lines = Vec::new();
    let mut spans = vec![
        Span::styled("routes ", theme.dim()),
        Span::raw(format!("http://{}", sanitize::line(&app.context().listen))),
    ];
    let mut used: usize = spans.iter().map(|s| s.width()).sum();
    for v in provider::all() {
        let path = v.route();
        if used + 1 + path.len() > area.width as usize && lines.len() + 1 < budget {
            lines.push(Line::from(std::mem::take(&mut spans)));
            used = 0;
        }
        let path = if used == 0 {
            path.to_string()
        } else {
            format!(" {path}")
        };
        used += path.len();
        spans.push(Span::raw(path));
    }
    lines.push(Line::from(clip(spans, usize::from(area.width))));
    RouteLines {
        lines,
        has_store: false,
    }
}

/// How much the store's part of the status line is worth keeping.
const STORE: u8 = 3;
/// "disconnected" is dropped last.
const DISCONNECTED: u8 = 10;

/// One part of the status line; parts are dropped, least important first, until the
/// line fits.
struct Part {
    keep: u8,
    spans: Vec<Span<'static>>,
    /// A shorter form, used before anything is dropped.
    short: Option<Vec<Span<'static>>>,
}

impl Part {
    fn width(&self) -> usize {
        self.spans.iter().map(|s| s.width()).sum()
    }
}

fn status_line(app: &App, width: u16, with_store: bool) -> Line<'static> {
    let theme = app.theme();
    let t = app.tally();
    let (verified, verified_style) = theme.status(crate::signature::Status::Verified);
    let (failed, failed_style) = theme.status(crate::signature::Status::Failed);
    let noun = if t.total == 1 {
        "delivery"
    } else {
        "deliveries"
    };
    let store = match &app.context().store {
        Some(_) => format!("store {}", store_label(app)),
        None => store_label(app),
    };
    let follow = if app.list().follow() {
        Span::raw("follow on")
    } else {
        Span::styled("follow off", theme.fg(ratatui::style::Color::Yellow))
    };
    let mut parts = vec![
        Part {
            keep: 9,
            spans: vec![Span::styled(" hookscope ", theme.title())],
            short: None,
        },
        // The routes line below repeats it.
        Part {
            keep: 4,
            spans: vec![Span::raw(format!(
                "http://{}",
                sanitize::line(&app.context().listen)
            ))],
            short: None,
        },
        // A store that cannot be reached is said before anything else but the name.
        Part {
            keep: DISCONNECTED,
            spans: vec![Span::styled(
                "disconnected",
                theme.fg(ratatui::style::Color::Red),
            )],
            short: None,
        },
        Part {
            keep: 8,
            spans: vec![
                Span::raw(format!("{} {noun}: ", t.total)),
                Span::styled(format!("{} {verified}", t.verified), verified_style),
                Span::raw(", "),
                Span::styled(format!("{} {failed}", t.failed), failed_style),
            ],
            short: Some(vec![
                Span::raw(format!("{}: ", t.total)),
                Span::styled(format!("{} ✓", t.verified), verified_style),
                Span::raw(" "),
                Span::styled(format!("{} ✗", t.failed), failed_style),
            ]),
        },
        Part {
            keep: STORE,
            spans: vec![Span::raw(store)],
            short: None,
        },
        Part {
            keep: 5,
            spans: vec![follow],
            short: None,
        },
    ];
    if let Some(to) = &app.context().forward_to {
        // Where every delivery also goes: the app's answers show beside ours.
        parts.insert(
            2,
            Part {
                keep: 6,
                spans: vec![
                    Span::styled("→ app ", theme.dim()),
                    Span::raw(sanitize::line(to)),
                ],
                short: None,
            },
        );
    }
    let problems = provider::configured_answer_problems(&app.context().config);
    if !problems.is_empty() {
        // hookscope's own configured answer would count as a failure for these vendors;
        // each delivery's Summary says why.
        let mut names: Vec<&str> = problems.iter().map(|(id, _)| *id).collect();
        names.dedup();
        let warn = theme.fg(ratatui::style::Color::Yellow);
        parts.insert(
            2,
            Part {
                keep: 7,
                spans: vec![Span::styled(
                    format!("⚠ answer breaks {}'s rule", names.join(", ")),
                    warn,
                )],
                short: Some(vec![Span::styled("⚠ answer", warn)]),
            },
        );
    }
    if app.store_connected() {
        parts.retain(|p| p.keep != DISCONNECTED);
    }
    if app.context().listen.is_empty() {
        // `view`: no receiver, so the store it views takes the address's place.
        // Kept before the tally: a viewer is about what it views.
        parts[1] = Part {
            keep: 9,
            spans: vec![Span::raw(format!("viewing {}", store_label(app)))],
            short: None,
        };
        parts.retain(|p| p.keep != STORE);
    } else if !with_store {
        parts.retain(|p| p.keep != STORE);
    }
    fit(parts, width as usize, theme.dim())
}

fn drop_least(parts: &mut Vec<Part>) {
    if let Some(least) = parts
        .iter()
        .enumerate()
        .min_by_key(|(_, p)| p.keep)
        .map(|(i, _)| i)
    {
        parts.remove(least);
    }
}

fn fit(mut parts: Vec<Part>, width: usize, separator: Style) -> Line<'static> {
    let total = |parts: &[Part]| -> usize {
        parts.iter().map(Part::width).sum::<usize>() + 3 * parts.len().saturating_sub(1)
    };
    // The least important parts go first, then the long forms, then the rest.
    while total(&parts) > width && parts.iter().any(|p| p.keep < 6) {
        drop_least(&mut parts);
    }
    while total(&parts) > width {
        let Some(part) = parts.iter_mut().find(|p| p.short.is_some()) else {
            break;
        };
        part.spans = part.short.take().unwrap_or_default();
    }
    while total(&parts) > width && parts.len() > 1 {
        drop_least(&mut parts);
    }
    let mut spans = Vec::new();
    for (i, part) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" │ ", separator));
        }
        spans.extend(part.spans);
    }
    Line::from(spans)
}

/// Draws into `area`; `screen` is the whole terminal, which decides how routes are laid
/// out (as [`height`] did).
pub(super) fn render(app: &App, screen: Rect, area: Rect, buf: &mut Buffer) {
    let routes = route_lines(app, screen);
    let mut lines = vec![status_line(app, area.width, !routes.has_store)];
    lines.extend(routes.lines);
    Paragraph::new(lines).render(area, buf);
}
