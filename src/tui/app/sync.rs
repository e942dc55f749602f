//! Keeping up with the store without reading it: what to ask for before a frame (the
//! deliveries counted since, a changed filter, the page on screen), what a key asks for
//! the delivery it acts on, and what to do with the answers.

use super::{App, Command, Message};
use crate::model::Delivery;
use crate::tui::copy::{self, CopyWhat};
use crate::tui::detail::{Detail, DetailInput};
use crate::tui::reads::{Intent, Loaded, Query};
use crate::tui::resend::{Pending, Resend, short_id};

fn read(query: Query) -> Command {
    Command::Read(query)
}

/// Whether the table must wait for this read's answer before the page on screen means
/// anything (a search answers later, and the table keeps its rows meanwhile).
fn holds_the_page(command: &Command) -> bool {
    matches!(
        command,
        Command::Read(Query::Tally { .. } | Query::NewMatches { .. } | Query::Position { .. })
    )
}

impl App {
    /// The reads the table needs next, one step at a time: the deliveries counted since,
    /// then a changed filter, then the page on screen, then what a key was waiting for.
    /// Each answer that changes the table asks again, so that one [`super::AppEvent::Frame`]
    /// ends with the table caught up.
    pub(super) fn progress(&mut self) -> Vec<Command> {
        if std::mem::take(&mut self.stale) {
            return vec![read(Query::Tally {
                after: self.tally.last_seq,
            })];
        }
        let mut out = Vec::new();
        if std::mem::take(&mut self.refilter) {
            out.extend(self.start_search());
        }
        if let Some(arrived) = self.arrived.take() {
            out.extend(self.show_matches(arrived));
        }
        if out.iter().any(holds_the_page) {
            return out;
        }
        let height = self.table_height();
        self.list.settle(height);
        if let Some((start, count)) = self.list.missing(height) {
            out.push(read(self.page(start, count)));
            return out;
        }
        if self.intent.is_some()
            && let Some(i) = self.list.selected()
            && self.list.row(i).is_none()
        {
            // Not on screen (no room to draw it): just that row.
            out.push(read(self.page(i, 1)));
            return out;
        }
        if let Some(intent) = self.intent.take() {
            out.extend(self.resolve(intent));
        }
        out
    }

    /// Acts on the selected delivery once the table is caught up (the key may come with
    /// deliveries not counted yet, or move the selection off the rows read).
    pub(super) fn on_selected(&mut self, intent: Intent) -> Vec<Command> {
        self.intent = Some(intent);
        self.progress()
    }

    /// Reads the selected delivery for `intent`; nothing when no row is selected.
    fn resolve(&mut self, intent: Intent) -> Vec<Command> {
        let Some(row) = self.list.selected().and_then(|i| self.list.row(i)) else {
            return Vec::new();
        };
        let id = row.id.clone();
        vec![read(match intent {
            Intent::Open => Query::Detail {
                id,
                provider: row.findings.provider,
                subject: row.findings.subject.clone(),
            },
            intent => Query::Delivery { id, intent },
        })]
    }

    /// The delivery a key acts on: the one open in the detail at once, else the selected
    /// row's once read.
    pub(super) fn act_on(&mut self, intent: Intent) -> Vec<Command> {
        match self.detail.as_ref() {
            Some(d) => {
                let delivery = d.delivery().clone();
                self.act_with(intent, delivery)
            }
            None => self.on_selected(intent),
        }
    }

    fn act_with(&mut self, intent: Intent, delivery: Delivery) -> Vec<Command> {
        match intent {
            Intent::Copy(what) => vec![self.copy_of(what, &delivery)],
            Intent::Resend => self.dispatch(Pending::stored(delivery)),
            Intent::Edit => {
                self.edit_body(&delivery);
                Vec::new()
            }
            // Opening goes through its own read, with the previous delivery.
            Intent::Open => Vec::new(),
        }
    }

    fn copy_of(&self, what: CopyWhat, delivery: &Delivery) -> Command {
        Command::Copy(match what {
            CopyWhat::Body => copy::body(delivery),
            CopyWhat::Curl => copy::curl(delivery, &self.context.listen),
            CopyWhat::Headers => copy::headers(delivery),
        })
    }

    /// An answer from the store.
    pub(super) fn loaded(&mut self, loaded: Loaded) -> Vec<Command> {
        match loaded {
            Loaded::Version {
                version,
                connected,
                gone,
                filing,
            } => {
                self.connected = connected;
                self.store_gone = gone;
                self.filing = filing;
                match version {
                    // The first answer counts too: rows may have come since the first count.
                    Ok(v) => {
                        if self.data_version != Some(v) {
                            self.stale = true;
                        }
                        self.data_version = Some(v);
                    }
                    Err(e) => self.cannot_read(e),
                }
                Vec::new()
            }
            Loaded::Tally(Ok(later)) => {
                let after = self.tally.last_seq;
                self.tally.add(later);
                match self.count_new(after, later) {
                    // The matches among them come first.
                    Some(query) => vec![read(query)],
                    None => self.progress(),
                }
            }
            Loaded::NewMatches { sequence, seqs } => match seqs {
                Ok(new) => {
                    if sequence == self.sequence {
                        self.add_matches(new);
                    }
                    self.progress()
                }
                Err(e) => {
                    self.cannot_read(e);
                    Vec::new()
                }
            },
            Loaded::Position { sequence, position } => match position {
                Ok(p) => {
                    if sequence == self.sequence {
                        self.list.reset(self.list.total(), Some(p));
                    }
                    self.progress()
                }
                Err(e) => {
                    self.cannot_read(e);
                    Vec::new()
                }
            },
            Loaded::Page {
                sequence,
                start,
                rows,
            } => match rows {
                Ok(rows) if sequence == self.sequence => {
                    if rows.is_empty() {
                        // Nothing there after all: a key waiting for the row gives up.
                        self.intent = None;
                    }
                    self.list.fill(start, rows);
                    self.progress()
                }
                // For a sequence no longer shown: the frame asks for the right page.
                Ok(_) => Vec::new(),
                Err(e) => {
                    self.cannot_read(e);
                    Vec::new()
                }
            },
            Loaded::Tally(Err(e)) => {
                self.cannot_read(e);
                Vec::new()
            }
            Loaded::Found(found) => {
                self.found(found);
                Vec::new()
            }
            Loaded::Detail { id, found } => {
                match found {
                    Ok(Some(opened)) => {
                        let (stored, previous) = *opened;
                        self.detail = Some(Detail::new(DetailInput {
                            delivery: stored.delivery,
                            previous,
                            fetched: stored.fetched,
                            config: self.context.config.clone(),
                        }))
                    }
                    Ok(None) => self.gone(&id),
                    Err(e) => self.message = Some(Message::error(format!("Cannot open {id}: {e}"))),
                }
                Vec::new()
            }
            Loaded::Delivery { id, intent, found } => match found {
                Ok(Some(d)) => self.act_with(intent, *d),
                Ok(None) => {
                    self.gone(&id);
                    Vec::new()
                }
                Err(e) => {
                    self.message = Some(Message::error(format!("Cannot read {id}: {e}")));
                    Vec::new()
                }
            },
            Loaded::Signing {
                pending,
                to,
                now,
                link,
            } => match Resend::prepare(&pending, &to, &self.context.config, link.as_ref(), now) {
                Ok(resend) => {
                    self.editor = None;
                    self.message = Some(resend.message());
                    vec![Command::Resend(Box::new(resend))]
                }
                Err(e) => {
                    // The editor stays open: its edits are not lost to a missing secret.
                    self.message = Some(Message::error(format!(
                        "Cannot re-send {}: {e}",
                        short_id(&pending.delivery.id)
                    )));
                    Vec::new()
                }
            },
        }
    }

    fn gone(&mut self, id: &str) {
        self.message = Some(Message::error(format!("{id} is no longer stored")));
    }

    /// A read failed: said in the footer, and whatever waited for it is dropped, so that
    /// a store that keeps failing is asked once per frame, not in a loop.
    fn cannot_read(&mut self, e: crate::store::StoreError) {
        tracing::warn!("reading the store failed: {e}");
        self.intent = None;
        self.message = Some(Message::error(format!("Cannot read the store: {e}")));
    }
}
