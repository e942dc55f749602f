//! Classet: the vendor's own `changes` as from → to, then the interview data; or, for
//! the deprecated `call_completed`, the call, its analysis and the questions asked.

use chrono::DateTime;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::super::json_view::JsonRows;
use super::number;
use crate::provider::classet::{CallCompleted, InterviewUpdate, Kind, Summary};
use crate::signature::human_duration;
use crate::tui::widgets::doc::{Doc, safe};

pub(crate) fn render(d: &mut Doc, s: &Summary) {
    let t = d.theme;
    match &s.kind {
        Kind::InterviewUpdated(u) => interview_updated(d, u),
        Kind::CallCompleted(c) => call_completed(d, c),
        Kind::Unrecognised => {
            d.heading("Classet payload");
            d.text(
                "Neither of Classet's shapes (candidate.interview.updated with changes and \
                 data, or the deprecated call_completed): the Body tab (6) shows it as it \
                 arrived.",
                0,
                t.missing(),
            );
        }
    }
}

/// A JSON value for one diff side: strings bare, `null` as such, others compact.
fn side(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn interview_updated(d: &mut Doc, u: &InterviewUpdate) {
    let t = d.theme;
    d.heading(&format!("Changes sent by Classet ({})", u.changes.len()));
    if u.changes.is_empty() {
        d.text("The delivery lists no changed fields.", 0, t.missing());
    }
    for c in &u.changes {
        d.spans_wrapped(
            vec![
                safe(&c.field, t.label()),
                Span::raw(": "),
                safe(&side(&c.from), t.bad()),
                Span::raw(" → "),
                safe(&side(&c.to), t.good()),
            ],
            4,
        );
    }
    d.heading("Interview data");
    let Some(data) = &u.data else {
        d.text("data: not present in this delivery.", 0, t.missing());
        return;
    };
    d.field_opt("Candidate", data.candidate_id.as_deref());
    match &data.interview_outcome {
        Some(o) => {
            let mut spans = vec![safe(o.as_str(), t.strong())];
            if o.label() != o.as_str() {
                spans.push(safe(&format!(" ({})", o.label()), t.dim()));
            }
            d.field_spans("Outcome", spans);
        }
        None => d.field_spans(
            "Outcome",
            vec![Span::styled(
                "none yet (null: not completed or not determined)",
                t.missing(),
            )],
        ),
    }
    d.field_opt("Sent at", data.interview_sent_at.as_deref());
    d.field_opt("Completed at", data.interview_completed_at.as_deref());
    d.field_opt("Summary", data.interview_summary.as_deref());
    match &data.interview_custom_data {
        Some(v) => {
            d.push(Line::from(Span::styled("Custom data", t.label())));
            for line in JsonRows::new(v).all_lines(d.theme) {
                let mut spans = vec![Span::raw("  ")];
                spans.extend(line.spans);
                d.push(Line::from(spans));
            }
        }
        None => d.missing("Custom data"),
    }
}

fn unix(t: Option<i64>) -> Option<String> {
    DateTime::from_timestamp(t?, 0).map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
}

fn call_completed(d: &mut Doc, c: &CallCompleted) {
    let t = d.theme;
    d.heading("Classet call (deprecated call_completed)");
    let mut who = c
        .candidate_id
        .clone()
        .unwrap_or_else(|| "(no candidate id)".into());
    if let Some(p) = &c.candidate_phone {
        who.push_str(&format!(" · {p}"));
    }
    d.field("Candidate", &who);
    let job = match (&c.job_title, &c.job_id) {
        (Some(t), Some(id)) => Some(format!("{t} ({id})")),
        (t, id) => t.clone().or_else(|| id.clone()),
    };
    d.field_opt("Job", job.as_deref());
    d.field_opt("Call status", c.call_status.as_deref());
    d.field_opt("Call id", c.call_id.as_deref());
    match &c.call_details {
        Some(x) => {
            let parts: Vec<String> = [
                x.duration.map(|s| human_duration(s.max(0.0) as u64)),
                unix(x.start_time).map(|s| format!("started {s}")),
                x.e2e_latency.map(|l| format!("latency {} ms", number(l))),
            ]
            .into_iter()
            .flatten()
            .collect();
            d.field("Call", &parts.join(" · "));
            d.field_opt("Org phone", x.org_phone_number.as_deref());
        }
        None => d.missing("Call details"),
    }
    d.field_opt("Recording", c.recording_url.as_deref());
    d.heading("Call analysis");
    match c.call_details.as_ref().and_then(|x| x.analysis.as_ref()) {
        Some(a) => {
            d.field_opt("Summary", a.call_summary.as_deref());
            d.field_opt("User mood", a.user_sentiment.as_deref());
            d.field_opt("Agent mood", a.agent_sentiment.as_deref());
            rating(
                d,
                "Completion",
                a.call_completion_rating.as_deref(),
                a.call_completion_rating_reason.as_deref(),
            );
            rating(
                d,
                "Agent task",
                a.agent_task_completion_rating.as_deref(),
                a.agent_task_completion_rating_reason.as_deref(),
            );
        }
        None => d.text(
            "call_analysis: not present in this delivery.",
            0,
            t.missing(),
        ),
    }
    d.heading(&format!("Questions and answers ({})", c.questions.len()));
    if c.questions.is_empty() {
        d.text("No questions listed.", 0, t.missing());
    }
    for q in &c.questions {
        d.item(
            Span::styled("Q ", t.label()),
            q.question.as_deref().unwrap_or("(no question)"),
            Style::new(),
        );
        match &q.answer {
            Some(a) => d.item(Span::styled("A ", t.good()), a, Style::new()),
            None => d.item(Span::styled("A ", t.missing()), "no answer", t.missing()),
        }
    }
    d.blank();
    d.note(&format!(
        "The transcript ({} turns) is on the Transcript tab (2).",
        c.transcript.len()
    ));
}

fn rating(d: &mut Doc, label: &str, value: Option<&str>, reason: Option<&str>) {
    match (value, reason) {
        (Some(v), Some(r)) => d.field(label, &format!("{v}: {r}")),
        (Some(v), None) => d.field(label, v),
        (None, Some(r)) => d.field(label, &format!("(no rating): {r}")),
        (None, None) => d.missing(label),
    }
}
