//! TalentSprout: candidate, interview, scores as bars, integrity, validation, the AI's
//! strengths and concerns, and language proficiency.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{bar, bar_width, flag};
use crate::provider::talentsprout::{NamedScore, Summary};
use crate::sanitize;
use crate::signature::human_duration;
use crate::tui::widgets::doc::{Doc, safe, text_width, truncate};

/// Scores are out of 100.
const MAX_SCORE: f64 = 100.0;

pub(crate) fn render(d: &mut Doc, s: &Summary) {
    d.heading("TalentSprout interview");
    let mut event = s.event.clone().unwrap_or_else(|| "no event".into());
    if let Some(v) = &s.api_version {
        event.push_str(&format!(" · API {v}"));
    }
    if let Some(t) = &s.timestamp {
        event.push_str(&format!(" · {t}"));
    }
    d.field("Event", &event);
    match &s.candidate {
        Some(c) => {
            let name = c.full_name.clone().unwrap_or_else(|| "(no name)".into());
            let contact: Vec<String> = [c.email.as_deref(), c.phone.as_deref()]
                .into_iter()
                .flatten()
                .map(str::to_string)
                .collect();
            let mut line = name;
            if !contact.is_empty() {
                line.push_str(&format!(" · {}", contact.join(" · ")));
            }
            if let Some(id) = &c.external_user_id {
                line.push_str(&format!(" · external id {id}"));
            }
            d.field("Candidate", &line);
        }
        None => d.missing("Candidate"),
    }
    match &s.interview {
        Some(i) => {
            let mut line = i.title.clone().unwrap_or_else(|| "(untitled)".into());
            if let Some(c) = &i.company_name {
                line.push_str(&format!(" at {c}"));
            }
            if let Some(id) = &i.id {
                line.push_str(&format!(" ({id})"));
            }
            d.field("Interview", &line);
        }
        None => d.missing("Interview"),
    }
    match &s.session {
        Some(x) => {
            let parts: Vec<String> = [
                x.id.clone(),
                x.status.clone(),
                x.duration_seconds
                    .map(|secs| human_duration(secs.max(0.0) as u64)),
                x.started_at.as_ref().map(|a| match &x.ended_at {
                    Some(b) => format!("{a} → {b}"),
                    None => format!("started {a}, not ended"),
                }),
            ]
            .into_iter()
            .flatten()
            .collect();
            d.field("Session", &parts.join(" · "));
            if let Some(url) = &x.recording_url {
                d.field("Recording", url);
            }
        }
        None => d.missing("Session"),
    }
    scores(d, s);
    integrity_and_validation(d, s);
    evaluation(d, s);
}

fn score_line(d: &mut Doc, label: &str, score: Option<f64>) {
    let w = bar_width(d, d.label_width());
    d.field_spans(label, bar(d.theme, score, MAX_SCORE, w));
}

fn scores(d: &mut Doc, s: &Summary) {
    let t = d.theme;
    d.heading("Scores (out of 100)");
    match &s.scores {
        Some(x) => {
            score_line(d, "Overall", x.overall);
            score_line(d, "Interview", x.interview);
            score_line(d, "Resume", x.resume);
        }
        None => d.text("Scores: not present in this delivery.", 0, t.missing()),
    }
    let Some(e) = &s.evaluation else {
        return;
    };
    d.heading("Evaluation categories");
    if e.categories.is_empty() {
        d.text("No category scores.", 0, t.missing());
    }
    named_bars(d, &e.categories);
    if !e.custom_scores.is_empty() {
        d.push(Line::styled("Custom scores", t.dim()));
        named_bars(d, &e.custom_scores);
    }
}

/// One bar per named score, the names in a column as wide as the longest.
fn named_bars(d: &mut Doc, items: &[NamedScore]) {
    let names: Vec<String> = items
        .iter()
        .map(|i| sanitize::line(i.name.as_deref().unwrap_or("(unnamed)")))
        .collect();
    let widest = names
        .iter()
        .map(|n| text_width(n))
        .max()
        .unwrap_or(0)
        .min(d.width / 3)
        + 2;
    // Aligned with the labelled bars above when the names allow.
    let col = widest.max(d.label_width());
    let w = bar_width(d, col);
    for (name, item) in names.iter().zip(items) {
        let name = truncate(name, col.saturating_sub(2));
        let pad = col.saturating_sub(text_width(&name));
        let mut spans = vec![Span::raw(format!("{name}{}", " ".repeat(pad)))];
        spans.extend(bar(d.theme, item.score, MAX_SCORE, w));
        d.push(Line::from(spans));
    }
}

fn integrity_and_validation(d: &mut Doc, s: &Summary) {
    let t = d.theme;
    d.heading("Integrity");
    match &s.integrity {
        Some(i) => {
            score_line(d, "Score", i.score);
            let risk = i.risk_level.as_deref();
            let style = match risk.map(str::to_ascii_lowercase).as_deref() {
                Some("low") => t.good(),
                Some("medium") | Some("moderate") => t.warn(),
                Some("high") | Some("critical") => t.bad(),
                _ => Style::new(),
            };
            match risk {
                Some(r) => d.field_styled("Risk", r, style),
                None => d.missing("Risk"),
            }
            if i.flags.is_empty() {
                d.field_spans("Flags", vec![Span::styled("none", t.dim())]);
            } else {
                d.field_styled("Flags", &i.flags.join(", "), t.warn());
            }
        }
        None => d.text("Integrity: not present in this delivery.", 0, t.missing()),
    }
    d.heading("Validation");
    match &s.validation {
        Some(v) => {
            d.field_spans("Passed", vec![flag(t, v.passed, true)]);
            d.field_opt("Reason", v.reason.as_deref());
            if let Some(at) = &v.checked_at {
                d.field("Checked at", at);
            }
        }
        None => d.text("Validation: not present in this delivery.", 0, t.missing()),
    }
}

fn evaluation(d: &mut Doc, s: &Summary) {
    let t = d.theme;
    d.heading("AI evaluation");
    let Some(e) = &s.evaluation else {
        d.text("Evaluation: not present in this delivery.", 0, t.missing());
        return;
    };
    d.field_opt("Performance", e.performance_summary.as_deref());
    match &e.ai_summary {
        Some(a) => {
            d.field_opt("AI summary", a.summary.as_deref());
            list(d, "Strengths", &a.strengths, Span::styled("  + ", t.good()));
            list(d, "Concerns", &a.concerns, Span::styled("  - ", t.bad()));
        }
        None => d.missing("AI summary"),
    }
    d.heading("Language proficiency");
    if e.language_proficiency.is_empty() {
        d.text("Language proficiency: not present.", 0, t.missing());
    }
    for p in &e.language_proficiency {
        d.field(&p.name, &p.value);
    }
    if let Some(r) = &s.resume_evaluation {
        d.heading("Resume evaluation");
        score_line(d, "Overall", r.overall_score);
        named_bars(d, &r.criteria);
        list(
            d,
            "Highlights",
            &r.highlights,
            Span::styled("  • ", t.dim()),
        );
    }
}

fn list(d: &mut Doc, title: &str, items: &[String], marker: Span<'static>) {
    let t = d.theme;
    if items.is_empty() {
        d.field_spans(title, vec![Span::styled("none listed", t.missing())]);
        return;
    }
    d.push(Line::from(safe(title, d.theme.label())));
    for item in items {
        d.item(marker.clone(), item, Style::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_abandoned_interview_says_what_is_missing() {
        let v: serde_json::Value = serde_json::from_str(include_str!(
            "../../../../tests/fixtures/payloads/talentsprout/interview_abandoned.json"
        ))
        .expect("fixture");
        let s = crate::provider::talentsprout::parse(&v);
        let mut d = Doc::new(80, crate::tui::theme::Theme::colored());
        render(&mut d, &s);
        let text: String = d.lines.iter().map(|l| format!("{l}\n")).collect();
        assert!(text.contains("Scores: not present"), "{text}");
        assert!(text.contains("Evaluation: not present"), "{text}");
        assert!(
            text.contains("started 2026-11-20T15:20:00Z, not ended"),
            "{text}"
        );
    }
}
