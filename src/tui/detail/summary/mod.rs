//! The Summary tab: what the delivery says, read the way each vendor means it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use serde_json::Value;

use super::DetailOutcome;
use super::component::{Component, ENDS, Hint, SCROLL};
use super::labels::{short_id, time, vendor_name};
use super::verification::verdict_spans;
use crate::config::Config;
use crate::model::{Delivery, Forward, ProviderId};
use crate::provider::{self, Policy, Summary, Understanding};
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use crate::tui::widgets::doc::{self, Doc};
use crate::tui::widgets::scroll::{self, Scroll};

mod brilliant;
mod classet;
mod clearspeed;
mod jobmojito;
mod outline;
mod talentsprout;

/// From this width on, the summary is laid out in two columns.
const TWO_COLUMNS: usize = 160;

impl Component for SummaryView {
    fn render(&self, delivery: &Delivery, theme: Theme, area: Rect, buf: &mut Buffer) {
        self.draw(delivery, theme, area, buf);
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
}

pub(crate) struct SummaryView {
    understanding: Understanding,
    fetched: Option<Value>,
    /// Brilliant's API base and key are set, so the full response can be fetched.
    fetch_configured: bool,
    /// hookscope's configured delay outlasts the vendor's timeout.
    delay_warning: Option<String>,
    scroll: Scroll,
}

impl SummaryView {
    pub(crate) fn new(
        delivery: &Delivery,
        json: Option<&Value>,
        fetched: Option<Value>,
        config: &Config,
    ) -> Self {
        let b = &config.providers.brilliant;
        Self {
            understanding: provider::understand(
                delivery.findings.provider,
                &delivery.request,
                json,
            ),
            fetched,
            fetch_configured: provider::brilliant::api_configured(b),
            delay_warning: provider::configured_delay_warning(delivery.findings.provider, config),
            scroll: Scroll::default(),
        }
    }

    pub(crate) fn summary(&self) -> &Summary {
        &self.understanding.summary
    }

    fn doc(&self, delivery: &Delivery, t: Theme, width: usize) -> Doc {
        let mut d = Doc::new(width, t);
        self.overview(&mut d, delivery);
        match &self.understanding.summary {
            Summary::Clearspeed(s) => clearspeed::render(&mut d, s),
            Summary::Talentsprout(s) => talentsprout::render(&mut d, s),
            Summary::Brilliant(s) => {
                brilliant::render(&mut d, s, self.fetched.as_ref(), self.fetch_configured)
            }
            Summary::Classet(s) => classet::render(&mut d, s),
            Summary::Jobmojito(s) => {
                jobmojito::render(&mut d, s, self.understanding.event_inferred)
            }
            Summary::Outline(o) => outline::render(&mut d, o),
            Summary::Unknown => unknown(&mut d, delivery),
        }
        d
    }

    fn overview(&self, d: &mut Doc, delivery: &Delivery) {
        let t = d.theme;
        let u = &self.understanding;
        d.heading("Delivery");
        d.field(
            "Provider",
            &format!(
                "{} (detected by {})",
                delivery.findings.provider,
                delivery.findings.detected_by.as_str()
            ),
        );
        match (&u.event, u.event_inferred) {
            (Some(e), true) => d.field("Event", &format!("{e} (inferred from the body)")),
            (Some(e), false) => d.field("Event", e),
            (None, _) => d.missing("Event"),
        }
        d.field_opt("Subject", u.subject.as_deref());
        d.field(
            "Received",
            &format!(
                "{} · {} · answered {}",
                time(delivery.received_at),
                short_id(&delivery.id),
                delivery.response_status
            ),
        );
        if let Some(of) = &delivery.replay_of {
            d.field("Replay of", &short_id(of));
        }
        let mut v = verdict_spans(&delivery.findings.verification, t);
        v.push(Span::styled("  (tab 4)", t.dim()));
        d.field_spans("Verification", v);
        if let Some(w) = own_answer_warning(delivery) {
            d.field_styled("Our answer", &w, t.warn());
        }
        if let Some(w) = &self.delay_warning {
            d.field_styled("Our answer", w, t.warn());
        }
        if let Some(f) = &delivery.forward {
            forwarded(d, f);
        }
    }

    fn draw(&self, delivery: &Delivery, t: Theme, area: Rect, buf: &mut Buffer) {
        let width = usize::from(scroll::text_area(area).width);
        // Wide screens read better as two columns than as very long lines.
        if width >= TWO_COLUMNS {
            let d = self.doc(delivery, t, width.saturating_sub(2) / 2);
            let (left, right) = d.halves();
            scroll::render_columns(left, right, &self.scroll, t, area, buf);
        } else {
            let d = self.doc(delivery, t, width);
            scroll::render_lines(&d.lines, &self.scroll, t, area, buf);
        }
    }
}

/// Bytes of the app's answer shown; the rest is in the store.
const ANSWER_SHOWN: usize = 300;

/// What the user's app made of the delivery (`--forward-to`): its status, how long it
/// took, the start of its answer, and where the vendor would count it as failed.
fn forwarded(d: &mut Doc, f: &Forward) {
    let t = d.theme;
    d.heading("Your app");
    d.field("Forwarded to", &f.url);
    match (f.status, &f.error) {
        (Some(s), _) => {
            let reason = reqwest::StatusCode::from_u16(s)
                .ok()
                .and_then(|c| c.canonical_reason())
                .unwrap_or("");
            let style = if (200..300).contains(&s) {
                t.good()
            } else {
                t.bad()
            };
            d.field_spans(
                "App answered",
                vec![
                    Span::styled(format!("{s} {reason}").trim_end().to_string(), style),
                    Span::raw(format!(" in {} ms", f.latency_ms)),
                ],
            );
        }
        (None, error) => d.field_styled(
            "App answered",
            &format!(
                "nothing: {} (after {} ms)",
                error.as_deref().unwrap_or("no answer"),
                f.latency_ms
            ),
            t.bad(),
        ),
    }
    if !f.body.is_empty() {
        let mut shown: String = f.body.chars().take(ANSWER_SHOWN).collect();
        if shown.len() < f.body.len() {
            shown.push('…');
        }
        d.field("Its answer", &shown);
    }
    for w in &f.warnings {
        d.field_styled("Warning", w, t.warn());
    }
}

/// When hookscope's own answer (its configured status) is one the vendor counts as a
/// failed delivery, though the delivery itself was not refused.
fn own_answer_warning(delivery: &Delivery) -> Option<String> {
    if delivery.findings.provider == ProviderId::UNKNOWN
        || delivery.findings.verification.status == crate::signature::Status::Failed
    {
        return None;
    }
    let policy = Policy::for_provider(
        delivery.findings.provider,
        std::time::Duration::from_secs(1),
    );
    let s = delivery.response_status;
    if policy.acknowledges(s) {
        return None;
    }
    let rule = policy.ack_rule();
    Some(format!(
        "{} {rule}: hookscope answered {s} (its configured answer), so the vendor counts \
         this delivery as failed.",
        vendor_name(delivery.findings.provider)
    ))
}

/// What is known about a body no vendor view applies to.
fn unknown(d: &mut Doc, delivery: &Delivery) {
    let t = d.theme;
    let body = &delivery.request.body;
    let kind = if provider::body_json(body).is_some() {
        "JSON"
    } else if body.is_empty() {
        "nothing"
    } else if std::str::from_utf8(body).is_ok() {
        "text that is not JSON"
    } else {
        "binary data (not UTF-8)"
    };
    d.heading("Payload");
    d.field(
        "Body",
        &format!("{} of {kind}", doc::bytes(delivery.request.body_bytes)),
    );
    let why = match delivery.findings.provider {
        ProviderId::UNKNOWN => "No vendor was recognised from the path, the headers or the body's \
                                shape, so there is no vendor view."
            .to_string(),
        p => format!(
            "The body is not JSON, so the {} fields cannot be read.",
            vendor_name(p)
        ),
    };
    d.text(&why, 0, t.missing());
    d.note("The Body tab (6) shows the body as it arrived; the Headers tab (5) what came with it.");
}

/// A `yes`/`no` span, `good` saying which answer is the reassuring one.
pub(crate) fn flag(t: Theme, value: Option<bool>, good: bool) -> Span<'static> {
    match value {
        Some(v) if v == good => Span::styled(if v { "yes" } else { "no" }, t.good()),
        Some(v) => Span::styled(if v { "yes" } else { "no" }, t.bad()),
        None => Span::styled("not present", t.missing()),
    }
}

/// A number without a needless `.0`.
pub(crate) fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// `█████▍░░░░  82`: a score out of `max` as a bar `width` cells wide.
pub(crate) fn bar(t: Theme, score: Option<f64>, max: f64, width: usize) -> Vec<Span<'static>> {
    let Some(score) = score else {
        return vec![Span::styled("not present", t.missing())];
    };
    let ratio = (score / max).clamp(0.0, 1.0);
    let eighths = (ratio * width as f64 * 8.0).round() as usize;
    let (full, part) = (eighths / 8, eighths % 8);
    let mut filled = "█".repeat(full);
    if part > 0 {
        filled.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][part - 1]);
    }
    let rest = width.saturating_sub(full + usize::from(part > 0));
    let style = match ratio {
        r if r >= 0.75 => t.good(),
        r if r >= 0.5 => t.warn(),
        _ => t.bad(),
    };
    vec![
        Span::styled(filled, style),
        Span::styled("░".repeat(rest), t.dim()),
        Span::styled(format!(" {:>3}", number(score)), Style::new()),
    ]
}

/// Bar width for a document: what is left after a label, capped.
pub(crate) fn bar_width(d: &Doc, label: usize) -> usize {
    d.width.saturating_sub(label + 5).clamp(4, 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_in_eighths() {
        let text =
            |s: Vec<Span<'static>>| s.iter().map(|s| s.content.to_string()).collect::<String>();
        let t = Theme::colored();
        assert_eq!(text(bar(t, Some(50.0), 100.0, 4)), "██░░  50");
        assert_eq!(text(bar(t, Some(82.0), 100.0, 10)), "████████▎░  82");
        assert_eq!(text(bar(t, Some(150.0), 100.0, 2)), "██ 150");
        assert_eq!(text(bar(t, None, 100.0, 2)), "not present");
    }

    #[test]
    fn numbers_drop_a_whole_fraction() {
        assert_eq!(number(82.0), "82");
        assert_eq!(number(7.8), "7.8");
    }
}
