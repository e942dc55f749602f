//! `replay --failed`: which stored deliveries to re-send. A vendor's retries of one payload
//! are one delivery, sent once; a delivery a later replay already got acknowledged is
//! left alone unless asked to send it again.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::model::Delivery;
use crate::model::ProviderId;

use super::replay::failed_for_vendor;

/// One failed delivery and the vendor's retries of it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failed {
    /// The latest copy, whose signature is the freshest.
    pub delivery: Delivery,
    /// Every stored copy, oldest first.
    pub ids: Vec<String>,
    /// The replay that was acknowledged, when one was.
    pub acknowledged_by: Option<String>,
}

/// Collects the failed deliveries from the history, read in arrival order.
#[derive(Debug, Default)]
pub(crate) struct FailedSelection {
    failed: Vec<Failed>,
    by_payload: HashMap<(ProviderId, [u8; 32]), usize>,
    /// Original id → the replay of it that was acknowledged.
    acknowledged: HashMap<String, String>,
}

impl FailedSelection {
    pub(crate) fn add(&mut self, d: Delivery) {
        if let Some(original) = &d.replay_of {
            if !failed_for_vendor(&d) {
                self.acknowledged
                    .entry(original.clone())
                    .or_insert_with(|| d.id.clone());
            }
            return;
        }
        if !failed_for_vendor(&d) {
            return;
        }
        let key = (d.findings.provider, Sha256::digest(&d.request.body).into());
        match self.by_payload.get(&key) {
            Some(&i) => {
                let f = &mut self.failed[i];
                f.ids.push(d.id.clone());
                f.delivery = d;
            }
            None => {
                self.by_payload.insert(key, self.failed.len());
                self.failed.push(Failed {
                    ids: vec![d.id.clone()],
                    delivery: d,
                    acknowledged_by: None,
                });
            }
        }
    }

    /// What to send, and (unless `again`) what a replay already delivered.
    pub(crate) fn finish(mut self, again: bool) -> (Vec<Failed>, Vec<Failed>) {
        for f in &mut self.failed {
            f.acknowledged_by = f
                .ids
                .iter()
                .find_map(|id| self.acknowledged.get(id))
                .cloned();
        }
        if again {
            return (self.failed, Vec::new());
        }
        self.failed
            .into_iter()
            .partition(|f| f.acknowledged_by.is_none())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Findings, Forward, Request};
    use crate::signature::{Status, Verification};

    fn delivery(id: &str, body: &'static [u8], status: u16, replay_of: Option<&str>) -> Delivery {
        Delivery {
            id: id.into(),
            received_at: chrono::Utc::now(),
            request: Request::post("/jobmojito", &[], body),
            findings: Findings {
                provider: ProviderId::JOBMOJITO,
                detected_by: crate::model::DetectedBy::Path,
                event: None,
                event_inferred: false,
                subject: None,
                verification: Verification::new(Status::Unsigned, "none", "-"),
            },
            response_status: status,
            replay_of: replay_of.map(str::to_string),
            forward: None::<Forward>,
        }
    }

    #[test]
    fn retries_are_one_delivery_and_an_acknowledged_replay_settles_it() {
        let mut s = FailedSelection::default();
        s.add(delivery("a1", b"{\"n\":1}", 500, None));
        s.add(delivery("b1", b"{\"n\":2}", 500, None));
        s.add(delivery("a2", b"{\"n\":1}", 500, None));
        s.add(delivery("ok", b"{\"n\":3}", 200, None));
        s.add(delivery("r1", b"{\"n\":2}", 200, Some("b1")));
        let (send, done) = s.finish(false);
        assert_eq!(send.len(), 1);
        assert_eq!(send[0].ids, ["a1", "a2"]);
        assert_eq!(send[0].delivery.id, "a2", "the latest copy goes");
        assert_eq!(done[0].acknowledged_by.as_deref(), Some("r1"));
    }

    #[test]
    fn a_failed_replay_settles_nothing_and_again_sends_all() {
        let mut s = FailedSelection::default();
        s.add(delivery("a1", b"{}", 500, None));
        s.add(delivery("r1", b"{}", 503, Some("a1")));
        s.add(delivery("b1", b"[]", 500, None));
        s.add(delivery("r2", b"[]", 200, Some("b1")));
        let (send, done) = s.finish(true);
        assert_eq!((send.len(), done.len()), (2, 0));
        assert_eq!(send[0].acknowledged_by, None);
        assert_eq!(send[1].acknowledged_by.as_deref(), Some("r2"));
    }
}
