//! Copying to the user's clipboard: the system clipboard when there is a display to own
//! one, else the OSC 52 escape, which asks the user's own terminal (also over SSH or in
//! tmux) to set its clipboard.

use std::io::Write;

use base64::Engine;

/// How a copy reached the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyMethod {
    System,
    Osc52,
}

impl CopyMethod {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            CopyMethod::System => "system clipboard",
            CopyMethod::Osc52 => "OSC 52",
        }
    }
}

/// Something that can take text for the clipboard. Tests capture what would be copied.
pub trait Clipboard {
    fn copy(&mut self, text: &str) -> Result<CopyMethod, String>;
}

/// The OSC 52 sequence that sets the terminal's clipboard to `text`.
pub(crate) fn osc52(text: &str) -> String {
    let payload = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\u{1b}]52;c;{payload}\u{7}")
}

/// Whether the system clipboard can be reached from here: there is a display, and we
/// are not behind SSH, tmux or a CI runner where it would be the wrong machine's (or
/// no one's) clipboard. `var` reads an environment variable.
pub(crate) fn system_clipboard_reachable(var: impl Fn(&str) -> Option<String>) -> bool {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty());
    let display = set("DISPLAY") || set("WAYLAND_DISPLAY");
    let elsewhere = ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY", "TMUX", "CI"]
        .iter()
        .any(|v| set(v));
    display && !elsewhere
}

/// The clipboard of the terminal the UI runs in: the system one when reachable, OSC 52
/// written to `out` (the terminal) otherwise or when the system one fails.
pub(crate) struct TerminalClipboard<W: Write> {
    system: Option<arboard::Clipboard>,
    try_system: bool,
    out: W,
}

impl TerminalClipboard<std::io::Stdout> {
    pub(crate) fn stdout() -> Self {
        Self::new(
            std::io::stdout(),
            system_clipboard_reachable(|v| std::env::var(v).ok()),
        )
    }
}

impl<W: Write> TerminalClipboard<W> {
    pub(crate) fn new(out: W, try_system: bool) -> Self {
        Self {
            system: None,
            try_system,
            out,
        }
    }

    fn copy_system(&mut self, text: &str) -> Result<(), arboard::Error> {
        if self.system.is_none() {
            // Kept for the whole session: on X11 the copied text lives as long as it does.
            self.system = Some(arboard::Clipboard::new()?);
        }
        match self.system.as_mut() {
            Some(c) => c.set_text(text),
            None => Err(arboard::Error::ClipboardNotSupported),
        }
    }
}

impl<W: Write> Clipboard for TerminalClipboard<W> {
    fn copy(&mut self, text: &str) -> Result<CopyMethod, String> {
        if self.try_system {
            match self.copy_system(text) {
                Ok(()) => return Ok(CopyMethod::System),
                Err(e) => {
                    tracing::info!("system clipboard unavailable, using OSC 52: {e}");
                    // Do not wait on a broken clipboard again for every copy.
                    self.try_system = false;
                    self.system = None;
                }
            }
        }
        self.out
            .write_all(osc52(text).as_bytes())
            .and_then(|_| self.out.flush())
            .map_err(|e| format!("cannot write to the terminal: {e}"))?;
        Ok(CopyMethod::Osc52)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_the_text_in_base64() {
        assert_eq!(osc52("hi"), "\u{1b}]52;c;aGk=\u{7}");
    }

    #[test]
    fn no_display_ssh_tmux_or_ci_means_osc52() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert!(system_clipboard_reachable(env(&[("DISPLAY", ":0")])));
        assert!(system_clipboard_reachable(env(&[(
            "WAYLAND_DISPLAY",
            "wayland-0"
        )])));
        assert!(!system_clipboard_reachable(env(&[])));
        assert!(!system_clipboard_reachable(env(&[("DISPLAY", "")])));
        for elsewhere in ["SSH_CONNECTION", "TMUX", "CI"] {
            let pairs: &'static [(&'static str, &'static str)] = match elsewhere {
                "SSH_CONNECTION" => &[("DISPLAY", ":0"), ("SSH_CONNECTION", "1 2 3 4")],
                "TMUX" => &[("DISPLAY", ":0"), ("TMUX", "/tmp/tmux-0/default,1,0")],
                _ => &[("DISPLAY", ":0"), ("CI", "true")],
            };
            assert!(!system_clipboard_reachable(env(pairs)), "{elsewhere}");
        }
    }

    #[test]
    fn without_a_display_the_escape_goes_to_the_terminal() {
        let mut out = Vec::new();
        let method = TerminalClipboard::new(&mut out, false).copy("body");
        assert_eq!(method, Ok(CopyMethod::Osc52));
        assert_eq!(String::from_utf8(out).unwrap(), osc52("body"));
    }
}
