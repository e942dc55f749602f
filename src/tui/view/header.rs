//! The header, two lines at most at any size: where deliveries arrive and are kept, how
//! many arrived and how they verified, where they are forwarded, what is wrong (a store
//! file gone, an answer breaking a vendor's rule) and whether the table follows; then
//! each vendor's path, as many as fit (the full URLs are in the help).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::super::app::App;
use super::super::widgets::{text_width, truncate};
use crate::provider;
use crate::sanitize;

fn store_label(app: &App) -> String {
    match &app.context().store {
        Some(path) => sanitize::line(path),
        None => "in memory".into(),
    }
}

/// Said after the routes when not all of them fit.
const MORE: &str = " … (? for all)";

/// Each configured scheme's path and each vendor's on one line after the listen
/// address's line, as many as fit; the full URLs are in the help.
fn routes_line(app: &App, width: u16) -> Line<'static> {
    let theme = app.theme();
    let width = usize::from(width);
    let label = "routes ";
    let mut routes = provider::routes(&app.context().config);
    // The user's own schemes first: they were set up to be used, and at 80 columns only
    // the first few routes fit.
    routes.sort_by_key(|(name, _)| provider::all().iter().any(|v| v.id().as_str() == *name));
    let paths: Vec<&str> = routes.iter().map(|(_, route)| *route).collect();
    let all = paths.join(" ");
    if label.len() + text_width(&all) <= width {
        return Line::from(vec![Span::styled(label, theme.dim()), Span::raw(all)]);
    }
    let room = width.saturating_sub(label.len() + text_width(MORE));
    let mut shown = String::new();
    for path in paths {
        let next = if shown.is_empty() {
            path.to_string()
        } else {
            format!("{shown} {path}")
        };
        if text_width(&next) > room {
            break;
        }
        shown = next;
    }
    if shown.is_empty() {
        return Line::from(truncate(&format!("{label}{all}"), width));
    }
    Line::from(vec![
        Span::styled(label, theme.dim()),
        Span::raw(shown),
        Span::styled(MORE, theme.dim()),
    ])
}

/// How much the store's part of the status line is worth keeping.
const STORE: u8 = 3;
/// The tally of deliveries.
const TALLY: u8 = 8;
/// Deliveries answered and not filed into the store yet.
const FILING: u8 = 7;
/// "disconnected" is dropped last but for a store file gone.
const DISCONNECTED: u8 = 10;
/// A store file deleted or replaced: nothing is stored any more.
const GONE: u8 = 11;

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

fn status_line(app: &App, width: u16) -> Line<'static> {
    let theme = app.theme();
    let t = app.tally();
    let (verified, verified_style) = theme.status(crate::signature::Status::Verified);
    let (failed, failed_style) = theme.status(crate::signature::Status::Failed);
    let noun = if t.total == 1 {
        "delivery"
    } else {
        "deliveries"
    };
    let store = format!("store {}", store_label(app));
    let follow = if app.list().follow() {
        Span::raw("follow on")
    } else {
        Span::styled("follow off", theme.warn())
    };
    let mut parts = vec![
        Part {
            keep: 9,
            spans: vec![Span::styled(" hookscope ", theme.title())],
            short: None,
        },
        Part {
            keep: 9,
            spans: vec![Span::raw(format!(
                "http://{}",
                sanitize::line(&app.context().listen)
            ))],
            short: None,
        },
        // A store that cannot be reached is said before anything else but the name.
        Part {
            keep: DISCONNECTED,
            spans: vec![Span::styled("disconnected", theme.bad())],
            short: None,
        },
        Part {
            keep: TALLY,
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
        let warn = theme.warn();
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
    if app.store_gone() {
        let error = theme.error();
        let (long, short) = if app.context().listen.is_empty() {
            ("⚠ store file deleted or replaced", "⚠ store gone")
        } else {
            (
                "⚠ store file deleted or replaced: deliveries refused (503)",
                "⚠ store gone: 503",
            )
        };
        parts.insert(
            1,
            Part {
                keep: GONE,
                spans: vec![Span::styled(long, error)],
                short: Some(vec![Span::styled(short, error)]),
            },
        );
    }
    // Once the store is gone they wait for the next one: the warning above says enough.
    if app.filing() > 0 && !app.store_gone() {
        // Beside the tally, which does not count them yet.
        let n = app.filing();
        let at = parts
            .iter()
            .position(|p| p.keep == TALLY)
            .map_or(parts.len(), |i| i + 1);
        parts.insert(
            at,
            Part {
                keep: FILING,
                spans: vec![Span::styled(
                    format!("+{n} being filed into the store"),
                    theme.warn(),
                )],
                short: Some(vec![Span::styled(format!("+{n} filing"), theme.warn())]),
            },
        );
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
        // The least important long form goes first.
        let Some(part) = parts
            .iter_mut()
            .filter(|p| p.short.is_some())
            .min_by_key(|p| p.keep)
        else {
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

/// Draws into `area`: the status line, then the routes when there is a line for them
/// (see [`crate::tui::layout::header_height`]).
pub(super) fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let mut lines = vec![status_line(app, area.width)];
    if area.height > 1 {
        lines.push(routes_line(app, area.width));
    }
    Paragraph::new(lines).render(area, buf);
}
