//! The filtered table: a filter is searched for by the matcher's worker, the table keeps
//! showing what it showed until the seqs arrive, and then pages through them by key.
//! Deliveries arriving afterwards are matched here, a few rows at a time.

use super::{App, AppEvent, Message};
use crate::store::{Filter, Row, SeqRange, StoreError};
use crate::tui::matcher::{Found, Matcher, Search};

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
    pub fn shown_filter(&self) -> Option<&Filter> {
        match &self.shown {
            Shown::All => None,
            Shown::Matches { filter, .. } => Some(filter),
        }
    }

    /// Waits for the next matcher result; never resolves without a matcher.
    pub async fn next_found(&mut self) -> Found {
        match self.matcher.as_mut() {
            Some(m) => m.next().await,
            None => std::future::pending().await,
        }
    }

    /// A matcher result already waiting, if any.
    pub fn try_found(&mut self) -> Option<Found> {
        self.matcher.as_mut().and_then(Matcher::try_next)
    }

    /// Waits until the filter being searched for is shown, for callers outside the event
    /// loop (tests, benchmarks). Must not run on an async runtime's thread.
    pub fn finish_filtering(&mut self) {
        self.refresh();
        while self.searching.is_some() {
            let Some(found) = self.matcher.as_mut().and_then(Matcher::next_blocking) else {
                break;
            };
            self.update(AppEvent::Found(found));
            self.refresh();
        }
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
            Found::Matches { search, seqs } => {
                // An abandoned search, possibly interrupted: a newer one is coming.
                if !self
                    .matcher
                    .as_ref()
                    .is_some_and(|m| m.is_current(search.generation))
                {
                    return;
                }
                match seqs {
                    Ok(seqs) => self.arrived = Some((search, seqs)),
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
    pub(super) fn start_search(&mut self) -> Result<(), StoreError> {
        let filter = self.filter.filter().clone();
        // A result that came in with the key changing the filter is already stale.
        self.arrived = None;
        if filter.is_empty() {
            if let Some(m) = self.matcher.as_mut() {
                m.cancel();
            }
            self.searching = None;
            if matches!(self.shown, Shown::Matches { .. }) {
                let selected = match self.anchor() {
                    Some(seq) => Some(self.reader.position(seq)?),
                    None => None,
                };
                self.shown = Shown::All;
                self.list.reset(self.tally.total, selected);
            }
            return Ok(());
        }
        let upto = self.tally.last_seq.unwrap_or(0);
        match self.matcher.as_mut() {
            Some(m) => {
                m.search(filter.clone(), upto);
                self.searching = Some(filter);
            }
            // No worker thread: the search runs here, and the UI waits for it.
            None => {
                let all = SeqRange {
                    after: None,
                    upto: Some(upto),
                };
                let seqs = self.reader.matching_seqs(&filter, all)?;
                let search = Search {
                    generation: 0,
                    filter: Box::new(filter),
                    upto,
                };
                self.arrived = Some((search, seqs));
            }
        }
        Ok(())
    }

    /// Shows a search's result, brought up to date with the deliveries counted since it
    /// started; the selected delivery (or the next one that matches) stays selected.
    pub(super) fn show_matches(
        &mut self,
        search: Search,
        mut seqs: Vec<i64>,
    ) -> Result<(), StoreError> {
        let Search { filter, upto, .. } = search;
        if self.tally.last_seq > Some(upto) {
            let later = SeqRange {
                after: Some(upto),
                upto: self.tally.last_seq,
            };
            seqs.extend(self.reader.matching_seqs(&filter, later)?);
        }
        let selected = self
            .anchor()
            .map(|seq| seqs.partition_point(|&s| s < seq) as u64);
        self.list.reset(seqs.len() as u64, selected);
        self.shown = Shown::Matches { filter, seqs };
        self.searching = None;
        Ok(())
    }

    /// The seq of the selected row, unless the table follows new deliveries.
    fn anchor(&self) -> Option<i64> {
        match self.list.selected() {
            Some(i) if !self.list.follow() => self.list.row(i).map(|r| r.seq),
            _ => None,
        }
    }

    /// How many of the deliveries in `range` (just counted) the table shows, adding them
    /// to the filter's matches.
    pub(super) fn count_new(&mut self, range: SeqRange, total: u64) -> Result<u64, StoreError> {
        match &mut self.shown {
            Shown::All => Ok(total),
            Shown::Matches { filter, seqs } => {
                let new = self.reader.matching_seqs(filter, range)?;
                seqs.extend_from_slice(&new);
                Ok(new.len() as u64)
            }
        }
    }

    /// `count` rows of the table from index `start`.
    pub(super) fn page(&self, start: u64, count: usize) -> Result<Vec<Row>, StoreError> {
        match &self.shown {
            Shown::All => {
                // By key from either end; rows stored since the last count wait for it.
                let upto = self.tally.last_seq.unwrap_or(0);
                let mut rows = self.reader.rows(start, count)?;
                rows.retain(|r| r.seq <= upto);
                Ok(rows)
            }
            Shown::Matches { seqs, .. } => {
                let from = usize::try_from(start).unwrap_or(usize::MAX).min(seqs.len());
                let to = from.saturating_add(count).min(seqs.len());
                self.reader.rows_at(&seqs[from..to])
            }
        }
    }
}
