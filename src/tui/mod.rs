//! The terminal UI: the receiver's deliveries in a live table, each one open for detail,
//! over the running receiver. State and its changes live in [`app`], drawing in
//! [`view`], the loop in [`run`].

pub mod app;
pub mod clipboard;
pub mod confirm;
pub mod copy;
pub mod detail;
pub mod driver;
pub mod filter;
pub mod keymap;
pub mod layout;
pub mod list;
pub mod matcher;
pub mod message;
pub mod reads;
pub mod resend;
pub mod run;
pub mod tab;
pub mod theme;
pub mod units;
pub mod view;
pub mod widgets;

use std::io::{self, stdout};
use std::sync::Once;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture, EventStream};
use crossterm::execute;
use ratatui::DefaultTerminal;

pub use app::{App, AppEvent, Command, Context, Message};
pub use driver::Tui;
pub use run::{Feeds, draw, run_loop};

/// Takes over the terminal, runs the UI until the user quits, and gives the terminal
/// back: on return, on error, and on panic.
pub(crate) async fn run(mut app: Tui, feeds: Feeds) -> io::Result<()> {
    let mut session = TerminalSession::enter()?;
    let mut clipboard = clipboard::TerminalClipboard::stdout();
    run_loop(
        &mut session.terminal,
        &mut app,
        EventStream::new(),
        feeds,
        &mut clipboard,
    )
    .await
}

/// Raw mode, the alternate screen and mouse reporting, undone when dropped (which also
/// happens when the UI future is dropped, e.g. on SIGTERM).
struct TerminalSession {
    terminal: DefaultTerminal,
}

impl TerminalSession {
    fn enter() -> io::Result<Self> {
        // Installs a panic hook that restores the terminal before the message prints.
        let terminal = match ratatui::try_init() {
            Ok(t) => t,
            Err(e) => {
                ratatui::restore();
                return Err(e);
            }
        };
        static MOUSE_HOOK: Once = Once::new();
        MOUSE_HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                let _ = execute!(stdout(), DisableMouseCapture);
                previous(info);
            }));
        });
        if let Err(e) = execute!(stdout(), EnableMouseCapture) {
            ratatui::restore();
            return Err(e);
        }
        Ok(Self { terminal })
    }
}

impl Drop for TerminalSession {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}
