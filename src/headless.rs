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
        while let Some(d) = rx.blocking_recv() {
            if !open {
                continue;
            }
            let line = match serde_json::to_string(&d.line()) {
                Ok(l) => l,
                Err(e) => {
                    tracing::error!("cannot serialise delivery {}: {e}", d.id);
                    continue;
                }
            };
            let mut out = stdout.lock();
            if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
                // Whoever read our stdout has gone; keep receiving (and storing) quietly.
                open = false;
            }
        }
    })
}
