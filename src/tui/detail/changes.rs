//! The Changes tab: what differs from the previous delivery about the same subject.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Span;
use serde_json::Value;

use super::DetailOutcome;
use super::component::{Component, ENDS, Hint, SCROLL};
use super::json_diff::{self, Difference, Kind};
use super::labels::{short_id, time, vendor_name};
use crate::model::Delivery;
use crate::model::ProviderId;
use crate::provider;
use crate::signature::human_duration;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::doc::{self, Doc, safe};
use crate::tui::widgets::scroll::{self, Scroll};

/// More differences than this are counted, not listed.
const MAX_LISTED: usize = 2000;
/// Longest value shown in a difference line.
const MAX_VALUE_CHARS: usize = 300;

#[derive(Debug, Clone, PartialEq)]
enum Comparison {
    NoPrevious,
    Json {
        diffs: Vec<Difference>,
        bytes_equal: bool,
    },
    /// One body or both are not JSON.
    Bytes {
        old: Vec<u8>,
        new: Vec<u8>,
    },
}

/// Which delivery this one is compared with.
#[derive(Debug, Clone, PartialEq)]
struct Previous {
    id: String,
    received_at: DateTime<Utc>,
    event: Option<String>,
}

impl Component for ChangesView {
    fn render(&self, _: &Delivery, theme: Theme, area: Rect, buf: &mut Buffer) {
        self.draw(theme, area, buf);
    }

    fn handle(&mut self, action: Action) -> DetailOutcome {
        if self.scroll.act(action) {
            DetailOutcome::Consumed
        } else {
            DetailOutcome::Ignored
        }
    }

    fn hints(&self) -> Vec<Hint> {
        vec![SCROLL, ENDS]
    }

    fn applies(&self) -> bool {
        self.previous.is_some()
    }
}

pub(crate) struct ChangesView {
    comparison: Comparison,
    previous: Option<Previous>,
    received_at: DateTime<Utc>,
    event: Option<String>,
    subject: Option<String>,
    provider: ProviderId,
    /// JobMojito's own list of the fields that changed.
    reason: Option<String>,
    scroll: Scroll,
}

impl ChangesView {
    pub(crate) fn new(
        delivery: &Delivery,
        json: Option<&Value>,
        previous: Option<&Delivery>,
    ) -> Self {
        let comparison = match previous {
            None => Comparison::NoPrevious,
            Some(p) => match (provider::body_json(&p.request.body), json) {
                (Some(old), Some(new)) => Comparison::Json {
                    diffs: json_diff::diff(&old, new),
                    bytes_equal: p.request.body == delivery.request.body,
                },
                _ => Comparison::Bytes {
                    old: p.request.body.to_vec(),
                    new: delivery.request.body.to_vec(),
                },
            },
        };
        Self {
            comparison,
            previous: previous.map(|p| Previous {
                id: p.id.clone(),
                received_at: p.received_at,
                event: p.findings.event.clone(),
            }),
            received_at: delivery.received_at,
            event: delivery.findings.event.clone(),
            subject: delivery.findings.subject.clone(),
            provider: delivery.findings.provider,
            reason: json
                .filter(|_| delivery.findings.provider == ProviderId::JOBMOJITO)
                .and_then(|v| v.get("reason"))
                .and_then(Value::as_str)
                .map(str::to_string),
            scroll: Scroll::default(),
        }
    }

    fn doc(&self, t: Theme, width: usize) -> Doc {
        let mut d = Doc::new(width, t);
        let Some(prev) = &self.previous else {
            self.no_previous(&mut d);
            return d;
        };
        d.heading("Compared with");
        let earlier = self
            .received_at
            .signed_duration_since(prev.received_at)
            .num_seconds();
        let when = if earlier >= 0 {
            format!("{} earlier", human_duration(earlier.unsigned_abs()))
        } else {
            format!("{} later", human_duration(earlier.unsigned_abs()))
        };
        d.field(
            "Delivery",
            &format!(
                "{} received {} ({when})",
                short_id(&prev.id),
                time(prev.received_at)
            ),
        );
        if prev.event.is_some() || self.event.is_some() {
            let ev = |e: &Option<String>| e.clone().unwrap_or_else(|| "no event".into());
            d.field(
                "Event",
                &format!("{} → {}", ev(&prev.event), ev(&self.event)),
            );
        }
        if let Some(s) = &self.subject {
            d.field("Subject", s);
        }
        if let Some(r) = &self.reason {
            d.field(
                "Reason",
                &format!("{r} (the fields JobMojito says changed)"),
            );
        }
        match &self.comparison {
            Comparison::Json { diffs, bytes_equal } => json_section(&mut d, diffs, *bytes_equal),
            Comparison::Bytes { old, new } => bytes_section(&mut d, old, new),
            Comparison::NoPrevious => {}
        }
        d
    }

    fn no_previous(&self, d: &mut Doc) {
        let t = d.theme;
        d.heading("No earlier delivery");
        match &self.subject {
            Some(s) => d.text(
                &format!(
                    "This is the first {} delivery about {s} in the history, so there is \
                     nothing to compare it with.",
                    vendor_name(self.provider)
                ),
                0,
                t.missing(),
            ),
            None => d.text(
                "This delivery names no subject (candidate, interview or response), so it \
                 cannot be matched with an earlier one.",
                0,
                t.missing(),
            ),
        }
        if self.provider == ProviderId::CLASSET {
            d.blank();
            d.note("Classet's own from → to changes for this delivery are on the Summary tab (1).");
        }
    }

    fn draw(&self, t: Theme, area: Rect, buf: &mut Buffer) {
        let d = self.doc(t, usize::from(scroll::text_area(area).width));
        scroll::render_lines(&d.lines, &self.scroll, t, area, buf);
    }
}

fn value_text(v: Option<&Value>) -> String {
    let text = v.map_or_else(|| "(absent)".to_string(), Value::to_string);
    if text.chars().count() > MAX_VALUE_CHARS {
        let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn json_section(d: &mut Doc, diffs: &[Difference], bytes_equal: bool) {
    let t = d.theme;
    if diffs.is_empty() {
        d.heading("No differences");
        let how = if bytes_equal {
            "The bodies are identical, byte for byte."
        } else {
            "The bodies hold the same JSON; only their formatting differs byte-wise."
        };
        d.note(how);
        return;
    }
    let count = |k: Kind| diffs.iter().filter(|x| x.kind == k).count();
    d.heading(&format!(
        "{} difference{}: +{} added · -{} removed · ~{} changed",
        diffs.len(),
        if diffs.len() == 1 { "" } else { "s" },
        count(Kind::Added),
        count(Kind::Removed),
        count(Kind::Changed)
    ));
    for x in diffs.iter().take(MAX_LISTED) {
        let bold = Modifier::BOLD;
        let spans = match x.kind {
            Kind::Added => vec![
                Span::styled("+ ", t.good().add_modifier(bold)),
                safe(&x.path, t.good()),
                Span::raw(": "),
                safe(&value_text(x.new.as_ref()), t.good()),
            ],
            Kind::Removed => vec![
                Span::styled("- ", t.bad().add_modifier(bold)),
                safe(&x.path, t.bad()),
                Span::raw(": "),
                safe(&value_text(x.old.as_ref()), t.bad()),
            ],
            Kind::Changed => vec![
                Span::styled("~ ", t.warn().add_modifier(bold)),
                safe(&x.path, t.warn()),
                Span::raw(": "),
                safe(&value_text(x.old.as_ref()), t.bad()),
                Span::raw(" → "),
                safe(&value_text(x.new.as_ref()), t.good()),
            ],
        };
        d.spans_wrapped(spans, 4);
    }
    if diffs.len() > MAX_LISTED {
        d.note(&format!("… and {} more.", diffs.len() - MAX_LISTED));
    }
}

fn bytes_section(d: &mut Doc, old: &[u8], new: &[u8]) {
    let t = d.theme;
    d.heading("Byte comparison");
    d.note("At least one of the bodies is not JSON, so they are compared byte by byte.");
    if old == new {
        d.field_styled(
            "Result",
            &format!("equal ({})", doc::bytes(new.len() as u64)),
            t.good(),
        );
        return;
    }
    let first = old
        .iter()
        .zip(new)
        .position(|(a, b)| a != b)
        .unwrap_or(old.len().min(new.len()));
    d.field_styled(
        "Result",
        &format!(
            "different: {} before, {} now; first difference at byte {first}",
            doc::bytes(old.len() as u64),
            doc::bytes(new.len() as u64)
        ),
        t.warn(),
    );
    d.field_spans(
        "",
        vec![Span::styled("The Body tab (6) shows this body.", t.dim())],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ids_keep_the_time_ordered_prefix() {
        assert_eq!(
            short_id("0190abcd-1234-7000-8000-000000000001"),
            "0190abcd-1234…"
        );
        assert_eq!(short_id("abc"), "abc");
    }

    #[test]
    fn long_values_are_cut() {
        let long = Value::String("x".repeat(1000));
        assert!(value_text(Some(&long)).ends_with('…'));
        assert_eq!(value_text(None), "(absent)");
    }
}
