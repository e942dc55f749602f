//! What the app asks of the store, and the answers. [`crate::tui::App::update`] never reads:
//! it returns a [`Query`] as a command, something carries it out ([`StoreReads`] over a
//! real store; a fake in the app's tests) and the [`Loaded`] answer comes back as an event.
//! Every query is small (a count, a page, one delivery) except a filter over the whole
//! history, which the matcher's worker runs off the loop's thread.

use crate::model::{Delivery, ProviderId};
use crate::store::{
    Filter, LinkKey, Reader, Row, SeqRange, StoreError, Stored, Tally, file_identity,
};
use crate::tui::copy::CopyWhat;
use crate::tui::matcher::{Found, Matcher, Search};
use crate::tui::resend::Pending;

/// What a key asked to do with the selected delivery once it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Open,
    Copy(CopyWhat),
    Resend,
    Edit,
}

/// Which rows a page holds.
#[derive(Debug, Clone, PartialEq)]
pub enum PageOf {
    /// `count` rows of every delivery from the page's index, none after seq `upto`.
    All { count: usize, upto: i64 },
    /// The rows of these seqs (a filter's matches), in this order.
    Seqs(Vec<i64>),
}

/// A read the app asks for. `sequence` names the table's sequence it was asked for: an
/// answer for an older one (the filter changed meanwhile) is dropped.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// Whether another connection committed since, and whether the store is reachable.
    Version,
    /// The deliveries stored after `after`.
    Tally { after: Option<i64> },
    /// The seqs in `range` matching `filter`: deliveries counted after its search.
    NewMatches {
        sequence: u64,
        filter: Box<Filter>,
        range: SeqRange,
    },
    /// The index of `seq` among every delivery.
    Position { sequence: u64, seq: i64 },
    /// Rows of the table from index `start`.
    Page {
        sequence: u64,
        start: u64,
        rows: PageOf,
    },
    /// A filter over the whole history: answered with [`Found::Matches`], usually later.
    Search(Search),
    /// The search in progress is abandoned.
    CancelSearch,
    /// The delivery to open, with the previous one about the same subject.
    Detail {
        id: String,
        provider: ProviderId,
        subject: Option<String>,
    },
    /// The delivery a key acts on.
    Delivery { id: String, intent: Intent },
    /// The time and the store's link key, to sign a re-send of `pending` to `to` with.
    Signing { pending: Box<Pending>, to: String },
}

/// A delivery to open, with the previous one about the same subject.
pub(crate) type Opened = (Stored, Option<Delivery>);

/// The answer to a [`Query`].
#[derive(Debug, Clone)]
pub enum Loaded {
    Version {
        version: Result<i64, StoreError>,
        connected: bool,
        /// The store's file was deleted or replaced since the start.
        gone: bool,
        /// Deliveries answered and not in the database yet (journaled under a burst).
        filing: u64,
    },
    Tally(Result<Tally, StoreError>),
    NewMatches {
        sequence: u64,
        seqs: Result<Vec<i64>, StoreError>,
    },
    Position {
        sequence: u64,
        position: Result<u64, StoreError>,
    },
    Page {
        sequence: u64,
        start: u64,
        rows: Result<Vec<Row>, StoreError>,
    },
    Found(Found),
    Detail {
        id: String,
        found: Result<Option<Box<Opened>>, StoreError>,
    },
    Delivery {
        id: String,
        intent: Intent,
        found: Result<Option<Box<Delivery>>, StoreError>,
    },
    Signing {
        pending: Box<Pending>,
        to: String,
        /// Unix seconds.
        now: i64,
        link: Option<LinkKey>,
    },
}

/// Carries out queries: at once when the answer is quick, later (through
/// [`Reads::wait_found`] or the loop) when a worker runs it.
pub trait Reads {
    /// The answer, when it is ready now.
    fn run(&mut self, query: Query) -> Option<Loaded>;
    /// The stored event names, at once.
    fn event_names(&mut self) -> Result<Vec<String>, StoreError>;
    /// Waits for the next answer a worker gives; `None` when none can come.
    fn wait_found(&mut self) -> Option<Found>;
}

/// [`Reads`] over a store: small reads on the caller's thread, searches on the matcher's.
pub struct StoreReads {
    reader: Reader,
    /// The store file and its identity at the start; `None` for a database server or a
    /// store in memory.
    file: Option<(std::path::PathBuf, (u64, u64))>,
    /// `None` when its thread could not start: searches then run on this one.
    matcher: Option<Matcher>,
}

impl StoreReads {
    /// Reads through `reader`; the matcher gets a connection of its own. Also returns why
    /// the matcher could not start, if it could not.
    pub(crate) fn new(reader: Reader) -> (StoreReads, Option<String>) {
        let (matcher, problem) = match reader.another().map(Matcher::start) {
            Ok(Ok(m)) => {
                m.events();
                (Some(m), None)
            }
            Ok(Err(e)) => (None, Some(format!("Filters will block the screen: {e}"))),
            Err(e) => (None, Some(format!("Filters will block the screen: {e}"))),
        };
        let file = match reader.pg_target() {
            Some(_) => None,
            None => {
                let path = reader.path().to_path_buf();
                file_identity(&path).map(|id| (path, id))
            }
        };
        (
            StoreReads {
                reader,
                file,
                matcher,
            },
            problem,
        )
    }

    /// Waits for the matcher's next answer; never resolves without a matcher.
    pub(crate) async fn next_found(&mut self) -> Found {
        match self.matcher.as_mut() {
            Some(m) => m.next().await,
            None => std::future::pending().await,
        }
    }

    /// A matcher answer already waiting, if any.
    pub(crate) fn try_found(&mut self) -> Option<Found> {
        self.matcher.as_mut().and_then(Matcher::try_next)
    }

    fn detail(
        &self,
        id: &str,
        provider: ProviderId,
        subject: Option<&str>,
    ) -> Result<Option<Box<Opened>>, StoreError> {
        let Some(stored) = self.reader.stored(id)? else {
            return Ok(None);
        };
        let previous = match subject {
            Some(s) => self.reader.previous_for_subject(provider, s, stored.seq)?,
            None => None,
        };
        Ok(Some(Box::new((stored, previous))))
    }
}

impl Reads for StoreReads {
    fn run(&mut self, query: Query) -> Option<Loaded> {
        let r = &self.reader;
        Some(match query {
            Query::Version => Loaded::Version {
                version: r.data_version(),
                connected: r.connected(),
                gone: self
                    .file
                    .as_ref()
                    .is_some_and(|(path, id)| file_identity(path) != Some(*id)),
                filing: r.filing(),
            },
            Query::Tally { after } => Loaded::Tally(r.tally(after)),
            Query::NewMatches {
                sequence,
                filter,
                range,
            } => Loaded::NewMatches {
                sequence,
                seqs: r.matching_seqs(&filter, range),
            },
            Query::Position { sequence, seq } => Loaded::Position {
                sequence,
                position: r.position(seq),
            },
            Query::Page {
                sequence,
                start,
                rows,
            } => Loaded::Page {
                sequence,
                start,
                rows: match rows {
                    // By key from either end; rows stored since the last count wait for it.
                    PageOf::All { count, upto } => r.rows(start, count).map(|mut rows| {
                        rows.retain(|row| row.seq <= upto);
                        rows
                    }),
                    PageOf::Seqs(seqs) => r.rows_at(&seqs),
                },
            },
            Query::Search(search) => match self.matcher.as_mut() {
                Some(m) => {
                    m.search(search);
                    return None;
                }
                // No worker thread: the search runs here, and the UI waits for it.
                None => {
                    let all = SeqRange {
                        after: None,
                        upto: Some(search.upto),
                    };
                    let seqs = r.matching_seqs(&search.filter, all);
                    Loaded::Found(Found::Matches {
                        search,
                        seqs,
                        complete: true,
                    })
                }
            },
            Query::CancelSearch => {
                if let Some(m) = self.matcher.as_mut() {
                    m.cancel();
                }
                return None;
            }
            Query::Detail {
                id,
                provider,
                subject,
            } => Loaded::Detail {
                found: self.detail(&id, provider, subject.as_deref()),
                id,
            },
            Query::Delivery { id, intent } => Loaded::Delivery {
                found: r.get(&id).map(|d| d.map(Box::new)),
                id,
                intent,
            },
            Query::Signing { pending, to } => Loaded::Signing {
                pending,
                to,
                now: chrono::Utc::now().timestamp(),
                link: r.link_key(),
            },
        })
    }

    fn event_names(&mut self) -> Result<Vec<String>, StoreError> {
        self.reader.event_names()
    }

    fn wait_found(&mut self) -> Option<Found> {
        self.matcher.as_mut().and_then(Matcher::next_blocking)
    }
}
