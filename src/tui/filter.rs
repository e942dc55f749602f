//! The `/` filter: a one-line text field whose words become a [`Filter`] the store runs
//! in SQL.

use crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

use crate::model::ProviderId;
use crate::signature::{Hint, Status};
use crate::store::{Answer, Filter, parse_duration};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;

/// One word of filter text: `-` negates it, `key:` qualifies it, quotes make a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    negated: bool,
    key: Option<String>,
    value: String,
    quoted: bool,
}

/// The qualifiers a word may start with.
const KEYS: [&str; 7] = [
    "provider", "status", "hint", "event", "answer", "since", "id",
];

/// Reads filter text. Each word (or "quoted phrase") is, in this order: a provider name,
/// a verification status, a failure hint, an event name from `known_events` (exact or
/// one ` · ` part of one, case-insensitive), a delivery id prefix (`0193a5b0-…`), or
/// else text to find in the subject or the body. `key:value` says which it is
/// (`provider:`, `status:`, `hint:`, `event:`, `answer:4xx`, `since:15m`, `id:`), and a
/// leading `-` leaves out what the word matches.
pub(crate) fn parse(text: &str, known_events: &[String]) -> Filter {
    let mut f = Filter::default();
    for token in tokens(text) {
        apply(&mut f, token, known_events);
    }
    f
}

fn known_event(word: &str, known_events: &[String]) -> Option<String> {
    known_events.iter().find_map(|e| {
        if e.eq_ignore_ascii_case(word) {
            return Some(e.clone());
        }
        e.split(" · ")
            .find(|part| part.eq_ignore_ascii_case(word))
            .map(str::to_string)
    })
}

/// A delivery id's start as the footer and `replay` write it: 8 hex digits and a dash.
fn looks_like_id(word: &str) -> bool {
    let b = word.as_bytes();
    b.len() >= 9
        && b[..8].iter().all(u8::is_ascii_hexdigit)
        && b[8] == b'-'
        && b.iter().all(|c| c.is_ascii_hexdigit() || *c == b'-')
}

/// What one word means, by its qualifier or by what it is.
enum Meaning {
    Provider(ProviderId),
    Status(Status),
    Hint(Hint),
    Event(String),
    Answer(Answer),
    Since(u64),
    Id(String),
    Text(String),
}

fn meaning(token: &Token, known_events: &[String]) -> Meaning {
    let v = token.value.as_str();
    let lower = v.to_lowercase();
    let as_text = || {
        let mut raw = match &token.key {
            Some(k) => format!("{k}:{v}"),
            None => v.to_string(),
        };
        if raw.is_empty() {
            raw = v.to_string();
        }
        Meaning::Text(raw)
    };
    match token.key.as_deref() {
        Some("provider") => ProviderId::parse(&lower).map_or_else(as_text, Meaning::Provider),
        Some("status") => Status::parse(&lower).map_or_else(as_text, Meaning::Status),
        Some("hint") => Hint::parse(&lower).map_or_else(as_text, Meaning::Hint),
        Some("event") => Meaning::Event(known_event(v, known_events).unwrap_or(v.to_string())),
        Some("answer") => Answer::parse(v).map_or_else(as_text, Meaning::Answer),
        Some("since") => {
            parse_duration(v).map_or_else(|_| as_text(), |d| Meaning::Since(d.as_secs()))
        }
        Some("id") => Meaning::Id(lower),
        _ if token.quoted => known_event(v, known_events).map_or_else(as_text, Meaning::Event),
        _ => {
            if let Some(p) = ProviderId::parse(&lower) {
                Meaning::Provider(p)
            } else if let Some(s) = Status::parse(&lower) {
                Meaning::Status(s)
            } else if let Some(h) = Hint::parse(&lower) {
                Meaning::Hint(h)
            } else if let Some(e) = known_event(v, known_events) {
                Meaning::Event(e)
            } else if looks_like_id(&lower) {
                Meaning::Id(lower)
            } else {
                as_text()
            }
        }
    }
}

fn apply(f: &mut Filter, token: Token, known_events: &[String]) {
    let m = meaning(&token, known_events);
    if token.negated {
        let n = &mut f.not;
        match m {
            Meaning::Provider(p) => push_new(&mut n.providers, p),
            Meaning::Status(s) => push_new(&mut n.statuses, s),
            Meaning::Hint(h) => push_new(&mut n.hints, h),
            Meaning::Event(e) => push_new(&mut n.events, e),
            Meaning::Answer(a) => push_new(&mut n.answers, a),
            Meaning::Text(t) => push_new(&mut n.text, t),
            // "Not since" and "not this id" are not asked for: read as text.
            Meaning::Since(_) | Meaning::Id(_) => push_new(&mut n.text, token.value),
        }
        return;
    }
    match m {
        Meaning::Provider(p) => push_new(&mut f.providers, p),
        Meaning::Status(s) => push_new(&mut f.statuses, s),
        Meaning::Hint(h) => push_new(&mut f.hints, h),
        Meaning::Event(e) => push_new(&mut f.events, e),
        Meaning::Answer(a) => push_new(&mut f.answers, a),
        Meaning::Since(secs) => f.since_secs = Some(secs),
        Meaning::Id(prefix) => push_new(&mut f.ids, prefix),
        Meaning::Text(t) => push_new(&mut f.text, t),
    }
}

fn push_new<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// Words split on whitespace; a double quote starts or ends a phrase (also right after
/// `-` or `key:`). An unterminated quote runs to the end.
fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_quote = false;
    let mut quoted = false;
    let finish = |current: &mut String, quoted: bool, out: &mut Vec<Token>| {
        let word = std::mem::take(current);
        if let Some(t) = token(&word, quoted) {
            out.push(t);
        }
    };
    for c in text.chars() {
        match c {
            '"' if in_quote => {
                in_quote = false;
                finish(&mut current, true, &mut out);
                quoted = false;
            }
            '"' => {
                // `"` after `-` or `key:` quotes the value; elsewhere it ends the word.
                if !current.is_empty() && !is_prefix(&current) {
                    finish(&mut current, false, &mut out);
                }
                in_quote = true;
                quoted = true;
            }
            c if c.is_whitespace() && !in_quote => {
                finish(&mut current, quoted, &mut out);
                quoted = false;
            }
            c => current.push(c),
        }
    }
    finish(&mut current, quoted, &mut out);
    out
}

/// `-`, `key:` or `-key:`: what may come before a quoted value.
fn is_prefix(word: &str) -> bool {
    let rest = word.strip_prefix('-').unwrap_or(word);
    rest.is_empty()
        || rest
            .strip_suffix(':')
            .is_some_and(|k| KEYS.contains(&k.to_ascii_lowercase().as_str()))
}

fn token(word: &str, quoted: bool) -> Option<Token> {
    let mut rest = word;
    let negated = rest.len() > 1 && rest.starts_with('-');
    if negated {
        rest = &rest[1..];
    }
    let mut key = None;
    if let Some((k, v)) = rest.split_once(':') {
        let k = k.to_ascii_lowercase();
        if KEYS.contains(&k.as_str()) {
            key = Some(k);
            rest = v;
        }
    }
    let value = rest.trim().to_string();
    if value.is_empty() {
        return None;
    }
    Some(Token {
        negated,
        key,
        value,
        quoted,
    })
}

/// What a filter will match, in words: `provider classet · status failed · text "cand"`.
pub(crate) fn describe(f: &Filter) -> String {
    let mut parts = Vec::new();
    let mut list = |name: &str, items: Vec<String>| {
        if !items.is_empty() {
            parts.push(format!("{name} {}", items.join(" or ")));
        }
    };
    let names = |p: &[ProviderId]| p.iter().map(|p| p.as_str().to_string()).collect();
    let statuses = |s: &[Status]| s.iter().map(|s| s.as_str().to_string()).collect();
    let hints = |h: &[Hint]| h.iter().map(|h| h.as_str().to_string()).collect();
    let events = |e: &[String]| e.iter().map(|e| format!("{e:?}")).collect();
    let answers = |a: &[Answer]| a.iter().map(|a| a.label()).collect();
    list("provider", names(&f.providers));
    list("status", statuses(&f.statuses));
    list("hint", hints(&f.hints));
    list("event", events(&f.events));
    list("answer", answers(&f.answers));
    list("id", f.ids.iter().map(|i| format!("{i}…")).collect());
    if let Some(secs) = f.since_secs {
        list(
            "since",
            vec![format!("{} ago", crate::signature::human_duration(secs))],
        );
    }
    let n = &f.not;
    list("not provider", names(&n.providers));
    list("not status", statuses(&n.statuses));
    list("not hint", hints(&n.hints));
    list("not event", events(&n.events));
    list("not answer", answers(&n.answers));
    for t in &f.text {
        parts.push(format!("text {t:?}"));
    }
    for t in &n.text {
        parts.push(format!("not text {t:?}"));
    }
    if parts.is_empty() {
        "everything".into()
    } else {
        parts.join(" · ")
    }
}

/// The filter of the table: the text typed, what it means, and the field while it has
/// focus.
pub(crate) struct FilterState {
    input: Option<TextArea<'static>>,
    text: String,
    applied: Filter,
}

/// What a key did to the filter field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FilterKey {
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
    pub(crate) fn new() -> Self {
        Self {
            input: None,
            text: String::new(),
            applied: Filter::default(),
        }
    }

    pub(crate) fn is_editing(&self) -> bool {
        self.input.is_some()
    }

    /// The text typed so far.
    #[cfg(test)]
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn filter(&self) -> &Filter {
        &self.applied
    }

    pub(crate) fn is_active(&self) -> bool {
        !self.applied.is_empty()
    }

    /// The field, while it has focus.
    pub(crate) fn input(&self) -> Option<&TextArea<'static>> {
        self.input.as_ref()
    }

    /// Gives the field focus, holding the current text followed by a space: typing adds
    /// a word, Ctrl-U starts over.
    pub(crate) fn open(&mut self, theme: Theme) {
        let mut text = self.text.trim_end().to_string();
        if !text.is_empty() {
            text.push(' ');
        }
        let mut area = TextArea::new(vec![text]);
        theme.text_area(&mut area);
        area.set_placeholder_text("provider, status, hint, event or any text");
        area.move_cursor(ratatui_textarea::CursorMove::End);
        self.input = Some(area);
    }

    /// Clears the filter and closes the field. `true` if a filter was in force.
    pub(crate) fn clear(&mut self) -> bool {
        self.input = None;
        self.text.clear();
        let was_active = self.is_active();
        self.applied = Filter::default();
        was_active
    }

    /// Sets the text as if typed, e.g. from a test or a saved view.
    pub(crate) fn set_text(&mut self, text: &str, known_events: &[String]) {
        self.text = text.to_string();
        self.applied = parse(text, known_events);
    }

    /// A key for the focused field: `action` is what the keymap made of it in a
    /// one-line field, and a key that is no action is text.
    pub(crate) fn key(
        &mut self,
        action: Option<Action>,
        key: KeyEvent,
        known_events: &[String],
    ) -> FilterKey {
        let Some(input) = self.input.as_mut() else {
            return FilterKey::Unchanged;
        };
        match action {
            Some(Action::Back) => {
                self.clear();
                FilterKey::Cleared
            }
            Some(Action::Submit) => {
                self.input = None;
                FilterKey::Kept
            }
            // One line only: no tabs, no newlines.
            Some(a) if a != Action::ClearLine => FilterKey::Unchanged,
            _ => {
                let changed = if action == Some(Action::ClearLine) {
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

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};

    use super::*;

    fn events() -> Vec<String> {
        ["call_completed", "Result Published", "interview.completed"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn provider_and_status_words_become_their_filters() {
        let f = parse("classet failed", &events());
        assert_eq!(f.providers, vec![ProviderId::CLASSET]);
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
        assert_eq!(f.providers, vec![ProviderId::CLEARSPEED]);
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
    fn a_minus_leaves_out_what_the_word_matches() {
        let f = parse(
            "-classet -failed -wrong_secret -\"Zoë Ł\" -answer:2xx",
            &events(),
        );
        assert!(f.providers.is_empty() && f.statuses.is_empty() && f.text.is_empty());
        assert_eq!(f.not.providers, vec![ProviderId::CLASSET]);
        assert_eq!(f.not.statuses, vec![Status::Failed]);
        assert_eq!(f.not.hints, vec![Hint::WrongSecret]);
        assert_eq!(f.not.text, vec!["Zoë Ł".to_string()]);
        assert_eq!(f.not.answers, vec![Answer { from: 200, to: 299 }]);
        assert_eq!(
            describe(&f),
            "not provider classet · not status failed · not hint wrong_secret · \
             not answer 2xx · not text \"Zoë Ł\""
        );
        // A lone dash is text, as in `--`.
        assert_eq!(parse("-", &events()).text, vec!["-".to_string()]);
    }

    #[test]
    fn qualifiers_say_what_a_word_is() {
        let f = parse(
            "provider:CLASSET status:failed hint:wrong_secret event:\"result published\" \
             answer:4xx answer:401 since:15m id:0193A5B0",
            &events(),
        );
        assert_eq!(f.providers, vec![ProviderId::CLASSET]);
        assert_eq!(f.statuses, vec![Status::Failed]);
        assert_eq!(f.hints, vec![Hint::WrongSecret]);
        assert_eq!(f.events, vec!["Result Published".to_string()]);
        assert_eq!(
            f.answers,
            vec![Answer { from: 400, to: 499 }, Answer { from: 401, to: 401 }]
        );
        assert_eq!(f.since_secs, Some(900));
        assert_eq!(f.ids, vec!["0193a5b0".to_string()]);
        // A value that means nothing for its qualifier is looked for as text.
        assert_eq!(parse("status:maybe", &events()).text, vec!["status:maybe"]);
        // An unknown key is just text with a colon.
        assert_eq!(parse("url:x", &events()).text, vec!["url:x"]);
    }

    #[test]
    fn an_id_prefix_is_recognised_by_its_dash() {
        let f = parse("0193a5b0-0000", &events());
        assert_eq!(f.ids, vec!["0193a5b0-0000".to_string()]);
        // Digits alone are a subject (Clearspeed's interview numbers), not an id.
        assert_eq!(
            parse("5520173846201", &events()).text,
            vec!["5520173846201"]
        );
    }

    #[test]
    fn a_part_of_an_event_name_is_an_event() {
        let known = vec!["Result Update · Under Review".to_string()];
        assert_eq!(
            parse("\"under review\"", &known).events,
            vec!["Under Review"]
        );
        // A phrase that is no event is text.
        assert_eq!(
            parse("\"no such thing\"", &known).text,
            vec!["no such thing"]
        );
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
        s.open(Theme::colored());
        let keymap = crate::tui::keymap::Keymap::default();
        let press = |s: &mut FilterState, key: KeyEvent| {
            let action = keymap.action_in(crate::tui::keymap::Scope::Line, &key);
            s.key(action, key, &events())
        };
        let k = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        for c in "classet".chars() {
            press(&mut s, k(c));
        }
        assert_eq!(s.filter().providers, vec![ProviderId::CLASSET]);
        assert_eq!(
            press(&mut s, KeyEvent::from(KeyCode::Enter)),
            FilterKey::Kept
        );
        assert!(!s.is_editing());
        assert!(s.is_active());
        s.open(Theme::colored());
        assert_eq!(
            s.input().map(|i| i.lines().join("")),
            Some("classet ".into()),
            "ready for another word"
        );
        for c in "failed".chars() {
            press(&mut s, k(c));
        }
        assert_eq!(s.text(), "classet failed");
        assert_eq!(
            press(
                &mut s,
                KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)
            ),
            FilterKey::Changed
        );
        assert_eq!(s.text(), "");
        press(&mut s, k('x'));
        assert_eq!(
            press(&mut s, KeyEvent::from(KeyCode::Esc)),
            FilterKey::Cleared
        );
        assert!(!s.is_active() && !s.is_editing() && s.text().is_empty());
    }
}
