//! The header over a PostgreSQL store says "disconnected" while the database cannot be
//! reached and stops saying it once the database is back, without a delivery or a key
//! to make it look; and `view` shows the store it views where a receiver's address is.

mod common;
#[path = "store_support/pg.rs"]
mod pg;
mod tui_support;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hookscope::config::Config;
use hookscope::store::Store;
use hookscope::tui::view::Theme;
use hookscope::tui::{App, AppEvent, Context, Tui};
use tui_support::{draw, text};

fn app(store: &Store, listen: &str) -> Tui {
    let context = Context {
        config: Arc::new(Config::default()),
        listen: listen.into(),
        store: Some(store.label()),
        forward_to: None,
    };
    Tui::new(
        App::new(context).with_theme(Theme::monochrome()),
        store.reader().unwrap(),
    )
}

/// Redraws (as the loop's ticks do) until the header line satisfies `want`.
fn header_until(app: &mut Tui, what: &str, want: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        app.update(AppEvent::Tick);
        let screen = text(&draw(app, 120, 30));
        let header = screen.lines().next().unwrap_or_default().to_string();
        if want(&header) {
            return header;
        }
        assert!(Instant::now() < deadline, "{what}: {screen}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_receivers_header_says_disconnected_while_the_database_is_down() {
    let cluster = pg::Cluster::start();
    let store = Store::open(Path::new(&cluster.url)).unwrap();
    let mut app = app(&store, "127.0.0.1:8787");
    let header = header_until(&mut app, "connected at first", |h| h.contains("http://"));
    assert!(!header.contains("disconnected"), "{header}");

    pg::Cluster::run(&cluster.dir, "stop");
    header_until(&mut app, "disconnected while stopped", |h| {
        h.contains("disconnected")
    });
    pg::Cluster::run(&cluster.dir, "start");
    header_until(&mut app, "connected again by itself", |h| {
        !h.contains("disconnected")
    });
}

#[test]
fn a_viewers_header_names_the_store_instead_of_an_address() {
    let url = pg::fresh_database();
    let store = Store::open(Path::new(&url)).unwrap();
    let mut app = app(&store, "");
    let screen = text(&draw(&mut app, 120, 30));
    let header = screen.lines().next().unwrap();
    assert!(header.contains("viewing postgres://"), "{screen}");
    assert!(!screen.contains("http://"), "{screen}");
}
