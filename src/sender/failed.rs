//! `replay --failed`: which stored deliveries to re-send. A vendor's retries of one payload
//! are one delivery, sent once; a delivery a later replay already got acknowledged is
//! left alone unless asked to send it again.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::delivery::Delivery;
use crate::provider::ProviderId;

use super::replay::failed_for_vendor;

/// One failed delivery and the vendor's retries of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failed {
    /// The latest copy, whose signature is the freshest.
    pub delivery: Delivery,
    /// Every stored copy, oldest first.
    pub ids: Vec<String>,
    /// The replay that was acknowledged, when one was.
    pub acknowledged_by: Option<String>,
}

/// Collects the failed deliveries from the history, read in arrival order.
#[derive(Debug, Default)]
pub struct FailedSelection {
    failed: Vec<Failed>,
    by_payload: HashMap<(ProviderId, [u8; 32]), usize>,
    /// Original id → the replay of it that was acknowledged.
    acknowledged: HashMap<String, String>,
}

impl FailedSelection {
    pub fn add(&mut self, d: Delivery) {
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
        let key = (d.provider, Sha256::digest(&d.request.body).into());
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
    pub fn finish(mut self, again: bool) -> (Vec<Failed>, Vec<Failed>) {
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
