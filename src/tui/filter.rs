//! The `/` filter: a one-line text field whose words become a [`Filter`] the store runs
//! in SQL.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;

use crate::provider::ProviderId;
use crate::signature::{Hint, Status};
use crate::store::Filter;

/// Reads filter text. Each word (or "quoted phrase") is, in this order: a provider name,
/// a verification status, a failure hint, an event name from `known_events` (exact,
/// case-insensitive), or else text to find in the subject or the body.
pub fn parse(text: &str, known_events: &[String]) -> Filter {
    let mut f = Filter::default();
    for (token, quoted) in tokens(text) {
        let lower = token.to_lowercase();
        let event = known_events
            .iter()
            .find(|e| e.eq_ignore_ascii_case(&token))
            .cloned();
        if quoted {
            match event {
                Some(e) => push_new(&mut f.events, e),
                None => push_new(&mut f.text, token),
            }
        } else if let Some(p) = ProviderId::parse(&lower) {
            push_new(&mut f.providers, p);
        } else if let Some(s) = Status::parse(&lower) {
            push_new(&mut f.statuses, s);
        } else if let Some(h) = Hint::parse(&lower) {
            push_new(&mut f.hints, h);
        } else if let Some(e) = event {
            push_new(&mut f.events, e);
        } else {
            push_new(&mut f.text, token);
        }
    }
    f
}

fn push_new<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// Words split on whitespace; a double quote starts or ends a phrase. An unterminated
/// quote runs to the end.
fn tokens(text: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_quote = false;
    for c in text.chars() {
        match c {
            '"' => {
                if in_quote || !current.is_empty() {
                    let word = std::mem::take(&mut current);
                    if !word.trim().is_empty() {
                        out.push((word.trim().to_string(), in_quote));
                    }
                }
                in_quote = !in_quote;
            }
            c if c.is_whitespace() && !in_quote => {
                if !current.is_empty() {
                    out.push((std::mem::take(&mut current), false));
                }
            }
            c => current.push(c),
        }
    }
    if !current.trim().is_empty() {
        out.push((current.trim().to_string(), in_quote));
    }
    out
}

/// What a filter will match, in words: `provider classet · status failed · text "cand"`.
pub fn describe(f: &Filter) -> String {
    let mut parts = Vec::new();
    let mut list = |name: &str, items: Vec<String>| {
        if !items.is_empty() {
            parts.push(format!("{name} {}", items.join(" or ")));
        }
    };
    list(
        "provider",
        f.providers.iter().map(|p| p.as_str().to_string()).collect(),
    );
    list(
        "status",
        f.statuses.iter().map(|s| s.as_str().to_string()).collect(),
    );
    list(
        "hint",
        f.hints.iter().map(|h| h.as_str().to_string()).collect(),
    );
    list("event", f.events.iter().map(|e| format!("{e:?}")).collect());
    for t in &f.text {
        parts.push(format!("text {t:?}"));
    }
    if parts.is_empty() {
        "everything".into()
    } else {
        parts.join(" · ")
    }
}

/// The filter of the table: the text typed, what it means, and the field while it has
/// focus.
pub struct FilterState {
    input: Option<TextArea<'static>>,
    text: String,
    applied: Filter,
}

/// What a key did to the filter field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterKey {
    /// The text changed: the table must be filtered anew.
    Changed,
    /// Enter: the field closes, the filter stays.
    Kept,
    /// Esc: the filter is cleared and the field closes.
    Cleared,
    Unchanged,
}

impl Default for FilterState {
    fn default() -> Self {
        Self::new()
    }
}

impl FilterState {
    pub fn new() -> Self {
        Self {
            input: None,
            text: String::new(),
            applied: Filter::default(),
        }
    }

    pub fn is_editing(&self) -> bool {
        self.input.is_some()
    }

    /// The text typed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn filter(&self) -> &Filter {
        &self.applied
    }

    pub fn is_active(&self) -> bool {
        !self.applied.is_empty()
    }

    /// The field, while it has focus.
    pub fn input(&self) -> Option<&TextArea<'static>> {
        self.input.as_ref()
    }

    /// Gives the field focus, holding the current text followed by a space: typing adds
    /// a word, Ctrl-U starts over.
    pub fn open(&mut self) {
        let mut text = self.text.trim_end().to_string();
        if !text.is_empty() {
            text.push(' ');
        }
        let mut area = TextArea::new(vec![text]);
        area.set_cursor_line_style(Style::default());
        area.set_cursor_style(Style::default().add_modifier(Modifier::REVERSED));
        area.set_placeholder_text("provider, status, hint, event or any text");
        area.move_cursor(ratatui_textarea::CursorMove::End);
        self.input = Some(area);
    }

    /// Clears the filter and closes the field. `true` if a filter was in force.
    pub fn clear(&mut self) -> bool {
        self.input = None;
        self.text.clear();
        let was_active = self.is_active();
        self.applied = Filter::default();
        was_active
    }

    /// Sets the text as if typed, e.g. from a test or a saved view.
    pub fn set_text(&mut self, text: &str, known_events: &[String]) {
        self.text = text.to_string();
        self.applied = parse(text, known_events);
    }

    /// A key for the focused field.
    pub fn key(&mut self, key: KeyEvent, known_events: &[String]) -> FilterKey {
        let Some(input) = self.input.as_mut() else {
            return FilterKey::Unchanged;
        };
        match key.code {
            KeyCode::Esc => {
                self.clear();
                FilterKey::Cleared
            }
            KeyCode::Enter => {
                self.input = None;
                FilterKey::Kept
            }
            // One line only: no tabs, no newlines.
            KeyCode::Tab | KeyCode::BackTab => FilterKey::Unchanged,
            _ => {
                let changed = if is_clear_line(&key) {
                    // Readline's Ctrl-U: the whole line goes.
                    input.select_all();
                    input.cut()
                } else {
                    input.input(key)
                };
                if !changed {
                    return FilterKey::Unchanged;
                }
                let text = input.lines().join(" ");
                let before = std::mem::replace(&mut self.applied, parse(&text, known_events));
                self.text = text;
                if before == self.applied {
                    FilterKey::Unchanged
                } else {
                    FilterKey::Changed
                }
            }
        }
    }
}

/// Ctrl-U, which clears a one-line field as in a shell.
pub fn is_clear_line(key: &KeyEvent) -> bool {
    key.modifiers
        .contains(crossterm::event::KeyModifiers::CONTROL)
        && matches!(key.code, KeyCode::Char('u' | 'U'))
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyModifiers;

    use super::*;

    fn events() -> Vec<String> {
        ["call_completed", "Result Published", "interview.completed"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn provider_and_status_words_become_their_filters() {
        let f = parse("classet failed", &events());
        assert_eq!(f.providers, vec![ProviderId::Classet]);
        assert_eq!(f.statuses, vec![Status::Failed]);
        assert!(f.text.is_empty() && f.events.is_empty());
    }

    #[test]
    fn anything_else_is_text() {
        let f = parse("cand_123", &events());
        assert_eq!(f.text, vec!["cand_123".to_string()]);
        assert!(f.providers.is_empty());
    }

    #[test]
    fn hints_and_events_are_recognised_case_insensitively() {
        let f = parse("WRONG_SECRET Call_Completed", &events());
        assert_eq!(f.hints, vec![Hint::WrongSecret]);
        assert_eq!(f.events, vec!["call_completed".to_string()]);
    }

    #[test]
    fn a_quoted_phrase_is_an_event_or_one_text_term() {
        let f = parse("\"result published\" clearspeed", &events());
        assert_eq!(f.events, vec!["Result Published".to_string()]);
        assert_eq!(f.providers, vec![ProviderId::Clearspeed]);
        let f = parse("\"Zoë Ł\" \"unterminated ph", &events());
        assert_eq!(
            f.text,
            vec!["Zoë Ł".to_string(), "unterminated ph".to_string()]
        );
    }

    #[test]
    fn a_quoted_status_word_is_text() {
        let f = parse("\"failed\"", &events());
        assert!(f.statuses.is_empty());
        assert_eq!(f.text, vec!["failed".to_string()]);
    }

    #[test]
    fn empty_text_filters_nothing() {
        assert!(parse("   ", &events()).is_empty());
        assert_eq!(describe(&parse("", &events())), "everything");
    }

    #[test]
    fn descriptions_list_every_part() {
        let f = parse("classet brilliant failed cand_1", &events());
        assert_eq!(
            describe(&f),
            "provider classet or brilliant · status failed · text \"cand_1\""
        );
    }

    #[test]
    fn typing_changes_the_filter_enter_keeps_it_esc_clears_it() {
        let mut s = FilterState::new();
        s.open();
        let k = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        for c in "classet".chars() {
            s.key(k(c), &events());
        }
        assert_eq!(s.filter().providers, vec![ProviderId::Classet]);
        assert_eq!(
            s.key(KeyEvent::from(KeyCode::Enter), &events()),
            FilterKey::Kept
        );
        assert!(!s.is_editing());
        assert!(s.is_active());
        s.open();
        assert_eq!(
            s.input().map(|i| i.lines().join("")),
            Some("classet ".into()),
            "ready for another word"
        );
        for c in "failed".chars() {
            s.key(k(c), &events());
        }
        assert_eq!(s.text(), "classet failed");
        assert_eq!(
            s.key(
                KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
                &events()
            ),
            FilterKey::Changed
        );
        assert_eq!(s.text(), "");
        s.key(k('x'), &events());
        assert_eq!(
            s.key(KeyEvent::from(KeyCode::Esc), &events()),
            FilterKey::Cleared
        );
        assert!(!s.is_active() && !s.is_editing() && s.text().is_empty());
    }
}
