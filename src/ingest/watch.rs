//! Noticing that the store file was deleted or replaced while we listen: SQLite would
//! keep writing into the unlinked file, acknowledging deliveries that are lost at exit.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::Receiver;
use crate::store::file_identity;

/// How often the store file is looked at; a deletion is noticed within this.
const LOOK_EVERY: Duration = Duration::from_millis(250);

/// Watches the store file of `state` (none for an in-memory store) until the receiver is
/// gone. Once the file is missing or another file took its place, every later delivery is
/// refused with 503 and the user is told.
pub(super) fn spawn(state: &Arc<Receiver>) -> Option<JoinHandle<()>> {
    let path = state.store.path()?.to_path_buf();
    let original = file_identity(&path)?;
    let weak: Weak<Receiver> = Arc::downgrade(state);
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(LOOK_EVERY);
        loop {
            tick.tick().await;
            let Some(state) = weak.upgrade() else {
                return;
            };
            if file_identity(&path) != Some(original) {
                state.store_gone.store(true, Ordering::Relaxed);
                state.notice(format!(
                    "the store file {} was deleted or replaced; deliveries are now answered \
                     503 (not stored) until hookscope is restarted",
                    path.display()
                ));
                return;
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use crate::config::Config;
    use crate::ingest::{Options, Receiver};
    use crate::store::Store;

    #[tokio::test]
    async fn a_deleted_store_file_is_announced_to_the_ui() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deliveries.db");
        let store = Store::open(&path).unwrap();
        let (events, _deliveries) = tokio::sync::mpsc::unbounded_channel();
        let (notices, mut footer) = tokio::sync::mpsc::unbounded_channel();
        let options = Options {
            forward: None,
            notices: Some(notices),
        };
        let state = Receiver::with_options(Arc::new(Config::default()), store, events, options);
        let watcher = super::spawn(&state).unwrap();
        std::fs::remove_file(&path).unwrap();
        let notice = tokio::time::timeout(Duration::from_secs(5), footer.recv())
            .await
            .expect("no notice within 5 s")
            .unwrap();
        assert!(notice.contains("deleted or replaced"), "{notice}");
        assert!(state.store_gone());
        watcher.abort();
    }
}
