//! A store for the app's tests, in memory: it answers the app's queries as the real one
//! does, with filters matched in Rust over the few fields the tests use. Searches are
//! held, as the matcher's worker would be busy with them, until the test waits for them.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use crate::model::Delivery;
use crate::store::{Filter, LinkKey, Row, SeqRange, StoreError, Stored, Tally};
use crate::tui::matcher::{Found, Search};
use crate::tui::reads::{Loaded, PageOf, Query, Reads};

/// The time the fake store's answers carry (Unix seconds), a little after the fixtures.
pub(super) const NOW: i64 = 1_763_650_500;

#[derive(Default)]
struct Data {
    /// In seq order, seqs from 1.
    rows: Vec<(i64, Delivery)>,
    /// Bumped by every commit, as SQLite's data version is by another connection's.
    version: i64,
    held: VecDeque<Search>,
    /// Every query asked, oldest first.
    asked: Vec<Query>,
    /// The store's file was deleted or replaced.
    gone: bool,
    /// Deliveries journaled and not filed yet.
    filing: u64,
}

/// Shared between the fixture that writes and the app that reads.
#[derive(Clone, Default)]
pub(super) struct FakeStore(Rc<RefCell<Data>>);

impl FakeStore {
    pub(super) fn insert(&self, d: &Delivery) {
        let mut data = self.0.borrow_mut();
        let seq = data.rows.len() as i64 + 1;
        data.rows.push((seq, d.clone()));
        data.version += 1;
    }

    /// `n` deliveries wait in the journal, as far as the next version read tells.
    pub(super) fn set_filing(&self, n: u64) {
        self.0.borrow_mut().filing = n;
    }

    /// The file is deleted or replaced, as far as the next version read tells.
    pub(super) fn lose_file(&self) {
        self.0.borrow_mut().gone = true;
    }

    /// The searches asked for and not answered yet, oldest first.
    pub(super) fn held(&self) -> Vec<Search> {
        self.0.borrow().held.iter().cloned().collect()
    }

    /// Answers the oldest search held, as the worker would.
    pub(super) fn answer_next(&self) -> Option<Found> {
        let search = self.0.borrow_mut().held.pop_front()?;
        Some(self.answer(search))
    }

    /// The queries asked since the last call.
    pub(super) fn take_asked(&self) -> Vec<Query> {
        std::mem::take(&mut self.0.borrow_mut().asked)
    }

    fn answer(&self, search: Search) -> Found {
        let range = SeqRange {
            after: None,
            upto: Some(search.upto),
        };
        let seqs = Ok(self.matching(&search.filter, range));
        Found::Matches {
            search,
            seqs,
            complete: true,
        }
    }

    fn matching(&self, filter: &Filter, range: SeqRange) -> Vec<i64> {
        self.0
            .borrow()
            .rows
            .iter()
            .filter(|(seq, _)| range.after.is_none_or(|a| *seq > a))
            .filter(|(seq, _)| range.upto.is_none_or(|u| *seq <= u))
            .filter(|(_, d)| matches(filter, d))
            .map(|(seq, _)| *seq)
            .collect()
    }

    fn row(seq: i64, d: &Delivery) -> Row {
        Row {
            seq,
            id: d.id.clone(),
            received_at: d.received_at,
            method: d.request.method.clone(),
            path: d.request.path.clone(),
            query: d.request.query.clone(),
            peer: d.request.peer.clone(),
            findings: d.findings.clone(),
            response_status: d.response_status,
            body_bytes: d.request.body_bytes,
            body_truncated: d.request.body_truncated,
            replay_of: d.replay_of.clone(),
            forwarded: d.forward.is_some(),
            app_status: d.forward.as_ref().and_then(|f| f.status),
            body_status: None,
        }
    }

    fn find(&self, id: &str) -> Option<(i64, Delivery)> {
        let data = self.0.borrow();
        data.rows.iter().find(|(_, d)| d.id == id).cloned()
    }
}

/// An event name, whole or as one ` · ` part, as the store compares them.
fn event_is(d: &Delivery, wanted: &str) -> bool {
    d.findings.event.as_deref().is_some_and(|e| {
        e.eq_ignore_ascii_case(wanted) || e.split(" · ").any(|p| p.eq_ignore_ascii_case(wanted))
    })
}

fn has_text(d: &Delivery, term: &str) -> bool {
    let term = term.to_lowercase();
    let subject = d.findings.subject.as_deref().unwrap_or_default();
    subject.to_lowercase().contains(&term)
        || String::from_utf8_lossy(&d.request.body)
            .to_lowercase()
            .contains(&term)
}

fn matches(f: &Filter, d: &Delivery) -> bool {
    let v = &d.findings.verification;
    let any = |empty: bool, hit: bool| empty || hit;
    any(
        f.providers.is_empty(),
        f.providers.contains(&d.findings.provider),
    ) && any(f.statuses.is_empty(), f.statuses.contains(&v.status))
        && any(
            f.hints.is_empty(),
            v.hint.is_some_and(|h| f.hints.contains(&h)),
        )
        && any(f.events.is_empty(), f.events.iter().any(|e| event_is(d, e)))
        && f.text.iter().all(|t| has_text(d, t))
        && any(
            f.answers.is_empty(),
            f.answers
                .iter()
                .any(|a| (a.from..=a.to).contains(&d.response_status)),
        )
        && any(f.ids.is_empty(), f.ids.iter().any(|p| d.id.starts_with(p)))
        && f.since_secs
            .is_none_or(|s| d.received_at.timestamp() >= NOW - s as i64)
        && !f.not.providers.contains(&d.findings.provider)
        && !f.not.statuses.contains(&v.status)
        && !v.hint.is_some_and(|h| f.not.hints.contains(&h))
        && !f.not.events.iter().any(|e| event_is(d, e))
        && !f.not.text.iter().any(|t| has_text(d, t))
        && !f
            .not
            .answers
            .iter()
            .any(|a| (a.from..=a.to).contains(&d.response_status))
}

impl Reads for FakeStore {
    fn run(&mut self, query: Query) -> Option<Loaded> {
        self.0.borrow_mut().asked.push(query.clone());
        Some(match query {
            Query::Version => Loaded::Version {
                version: Ok(self.0.borrow().version),
                connected: true,
                gone: self.0.borrow().gone,
                filing: self.0.borrow().filing,
            },
            Query::Tally { after } => {
                let mut t = Tally::default();
                for (seq, d) in &self.0.borrow().rows {
                    if after.is_some_and(|a| *seq <= a) {
                        continue;
                    }
                    t.total += 1;
                    t.last_seq = Some(*seq);
                    use crate::signature::Status;
                    match d.findings.verification.status {
                        Status::Verified => t.verified += 1,
                        Status::Failed => t.failed += 1,
                        Status::Unsigned => t.unsigned += 1,
                        _ => t.unchecked += 1,
                    }
                }
                Loaded::Tally(Ok(t))
            }
            Query::NewMatches {
                sequence,
                filter,
                range,
            } => Loaded::NewMatches {
                sequence,
                seqs: Ok(self.matching(&filter, range)),
            },
            Query::Position { sequence, seq } => Loaded::Position {
                sequence,
                position: Ok(self
                    .0
                    .borrow()
                    .rows
                    .iter()
                    .filter(|(s, _)| *s < seq)
                    .count() as u64),
            },
            Query::Page {
                sequence,
                start,
                rows,
            } => {
                let data = self.0.borrow();
                let rows = match rows {
                    PageOf::All { count, upto } => data
                        .rows
                        .iter()
                        .skip(start as usize)
                        .take(count)
                        .filter(|(seq, _)| *seq <= upto)
                        .map(|(seq, d)| Self::row(*seq, d))
                        .collect(),
                    PageOf::Seqs(seqs) => data
                        .rows
                        .iter()
                        .filter(|(seq, _)| seqs.contains(seq))
                        .map(|(seq, d)| Self::row(*seq, d))
                        .collect(),
                };
                Loaded::Page {
                    sequence,
                    start,
                    rows: Ok(rows),
                }
            }
            Query::Search(search) => {
                self.0.borrow_mut().held.push_back(search);
                return None;
            }
            Query::CancelSearch => return None,
            Query::Detail {
                id,
                provider,
                subject,
            } => {
                let found = self.find(&id).map(|(seq, delivery)| {
                    let previous = self
                        .0
                        .borrow()
                        .rows
                        .iter()
                        .rev()
                        .filter(|(s, d)| {
                            *s < seq
                                && d.findings.provider == provider
                                && d.findings.subject == subject
                        })
                        .map(|(_, d)| d.clone())
                        .next();
                    let stored = Stored {
                        seq,
                        delivery,
                        fetched: None,
                    };
                    Box::new((stored, previous))
                });
                Loaded::Detail {
                    id,
                    found: Ok(found),
                }
            }
            Query::Delivery { id, intent } => Loaded::Delivery {
                found: Ok(self.find(&id).map(|(_, d)| Box::new(d))),
                id,
                intent,
            },
            Query::Signing { pending, to } => Loaded::Signing {
                pending,
                to,
                now: NOW,
                link: Some(link_key()),
            },
        })
    }

    fn event_names(&mut self) -> Result<Vec<String>, StoreError> {
        let mut names: Vec<String> = Vec::new();
        for (_, d) in &self.0.borrow().rows {
            if let Some(e) = &d.findings.event
                && !names.contains(e)
            {
                names.push(e.clone());
            }
        }
        Ok(names)
    }

    fn wait_found(&mut self) -> Option<Found> {
        self.answer_next()
    }
}

/// The store's link key, the same in every test.
pub(super) fn link_key() -> LinkKey {
    LinkKey::from_hex(&"ab".repeat(32)).expect("64 hex digits")
}
