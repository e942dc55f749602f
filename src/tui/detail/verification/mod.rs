//! The signature debugger: the verdict and its evidence, with the secret and the body
//! editable and the verdict recomputed on every keystroke.

use std::cell::Cell;
use std::sync::Arc;

use bytes::Bytes;
use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui_textarea::TextArea;

use super::DetailOutcome;
use super::component::{Component, Hint, SCROLL, hint};
use crate::config::Config;
use crate::model::ProviderId;
use crate::model::{Delivery, Request};
use crate::provider;
use crate::signature::Verification;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::scroll::Scroll;

mod render;
mod report;
mod setting;

pub(crate) use report::verdict_spans;
pub(crate) use setting::{Setting, restore};

/// Which field has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Focus {
    None,
    Secret,
    Body,
}

pub(crate) struct Debugger {
    provider: ProviderId,
    /// Receipt time: timestamps are judged against it, as they were on arrival.
    now: i64,
    config: Arc<Config>,
    /// The request with redaction markers restored.
    request: Request,
    unrestored: bool,
    at_receipt: Verification,
    setting: Option<Setting>,
    original_secret: String,
    secret: TextArea<'static>,
    /// Created on the first edit: until then the body is the original bytes.
    body: Option<TextArea<'static>>,
    focus: Focus,
    revealed: bool,
    verdict: Verification,
    scroll: Scroll,
    secret_top: Cell<usize>,
    body_top: Cell<usize>,
}

fn text_area(lines: Vec<String>) -> TextArea<'static> {
    let mut ta = TextArea::new(lines);
    ta.set_max_histories(200);
    ta
}

impl Debugger {
    pub(crate) fn new(delivery: &Delivery, config: Arc<Config>) -> Self {
        let (request, unrestored) = restore(&delivery.request, &config);
        let provider = delivery.findings.provider;
        let setting = Setting::for_request(provider, &request, &config);
        let original_secret = setting.map(|s| s.value(&config)).unwrap_or_default();
        let now = delivery.received_at.timestamp();
        let verdict = provider::analyze_as(provider, &request, &config, now)
            .findings
            .verification;
        Self {
            provider,
            now,
            secret: text_area(vec![original_secret.clone()]),
            original_secret,
            config,
            request,
            unrestored,
            at_receipt: delivery.findings.verification.clone(),
            setting,
            body: None,
            focus: Focus::None,
            revealed: false,
            verdict,
            scroll: Scroll::default(),
            secret_top: Cell::new(0),
            body_top: Cell::new(0),
        }
    }

    #[cfg(test)]
    pub(crate) fn verdict(&self) -> &Verification {
        &self.verdict
    }

    #[cfg(test)]
    pub(crate) fn focus(&self) -> Focus {
        self.focus
    }

    fn secret_text(&self) -> &str {
        self.secret
            .lines()
            .first()
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The body as edited, when it was.
    fn edited_body(&self) -> Option<Vec<u8>> {
        self.body
            .as_ref()
            .map(|b| b.lines().join("\n").into_bytes())
    }

    pub(crate) fn is_edited(&self) -> bool {
        self.secret_text() != self.original_secret
            || self
                .edited_body()
                .is_some_and(|b| b != self.request.body.as_ref())
    }

    /// Re-runs the provider's check with the edited secret and body.
    fn recompute(&mut self) {
        let config = match self.setting {
            Some(s) => s.apply(&self.config, self.secret_text()),
            None => (*self.config).clone(),
        };
        let mut req = self.request.clone();
        if let Some(body) = self.edited_body() {
            // What the user typed is the whole body, so it is no longer truncated.
            req.body_bytes = body.len() as u64;
            req.body_truncated = false;
            req.body = Bytes::from(body);
        }
        self.verdict = provider::analyze_as(self.provider, &req, &config, self.now)
            .findings
            .verification;
    }

    fn reset(&mut self) {
        self.secret = text_area(vec![self.original_secret.clone()]);
        self.body = None;
        self.recompute();
    }

    fn start_body(&mut self) -> DetailOutcome {
        if self.body.is_none() {
            let Ok(text) = std::str::from_utf8(&self.request.body) else {
                return DetailOutcome::Message(
                    "The body is not UTF-8 text, so it cannot be edited here.".into(),
                );
            };
            // Split on '\n' only, so joining with '\n' gives back the exact bytes.
            self.body = Some(text_area(text.split('\n').map(str::to_string).collect()));
        }
        self.focus = Focus::Body;
        DetailOutcome::Consumed
    }

    fn start_secret(&mut self) -> DetailOutcome {
        if self.setting.is_none() {
            return DetailOutcome::Message(
                "The provider is not recognised, so there is no credential to try.".into(),
            );
        }
        self.secret.move_cursor(ratatui_textarea::CursorMove::End);
        self.focus = Focus::Secret;
        DetailOutcome::Consumed
    }

    /// Asks for the edited secret to be written into the config file.
    fn write_secret(&mut self) -> DetailOutcome {
        let Some(setting) = self.setting else {
            return DetailOutcome::Message(
                "The provider is not recognised, so there is no credential to write.".into(),
            );
        };
        let secret = self.secret_text();
        if secret.is_empty() {
            return DetailOutcome::Message(
                "The secret field is empty; an empty secret is not written.".into(),
            );
        }
        if secret == self.original_secret {
            return DetailOutcome::Message(format!(
                "The secret is {} as configured; edit it with s first.",
                setting.name()
            ));
        }
        DetailOutcome::WriteSetting {
            setting: setting.name(),
            value: crate::config::Secret::new(secret),
        }
    }
}

impl Component for Debugger {
    fn render(&self, _: &Delivery, theme: Theme, area: Rect, buf: &mut Buffer) {
        render::render(self, theme, area, buf);
    }

    fn handle(&mut self, action: Action) -> DetailOutcome {
        if self.focus != Focus::None {
            return self.editing(action);
        }
        match action {
            Action::EditSecret => self.start_secret(),
            Action::EditBody => self.start_body(),
            Action::Reveal => {
                self.revealed = !self.revealed;
                DetailOutcome::Consumed
            }
            Action::ResetEdits => {
                self.reset();
                DetailOutcome::Message("Secret and body reset to the originals.".into())
            }
            Action::WriteSecret => self.write_secret(),
            _ if self.scroll.act(action) => DetailOutcome::Consumed,
            _ => DetailOutcome::Ignored,
        }
    }

    fn focus(&self) -> Option<Scope> {
        match self.focus {
            Focus::None => None,
            // One line: Enter finishes.
            Focus::Secret => Some(Scope::Line),
            Focus::Body => Some(Scope::Text),
        }
    }

    fn input(&mut self, key: KeyEvent) -> DetailOutcome {
        let modified = match self.focus {
            Focus::Secret => self.secret.input(key),
            Focus::Body => self.body.as_mut().is_some_and(|b| b.input(key)),
            Focus::None => return DetailOutcome::Ignored,
        };
        if modified {
            self.recompute();
        }
        DetailOutcome::Consumed
    }

    fn blur(&mut self) {
        self.focus = Focus::None;
    }

    fn hints(&self) -> Vec<Hint> {
        let reveal = if self.revealed { "mask" } else { "reveal" };
        match self.focus {
            Focus::None => {
                let mut hints = vec![
                    hint(&[Action::EditSecret], "edit secret"),
                    hint(&[Action::EditBody], "edit body"),
                    hint(&[Action::Reveal], reveal),
                ];
                if self.is_edited() {
                    hints.push(hint(&[Action::ResetEdits], "reset"));
                }
                if self.secret_text() != self.original_secret {
                    hints.push(hint(&[Action::WriteSecret], "write to config"));
                }
                hints.push(SCROLL);
                hints
            }
            Focus::Secret => vec![
                hint(&[Action::Back, Action::Submit], "done"),
                hint(&[Action::NextTab], "body"),
                hint(&[Action::Reveal], reveal),
            ],
            Focus::Body => vec![
                hint(&[Action::Back], "done"),
                hint(&[Action::NextTab], "secret"),
                hint(&[Action::Reveal], reveal),
            ],
        }
    }
}

impl Debugger {
    /// An action while a field has focus: the keys that are not text.
    fn editing(&mut self, action: Action) -> DetailOutcome {
        match action {
            Action::Back | Action::Submit => {
                self.focus = Focus::None;
                DetailOutcome::Consumed
            }
            Action::Reveal => {
                self.revealed = !self.revealed;
                DetailOutcome::Consumed
            }
            Action::NextTab | Action::PrevTab => match self.focus {
                Focus::Secret => self.start_body(),
                _ => self.start_secret(),
            },
            _ => DetailOutcome::Consumed,
        }
    }
}

#[cfg(test)]
mod tests;
