//! `e`: a delivery's body in a multi-line text field, JSON pretty-printed for editing and
//! compacted again for sending.

use crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

use super::Pending;
use crate::model::Delivery;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;

/// The body being edited, and the delivery it belongs to.
pub struct BodyEditor {
    delivery: Delivery,
    input: TextArea<'static>,
    /// The text as opened: sent unchanged, it is the stored body byte for byte.
    opened: String,
    pretty: bool,
}

/// What a key did in the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EditorKey {
    /// Ctrl-S: send what is in the field.
    Send,
    /// Esc: close without sending.
    Cancel,
    Consumed,
}

impl BodyEditor {
    /// The editor over `d`'s body, or why it cannot be edited as text, in `theme`'s
    /// styles.
    pub(crate) fn open(d: &Delivery, theme: Theme) -> Result<Self, String> {
        let r = &d.request;
        if r.body_truncated {
            return Err(format!(
                "only the first {} of {} body bytes were kept; it cannot be edited",
                r.body.len(),
                r.body_bytes
            ));
        }
        let Ok(text) = std::str::from_utf8(&r.body) else {
            return Err(
                "the body is not UTF-8 text; it cannot be edited (r re-sends it as is)".into(),
            );
        };
        let pretty = serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok());
        let opened = pretty.clone().unwrap_or_else(|| text.to_string());
        // Split on '\n' only, so that '\r' and a final newline survive the round trip.
        let mut input = TextArea::new(opened.split('\n').map(str::to_string).collect());
        input.set_max_histories(200);
        input.set_tab_length(2);
        theme.text_area(&mut input);
        input.set_line_number_style(theme.dim());
        Ok(Self {
            delivery: d.clone(),
            input,
            opened,
            pretty: pretty.is_some(),
        })
    }

    pub(crate) fn delivery(&self) -> &Delivery {
        &self.delivery
    }

    pub(crate) fn input(&self) -> &TextArea<'static> {
        &self.input
    }

    /// Whether the body was JSON, shown pretty-printed.
    pub(crate) fn is_pretty(&self) -> bool {
        self.pretty
    }

    pub(crate) fn text(&self) -> String {
        self.input.lines().join("\n")
    }

    /// A key: `action` is what the keymap made of it in a multi-line field; every key
    /// but sending and cancelling is text (Tab indents).
    pub(crate) fn key(&mut self, action: Option<Action>, key: KeyEvent) -> EditorKey {
        match action {
            Some(Action::Submit) => EditorKey::Send,
            Some(Action::Back) => EditorKey::Cancel,
            _ => {
                self.input.input(key);
                EditorKey::Consumed
            }
        }
    }

    /// Moves the view (and the cursor with it) by `rows`.
    pub(crate) fn scroll(&mut self, rows: i16) {
        self.input.scroll((rows, 0));
    }

    /// What Ctrl-S sends: the stored bytes when nothing changed, edited JSON compacted
    /// again (the signature then covers exactly what is sent), anything else as typed.
    /// A JSON body edited into something that no longer parses is refused, with the
    /// cursor put where it breaks.
    pub(crate) fn pending(&mut self) -> Result<Pending, String> {
        let text = self.text();
        let mut pending = Pending::stored(self.delivery.clone());
        if text == self.opened {
            pending
                .notes
                .push("the body was not changed, so it went as stored".into());
            return Ok(pending);
        }
        let body = if self.pretty {
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) => serde_json::to_vec(&v).unwrap_or_else(|_| text.clone().into_bytes()),
                Err(e) => {
                    let (line, column) = (e.line(), e.column());
                    self.input.move_cursor(ratatui_textarea::CursorMove::Jump(
                        u16::try_from(line.saturating_sub(1)).unwrap_or(u16::MAX),
                        u16::try_from(column.saturating_sub(1)).unwrap_or(u16::MAX),
                    ));
                    let what = e.to_string();
                    let what = what
                        .rsplit_once(" at line ")
                        .map_or(what.as_str(), |(w, _)| w);
                    return Err(format!(
                        "The body is not valid JSON at line {line}, column {column}: {what}. \
                         Fix it, or Esc to cancel."
                    ));
                }
            }
        } else {
            text.into_bytes()
        };
        pending.edited = Some(body);
        Ok(pending)
    }
}
