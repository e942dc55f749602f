//! The one theme every screen draws with: named roles (ok, warn, error, dim, key, the
//! vendor's own colour, …) that the table, header, footer, dialogs and every tab of the
//! detail ask for, in colour or, when `NO_COLOR` is set, in none at all.

use ratatui::style::{Color, Modifier, Style};

use crate::signature::Status;

/// Colours, or none at all when `NO_COLOR` is set: every colour then has a word, a
/// symbol or a modifier (bold, reverse, underline) next to it, so nothing is lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

/// Who speaks in a transcript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Speaker {
    /// The interviewer's side (TalentSprout's interviewer, Classet's agent).
    Interviewer,
    Candidate,
    Other,
}

/// What a JSON scalar is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scalar {
    /// `{}` and `[]`.
    Empty,
    String,
    Number,
    /// `true`, `false`, `null`.
    Literal,
}

const BOLD: Modifier = Modifier::BOLD;

impl Theme {
    pub(crate) fn from_env() -> Self {
        Self::from_no_color(std::env::var_os("NO_COLOR"))
    }

    /// `NO_COLOR` set to anything but the empty string turns colours off (no-color.org).
    pub fn from_no_color(value: Option<std::ffi::OsString>) -> Self {
        Self {
            color: value.is_none_or(|v| v.is_empty()),
        }
    }

    pub const fn colored() -> Self {
        Self { color: true }
    }

    pub const fn monochrome() -> Self {
        Self { color: false }
    }

    /// `colored` in colour, else `plain`: the one place colours are given up.
    const fn pick(self, colored: Style, plain: Style) -> Style {
        if self.color { colored } else { plain }
    }

    /// Foreground `color` with `modifier`; the modifier alone without colours.
    const fn ink(self, color: Color, modifier: Modifier) -> Style {
        let plain = Style::new().add_modifier(modifier);
        self.pick(plain.fg(color), plain)
    }

    // ---- Words and frames ----

    pub(crate) const fn dim(self) -> Style {
        self.ink(Color::DarkGray, Modifier::empty())
    }

    /// What a payload does not have ("not present").
    pub(crate) const fn missing(self) -> Style {
        self.ink(Color::DarkGray, Modifier::ITALIC)
    }

    /// A key's name, in the footer, help and prompts.
    pub(crate) const fn key(self) -> Style {
        self.ink(Color::Cyan, BOLD)
    }

    /// A section heading in a tab.
    pub(crate) const fn heading(self) -> Style {
        self.ink(Color::Cyan, BOLD)
    }

    /// A field's label, a column's title, a box's title.
    pub(crate) const fn label(self) -> Style {
        Style::new().add_modifier(BOLD)
    }

    /// A value that decides something (an outcome, a verdict).
    pub(crate) const fn strong(self) -> Style {
        Style::new().add_modifier(BOLD)
    }

    /// A group's title in the help.
    pub(crate) const fn section(self) -> Style {
        Style::new().add_modifier(BOLD.union(Modifier::UNDERLINED))
    }

    /// What hookscope inferred rather than read (an event from the body's shape).
    pub(crate) const fn inferred(self) -> Style {
        Style::new().add_modifier(Modifier::ITALIC)
    }

    pub(crate) const fn title(self) -> Style {
        Style::new().add_modifier(BOLD.union(Modifier::REVERSED))
    }

    pub(crate) const fn selected(self) -> Style {
        Style::new().add_modifier(BOLD.union(Modifier::REVERSED))
    }

    /// The open tab's title in the tab bar (also bracketed).
    pub(crate) const fn current_tab(self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(BOLD),
            Style::new().add_modifier(BOLD.union(Modifier::REVERSED)),
        )
    }

    /// The border of a field that has focus.
    pub(crate) const fn focused(self) -> Style {
        self.ink(Color::Yellow, BOLD)
    }

    /// The row the cursor is on in a list that is not the table (the JSON body).
    pub(crate) const fn cursor_row(self) -> Style {
        self.pick(
            Style::new().bg(Color::DarkGray),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }

    // ---- Verdicts ----

    pub(crate) const fn good(self) -> Style {
        self.ink(Color::Green, Modifier::empty())
    }

    pub(crate) const fn bad(self) -> Style {
        self.ink(Color::Red, Modifier::empty())
    }

    pub(crate) const fn warn(self) -> Style {
        self.ink(Color::Yellow, Modifier::empty())
    }

    pub(crate) const fn error(self) -> Style {
        self.ink(Color::Red, BOLD)
    }

    /// The symbol and word for a verification status, and its colour.
    pub(crate) const fn status(self, status: Status) -> (&'static str, Style) {
        match status {
            Status::Verified => ("✓ verified", self.good()),
            Status::Failed => ("✗ failed", self.error()),
            Status::Unsigned => ("– unsigned", self.dim()),
            Status::Unchecked => ("? unchecked", self.warn()),
        }
    }

    /// Our answer's status code: errors stand out.
    pub(crate) const fn answer(self, code: u16) -> Style {
        match code {
            200..=299 => Style::new(),
            400..=499 => self.warn(),
            _ => self.bad(),
        }
    }

    /// A colour the vendor chose (Clearspeed's verdict), with legible text on it; bold
    /// and reversed without colours.
    pub(crate) const fn vendor_colour(self, (r, g, b): (u8, u8, u8)) -> Style {
        let text = if luminance_is_light(r, g, b) {
            Color::Black
        } else {
            Color::White
        };
        self.pick(
            Style::new()
                .fg(text)
                .bg(Color::Rgb(r, g, b))
                .add_modifier(BOLD),
            Style::new().add_modifier(BOLD.union(Modifier::REVERSED)),
        )
    }

    // ---- Payloads ----

    pub(crate) const fn speaker(self, who: Speaker) -> Style {
        match who {
            Speaker::Interviewer => self.ink(Color::LightBlue, BOLD),
            Speaker::Candidate => self.ink(Color::LightGreen, BOLD),
            Speaker::Other => self.ink(Color::Yellow, BOLD),
        }
    }

    /// A search match; `current` for the one the search is at.
    pub(crate) const fn found(self, current: bool) -> Style {
        if current {
            self.pick(
                Style::new()
                    .fg(Color::Black)
                    .bg(Color::LightRed)
                    .add_modifier(BOLD),
                Style::new()
                    .add_modifier(BOLD.union(Modifier::REVERSED).union(Modifier::UNDERLINED)),
            )
        } else {
            self.pick(
                Style::new().fg(Color::Black).bg(Color::Yellow),
                Style::new().add_modifier(Modifier::REVERSED),
            )
        }
    }

    pub(crate) const fn json_key(self) -> Style {
        self.ink(Color::LightBlue, Modifier::empty())
    }

    pub(crate) const fn json_scalar(self, scalar: Scalar) -> Style {
        match scalar {
            Scalar::Empty => Style::new(),
            Scalar::String => self.ink(Color::Green, Modifier::empty()),
            Scalar::Number => self.ink(Color::Magenta, Modifier::empty()),
            Scalar::Literal => self.ink(Color::Yellow, Modifier::empty()),
        }
    }

    /// A printable byte in the text column of a hex dump.
    pub(crate) const fn printable(self) -> Style {
        self.ink(Color::Cyan, Modifier::empty())
    }

    /// A text field's styles: cursor, placeholder and selection from this theme (the
    /// editor's own defaults are coloured).
    pub(crate) fn text_area(self, area: &mut ratatui_textarea::TextArea<'_>) {
        area.set_cursor_line_style(Style::new());
        area.set_cursor_style(Style::new().add_modifier(Modifier::REVERSED));
        area.set_placeholder_style(self.dim());
        area.set_selection_style(self.pick(
            Style::new().bg(Color::LightBlue),
            Style::new().add_modifier(Modifier::REVERSED),
        ));
    }
}

/// Whether black text reads better than white on `(r, g, b)`: YIQ luma against
/// Bootstrap's threshold, since the vendors' colours are Bootstrap's (`#dc3545`,
/// `#ffc107`…).
const fn luminance_is_light(r: u8, g: u8, b: u8) -> bool {
    let (r, g, b) = (r as u32, g as u32, b as u32);
    (r * 299 + g * 587 + b * 114) / 1000 >= 150
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_on_a_vendor_colour_is_legible() {
        let fg = |rgb| Theme::colored().vendor_colour(rgb).fg;
        assert_eq!(fg((0xdc, 0x35, 0x45)), Some(Color::White));
        assert_eq!(fg((0xff, 0xc1, 0x07)), Some(Color::Black));
        assert_eq!(fg((0x6c, 0x75, 0x7d)), Some(Color::White));
        assert_eq!(fg((0x28, 0xa7, 0x45)), Some(Color::White));
        assert_eq!(fg((0xf8, 0xf9, 0xfa)), Some(Color::Black));
    }

    /// Every role, and what it keeps without colours: no colour at all, and the roles
    /// that mark a place (the open tab, the cursor, search matches) still do.
    #[test]
    fn monochrome_roles_have_no_colour_and_keep_their_marks() {
        let t = Theme::monochrome();
        let roles = [
            t.dim(),
            t.missing(),
            t.key(),
            t.heading(),
            t.label(),
            t.strong(),
            t.section(),
            t.inferred(),
            t.title(),
            t.selected(),
            t.current_tab(),
            t.focused(),
            t.cursor_row(),
            t.good(),
            t.bad(),
            t.warn(),
            t.error(),
            t.answer(404),
            t.answer(500),
            t.vendor_colour((0xdc, 0x35, 0x45)),
            t.speaker(Speaker::Interviewer),
            t.speaker(Speaker::Candidate),
            t.speaker(Speaker::Other),
            t.found(false),
            t.found(true),
            t.json_key(),
            t.json_scalar(Scalar::String),
            t.json_scalar(Scalar::Number),
            t.json_scalar(Scalar::Literal),
            t.printable(),
        ];
        for (i, s) in roles.iter().enumerate() {
            assert_eq!((s.fg, s.bg), (None, None), "role {i}: {s:?}");
        }
        for s in [
            t.current_tab(),
            t.cursor_row(),
            t.found(false),
            t.found(true),
        ] {
            assert!(s.add_modifier.contains(Modifier::REVERSED), "{s:?}");
        }
        assert_ne!(t.found(false), t.found(true));
        assert!(t.status(Status::Failed).1.add_modifier.contains(BOLD));
    }

    #[test]
    fn coloured_roles_have_their_colours() {
        let t = Theme::colored();
        assert_eq!(t.status(Status::Verified).1.fg, Some(Color::Green));
        assert_eq!(t.bad().fg, Some(Color::Red));
        assert_eq!(t.warn().fg, Some(Color::Yellow));
        assert_eq!(t.found(true).bg, Some(Color::LightRed));
        assert_eq!(t.current_tab().bg, Some(Color::Cyan));
    }
}
