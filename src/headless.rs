//! Headless mode: one JSON line per delivery on stdout, nothing else there.

use std::io::Write;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedReceiver;

use crate::delivery::Delivery;

/// Prints each delivery's line as it arrives, on a thread of its own so a slow reader of
/// our stdout never stalls the runtime. Ends when the channel closes.
pub fn spawn_printer(mut rx: UnboundedReceiver<Arc<Delivery>>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut open = true;
        let mut batch = Vec::new();
        while let Some(first) = rx.blocking_recv() {
            // One write and one flush for whatever queued up meanwhile.
            batch.push(first);
            while let Ok(more) = rx.try_recv() {
                batch.push(more);
            }
            if !open {
                batch.clear();
                continue;
            }
            let mut text = String::new();
            for d in batch.drain(..) {
                match serde_json::to_string(&d.line()) {
                    Ok(l) => {
                        text.push_str(&l);
                        text.push('\n');
                    }
                    Err(e) => tracing::error!("cannot serialise delivery {}: {e}", d.id),
                }
            }
            let mut out = stdout.lock();
            if out
                .write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .is_err()
            {
                // Whoever read our stdout has gone; keep receiving (and storing) quietly.
                open = false;
            }
        }
    })
}
