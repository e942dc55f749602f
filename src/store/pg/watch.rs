//! A connection that LISTENs for commits, to wake a watcher at once. It only wakes: the
//! watcher then reads the new rows through its reader, so a lost notification costs a
//! poll interval, never a row.

use std::time::{Duration, Instant};

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;

use super::{CHANNEL, Target};

pub(crate) struct Listener {
    target: Target,
    client: Option<Client>,
}

impl Listener {
    pub(crate) fn new(target: &Target) -> Listener {
        Listener {
            target: target.clone(),
            client: None,
        }
    }

    /// Returns when a commit is announced or `timeout` has passed.
    pub(crate) fn wait(&mut self, timeout: Duration) {
        let start = Instant::now();
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.client = self.target.connect().ok().and_then(|mut c| {
                c.batch_execute(&format!("LISTEN {CHANNEL}")).ok()?;
                Some(c)
            });
        }
        let Some(client) = self.client.as_mut() else {
            std::thread::sleep(timeout.saturating_sub(start.elapsed()));
            return;
        };
        let left = timeout.saturating_sub(start.elapsed());
        let failed = {
            let mut notes = client.notifications();
            let woke = notes.timeout_iter(left).next();
            // Whatever else is already queued is covered by the same read.
            while let Ok(Some(_)) = notes.iter().next() {}
            woke.is_err()
        };
        if failed {
            self.client = None;
        }
    }
}
