//! The `?` screen: every key, grouped, generated from the keymap so it cannot drift.

use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget};

use super::super::app::App;
use super::super::detail::Tab;
use super::super::keymap::{Action, Group, Scope};

/// Rows the keymap does not hold: the mouse, and the keys of the filter field.
fn extra(group: Group) -> Vec<(&'static str, &'static str)> {
    match group {
        Group::Navigation => vec![
            ("Wheel", "Scroll"),
            ("Click", "Select a delivery; click it again to open it"),
        ],
        Group::Detail => vec![("Click", "A tab's title shows that tab")],
        Group::Actions => vec![
            (
                "Ctrl-S",
                "In the body editor: send (re-signed where the secret is configured)",
            ),
            ("Enter", "In the URL prompt: send there"),
            ("Esc", "In the body editor or the URL prompt: cancel"),
        ],
        Group::Filter => vec![
            ("Enter", "Keep the filter and go back to the table"),
            ("Esc", "Clear the filter"),
        ],
        Group::General => Vec::new(),
    }
}

/// Explanations under a group.
fn note(group: Group) -> Option<&'static str> {
    match group {
        Group::Actions => Some(
            "Copies go to the system clipboard, or as OSC 52 to your own terminal over SSH, \
             in tmux (needs `set -g set-clipboard on`) or without a display. Without \
             --forward-to, r and e offer hookscope's own address, where the re-send arrives as \
             a new row marked ↻. TalentSprout's t= is refreshed, as an old one fails the \
             tolerance check.",
        ),
        Group::Filter => Some(
            "Each word is a provider (classet), a status (verified, failed, unsigned, \
             unchecked), a failure hint (wrong_secret), an event name (call_completed, \
             \"Under Review\"), a delivery id prefix (0193a5b0-7c1e), or else text to find \
             in the subject or the body: whole words in order, the last by its beginning \
             (grace hop finds Grace Hopper). Kinds combine with AND, words of one kind \
             with OR. A leading - leaves out what a word matches (-classet, -failed). \
             Qualifiers say what a word is: provider:, status:, hint:, event:, \
             answer:4xx (or 401), since:15m, id:.",
        ),
        _ => None,
    }
}

/// Greedy word wrap for the notes; `width` is at least 1.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The open tab's own keys, from the keymap, then those of its text field and scrolling.
fn tab_rows(app: &App, tab: Tab) -> Vec<(String, String)> {
    let keymap = app.keymap();
    let mut rows = keymap.entries_in(Scope::Tab(tab));
    let both = |scope, a, b| {
        format!(
            "{}/{}",
            keymap.hint_key(scope, a),
            keymap.hint_key(scope, b)
        )
    };
    let field = match tab {
        Tab::Verification => Some("editing"),
        Tab::Transcript => Some("searching"),
        _ => None,
    };
    if let Some(what) = field {
        rows.push((
            both(Scope::Line, Action::Back, Action::Submit),
            format!("Done {what}"),
        ));
    }
    if tab == Tab::Verification {
        rows.push((
            keymap.hint_key(Scope::Line, Action::NextTab),
            "While editing: the other field".into(),
        ));
    }
    let own = Scope::Tab(tab);
    rows.push((both(own, Action::Down, Action::Up), "Scroll".into()));
    rows.push((both(own, Action::Top, Action::Bottom), "Top, end".into()));
    rows
}

/// A titled list of (keys, what they do), with a note under it.
type Section = (String, Vec<(String, String)>, Option<&'static str>);

/// The groups in the order the current view needs them: its own keys first.
fn order(app: &App) -> [Group; 5] {
    use Group::*;
    if app.detail().is_some() {
        [Detail, Actions, General, Navigation, Filter]
    } else {
        [Navigation, Filter, Actions, General, Detail]
    }
}

/// The help text for an inner width of `width`: the open tab's own keys first, then the
/// keymap's groups, the current view's first.
fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = app.theme();
    let keymap = app.keymap();
    let tab = app.detail().map(|d| d.tab());
    let mut groups: Vec<Section> = Vec::new();
    if let Some(tab) = tab {
        groups.push((format!("{} tab", tab.title()), tab_rows(app, tab), None));
    }
    let keyed: Vec<(Group, Vec<(String, String)>)> = order(app)
        .into_iter()
        .map(|g| {
            let mut rows = keymap.entries(g);
            rows.extend(
                extra(g)
                    .into_iter()
                    .map(|(k, w)| (k.to_string(), w.to_string())),
            );
            (g, rows)
        })
        .collect();
    groups.extend(
        keyed
            .into_iter()
            .map(|(g, rows)| (g.title().to_string(), rows, note(g))),
    );
    let key_width = groups
        .iter()
        .flat_map(|(_, rows, _)| rows.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    for (title, rows, note) in groups {
        if !out.is_empty() {
            out.push(Line::default());
        }
        out.push(Line::styled(title, app.theme().section()));
        for (keys, what) in rows {
            out.push(Line::from(vec![
                Span::styled(format!("  {keys:<key_width$}  "), theme.key()),
                Span::raw(what),
            ]));
        }
        if let Some(text) = note {
            let indent = 2;
            for l in wrap(text, usize::from(width.max(indent + 1) - indent)) {
                out.push(Line::styled(format!("  {l}"), theme.dim()));
            }
        }
    }
    out.extend(route_lines(app));
    out
}

/// Where each vendor sends, in full (the header has room for the paths only).
fn route_lines(app: &App) -> Vec<Line<'static>> {
    let listen = &app.context().listen;
    if listen.is_empty() {
        return Vec::new();
    }
    let base = format!("http://{}", crate::sanitize::line(listen));
    let routes = crate::provider::routes(&app.context().config);
    let name_width = routes.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    let mut out = vec![
        Line::default(),
        Line::styled("Routes", app.theme().section()),
    ];
    out.extend(routes.iter().map(|(name, route)| {
        Line::from(vec![
            Span::styled(format!("  {name:<name_width$}  "), app.theme().dim()),
            Span::raw(format!("{base}{route}")),
        ])
    }));
    out
}

/// Centred, as wide as the text needs up to 88 columns, as tall as it needs up to the
/// screen.
fn popup(app: &App, screen: Rect) -> Rect {
    let width = screen.width.min(88);
    let inner_width = width.saturating_sub(2);
    let height = (lines(app, inner_width).len() as u16)
        .saturating_add(2)
        .min(screen.height);
    Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    }
}

/// The furthest the help text scrolls on `screen`.
pub(crate) fn max_scroll(app: &App, screen: Rect) -> u16 {
    let inner = popup(app, screen).inner(Margin::new(1, 1));
    let total = lines(app, inner.width).len() as u16;
    total.saturating_sub(inner.height)
}

pub(super) fn render(app: &App, scroll: u16, screen: Rect, buf: &mut Buffer) {
    let area = popup(app, screen);
    Clear.render(area, buf);
    let title = match app.detail() {
        Some(d) => format!(" Keys · {} tab first ", d.tab().title()),
        None => " Keys · table first ".to_string(),
    };
    let block = Block::bordered()
        .title(title)
        .title_bottom(Line::from(" ↑↓ scroll · Esc closes ").right_aligned());
    let inner = block.inner(area);
    block.render(area, buf);
    let text = lines(app, inner.width);
    let end = max_scroll(app, screen);
    app.note_help_end(end);
    let scroll = scroll.min(end);
    Paragraph::new(text).scroll((scroll, 0)).render(inner, buf);
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn notes_wrap_at_word_boundaries() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("longword x", 3), ["longword", "x"]);
        assert!(wrap("", 10).is_empty());
    }
}
