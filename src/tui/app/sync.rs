//! The app's reads: catching up with the store before each frame, and loading the
//! delivery a key acts on.

use super::{App, Command, Message};
use crate::model::Delivery;
use crate::model::ProviderId;
use crate::store::{SeqRange, StoreError};
use crate::tui::copy::{self, CopyWhat};
use crate::tui::detail::{Detail, DetailInput};

impl App {
    pub(super) fn selected_row(&mut self) -> Option<(String, ProviderId, Option<String>)> {
        self.refresh();
        let index = self.list.selected()?;
        let fetched;
        let row = match self.list.row(index) {
            Some(row) => row,
            // Not on screen (no room to draw it): read just that row.
            None => {
                fetched = self.page(index, 1).ok()?.pop()?;
                &fetched
            }
        };
        Some((
            row.id.clone(),
            row.findings.provider,
            row.findings.subject.clone(),
        ))
    }

    pub(super) fn open(&mut self) {
        let Some((id, provider, subject)) = self.selected_row() else {
            return;
        };
        match self.load_detail(&id, provider, subject.as_deref()) {
            Ok(Some(detail)) => self.detail = Some(detail),
            Ok(None) => self.message = Some(Message::error(format!("{id} is no longer stored"))),
            Err(e) => self.message = Some(Message::error(format!("Cannot open {id}: {e}"))),
        }
    }

    fn load_detail(
        &self,
        id: &str,
        provider: ProviderId,
        subject: Option<&str>,
    ) -> Result<Option<Detail>, StoreError> {
        let Some(stored) = self.reader.stored(id)? else {
            return Ok(None);
        };
        let previous = match subject {
            Some(s) => self.reader.previous_for_subject(provider, s, stored.seq)?,
            None => None,
        };
        Ok(Some(Detail::new(DetailInput {
            delivery: stored.delivery,
            previous,
            fetched: stored.fetched,
            config: self.context.config.clone(),
        })))
    }

    /// The delivery a key acts on: the one open in the detail, else the selected row.
    pub(super) fn acted_on(&mut self) -> Option<Delivery> {
        if let Some(d) = self.detail.as_ref() {
            return Some(d.delivery().clone());
        }
        let (id, _, _) = self.selected_row()?;
        match self.reader.get(&id) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                self.message = Some(Message::error(format!("{id} is no longer stored")));
                None
            }
            Err(e) => {
                self.message = Some(Message::error(format!("Cannot read {id}: {e}")));
                None
            }
        }
    }

    pub(super) fn copy(&mut self, what: CopyWhat) -> Vec<Command> {
        let Some(delivery) = self.acted_on() else {
            return Vec::new();
        };
        let c = match what {
            CopyWhat::Body => copy::body(&delivery),
            CopyWhat::Curl => copy::curl(&delivery, &self.context.listen),
            CopyWhat::Headers => copy::headers(&delivery),
        };
        vec![Command::Copy(c)]
    }

    /// Catches up with the store: counts new deliveries, re-runs a changed filter, keeps
    /// the selection in view and reads the rows on screen that are not cached. The loop
    /// calls it once per batch of events, before drawing.
    pub fn refresh(&mut self) {
        if let Err(e) = self.try_refresh() {
            tracing::warn!("reading the store failed: {e}");
            self.message = Some(Message::error(format!("Cannot read the store: {e}")));
        }
    }

    fn try_refresh(&mut self) -> Result<(), StoreError> {
        if std::mem::take(&mut self.poll_store) {
            // Rows another process wrote (an import, a second receiver) arrive with no
            // event: the store's data version says that something was committed.
            let version = self.reader.data_version()?;
            // The first answer counts too: rows may have come since the first count.
            if self.data_version != Some(version) {
                self.stale = true;
            }
            self.data_version = Some(version);
        }
        if self.stale {
            let later = self.reader.tally(self.tally.last_seq)?;
            if later.total > 0 {
                let range = SeqRange {
                    after: self.tally.last_seq,
                    upto: later.last_seq,
                };
                let added = self.count_new(range, later.total)?;
                self.list.grow(added);
            }
            self.tally.add(later);
            self.stale = false;
        }
        if self.refilter {
            self.refilter = false;
            self.start_search()?;
        }
        if let Some((search, seqs)) = self.arrived.take() {
            self.show_matches(search, seqs)?;
        }
        let height = self.table_height();
        self.list.settle(height);
        if let Some((start, count)) = self.list.missing(height) {
            let rows = self.page(start, count)?;
            self.list.fill(start, rows);
        }
        Ok(())
    }
}
