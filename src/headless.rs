//! Headless mode: one JSON line per delivery on stdout, nothing else there.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;

use crate::delivery::Delivery;

/// After a write, the printer waits this long before looking for more lines: under load
/// they then go out in a few large writes, and senders seldom have to wake this thread.
/// A line arriving when the printer is idle is printed at once.
const LINGER: Duration = Duration::from_millis(1);

/// Prints each delivery's line as it arrives, on a thread of its own so a slow reader of
/// our stdout never stalls the runtime. Ends when the channel closes.
pub fn spawn_printer(mut rx: UnboundedReceiver<Arc<Delivery>>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut open = true;
        let mut text = Vec::new();
        while let Some(first) = rx.blocking_recv() {
            // One write and one flush for whatever queued up meanwhile.
            let mut next = Some(first);
            while let Some(d) = next.take().or_else(|| rx.try_recv().ok()) {
                if !open {
                    continue;
                }
                if let Err(e) = d.write_line(&mut text) {
                    tracing::error!("cannot serialise delivery {}: {e}", d.id);
                }
            }
            if !open {
                continue;
            }
            let mut out = stdout.lock();
            if out.write_all(&text).and_then(|_| out.flush()).is_err() {
                // Whoever read our stdout has gone; keep receiving (and storing) quietly.
                open = false;
            }
            drop(out);
            text.clear();
            std::thread::sleep(LINGER);
        }
    })
}
