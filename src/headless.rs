//! Headless mode: one JSON line per delivery on stdout, nothing else there. Lines wait in
//! a queue bounded in bytes: a reader that stalls costs lines (counted on stderr), never
//! memory or the receiver's answers, and the store still has every delivery.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Bytes of lines that may wait for a slow reader of stdout.
pub(crate) const DEFAULT_QUEUE_BYTES: usize = 8 * 1024 * 1024;
/// After a write, the printer waits this long before looking for more lines: under load
/// they then go out in a few large writes.
const LINGER: Duration = Duration::from_millis(1);
/// Dropped lines are reported at most this often.
const DROP_REPORT_EVERY: Duration = Duration::from_secs(1);

/// Lines waiting for stdout.
#[derive(Debug)]
pub struct LineQueue {
    state: Mutex<Queue>,
    ready: Condvar,
    max_bytes: usize,
}

#[derive(Debug, Default)]
struct Queue {
    lines: VecDeque<Vec<u8>>,
    bytes: usize,
    dropped: u64,
    closed: bool,
    /// The printer is asleep on the condvar: only then is a wake-up (a syscall) needed.
    waiting: bool,
}

impl LineQueue {
    pub(crate) fn new(max_bytes: usize) -> Arc<Self> {
        Arc::new(Self {
            state: Mutex::new(Queue::default()),
            ready: Condvar::new(),
            max_bytes,
        })
    }

    /// Queues one line (newline included); past the bound it is dropped and counted.
    pub(crate) fn push(&self, line: Vec<u8>) {
        let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if q.bytes + line.len() > self.max_bytes {
            q.dropped += 1;
            return;
        }
        q.bytes += line.len();
        q.lines.push_back(line);
        let wake = q.waiting;
        drop(q);
        if wake {
            self.ready.notify_one();
        }
    }

    /// No more lines will come: the printer writes what is queued and ends.
    pub(crate) fn close(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        self.ready.notify_all();
    }

    /// Waits for lines; `None` once closed and empty. Also returns the drop count so far.
    fn take(&self) -> Option<(Vec<Vec<u8>>, u64)> {
        let mut q = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while q.lines.is_empty() && !q.closed {
            q.waiting = true;
            q = self.ready.wait(q).unwrap_or_else(|e| e.into_inner());
            q.waiting = false;
        }
        if q.lines.is_empty() {
            return None;
        }
        q.bytes = 0;
        let lines = q.lines.drain(..).collect();
        Some((lines, q.dropped))
    }

    /// Lines dropped so far.
    pub(crate) fn dropped(&self) -> u64 {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).dropped
    }
}

/// Prints queued lines on a thread of its own, so a slow reader of our stdout never
/// stalls the runtime. Ends when the queue is closed and empty.
pub(crate) fn spawn_printer(queue: Arc<LineQueue>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut open = true;
        let mut reported = 0;
        let mut last_report: Option<Instant> = None;
        let mut text = Vec::new();
        while let Some((lines, dropped)) = queue.take() {
            if dropped > reported && last_report.is_none_or(|t| t.elapsed() >= DROP_REPORT_EVERY) {
                report_dropped(dropped - reported);
                reported = dropped;
                last_report = Some(Instant::now());
            }
            if !open {
                continue;
            }
            for l in lines {
                text.extend_from_slice(&l);
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
        let dropped = queue.dropped();
        if dropped > reported {
            report_dropped(dropped - reported);
        }
    })
}

fn report_dropped(n: u64) {
    // Not eprintln!: it panics when stderr is a closed pipe.
    let _ = writeln!(
        std::io::stderr(),
        "hookscope: stdout is not being read fast enough; {n} line(s) dropped \
         (every delivery is in the store: `hookscope export --since` recovers them)"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_past_the_bound_are_dropped_and_counted() {
        let q = LineQueue::new(100);
        for _ in 0..5 {
            q.push(vec![b'x'; 30]);
        }
        assert_eq!(q.dropped(), 2);
        let (lines, dropped) = q.take().unwrap();
        assert_eq!((lines.len(), dropped), (3, 2));
        // Taken lines free their room.
        q.push(vec![b'x'; 90]);
        assert_eq!(q.dropped(), 2);
        q.close();
        assert_eq!(q.take().unwrap().0.len(), 1);
        assert!(q.take().is_none());
    }
}
