//! Pretty JSON as rows: one per line of the pretty-printed document, with syntax colours
//! and foldable objects and arrays. Rows are built once; only the visible ones become
//! `Line`s, so a large body costs nothing per frame beyond the screen.

use std::collections::BTreeSet;

use ratatui::text::{Line, Span};
use serde_json::Value;

use crate::sanitize;
use crate::tui::theme::{Scalar, Theme};

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// `{` or `[` with the index of its closing row and how many children it has.
    Open {
        close: usize,
        brace: bool,
        children: usize,
    },
    Close {
        brace: bool,
    },
    /// A scalar, or an empty `{}` / `[]`, already written as JSON text.
    Leaf {
        text: String,
        scalar: Scalar,
    },
}

#[derive(Debug, Clone, PartialEq)]
struct Row {
    depth: usize,
    /// The object key, as JSON text (quoted and escaped).
    key: Option<String>,
    kind: Kind,
    comma: bool,
}

/// A JSON document as foldable rows.
#[derive(Debug, Clone)]
pub(crate) struct JsonRows {
    rows: Vec<Row>,
    /// Indices of folded `Open` rows.
    folded: BTreeSet<usize>,
    /// Indices of the rows shown, in order, given what is folded.
    visible: Vec<usize>,
}

impl JsonRows {
    pub(crate) fn new(value: &Value) -> Self {
        let mut rows = Vec::new();
        flatten(value, None, 0, false, &mut rows);
        let visible = (0..rows.len()).collect();
        Self {
            rows,
            folded: BTreeSet::new(),
            visible,
        }
    }

    pub(crate) fn visible_len(&self) -> usize {
        self.visible.len()
    }

    /// Folds or unfolds the container on visible row `at` (its opening or closing line).
    /// Returns the visible index of the container's first line afterwards.
    pub(crate) fn toggle(&mut self, at: usize) -> Option<usize> {
        let row = *self.visible.get(at)?;
        let open = self.open_of(row)?;
        if !self.folded.remove(&open) {
            self.folded.insert(open);
        }
        self.refresh();
        self.visible.iter().position(|r| *r == open)
    }

    /// Folds every container below the top level, so the top-level keys show.
    pub(crate) fn fold_all(&mut self) {
        self.folded = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.depth > 0 && matches!(r.kind, Kind::Open { .. }))
            .map(|(i, _)| i)
            .collect();
        self.refresh();
    }

    pub(crate) fn unfold_all(&mut self) {
        self.folded.clear();
        self.refresh();
    }

    #[cfg(test)]
    pub(crate) fn is_folded(&self, at: usize) -> bool {
        self.visible
            .get(at)
            .is_some_and(|r| self.folded.contains(r))
    }

    /// The `Open` row a row belongs to when it opens or closes a container.
    fn open_of(&self, row: usize) -> Option<usize> {
        match self.rows.get(row)?.kind {
            Kind::Open { .. } => Some(row),
            Kind::Close { .. } => self.rows[..row]
                .iter()
                .rposition(|r| matches!(r.kind, Kind::Open { close, .. } if close == row)),
            Kind::Leaf { .. } => None,
        }
    }

    fn refresh(&mut self) {
        let mut visible = Vec::with_capacity(self.rows.len());
        let mut i = 0;
        while i < self.rows.len() {
            visible.push(i);
            i = match self.rows[i].kind {
                Kind::Open { close, .. } if self.folded.contains(&i) => close + 1,
                _ => i + 1,
            };
        }
        self.visible = visible;
    }

    /// Visible row `at` as a coloured line, with a fold marker in a two-cell gutter.
    pub(crate) fn line(&self, at: usize, gutter: bool, t: Theme) -> Line<'static> {
        let Some(&index) = self.visible.get(at) else {
            return Line::default();
        };
        let row = &self.rows[index];
        let folded = self.folded.contains(&index);
        let mut spans = Vec::with_capacity(6);
        if gutter {
            let mark = match row.kind {
                Kind::Open { .. } if folded => "▸ ",
                Kind::Open { .. } => "▾ ",
                _ => "  ",
            };
            spans.push(Span::styled(mark, t.dim()));
        }
        spans.push(Span::raw("  ".repeat(row.depth)));
        if let Some(key) = &row.key {
            spans.push(Span::styled(sanitize::line(key), t.json_key()));
            spans.push(Span::raw(": "));
        }
        match &row.kind {
            Kind::Open {
                brace, children, ..
            } if folded => {
                let (o, c, what) = if *brace {
                    ('{', '}', if *children == 1 { "key" } else { "keys" })
                } else {
                    ('[', ']', if *children == 1 { "item" } else { "items" })
                };
                spans.push(Span::raw(format!("{o}…{c}")));
                if row_has_comma(self, index) {
                    spans.push(Span::raw(","));
                }
                spans.push(Span::styled(format!("  {children} {what}"), t.dim()));
                return Line::from(spans);
            }
            Kind::Open { brace, .. } => spans.push(Span::raw(if *brace { "{" } else { "[" })),
            Kind::Close { brace } => spans.push(Span::raw(if *brace { "}" } else { "]" })),
            Kind::Leaf { text, scalar } => {
                spans.push(Span::styled(sanitize::line(text), t.json_scalar(*scalar)))
            }
        }
        if row.comma {
            spans.push(Span::raw(","));
        }
        Line::from(spans)
    }

    /// Every row, unfolded, without a gutter: for small documents shown inline.
    pub(crate) fn all_lines(&self, t: Theme) -> Vec<Line<'static>> {
        (0..self.visible.len())
            .map(|i| self.line(i, false, t))
            .collect()
    }
}

/// A folded container carries the comma of its closing row.
fn row_has_comma(rows: &JsonRows, open: usize) -> bool {
    match rows.rows[open].kind {
        Kind::Open { close, .. } => rows.rows.get(close).is_some_and(|r| r.comma),
        _ => false,
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

fn flatten(v: &Value, key: Option<String>, depth: usize, comma: bool, rows: &mut Vec<Row>) {
    let leaf = |text: String, scalar: Scalar| Kind::Leaf { text, scalar };
    let (brace, children): (bool, Vec<(Option<String>, &Value)>) = match v {
        Value::Object(m) if !m.is_empty() => {
            (true, m.iter().map(|(k, v)| (Some(quoted(k)), v)).collect())
        }
        Value::Array(a) if !a.is_empty() => (false, a.iter().map(|v| (None, v)).collect()),
        other => {
            let kind = match other {
                Value::Object(_) => leaf("{}".into(), Scalar::Empty),
                Value::Array(_) => leaf("[]".into(), Scalar::Empty),
                Value::String(s) => leaf(quoted(s), Scalar::String),
                Value::Number(n) => leaf(n.to_string(), Scalar::Number),
                Value::Bool(b) => leaf(b.to_string(), Scalar::Literal),
                Value::Null => leaf("null".into(), Scalar::Literal),
            };
            rows.push(Row {
                depth,
                key,
                kind,
                comma,
            });
            return;
        }
    };
    let open = rows.len();
    let count = children.len();
    rows.push(Row {
        depth,
        key,
        kind: Kind::Open {
            close: 0,
            brace,
            children: count,
        },
        comma: false,
    });
    for (i, (k, child)) in children.into_iter().enumerate() {
        flatten(child, k, depth + 1, i + 1 < count, rows);
    }
    let close = rows.len();
    rows.push(Row {
        depth,
        key: None,
        kind: Kind::Close { brace },
        comma,
    });
    if let Kind::Open { close: c, .. } = &mut rows[open].kind {
        *c = close;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(rows: &JsonRows) -> Vec<String> {
        (0..rows.visible_len())
            .map(|i| rows.line(i, true, Theme::colored()).to_string())
            .collect()
    }

    #[test]
    fn rows_print_like_pretty_json() {
        let v = json!({"a": 1, "b": [true, null], "c": {}, "d": "x"});
        let rows = JsonRows::new(&v);
        let pretty: Vec<String> = serde_json::to_string_pretty(&v)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        let ours: Vec<String> = rows
            .all_lines(Theme::colored())
            .iter()
            .map(|l| l.to_string())
            .collect();
        assert_eq!(ours, pretty);
    }

    #[test]
    fn folding_hides_children_and_toggles_back() {
        let mut rows = JsonRows::new(&json!({"a": {"x": 1, "y": 2}, "b": [1, 2, 3]}));
        assert_eq!(rows.visible_len(), 11);
        assert_eq!(rows.toggle(1), Some(1));
        assert_eq!(rows.visible_len(), 8);
        assert!(rows.is_folded(1));
        assert_eq!(text(&rows)[1], "▸   \"a\": {…},  2 keys");
        // Toggling on a closing line folds its container.
        let close_b = rows.visible_len() - 2;
        assert_eq!(rows.toggle(close_b), Some(2));
        assert_eq!(text(&rows)[2], "▸   \"b\": […]  3 items");
        rows.unfold_all();
        assert_eq!(rows.visible_len(), 11);
        rows.fold_all();
        assert_eq!(rows.visible_len(), 4);
        assert_eq!(rows.toggle(0), Some(0));
        assert_eq!(rows.visible_len(), 1);
        assert_eq!(rows.toggle(99), None);
    }

    #[test]
    fn hostile_strings_are_escaped() {
        let rows = JsonRows::new(&json!({"k\u{1b}": "a\u{1b}]0;x\u{7}\u{9b}"}));
        let all: String = rows
            .all_lines(Theme::colored())
            .iter()
            .map(|l| l.to_string())
            .collect();
        assert!(!all.chars().any(char::is_control), "{all:?}");
    }
}
