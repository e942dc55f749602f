//! `hookscope view` in a real terminal (tmux) over a PostgreSQL database that two
//! receivers write: deliveries from both appear in the viewer as they are committed.

mod common;
#[path = "store_support/pg.rs"]
mod pg;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{Options, Server, bin, classet_header, compact};

const SECRET: &str = "cl_secret_for_the_viewer";

/// A private tmux server holding one session, killed on drop.
struct Tmux(String);

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.0)
            .args(args)
            .output()
            .expect("tmux is installed (.ci/run installs it)")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "v"]).stdout).into_owned()
    }

    fn wait_for(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(Instant::now() < deadline, "no {what}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

fn receiver(url: &str) -> Server {
    Server::start_opts(
        &format!("[providers.classet]\nsecret = \"{SECRET}\"\n"),
        Options {
            store: Some(PathBuf::from(url)),
            ..Options::default()
        },
        &[],
    )
}

fn post(s: &Server) {
    let body = compact("classet/candidate_interview_updated.json");
    let sig = classet_header(SECRET, &body);
    let (status, answer) = s.post(
        "/classet",
        &[("x-classet-webhook-signature", sig.as_str())],
        &body,
    );
    assert_eq!(status, 200, "{answer}");
}

#[test]
fn a_viewer_shows_the_deliveries_of_two_receivers_as_they_are_stored() {
    let url = pg::fresh_database();
    let a = receiver(&url);
    let b = receiver(&url);
    post(&a);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("h.toml");
    std::fs::write(
        &config,
        format!("[providers.classet]\nsecret = \"{SECRET}\"\n"),
    )
    .unwrap();
    let command = format!(
        "env HOME='{home}' XDG_DATA_HOME='{home}/data' '{bin}' view --store '{url}' \
         --config '{config}'; sleep 60",
        home = dir.path().display(),
        bin = bin(),
        config = config.display(),
    );
    let tmux = Tmux(format!("hookscope-view-{}", std::process::id()));
    let out = tmux.run(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "35",
        "-s",
        "v",
        &command,
    ]);
    assert!(out.status.success(), "{out:?}");
    // The header says what this is; the footer's note of the same expires after a few
    // seconds, which a loaded machine may take to open the store, so it is not waited for.
    let screen = tmux.wait_for("the delivery stored before", |s| s.contains("Deliveries 1"));
    assert!(screen.contains("viewing postgres://"), "{screen}");
    assert!(
        !screen.contains("http://"),
        "no address to send to: {screen}"
    );

    post(&b);
    post(&a);
    post(&b);
    let screen = tmux.wait_for("the deliveries of both receivers", |s| {
        s.contains("Deliveries 4")
    });
    assert!(screen.matches("classet").count() >= 4, "{screen}");
}
