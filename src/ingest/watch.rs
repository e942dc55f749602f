//! Noticing that the store file was deleted or replaced while we listen: SQLite would
//! keep writing into the unlinked file, acknowledging deliveries that are lost at exit.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::Receiver;

/// How often the store file is looked at; a deletion is noticed within this.
const LOOK_EVERY: Duration = Duration::from_millis(250);

/// Watches the store file of `state` (none for an in-memory store) until the receiver is
/// gone. Once the file is missing or another file took its place, every later delivery is
/// refused with 503 and the user is told.
pub(super) fn spawn(state: &Arc<Receiver>) -> Option<JoinHandle<()>> {
    let path = state.store.path()?.to_path_buf();
    let original = identity(&path)?;
    let weak: Weak<Receiver> = Arc::downgrade(state);
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(LOOK_EVERY);
        loop {
            tick.tick().await;
            let Some(state) = weak.upgrade() else {
                return;
            };
            if identity(&path) != Some(original) {
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

/// Device and inode: a file recreated under the same name is another file.
fn identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}
