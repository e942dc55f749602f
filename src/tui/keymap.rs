//! Keys to actions. The defaults live here in one table; the help screen and the footer
//! are generated from it, so a new binding shows up everywhere by adding one line.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::tab::Tab;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    NextTab,
    PrevTab,
    /// Show the detail tab at this index of [`Tab::ALL`].
    ShowTab(usize),
    CopyBody,
    CopyCurl,
    CopyHeaders,
    /// Re-send the delivery to the forward target, or to a URL asked for.
    Resend,
    /// Edit the delivery's body, then re-sign and re-send it.
    EditResend,
    Filter,
    Help,
    Quit,
    /// Quits whatever has focus, even a text field.
    ForceQuit,
    /// Yes, to a question asked before something that cannot be undone.
    Confirm,
    /// No, to that question.
    Cancel,
    /// Finish typing into a one-line field (the secret, a search).
    Submit,
    /// Reveal or mask secrets.
    Reveal,
    /// Type a secret to try (the signature debugger).
    EditSecret,
    /// Edit the body to try (the signature debugger).
    EditBody,
    /// Back to the secret and the body as received.
    ResetEdits,
    /// Write the edited secret into the config file.
    WriteSecret,
    /// Pretty JSON or the text as it arrived.
    Pretty,
    Hex,
    /// Fold or unfold the JSON at the cursor.
    Fold,
    FoldAll,
    UnfoldAll,
    Left,
    Right,
    Search,
    NextMatch,
    PrevMatch,
    /// Empty a one-line field, as Ctrl-U does in a shell.
    ClearLine,
}

/// Where a binding applies. The focused scope's bindings are looked at before the global
/// ones, so a key can mean one thing in a dialog and another at the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Global,
    /// A question waiting for yes or no.
    Confirm,
    /// A tab of the detail, with no field focused.
    Tab(Tab),
    /// A one-line text field has focus: only its own keys are actions, every other key
    /// is text.
    Line,
    /// A multi-line text field has focus; Enter is text there.
    Text,
}

impl Scope {
    /// Whether keys that are no binding of the scope fall back to the global ones; not
    /// in a text field, where they are text.
    fn falls_back(self) -> bool {
        !matches!(self, Scope::Line | Scope::Text)
    }
}

/// The sections of the help screen, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Navigation,
    Detail,
    Actions,
    Filter,
    General,
}

impl Group {
    pub(crate) fn title(self) -> &'static str {
        match self {
            Group::Navigation => "Navigation",
            Group::Detail => "Detail",
            Group::Actions => "Actions",
            Group::Filter => "Filter",
            Group::General => "General",
        }
    }
}

impl Action {
    pub(crate) fn group(self) -> Group {
        use Action::*;
        match self {
            Up | Down | PageUp | PageDown | Top | Bottom => Group::Navigation,
            Open | Back | NextTab | PrevTab | ShowTab(_) => Group::Detail,
            CopyBody | CopyCurl | CopyHeaders | Resend | EditResend => Group::Actions,
            Filter => Group::Filter,
            Help | Quit | ForceQuit | Confirm | Cancel => Group::General,
            Submit | Reveal | EditSecret | EditBody | ResetEdits | WriteSecret | Pretty | Hex
            | Fold | FoldAll | UnfoldAll | Left | Right | Search | NextMatch | PrevMatch
            | ClearLine => Group::Detail,
        }
    }

    pub(crate) fn describe(self) -> String {
        use Action::*;
        match self {
            Up => "Previous delivery (pauses following)".into(),
            Down => "Next delivery".into(),
            PageUp => "One page up".into(),
            PageDown => "One page down".into(),
            Top => "First delivery".into(),
            Bottom => "Last delivery, and follow new ones".into(),
            Open => "Open the selected delivery".into(),
            Back => "One level back: the detail to the table; there, clears the filter".into(),
            NextTab => "Next tab".into(),
            PrevTab => "Previous tab".into(),
            ShowTab(i) => match Tab::ALL.get(i) {
                Some(tab) => format!("{} tab", tab.title()),
                None => "Tab".into(),
            },
            CopyBody => "Copy the body".into(),
            CopyCurl => "Copy a curl command that repeats the request".into(),
            CopyHeaders => "Copy the headers".into(),
            Resend => "Re-send the delivery (to --forward-to, else to a URL you type)".into(),
            EditResend => "Edit the body, then re-sign and re-send it".into(),
            Filter => "Filter the table".into(),
            Help => "This help".into(),
            Quit => "Quit at the table (the history is already saved); back in the detail".into(),
            ForceQuit => "Quit, even while typing".into(),
            Confirm => "Yes, go ahead".into(),
            Cancel => "No, leave it".into(),
            Submit => "Done typing".into(),
            Reveal => "Reveal or mask the secrets".into(),
            EditSecret => "Edit the secret: the verdict is recomputed as you type".into(),
            EditBody => "Edit the body, e.g. add a trailing newline".into(),
            ResetEdits => "Reset the secret and the body".into(),
            WriteSecret => "Write the edited secret into the config file (asks first)".into(),
            Pretty => "Pretty JSON or the raw text".into(),
            Hex => "Hex dump".into(),
            Fold => "Fold or unfold the JSON at the cursor".into(),
            FoldAll => "Fold everything".into(),
            UnfoldAll => "Unfold everything".into(),
            Left => "Pan left".into(),
            Right => "Pan right".into(),
            Search => "Search the transcript".into(),
            NextMatch => "Next match".into(),
            PrevMatch => "Previous match".into(),
            ClearLine => "Clear the line".into(),
        }
    }
}

/// A key with its modifiers. Shift is not compared: a letter's case already says it, and
/// terminals disagree about reporting it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeyBinding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyBinding {
    pub(crate) const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    pub(crate) const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::CONTROL,
        }
    }

    pub(crate) fn matches(&self, key: &KeyEvent) -> bool {
        let ignore = KeyModifiers::SHIFT;
        let same_char = match (self.code, key.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                // Ctrl letters arrive in either case depending on the terminal.
                if self.modifiers.contains(KeyModifiers::CONTROL) {
                    a.eq_ignore_ascii_case(&b)
                } else {
                    a == b
                }
            }
            (a, b) => a == b,
        };
        same_char && self.modifiers.difference(ignore) == key.modifiers.difference(ignore)
    }

    /// How the key is written in the footer and the help screen.
    pub(crate) fn label(&self) -> String {
        let key = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{}", key.to_uppercase())
        } else {
            key
        }
    }
}

/// The bindings, first match wins within a scope; the focused scope before the global.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(KeyBinding, Action)>,
    scoped: Vec<(Scope, KeyBinding, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use Action::*;
        use KeyCode as K;
        let p = KeyBinding::plain;
        let c = |ch| p(K::Char(ch));
        let mut bindings = vec![
            (KeyBinding::ctrl('c'), ForceQuit),
            (p(K::Up), Up),
            (c('k'), Up),
            (p(K::Down), Down),
            (c('j'), Down),
            (p(K::PageUp), PageUp),
            (p(K::PageDown), PageDown),
            (c('g'), Top),
            (p(K::Home), Top),
            (c('G'), Bottom),
            (p(K::End), Bottom),
            (p(K::Enter), Open),
            (p(K::Esc), Back),
            (p(K::Tab), NextTab),
            (p(K::BackTab), PrevTab),
        ];
        for (i, digit) in ('1'..='9').take(Tab::ALL.len()).enumerate() {
            bindings.push((c(digit), ShowTab(i)));
        }
        bindings.extend([
            (c('y'), CopyBody),
            (c('Y'), CopyCurl),
            (c('c'), CopyHeaders),
            (c('r'), Resend),
            (c('e'), EditResend),
            (c('/'), Filter),
            (c('?'), Help),
            (p(K::F(1)), Help),
            (c('q'), Quit),
        ]);
        let scoped = vec![
            (Scope::Confirm, c('y'), Confirm),
            (Scope::Confirm, p(K::Enter), Confirm),
            (Scope::Confirm, c('n'), Cancel),
            (Scope::Confirm, p(K::Esc), Cancel),
            (Scope::Confirm, c('q'), Cancel),
            (Scope::Tab(Tab::Transcript), c('/'), Search),
            (Scope::Tab(Tab::Transcript), c('n'), NextMatch),
            (Scope::Tab(Tab::Transcript), c('N'), PrevMatch),
            (Scope::Tab(Tab::Verification), c('s'), EditSecret),
            (Scope::Tab(Tab::Verification), c('b'), EditBody),
            (Scope::Tab(Tab::Verification), c('v'), Reveal),
            (Scope::Tab(Tab::Verification), c('R'), ResetEdits),
            (Scope::Tab(Tab::Verification), c('w'), WriteSecret),
            (Scope::Tab(Tab::Headers), c('v'), Reveal),
            (Scope::Tab(Tab::Body), c('p'), Pretty),
            (Scope::Tab(Tab::Body), c('x'), Hex),
            (Scope::Tab(Tab::Body), p(K::Enter), Fold),
            (Scope::Tab(Tab::Body), c(' '), Fold),
            (Scope::Tab(Tab::Body), c('z'), FoldAll),
            (Scope::Tab(Tab::Body), c('Z'), UnfoldAll),
            (Scope::Tab(Tab::Body), p(K::Left), Left),
            (Scope::Tab(Tab::Body), c('h'), Left),
            (Scope::Tab(Tab::Body), p(K::Right), Right),
            (Scope::Tab(Tab::Body), c('l'), Right),
            (Scope::Line, p(K::Esc), Back),
            (Scope::Line, p(K::Enter), Submit),
            // The text area reads these as Enter.
            (Scope::Line, KeyBinding::ctrl('m'), Submit),
            (Scope::Line, KeyBinding::ctrl('j'), Submit),
            (Scope::Line, p(K::Tab), NextTab),
            (Scope::Line, p(K::BackTab), PrevTab),
            (Scope::Line, KeyBinding::ctrl('r'), Reveal),
            (Scope::Line, KeyBinding::ctrl('u'), ClearLine),
            // The re-send prompt's recent targets.
            (Scope::Line, p(K::Up), Up),
            (Scope::Line, p(K::Down), Down),
            (Scope::Text, KeyBinding::ctrl('s'), Submit),
            (Scope::Text, p(K::Esc), Back),
            (Scope::Text, p(K::Tab), NextTab),
            (Scope::Text, p(K::BackTab), PrevTab),
            (Scope::Text, KeyBinding::ctrl('r'), Reveal),
        ];
        Self { bindings, scoped }
    }
}

impl Keymap {
    /// What `key` does, if anything. Key releases do nothing.
    pub(crate) fn action(&self, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        self.bindings
            .iter()
            .find(|(b, _)| b.matches(key))
            .map(|(_, a)| *a)
    }

    /// What `key` does where `scope` has focus: its own bindings first, then the global.
    pub(crate) fn action_in(&self, scope: Scope, key: &KeyEvent) -> Option<Action> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let own = self
            .scoped
            .iter()
            .find(|(s, b, _)| *s == scope && b.matches(key))
            .map(|(_, _, a)| *a);
        match own {
            Some(a) => Some(a),
            None if scope.falls_back() => self.action(key),
            // Ctrl-C quits even from a text field.
            None => self.action(key).filter(|a| *a == Action::ForceQuit),
        }
    }

    /// The key a hint names for `action` in `scope`: the scope's first, else the first
    /// global letter (`j` rather than `↓`, as a hint reads `j/k scroll`).
    pub(crate) fn hint_key(&self, scope: Scope, action: Action) -> String {
        self.scoped
            .iter()
            .find(|(s, _, a)| *s == scope && *a == action)
            .map(|(_, b, _)| b.label())
            .or_else(|| {
                self.bindings
                    .iter()
                    .filter(|(_, a)| *a == action)
                    .find(|(b, _)| matches!(b.code, KeyCode::Char(_)))
                    .or_else(|| self.bindings.iter().find(|(_, a)| *a == action))
                    .map(|(b, _)| b.label())
            })
            .unwrap_or_default()
    }

    /// The scope's own bindings, each action once with its keys: the help screen's rows
    /// for a tab.
    pub(crate) fn entries_in(&self, scope: Scope) -> Vec<(String, String)> {
        let mut seen: Vec<Action> = Vec::new();
        let mut out = Vec::new();
        for (s, _, action) in &self.scoped {
            if *s != scope || seen.contains(action) {
                continue;
            }
            seen.push(*action);
            out.push((self.keys_in(scope, *action), action.describe()));
        }
        out
    }

    /// The keys bound to `action` in `scope`, e.g. `y/Enter`.
    pub(crate) fn keys_in(&self, scope: Scope, action: Action) -> String {
        let labels: Vec<String> = self
            .scoped
            .iter()
            .filter(|(s, _, a)| *s == scope && *a == action)
            .map(|(_, b, _)| b.label())
            .collect();
        labels.join("/")
    }

    /// Adds a binding that takes precedence over the existing ones.
    #[cfg(test)]
    pub(crate) fn bind(&mut self, key: KeyBinding, action: Action) {
        self.bindings.insert(0, (key, action));
    }

    /// The first key bound to `action`, as written on screen; empty when unbound.
    pub(crate) fn first_key(&self, action: Action) -> String {
        self.bindings
            .iter()
            .find(|(_, a)| *a == action)
            .map(|(b, _)| b.label())
            .unwrap_or_default()
    }

    /// The keys bound to `action`, e.g. `k/↑`.
    pub(crate) fn keys(&self, action: Action) -> String {
        let labels: Vec<String> = self
            .bindings
            .iter()
            .filter(|(_, a)| *a == action)
            .map(|(b, _)| b.label())
            .collect();
        labels.join("/")
    }

    /// Every bound action once, in binding order, with its keys: the help screen's rows.
    pub(crate) fn entries(&self, group: Group) -> Vec<(String, String)> {
        let mut seen: Vec<Action> = Vec::new();
        let mut out = Vec::new();
        for (_, action) in &self.bindings {
            if action.group() != group || seen.contains(action) {
                continue;
            }
            seen.push(*action);
            out.push((self.keys(*action), action.describe()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn letters_and_arrows_map_to_the_same_moves() {
        let k = Keymap::default();
        let none = KeyModifiers::NONE;
        assert_eq!(k.action(&key(KeyCode::Char('j'), none)), Some(Action::Down));
        assert_eq!(k.action(&key(KeyCode::Down, none)), Some(Action::Down));
        assert_eq!(k.action(&key(KeyCode::Char('k'), none)), Some(Action::Up));
        assert_eq!(k.action(&key(KeyCode::Char('x'), none)), None);
    }

    #[test]
    fn shift_is_carried_by_the_letter() {
        let k = Keymap::default();
        let shift = KeyModifiers::SHIFT;
        assert_eq!(
            k.action(&key(KeyCode::Char('G'), shift)),
            Some(Action::Bottom)
        );
        assert_eq!(
            k.action(&key(KeyCode::Char('Y'), shift)),
            Some(Action::CopyCurl)
        );
        assert_eq!(
            k.action(&key(KeyCode::BackTab, shift)),
            Some(Action::PrevTab)
        );
        assert_eq!(
            k.action(&key(KeyCode::Char('?'), shift)),
            Some(Action::Help)
        );
    }

    #[test]
    fn ctrl_c_is_force_quit_and_plain_c_copies_headers() {
        let k = Keymap::default();
        assert_eq!(
            k.action(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::ForceQuit)
        );
        assert_eq!(
            k.action(&key(KeyCode::Char('C'), KeyModifiers::CONTROL)),
            Some(Action::ForceQuit)
        );
        assert_eq!(
            k.action(&key(KeyCode::Char('c'), KeyModifiers::NONE)),
            Some(Action::CopyHeaders)
        );
    }

    #[test]
    fn r_re_sends_and_e_edits_then_re_sends() {
        let k = Keymap::default();
        let none = KeyModifiers::NONE;
        assert_eq!(
            k.action(&key(KeyCode::Char('r'), none)),
            Some(Action::Resend)
        );
        assert_eq!(
            k.action(&key(KeyCode::Char('e'), none)),
            Some(Action::EditResend)
        );
        let actions = k.entries(Group::Actions);
        assert!(actions.iter().any(|(keys, _)| keys == "r"), "{actions:?}");
        assert!(actions.iter().any(|(keys, _)| keys == "e"), "{actions:?}");
    }

    #[test]
    fn releases_do_nothing() {
        let mut release = key(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(Keymap::default().action(&release), None);
    }

    #[test]
    fn new_bindings_take_precedence_and_appear_in_help() {
        let mut k = Keymap::default();
        k.bind(KeyBinding::plain(KeyCode::Char('x')), Action::Quit);
        assert_eq!(
            k.action(&key(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        assert_eq!(k.keys(Action::Quit), "x/q");
    }

    #[test]
    fn number_keys_show_each_tab() {
        let k = Keymap::default();
        let entries = k.entries(Group::Detail);
        assert!(
            entries
                .iter()
                .any(|(keys, what)| keys == "1" && what == "Summary tab")
        );
        assert!(
            entries
                .iter()
                .any(|(keys, what)| keys == "6" && what == "Body tab")
        );
        assert_eq!(
            k.action(&key(KeyCode::Char('4'), KeyModifiers::NONE)),
            Some(Action::ShowTab(3))
        );
    }
}
