//! The Transcript tab: who said what and when, wrapped, scrollable and searchable.

use std::cell::Cell;

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

use super::DetailOutcome;
use super::component::{Component, ENDS, Hint, SCROLL, hint};
use super::labels::vendor_name;
use crate::model::{Delivery, ProviderId};
use crate::provider::{Summary, classet};
use crate::sanitize;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::{Speaker, Theme};
use crate::tui::widgets::scroll::Scroll;

/// The widest speaker column.
const SPEAKER_WIDTH: usize = 12;

#[derive(Debug, Clone)]
struct Entry {
    speaker: String,
    side: Speaker,
    start: Option<f64>,
    /// Sanitized text, as characters so matches and wrapping share indices.
    text: Vec<char>,
}

/// The interviewer's side (TalentSprout interviewer, Classet agent) or the candidate's.
fn side(speaker: &str) -> Speaker {
    let s = speaker.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| s.contains(w));
    if has(&["interviewer", "agent", "assistant", "bot", "recruiter"]) || s == "ai" {
        Speaker::Interviewer
    } else if has(&["candidate", "user", "applicant", "interviewee", "human"]) {
        Speaker::Candidate
    } else {
        Speaker::Other
    }
}

/// `mm:ss`, or `h:mm:ss` past an hour.
pub(crate) fn clock(secs: f64) -> String {
    let total = secs.max(0.0).floor() as u64;
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

pub(crate) struct TranscriptView {
    entries: Vec<Entry>,
    /// Why there is nothing to show, when there is not.
    absent: String,
    scroll: Scroll,
    input: Option<TextArea<'static>>,
    /// The lower-cased query whose matches are highlighted.
    query: Vec<char>,
    /// (entry, first character) of every match, in reading order.
    matches: Vec<(usize, usize)>,
    current: Option<usize>,
    /// Scroll to the current match on the next frame (rows depend on the width).
    follow: Cell<bool>,
    input_top: Cell<usize>,
}

impl TranscriptView {
    pub(crate) fn new(provider: ProviderId, summary: &Summary) -> Self {
        let entry = |speaker: Option<&str>, text: Option<&str>, start: Option<f64>| {
            let speaker = sanitize::line(speaker.unwrap_or("(unnamed)"));
            Entry {
                side: side(&speaker),
                speaker,
                start,
                text: sanitize::line(text.unwrap_or_default()).chars().collect(),
            }
        };
        let (entries, absent) = match summary {
            Summary::Talentsprout(s) => (
                s.transcript
                    .iter()
                    .map(|t| entry(t.speaker.as_deref(), t.text.as_deref(), t.start))
                    .collect(),
                "This TalentSprout delivery carries no transcript.".to_string(),
            ),
            Summary::Classet(c) => match &c.kind {
                classet::Kind::CallCompleted(call) => (
                    call.transcript
                        .iter()
                        .map(|t| entry(t.role.as_deref(), t.content.as_deref(), t.start))
                        .collect(),
                    "This call_completed delivery carries no transcript.".to_string(),
                ),
                _ => (
                    Vec::new(),
                    "Classet's candidate.interview.updated carries no transcript; only the \
                     deprecated call_completed delivery has one."
                        .to_string(),
                ),
            },
            _ if provider == ProviderId::UNKNOWN => (
                Vec::new(),
                "The provider is not recognised, so no transcript can be read.".to_string(),
            ),
            _ => (
                Vec::new(),
                format!("{} sends no transcript.", vendor_name(provider)),
            ),
        };
        Self {
            entries,
            absent,
            scroll: Scroll::default(),
            input: None,
            query: Vec::new(),
            matches: Vec::new(),
            current: None,
            follow: Cell::new(false),
            input_top: Cell::new(0),
        }
    }

    #[cfg(test)]
    pub(crate) fn match_count(&self) -> usize {
        self.matches.len()
    }

    #[cfg(test)]
    pub(crate) fn current_match(&self) -> Option<usize> {
        self.current
    }

    fn set_query(&mut self, text: &str) {
        self.query = text.chars().flat_map(char::to_lowercase).collect();
        self.matches.clear();
        self.current = None;
        if self.query.is_empty() {
            return;
        }
        let q = &self.query;
        for (i, e) in self.entries.iter().enumerate() {
            let lower: Vec<char> = e
                .text
                .iter()
                .map(|c| c.to_lowercase().next().unwrap_or(*c))
                .collect();
            let mut at = 0;
            while at + q.len() <= lower.len() {
                if lower[at..at + q.len()] == q[..] {
                    self.matches.push((i, at));
                    at += q.len();
                } else {
                    at += 1;
                }
            }
        }
    }

    fn jump(&mut self, to: Option<usize>) -> DetailOutcome {
        if self.matches.is_empty() {
            let q: String = self.query.iter().collect();
            return DetailOutcome::Message(format!("No match for \"{}\".", sanitize::line(&q)));
        }
        self.current = to.map(|i| i % self.matches.len());
        self.follow.set(true);
        DetailOutcome::Consumed
    }
}

impl Component for TranscriptView {
    fn render(&self, _: &Delivery, theme: Theme, area: Rect, buf: &mut Buffer) {
        self.draw(theme, area, buf);
    }

    fn handle(&mut self, action: Action) -> DetailOutcome {
        if self.input.is_some() {
            match action {
                Action::Back => {
                    self.input = None;
                    self.set_query("");
                }
                Action::Submit => {
                    self.input = None;
                    return self.jump(Some(0));
                }
                _ => {}
            }
            return DetailOutcome::Consumed;
        }
        let n = self.matches.len();
        match action {
            Action::Search if self.applies() => {
                self.input = Some(TextArea::default());
                self.set_query("");
                DetailOutcome::Consumed
            }
            Action::NextMatch if !self.query.is_empty() => {
                self.jump(Some(self.current.map_or(0, |c| c + 1)))
            }
            Action::PrevMatch if !self.query.is_empty() => self.jump(Some(
                self.current
                    .map_or(n.saturating_sub(1), |c| c + n.saturating_sub(1)),
            )),
            Action::Back if !self.query.is_empty() => {
                self.set_query("");
                DetailOutcome::Consumed
            }
            _ if self.scroll.act(action) => DetailOutcome::Consumed,
            _ => DetailOutcome::Ignored,
        }
    }

    fn focus(&self) -> Option<Scope> {
        self.input.is_some().then_some(Scope::Line)
    }

    fn input(&mut self, key: KeyEvent) -> DetailOutcome {
        if let Some(input) = self.input.as_mut()
            && input.input(key)
        {
            let text = input.lines().first().cloned().unwrap_or_default();
            self.set_query(&text);
        }
        DetailOutcome::Consumed
    }

    fn blur(&mut self) {
        self.input = None;
    }

    fn hints(&self) -> Vec<Hint> {
        if self.input.is_some() {
            return vec![
                hint(&[Action::Submit], "find"),
                hint(&[Action::Back], "cancel"),
            ];
        }
        let mut hints = vec![SCROLL, ENDS];
        if self.applies() {
            hints.push(hint(&[Action::Search], "search"));
        }
        if !self.query.is_empty() {
            hints.push(hint(&[Action::NextMatch, Action::PrevMatch], "next/prev"));
            hints.push(hint(&[Action::Back], "clear search"));
        }
        hints
    }

    fn applies(&self) -> bool {
        !self.entries.is_empty()
    }
}

mod draw;
#[cfg(test)]
mod tests;
