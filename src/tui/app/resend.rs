//! `r` and `e`: the delivery a key acts on, re-sent as stored or with its body edited, to
//! the forward target or to a URL the prompt asks for. Sending itself is a command.

use crossterm::event::KeyEvent;

use crate::tui::keymap::Action;

use super::{App, Command, Message};
use crate::model::Delivery;
use crate::tui::reads::Query;
use crate::tui::resend::{
    BodyEditor, EditorKey, Pending, PromptKey, UrlPrompt, check_url, short_id,
};

/// Targets the URL prompt remembers.
const RECENT_URLS: usize = 8;

impl App {
    /// `e`: opens the body in the editor, or says why it cannot be edited.
    pub(super) fn edit_body(&mut self, d: &Delivery) {
        match BodyEditor::open(d, self.theme) {
            Ok(editor) => {
                self.editor = Some(editor);
                self.message = None;
            }
            Err(e) => {
                self.message = Some(Message::error(format!(
                    "Cannot edit {}: {e}",
                    short_id(&d.id)
                )))
            }
        }
    }

    /// Sends to the forward target at once; without one, asks where to.
    pub(super) fn dispatch(&mut self, pending: Pending) -> Vec<Command> {
        if let Some(to) = self.context.forward_to.clone() {
            return self.send(&pending, &to);
        }
        // Hookscope's own receiver by default: the re-send then shows up as a new row.
        // A viewer has none: the last target then, else an empty line to type into.
        let url = match self.context.listen.as_str() {
            "" => self.recent_urls.first().cloned().unwrap_or_default(),
            listen => format!("http://{listen}"),
        };
        self.prompt = Some(UrlPrompt::open(
            &url,
            &self.recent_urls,
            pending,
            self.theme,
        ));
        Vec::new()
    }

    /// Asks for the time and the store's link key to sign the re-send with; the answer
    /// prepares it (see `sync.rs`).
    fn send(&mut self, pending: &Pending, to: &str) -> Vec<Command> {
        self.prompt = None;
        vec![Command::Read(Query::Signing {
            pending: Box::new(pending.clone()),
            to: to.to_string(),
        })]
    }

    /// A key for the URL prompt, which has focus while it is open.
    pub(super) fn prompt_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Command> {
        let Some(prompt) = self.prompt.as_mut() else {
            return Vec::new();
        };
        match prompt.key(action, key) {
            PromptKey::Consumed => Vec::new(),
            PromptKey::Cancel => {
                self.prompt = None;
                Vec::new()
            }
            PromptKey::Submit(url) => {
                if let Err(e) = check_url(&url) {
                    self.message = Some(Message::error(format!("Cannot send there: {e}")));
                    return Vec::new();
                }
                let pending = prompt.pending().clone();
                self.recent_urls.retain(|u| *u != url);
                self.recent_urls.insert(0, url.clone());
                self.recent_urls.truncate(RECENT_URLS);
                self.send(&pending, &url)
            }
        }
    }

    /// A key for the body editor, which has focus while it is open.
    pub(super) fn editor_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Command> {
        let Some(editor) = self.editor.as_mut() else {
            return Vec::new();
        };
        match editor.key(action, key) {
            EditorKey::Consumed => Vec::new(),
            EditorKey::Cancel => {
                self.editor = None;
                Vec::new()
            }
            EditorKey::Send => match editor.pending() {
                Ok(pending) => self.dispatch(pending),
                // The editor stays open on the mistake.
                Err(e) => {
                    self.message = Some(Message::error(e));
                    Vec::new()
                }
            },
        }
    }
}
