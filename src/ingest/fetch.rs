//! Follow-up fetches, after the answer: one bounded queue per receiver, drained by one
//! task that spaces each vendor's requests within that vendor's API limits.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::Instant;

use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::model::ProviderId;
use crate::provider::follow_up::{FollowUp, Windows, describe};
use crate::redact::Redactor;
use crate::store::Store;

/// Fetches waiting for their turn; past this a delivery is recorded as not fetched.
pub(super) const QUEUE: usize = 64;

struct Job {
    delivery_id: String,
    provider: ProviderId,
    follow_up: FollowUp,
}

/// The queue, started on first use (the worker needs the runtime).
#[derive(Default)]
pub(super) struct Fetches {
    queue: OnceLock<mpsc::Sender<Job>>,
}

impl Fetches {
    /// Queues a fetch; `Err` holds the sentence to record when the queue is full.
    pub(super) fn push(
        &self,
        store: &Store,
        redactor: &Redactor,
        delivery_id: String,
        provider: ProviderId,
        follow_up: FollowUp,
    ) -> Result<(), String> {
        let tx = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(drain(rx, store.clone(), redactor.clone()));
            tx
        });
        let limits = follow_up.limits;
        tx.try_send(Job {
            delivery_id,
            provider,
            follow_up,
        })
        .map_err(|_| {
            format!(
                "Not fetched: {QUEUE} fetches are already waiting to stay within the API's \
                 limits ({}).",
                describe(limits)
            )
        })
    }
}

async fn drain(mut rx: mpsc::Receiver<Job>, store: Store, redactor: Redactor) {
    let mut sent: HashMap<ProviderId, Windows> = HashMap::new();
    while let Some(job) = rx.recv().await {
        let windows = sent.entry(job.provider).or_default();
        let wait = windows.wait(job.follow_up.limits, Instant::now());
        tokio::time::sleep(wait).await;
        let fetched = match job.follow_up.request.await {
            Ok(v) => v,
            Err(e) => json!({ "error": e }),
        };
        // Counted from when the answer came back: a request slow to leave or to arrive
        // can then never land closer to the next one than the limits allow.
        windows.record(job.follow_up.limits, Instant::now());
        record(&store, &redactor, &job.delivery_id, fetched).await;
    }
}

/// Stores what was fetched (or why not), with every configured secret masked.
pub(super) async fn record(store: &Store, redactor: &Redactor, delivery_id: &str, v: Value) {
    let v = redactor.clean(v);
    if let Err(e) = store.set_fetched(delivery_id, &v).await {
        tracing::warn!("could not store what was fetched for {delivery_id}: {e}");
    }
}
