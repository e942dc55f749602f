//! Filtering off the UI thread. A worker with its own read connection runs a filter over
//! the whole history and sends back the seqs that match, while the table keeps answering
//! keys. A newer filter interrupts the query of an older one: typing a word runs one
//! search per key, and only the last one matters.

use std::sync::mpsc;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::store::{Filter, Reader, SeqRange, StoreError};

/// What the worker is asked.
enum Job {
    /// The seqs up to `upto` that match `filter`.
    Match(Search),
    /// The event names stored, for reading filter words.
    Events,
}

/// One filter run: which it is, what it looks for, and the last seq it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    pub generation: u64,
    pub filter: Box<Filter>,
    pub upto: i64,
}

/// What the worker found.
#[derive(Debug, Clone)]
pub enum Found {
    Matches {
        search: Search,
        seqs: Result<Vec<i64>, StoreError>,
        /// Whether `seqs` covers the whole history up to `search.upto`, or only the
        /// newest deliveries, found first so that a long search shows its first matches
        /// at once (the whole result follows).
        complete: bool,
    },
    Events(Result<Vec<String>, StoreError>),
}

pub(crate) struct Matcher {
    jobs: mpsc::Sender<Job>,
    found: UnboundedReceiver<Found>,
    interrupt: crate::store::Interrupt,
}

impl Matcher {
    /// Starts the worker on `reader`, its own connection.
    pub(crate) fn start(reader: Reader) -> std::io::Result<Matcher> {
        let (jobs, queue) = mpsc::channel();
        let (sender, found) = unbounded_channel();
        let interrupt = reader.interrupt_handle();
        std::thread::Builder::new()
            .name("hookscope-filter".into())
            .spawn(move || work(&reader, &queue, &sender))?;
        Ok(Matcher {
            jobs,
            found,
            interrupt,
        })
    }

    /// Runs `search`, interrupting any earlier run: its answer, if it still comes,
    /// carries its older generation.
    pub(crate) fn search(&mut self, search: Search) {
        self.cancel();
        // A send fails only when the worker is gone; `next` then says so.
        let _ = self.jobs.send(Job::Match(search));
    }

    /// Interrupts the run in progress, if any.
    pub(crate) fn cancel(&mut self) {
        self.interrupt.interrupt();
    }

    /// Asks for the stored event names.
    pub(crate) fn events(&self) {
        let _ = self.jobs.send(Job::Events);
    }

    /// Waits for the next result; never resolves once the worker is gone.
    pub(crate) async fn next(&mut self) -> Found {
        match self.found.recv().await {
            Some(found) => found,
            None => std::future::pending().await,
        }
    }

    /// A result already waiting, if any.
    pub(crate) fn try_next(&mut self) -> Option<Found> {
        self.found.try_recv().ok()
    }

    /// Waits for the next result from a thread that is not running the async loop.
    pub(crate) fn next_blocking(&mut self) -> Option<Found> {
        self.found.blocking_recv()
    }
}

fn work(reader: &Reader, queue: &mpsc::Receiver<Job>, found: &UnboundedSender<Found>) {
    // Jobs taken off the queue while a search was asked again, handled next.
    let mut carried: Vec<Job> = Vec::new();
    loop {
        let first = match carried.pop() {
            Some(job) => job,
            None => match queue.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
        };
        // Only the newest search matters; event lookups are answered first.
        let mut events = false;
        let mut search = None;
        let earlier = std::mem::take(&mut carried);
        for job in earlier
            .into_iter()
            .chain(std::iter::once(first))
            .chain(queue.try_iter())
        {
            match job {
                Job::Events => events = true,
                Job::Match(s) => search = Some(s),
            }
        }
        if events && found.send(Found::Events(event_names(reader))).is_err() {
            return;
        }
        if let Some(search) = search {
            let whole = SeqRange {
                after: None,
                upto: Some(search.upto),
            };
            match first_looks(reader, &search, whole, queue, &mut carried, found) {
                Looked::Closed => return,
                Looked::Superseded => continue,
                Looked::Done => {}
            }
            let Some(seqs) = ask(reader, &search.filter, whole, queue, &mut carried) else {
                continue;
            };
            let complete = Found::Matches {
                search,
                seqs,
                complete: true,
            };
            if found.send(complete).is_err() {
                return;
            }
        }
    }
}

/// How many of the newest deliveries a search looks at first: a page of matches among
/// them is found in milliseconds however long the history, while the whole search may
/// take a good part of a second on a million rows.
const NEWEST_FIRST: i64 = 5_000;

/// The newest deliveries up to `upto`, when the history is long enough for a first look
/// to be worth it.
fn newest(upto: i64) -> Option<SeqRange> {
    (upto > 2 * NEWEST_FIRST).then_some(SeqRange {
        after: Some(upto - NEWEST_FIRST),
        upto: Some(upto),
    })
}

/// What became of a search's first looks.
enum Looked {
    /// Done, or not worth it: the whole search comes next.
    Done,
    /// A newer search waits: this one is moot.
    Superseded,
    /// Nobody listens any more.
    Closed,
}

/// First looks, each cheap and each finding some of the matches: the newest deliveries,
/// then (for words that none of them holds) the `whole` history with every word whole.
/// The first that finds any is sent as a partial result.
fn first_looks(
    reader: &Reader,
    search: &Search,
    whole: SeqRange,
    queue: &mpsc::Receiver<Job>,
    carried: &mut Vec<Job>,
    found: &UnboundedSender<Found>,
) -> Looked {
    let Some(newest) = newest(search.upto) else {
        return Looked::Done;
    };
    let first = Filter {
        whole_words: true,
        ..(*search.filter).clone()
    };
    let looks = if first.has_words() {
        vec![newest, whole]
    } else {
        vec![newest]
    };
    for range in looks {
        let Some(seqs) = ask(reader, &first, range, queue, carried) else {
            return Looked::Superseded;
        };
        let some = matches!(&seqs, Ok(s) if !s.is_empty());
        if some {
            let partial = Found::Matches {
                search: search.clone(),
                seqs,
                complete: false,
            };
            if found.send(partial).is_err() {
                return Looked::Closed;
            }
        }
        if take_waiting(queue, carried) {
            return Looked::Superseded;
        }
        if some {
            break;
        }
    }
    Looked::Done
}

/// The seqs in `range` matching `filter`. An interrupt meant for an older search can
/// land on this query instead (a database's cancel request arrives when it arrives): it
/// is asked again, unless a newer search waits, whose interrupt this was: then `None`.
fn ask(
    reader: &Reader,
    filter: &Filter,
    range: SeqRange,
    queue: &mpsc::Receiver<Job>,
    carried: &mut Vec<Job>,
) -> Option<Result<Vec<i64>, StoreError>> {
    let mut seqs = reader.matching_seqs(filter, range);
    for _ in 0..3 {
        if !matches!(&seqs, Err(e) if e.is_interrupted()) {
            break;
        }
        if take_waiting(queue, carried) {
            return None;
        }
        seqs = reader.matching_seqs(filter, range);
    }
    Some(seqs)
}

/// Takes the jobs waiting into `carried`; whether a search is among them.
fn take_waiting(queue: &mpsc::Receiver<Job>, carried: &mut Vec<Job>) -> bool {
    let before = carried.len();
    carried.extend(queue.try_iter());
    carried[before..].iter().any(|j| matches!(j, Job::Match(_)))
}

/// The stored event names. An interrupt meant for a search can land on this query
/// instead; it is simply asked again.
fn event_names(reader: &Reader) -> Result<Vec<String>, StoreError> {
    let mut result = reader.event_names();
    for _ in 0..3 {
        match &result {
            Err(e) if e.is_interrupted() => result = reader.event_names(),
            _ => break,
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_history_is_looked_at_newest_first() {
        assert_eq!(newest(2 * NEWEST_FIRST), None);
        assert_eq!(
            newest(100_000),
            Some(SeqRange {
                after: Some(100_000 - NEWEST_FIRST),
                upto: Some(100_000),
            })
        );
    }
}
