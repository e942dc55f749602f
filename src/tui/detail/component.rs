//! What every tab of the detail is to the rest of the UI: it draws itself from `&self`,
//! takes actions (keys were resolved to actions once, by the keymap, before they reach
//! it), takes text only while one of its fields has focus, and names its keys as
//! actions, so the footer and help say them with the keymap's own keys.

use crossterm::event::KeyEvent;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::DetailOutcome;
use crate::model::Delivery;
use crate::tui::keymap::{Action, Scope};
use crate::tui::theme::Theme;

/// A footer hint: the actions (their keys joined by `/`) and what they do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub actions: &'static [Action],
    pub what: &'static str,
}

pub(crate) const fn hint(actions: &'static [Action], what: &'static str) -> Hint {
    Hint { actions, what }
}

/// Scrolling, which every tab has.
pub(crate) const SCROLL: Hint = hint(&[Action::Down, Action::Up], "scroll");
pub(crate) const ENDS: Hint = hint(&[Action::Top, Action::Bottom], "top/end");

pub(crate) trait Component {
    /// Draws with `theme`'s styles only, so `NO_COLOR` holds here too.
    fn render(&self, delivery: &Delivery, theme: Theme, area: Rect, buf: &mut Buffer);

    /// An action while no field has focus; `Ignored` leaves it to the caller (Esc goes
    /// back, `y` copies).
    fn handle(&mut self, action: Action) -> DetailOutcome;

    /// The scope of the field that has focus, if one has: keys are then resolved in it,
    /// and those that are no action there arrive at [`Component::input`] as text.
    fn focus(&self) -> Option<Scope> {
        None
    }

    /// A key typed into the focused field.
    fn input(&mut self, _key: KeyEvent) -> DetailOutcome {
        DetailOutcome::Ignored
    }

    /// Leaves the focused field (edits are kept).
    fn blur(&mut self) {}

    /// The keys for the footer, right now.
    fn hints(&self) -> Vec<Hint>;

    /// Whether the tab has something for this delivery (else its title is dimmed).
    fn applies(&self) -> bool {
        true
    }
}

/// Hands a key to `c` as the app does: resolved in the focused field's scope, else in
/// the tab's own; a key that is no action reaches a focused field as text.
#[cfg(test)]
pub(crate) fn press(
    c: &mut dyn Component,
    own: Scope,
    keymap: &crate::tui::keymap::Keymap,
    key: KeyEvent,
) -> DetailOutcome {
    let scope = c.focus().unwrap_or(own);
    match (keymap.action_in(scope, &key), c.focus()) {
        (Some(action), _) => c.handle(action),
        (None, Some(_)) => c.input(key),
        (None, None) => DetailOutcome::Ignored,
    }
}
