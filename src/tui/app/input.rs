//! Keys and the mouse: what each does depends on what has focus (a re-send's URL prompt
//! or body editor, help, the filter field, the detail, or the table), and Ctrl-C is looked
//! at before any of them.

use crossterm::event::{KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::{App, Command, Message, WHEEL_STEP};
use crate::tui::confirm::Confirm;
use crate::tui::copy::CopyWhat;
use crate::tui::detail::DetailOutcome;
use crate::tui::filter::FilterKey;
use crate::tui::keymap::{Action, Scope};
use crate::tui::reads::Intent;

impl App {
    pub(super) fn key(&mut self, key: KeyEvent) -> Vec<Command> {
        if key.kind == KeyEventKind::Release {
            return Vec::new();
        }
        // Resolved once, in the scope that has focus.
        let action = self.keymap.action_in(self.scope(), &key);
        // Before any text field sees it.
        if action == Some(Action::ForceQuit) {
            return vec![Command::Quit];
        }
        // A question is over everything else.
        if self.confirm.is_some() {
            return self.confirm_key(action);
        }
        // The prompt opens over the editor, so it goes first.
        if self.prompt.is_some() {
            return self.prompt_key(action, key);
        }
        if self.editor.is_some() {
            return self.editor_key(action, key);
        }
        if self.help.is_some() {
            return self.help_key(action);
        }
        if self.filter.is_editing() {
            if matches!(
                self.filter.key(action, key, &self.known_events),
                FilterKey::Changed | FilterKey::Cleared
            ) {
                self.refilter = true;
            }
            return Vec::new();
        }
        if let Some(detail) = self.detail.as_mut() {
            let editing = detail.is_editing();
            match detail.handle(action, key) {
                DetailOutcome::Consumed => return Vec::new(),
                DetailOutcome::Message(m) => {
                    self.message = Some(Message::info(m));
                    return Vec::new();
                }
                DetailOutcome::WriteSetting { setting, value } => {
                    self.confirm =
                        Some(Confirm::write_setting(&self.settings_file, setting, value));
                    return Vec::new();
                }
                // A field with focus owns every key but Ctrl-C.
                DetailOutcome::Ignored if editing => return Vec::new(),
                DetailOutcome::Ignored => {
                    return match action {
                        Some(a) => self.act(a),
                        None => Vec::new(),
                    };
                }
            }
        }
        match action {
            Some(a) => self.act(a),
            None => Vec::new(),
        }
    }

    fn act(&mut self, action: Action) -> Vec<Command> {
        let page = u64::from(self.table_height().max(1));
        let in_table = self.detail.is_none();
        match action {
            Action::Up if in_table => self.list.up(1),
            Action::Down if in_table => self.list.down(1),
            Action::PageUp if in_table => self.list.up(page),
            Action::PageDown if in_table => self.list.down(page),
            Action::Top if in_table => self.list.top(),
            Action::Bottom if in_table => self.list.bottom(),
            Action::Open if in_table => return self.on_selected(Intent::Open),
            Action::Back => self.back(),
            Action::CopyBody => return self.act_on(Intent::Copy(CopyWhat::Body)),
            Action::CopyCurl => return self.act_on(Intent::Copy(CopyWhat::Curl)),
            Action::CopyHeaders => return self.act_on(Intent::Copy(CopyWhat::Headers)),
            Action::Resend => return self.act_on(Intent::Resend),
            Action::EditResend => return self.act_on(Intent::Edit),
            Action::Filter if in_table => self.open_filter(),
            Action::Help => self.help = Some(0),
            // In the detail, q is one level back, like Esc; at the table it quits.
            Action::Quit if !in_table => self.back(),
            Action::Quit | Action::ForceQuit => return vec![Command::Quit],
            _ => {}
        }
        Vec::new()
    }

    /// Where the key is resolved: the question, a focused field or the open tab, else
    /// the global bindings.
    fn scope(&self) -> Scope {
        if self.confirm.is_some() {
            Scope::Confirm
        } else if self.prompt.is_some() {
            Scope::Line
        } else if self.editor.is_some() {
            Scope::Text
        } else if self.filter.is_editing() {
            Scope::Line
        } else if self.help.is_some() {
            Scope::Global
        } else {
            self.detail.as_ref().map_or(Scope::Global, |d| d.scope())
        }
    }

    fn confirm_key(&mut self, action: Option<Action>) -> Vec<Command> {
        match action {
            Some(Action::Confirm) => match self.confirm.take() {
                Some(c) => vec![Command::WriteSetting(c.write)],
                None => Vec::new(),
            },
            Some(Action::Cancel | Action::Back) => {
                self.confirm = None;
                self.message = Some(Message::info("Nothing written."));
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn help_key(&mut self, action: Option<Action>) -> Vec<Command> {
        let scroll = self.help.unwrap_or(0);
        self.help = match action {
            Some(Action::Help | Action::Back | Action::Quit) => None,
            Some(Action::Up) => Some(scroll.saturating_sub(1)),
            Some(Action::Down) => Some(scroll.saturating_add(1)),
            Some(Action::PageUp) => Some(scroll.saturating_sub(10)),
            Some(Action::PageDown) => Some(scroll.saturating_add(10)),
            Some(Action::Top) => Some(0),
            Some(Action::Bottom) => Some(u16::MAX),
            _ => Some(scroll),
        }
        .map(|s| s.min(self.help_end.get()));
        Vec::new()
    }

    /// Esc: closes the detail, else clears the filter, else the message.
    fn back(&mut self) {
        if self.detail.take().is_some() {
            return;
        }
        if self.filter.clear() {
            self.refilter = true;
        } else {
            self.message = None;
        }
    }

    fn open_filter(&mut self) {
        // Event names come from the worker at start and from deliveries as they arrive:
        // listing them from a large store would hold up the key.
        self.filter.open(self.theme);
    }

    /// Filters the table as if `text` had been typed into the filter field, read
    /// against the event names known so far (see [`App::events_loaded`]).
    pub(crate) fn set_filter(&mut self, text: &str) {
        self.filter.set_text(text, &self.known_events);
        self.refilter = true;
    }

    pub(super) fn mouse(&mut self, m: MouseEvent) -> Vec<Command> {
        match m.kind {
            MouseEventKind::ScrollUp | MouseEventKind::ScrollDown => {
                let down = m.kind == MouseEventKind::ScrollDown;
                if let Some(editor) = self.editor.as_mut() {
                    let step = WHEEL_STEP as i16;
                    editor.scroll(if down { step } else { -step });
                } else if let Some(scroll) = self.help {
                    let step = WHEEL_STEP as u16;
                    let scroll = if down {
                        scroll.saturating_add(step)
                    } else {
                        scroll.saturating_sub(step)
                    };
                    self.help = Some(scroll.min(self.help_end.get()));
                } else if let Some(detail) = self.detail.as_mut() {
                    if !detail.is_editing() {
                        let action = if down { Action::Down } else { Action::Up };
                        for _ in 0..WHEEL_STEP {
                            detail.act(action);
                        }
                    }
                } else if down {
                    self.list.down(WHEEL_STEP);
                } else {
                    self.list.up(WHEEL_STEP);
                }
            }
            // Nothing to click under the editor or while the prompt has focus.
            MouseEventKind::Down(MouseButton::Left)
                if self.help.is_none()
                    && self.editor.is_none()
                    && self.prompt.is_none()
                    && self.confirm.is_none() =>
            {
                return self.click(Position::new(m.column, m.row));
            }
            _ => {}
        }
        Vec::new()
    }

    fn click(&mut self, at: Position) -> Vec<Command> {
        let areas = self.areas(self.area);
        if let Some(detail) = self.detail.as_mut() {
            if let Some(tab) = detail.tab_at(areas.main, at) {
                detail.set_tab(tab);
            }
            return Vec::new();
        }
        if self.filter.is_editing() || !areas.body.contains(at) {
            return Vec::new();
        }
        let index = self.list.offset() + u64::from(at.y - areas.body.y);
        if index >= self.list.total() {
            return Vec::new();
        }
        // A second click on the selected row opens it, as a double-click would.
        if self.list.selected() == Some(index) {
            return self.on_selected(Intent::Open);
        }
        self.list.select(index);
        Vec::new()
    }
}
