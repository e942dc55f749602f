//! The filtered table: a filter is searched for by the matcher's worker, the table keeps
//! showing what it showed until the seqs arrive, and then pages through them by key.
//! Deliveries arriving afterwards are matched a few rows at a time.

use super::{App, Command, Message};
use crate::store::{Filter, SeqRange, Tally};
use crate::tui::matcher::{Found, Search};
use crate::tui::reads::{PageOf, Query};

/// A search's result, waiting to be shown.
#[derive(Debug)]
pub(crate) struct Arrived {
    search: Search,
    seqs: Vec<i64>,
    /// Whether the whole history was searched, or only its newest deliveries so far.
    complete: bool,
}

/// What the table pages through.
#[derive(Debug, Default)]
pub(super) enum Shown {
    #[default]
    All,
    /// The seqs `filter` matched, in arrival order.
    Matches { filter: Box<Filter>, seqs: Vec<i64> },
}

impl App {
    /// The filter being searched for while the table still shows the previous rows.
    pub fn searching(&self) -> Option<&Filter> {
        self.searching.as_ref()
    }

    /// The filter whose matches the table shows; `None` when it shows every delivery
    /// (also when the filter field holds a filter whose search failed).
    pub(crate) fn shown_filter(&self) -> Option<&Filter> {
        match &self.shown {
            Shown::All => None,
            Shown::Matches { filter, .. } => Some(filter),
        }
    }

    /// Whether the table shows only the first matches of the search still going on.
    pub(crate) fn first_matches(&self) -> bool {
        self.searching.is_some() && self.searching.as_ref() == self.shown_filter()
    }

    /// Whether the stored event names were read (filter words are read against them).
    pub(crate) fn events_loaded(&self) -> bool {
        self.events_loaded
    }

    pub(super) fn found(&mut self, found: Found) {
        match found {
            Found::Events(Ok(names)) => {
                for name in names {
                    self.learn_event(&name);
                }
                self.events_loaded = true;
            }
            Found::Events(Err(e)) => {
                self.message = Some(Message::error(format!("Cannot read event names: {e}")));
            }
            Found::Matches {
                search,
                seqs,
                complete,
            } => {
                // An abandoned search, possibly interrupted: a newer one is coming.
                if search.generation != self.generation {
                    return;
                }
                match seqs {
                    Ok(seqs) => {
                        // A first look at the newest never replaces the whole result.
                        if complete || self.arrived.as_ref().is_none_or(|a| !a.complete) {
                            self.arrived = Some(Arrived {
                                search,
                                seqs,
                                complete,
                            });
                        }
                    }
                    Err(e) => {
                        self.searching = None;
                        self.message = Some(Message::error(format!("Cannot filter: {e}")));
                    }
                }
            }
        }
    }

    /// Remembers an event name for reading filter words, once per spelling.
    pub(super) fn learn_event(&mut self, name: &str) {
        if !self
            .known_events
            .iter()
            .any(|e| e.eq_ignore_ascii_case(name))
        {
            self.known_events.push(name.to_string());
        }
    }

    /// The filter changed: shows everything at once, or starts searching.
    pub(super) fn start_search(&mut self) -> Vec<Command> {
        let filter = self.filter.filter().clone();
        // A result that came in with the key changing the filter is already stale.
        self.arrived = None;
        self.generation += 1;
        if filter.is_empty() {
            let mut out = Vec::new();
            if self.searching.take().is_some() {
                out.push(Command::Read(Query::CancelSearch));
            }
            if matches!(self.shown, Shown::Matches { .. }) {
                let anchor = self.anchor();
                self.shown = Shown::All;
                self.reset_list(self.tally.total, None);
                // The selected delivery stays selected once its place is known.
                if let Some(seq) = anchor {
                    out.push(Command::Read(Query::Position {
                        sequence: self.sequence,
                        seq,
                    }));
                }
            }
            return out;
        }
        let search = Search {
            generation: self.generation,
            filter: Box::new(filter.clone()),
            upto: self.tally.last_seq.unwrap_or(0),
        };
        self.searching = Some(filter);
        vec![Command::Read(Query::Search(search))]
    }

    /// A new sequence for the table: pages read for the previous one are dropped.
    fn reset_list(&mut self, total: u64, selected: Option<u64>) {
        self.sequence += 1;
        self.list.reset(total, selected);
    }

    /// Shows a search's result; the deliveries counted since it started are matched
    /// next. The selected delivery (or the next one that matches) stays selected. The
    /// matches among the newest deliveries show while the search goes on.
    pub(super) fn show_matches(&mut self, arrived: Arrived) -> Vec<Command> {
        let Arrived {
            search,
            seqs,
            complete,
        } = arrived;
        let Search { filter, upto, .. } = search;
        let selected = self
            .anchor()
            .map(|seq| seqs.partition_point(|&s| s < seq) as u64);
        self.reset_list(seqs.len() as u64, selected);
        self.shown = Shown::Matches {
            filter: filter.clone(),
            seqs,
        };
        if !complete {
            // Deliveries counted meanwhile are matched once the whole result is in.
            return Vec::new();
        }
        self.searching = None;
        if self.tally.last_seq > Some(upto) {
            let range = SeqRange {
                after: Some(upto),
                upto: self.tally.last_seq,
            };
            return vec![Command::Read(Query::NewMatches {
                sequence: self.sequence,
                filter,
                range,
            })];
        }
        Vec::new()
    }

    /// The seq of the selected row, unless the table follows new deliveries.
    fn anchor(&self) -> Option<i64> {
        match self.list.selected() {
            Some(i) if !self.list.follow() => self.list.row(i).map(|r| r.seq),
            _ => None,
        }
    }

    /// The deliveries `later` counted after seq `after`: every one of them is a row of
    /// the unfiltered table; the filter's matches among them are to be read.
    pub(super) fn count_new(&mut self, after: Option<i64>, later: Tally) -> Option<Query> {
        if later.total == 0 {
            return None;
        }
        match &self.shown {
            Shown::All => {
                self.list.grow(later.total);
                None
            }
            // A first look at the newest is shown; the whole result matches these.
            Shown::Matches { filter, .. } if self.searching.as_ref() == Some(&**filter) => None,
            Shown::Matches { filter, .. } => Some(Query::NewMatches {
                sequence: self.sequence,
                filter: filter.clone(),
                range: SeqRange {
                    after,
                    upto: later.last_seq,
                },
            }),
        }
    }

    /// More of the filter's matches, after those shown.
    pub(super) fn add_matches(&mut self, new: Vec<i64>) {
        if let Shown::Matches { seqs, .. } = &mut self.shown {
            self.list.grow(new.len() as u64);
            seqs.extend_from_slice(&new);
        }
    }

    /// The read for `count` rows of the table from index `start`.
    pub(super) fn page(&self, start: u64, count: usize) -> Query {
        let rows = match &self.shown {
            Shown::All => PageOf::All {
                count,
                // Rows stored since the last count wait for it.
                upto: self.tally.last_seq.unwrap_or(0),
            },
            Shown::Matches { seqs, .. } => {
                let from = usize::try_from(start).unwrap_or(usize::MAX).min(seqs.len());
                let to = from.saturating_add(count).min(seqs.len());
                PageOf::Seqs(seqs[from..to].to_vec())
            }
        };
        Query::Page {
            sequence: self.sequence,
            start,
            rows,
        }
    }
}
