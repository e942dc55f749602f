//! The Body tab: pretty JSON with colours and folding, the text as it arrived, or a hex
//! dump. Only the rows on screen are turned into lines.

use bytes::Bytes;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::DetailOutcome;
use super::component::{Component, ENDS, Hint, SCROLL, hint};
use super::json_view::JsonRows;
use super::raw::{self, TextRows};
use crate::model::{Delivery, Request};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::doc;
use crate::tui::widgets::scroll::{self, Scroll};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Pretty,
    Text,
    Hex,
}

/// Columns one Left/Right press pans.
const PAN: usize = 8;

impl Component for BodyView {
    fn render(&self, _: &Delivery, theme: Theme, area: Rect, buf: &mut Buffer) {
        self.draw(theme, area, buf);
    }

    fn handle(&mut self, action: Action) -> DetailOutcome {
        self.act(action)
    }

    fn hints(&self) -> Vec<Hint> {
        let mut hints = vec![SCROLL, ENDS];
        if self.mode == Mode::Pretty {
            hints.push(hint(&[Action::Fold], "fold"));
            hints.push(hint(
                &[Action::FoldAll, Action::UnfoldAll],
                "fold/unfold all",
            ));
        }
        if self.json.is_some() || self.mode == Mode::Hex && self.text.is_some() {
            hints.push(hint(&[Action::Pretty], "pretty/raw"));
        }
        hints.push(hint(&[Action::Hex], "hex"));
        if self.mode != Mode::Text {
            hints.push(hint(&[Action::Left, Action::Right], "pan"));
        }
        hints
    }

    fn applies(&self) -> bool {
        !self.bytes.is_empty()
    }
}

pub(crate) struct BodyView {
    bytes: Bytes,
    /// The body when it is UTF-8.
    text: Option<String>,
    json: Option<JsonRows>,
    received: u64,
    truncated: bool,
    mode: Mode,
    /// Selected row in the pretty view: what Enter folds.
    cursor: usize,
    pan: usize,
    scroll: Scroll,
    text_rows: TextRows,
}

impl BodyView {
    pub(crate) fn new(req: &Request, json: Option<&serde_json::Value>) -> Self {
        let text = std::str::from_utf8(&req.body).ok().map(str::to_string);
        let json = json.map(JsonRows::new);
        let mode = match (&json, &text) {
            (Some(_), _) => Mode::Pretty,
            (None, Some(_)) => Mode::Text,
            (None, None) => Mode::Hex,
        };
        Self {
            bytes: req.body.clone(),
            text,
            json,
            received: req.body_bytes,
            truncated: req.body_truncated,
            mode,
            cursor: 0,
            pan: 0,
            scroll: Scroll::default(),
            text_rows: TextRows::default(),
        }
    }

    #[cfg(test)]
    pub(crate) fn mode(&self) -> Mode {
        self.mode
    }

    fn act(&mut self, action: Action) -> DetailOutcome {
        match action {
            Action::Pretty => return self.toggle_raw(),
            Action::Hex => return self.toggle_hex(),
            Action::Left => self.pan = self.pan.saturating_sub(PAN),
            Action::Right => self.pan = self.pan.saturating_add(PAN),
            _ if self.mode == Mode::Pretty => return self.pretty_act(action),
            _ if self.scroll.act(action) => {}
            _ => return DetailOutcome::Ignored,
        }
        DetailOutcome::Consumed
    }

    fn pretty_act(&mut self, action: Action) -> DetailOutcome {
        let Some(json) = self.json.as_mut() else {
            return DetailOutcome::Ignored;
        };
        let last = json.visible_len().saturating_sub(1);
        let page = self.scroll.height().saturating_sub(1).max(1);
        self.cursor = match action {
            Action::Down => self.cursor.saturating_add(1),
            Action::Up => self.cursor.saturating_sub(1),
            Action::PageDown => self.cursor.saturating_add(page),
            Action::PageUp => self.cursor.saturating_sub(page),
            Action::Top => 0,
            Action::Bottom => last,
            Action::Fold => match json.toggle(self.cursor) {
                Some(at) => at,
                None => return DetailOutcome::Consumed,
            },
            Action::FoldAll => {
                json.fold_all();
                0
            }
            Action::UnfoldAll => {
                json.unfold_all();
                0
            }
            _ => return DetailOutcome::Ignored,
        }
        .min(json.visible_len().saturating_sub(1));
        DetailOutcome::Consumed
    }

    fn toggle_raw(&mut self) -> DetailOutcome {
        self.mode = match (self.mode, self.json.is_some(), self.text.is_some()) {
            (Mode::Pretty, _, true) => Mode::Text,
            (Mode::Text | Mode::Hex, true, _) => Mode::Pretty,
            (Mode::Hex, false, true) => Mode::Text,
            (_, false, true) => {
                return DetailOutcome::Message(
                    "The body is not JSON: it shows as it arrived.".into(),
                );
            }
            _ => {
                return DetailOutcome::Message(
                    "The body is not UTF-8 text: only the hex dump applies.".into(),
                );
            }
        };
        self.scroll.set(0);
        DetailOutcome::Consumed
    }

    fn toggle_hex(&mut self) -> DetailOutcome {
        self.mode = match (self.mode, self.json.is_some(), self.text.is_some()) {
            (Mode::Hex, true, _) => Mode::Pretty,
            (Mode::Hex, false, true) => Mode::Text,
            (Mode::Hex, false, false) => {
                return DetailOutcome::Message(
                    "The body is not UTF-8 text: only the hex dump applies.".into(),
                );
            }
            _ => Mode::Hex,
        };
        self.scroll.set(0);
        DetailOutcome::Consumed
    }

    fn draw(&self, t: Theme, area: Rect, buf: &mut Buffer) {
        if area.height == 0 || area.width == 0 {
            return;
        }
        let mut info = vec![Span::styled(
            format!(
                "{} · {}",
                match self.mode {
                    Mode::Pretty => "pretty JSON",
                    Mode::Text if self.json.is_some() => "raw text",
                    Mode::Text => "text (not JSON)",
                    Mode::Hex if self.text.is_none() => "hex (not UTF-8)",
                    Mode::Hex => "hex",
                },
                doc::bytes(self.bytes.len() as u64)
            ),
            t.dim(),
        )];
        if self.truncated {
            info.push(Span::styled(
                format!(
                    " · truncated: only the first {} of {} were kept",
                    doc::bytes(self.bytes.len() as u64),
                    doc::bytes(self.received)
                ),
                t.warn(),
            ));
        }
        buf.set_line(area.x, area.y, &Line::from(info), area.width);
        let content = Rect {
            y: area.y.saturating_add(1),
            height: area.height.saturating_sub(1),
            ..area
        };
        if content.height == 0 {
            return;
        }
        if self.bytes.is_empty() {
            let line = Line::styled("The body is empty.", t.dim());
            buf.set_line(content.x, content.y, &line, content.width);
            return;
        }
        let inner = scroll::text_area(content);
        let width = usize::from(inner.width);
        let height = usize::from(content.height);
        let (total, line_at): (usize, Box<dyn Fn(usize) -> Line<'static> + '_>) =
            match (self.mode, &self.json, &self.text) {
                (Mode::Pretty, Some(json), _) => {
                    (json.visible_len(), Box::new(move |i| json.line(i, true, t)))
                }
                (Mode::Text | Mode::Pretty, _, Some(text)) => (
                    self.text_rows.len(text, width),
                    Box::new(move |i| self.text_rows.line(text, width, i)),
                ),
                _ => {
                    let per_row = raw::hex_bytes_per_row(width);
                    (
                        raw::hex_rows(self.bytes.len(), per_row),
                        Box::new(move |i| raw::hex_line(&self.bytes, per_row, i, t)),
                    )
                }
            };
        self.scroll.fit(total, height);
        let pretty = self.mode == Mode::Pretty && self.json.is_some();
        if pretty {
            self.scroll.reveal(self.cursor.min(total.saturating_sub(1)));
        }
        let pan = if self.mode == Mode::Text { 0 } else { self.pan };
        let first = self.scroll.offset();
        for (row, i) in (first..total.min(first + height)).enumerate() {
            let y = content.y + row as u16;
            scroll::set_line_panned(buf, inner.x, y, &line_at(i), pan, inner.width);
            if pretty && i == self.cursor {
                buf.set_style(Rect::new(inner.x, y, inner.width, 1), t.cursor_row());
            }
        }
        scroll::render_scrollbar(total, &self.scroll, t, content, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::detail::Tab;
    use crate::tui::keymap::{Keymap, Scope};
    use crossterm::event::{KeyCode, KeyEvent};

    fn req(body: &[u8]) -> Request {
        Request::post("/", &[], body)
    }

    fn view(body: &[u8]) -> BodyView {
        let json = crate::provider::body_json(body);
        BodyView::new(&req(body), json.as_ref())
    }

    fn press(v: &mut BodyView, c: KeyCode) {
        let action = Keymap::default().action_in(Scope::Tab(Tab::Body), &KeyEvent::from(c));
        v.handle(action.expect("a key of the tab"));
    }

    #[test]
    fn modes_follow_what_the_body_is() {
        assert_eq!(view(b"{\"a\":1}").mode(), Mode::Pretty);
        assert_eq!(view(b"a=1&b=2").mode(), Mode::Text);
        assert_eq!(view(b"\xff\xfe\x00").mode(), Mode::Hex);
        let mut v = view(b"{\"a\":1}");
        press(&mut v, KeyCode::Char('p'));
        assert_eq!(v.mode(), Mode::Text);
        press(&mut v, KeyCode::Char('x'));
        assert_eq!(v.mode(), Mode::Hex);
        press(&mut v, KeyCode::Char('x'));
        assert_eq!(v.mode(), Mode::Pretty);
        let mut bin = view(b"\xff");
        assert!(matches!(
            bin.handle(Action::Pretty),
            DetailOutcome::Message(_)
        ));
    }

    #[test]
    fn enter_folds_the_selected_container() {
        let mut v = view(br#"{"a":{"b":1,"c":2},"d":3}"#);
        press(&mut v, KeyCode::Down);
        press(&mut v, KeyCode::Enter);
        let json = v.json.as_ref().expect("json");
        assert!(json.is_folded(1));
        assert_eq!(json.visible_len(), 4);
        press(&mut v, KeyCode::Char(' '));
        assert_eq!(v.json.as_ref().map(JsonRows::visible_len), Some(7));
        press(&mut v, KeyCode::Char('G'));
        assert_eq!(v.cursor, 6);
        press(&mut v, KeyCode::Char('z'));
        assert_eq!(v.cursor, 0);
    }
}
