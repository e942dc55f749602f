//! Clearspeed: the verdict in the vendor's own colour, the flags, and each question's risk.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::flag;
use crate::provider::clearspeed::{RiskLevel, Summary};
use crate::sanitize;
use crate::tui::theme::Theme;
use crate::tui::widgets::doc::{Doc, safe, text_width};

fn level_style(t: Theme, level: &RiskLevel) -> Style {
    match level {
        RiskLevel::High => t.bad().patch(t.strong()),
        RiskLevel::Low => t.good().patch(t.strong()),
        RiskLevel::Other(_) => t.strong(),
    }
}

/// "high risk", "low risk", or the code with a word on its meaning being unpublished.
fn level_words(level: &RiskLevel) -> String {
    match level {
        RiskLevel::Other(code) => format!("{code}: meaning not published"),
        known => known.label().to_string(),
    }
}

pub(crate) fn render(d: &mut Doc, s: &Summary) {
    let t = d.theme;
    d.heading("Clearspeed result");
    d.field_opt("Status", s.status.as_deref());
    verdict(d, s);
    match s.overall_risk() {
        Some(level) => d.field_spans(
            "Evaluation",
            vec![
                safe(level.code(), level_style(t, &level)),
                Span::raw(" "),
                safe(&format!("({})", level_words(&level)), Style::new()),
            ],
        ),
        None => d.field_spans(
            "Evaluation",
            vec![Span::styled(
                "not present (no overall evaluation yet)",
                t.missing(),
            )],
        ),
    }
    d.field_spans("Clear", vec![flag(t, s.clear, true)]);
    d.field_spans("Admission", vec![flag(t, s.is_admission, false)]);
    d.field_spans("Countermeasure", vec![flag(t, s.is_counter_measure, false)]);
    d.field_spans("Not complete", vec![flag(t, s.is_not_complete, false)]);
    d.field_opt("Language", s.participant_language.as_deref());
    d.field_opt("Interview ref", s.interview_ref_num.as_deref());
    d.field_opt("Access code", s.access_code.as_deref());
    d.field_opt("Project", s.project_uuid.as_deref());
    d.heading(&format!("Questions ({})", s.questions.len()));
    if s.questions.is_empty() {
        d.text("No question ratings in this result.", 0, t.missing());
        return;
    }
    // The level's words in a column as wide as the widest, when the text still gets room.
    let words: Vec<String> = s
        .questions
        .iter()
        .map(|q| {
            q.risk_level
                .as_ref()
                .map_or("no risk level".into(), level_words)
        })
        .collect();
    let words_w = words
        .iter()
        .map(|w| text_width(&sanitize::line(w)))
        .max()
        .unwrap_or(0);
    let beside = d.width >= 5 + 4 + words_w + 2 + 30;
    for (q, words) in s.questions.iter().zip(words) {
        let seq = q.sequence.clone().unwrap_or_else(|| "?".into());
        let mut head = vec![safe(&format!("{seq:>3}. "), t.dim())];
        match &q.risk_level {
            Some(level) => {
                head.push(safe(
                    &format!("{:<3} ", level.code()),
                    level_style(t, level),
                ));
                let plain = level_style(t, level).remove_modifier(Modifier::BOLD);
                head.push(safe(&format!("{words:<words_w$}  "), plain));
            }
            None => head.push(Span::styled(
                format!("{words:<w$}  ", w = words_w + 4),
                t.missing(),
            )),
        }
        let (text, style) = match &q.text {
            Some(asked) => (asked.as_str(), Style::new()),
            None => ("question text not present", t.missing()),
        };
        if beside {
            d.item_with(head, text, style);
        } else {
            d.push(Line::from(head));
            d.text(text, 5, style);
        }
    }
}

/// The verdict text on the vendor's `summary_bgcolor`.
fn verdict(d: &mut Doc, s: &Summary) {
    let t = d.theme;
    let text = s.summary.as_deref().unwrap_or("no summary");
    let mut spans = Vec::new();
    match s.summary_rgb {
        Some(rgb) => spans.push(safe(&format!(" {text} "), t.vendor_colour(rgb))),
        None => spans.push(safe(text, t.strong())),
    }
    match &s.summary_bgcolor {
        Some(c) if s.summary_rgb.is_some() => spans.push(safe(&format!("  {c}"), t.dim())),
        Some(c) => spans.push(safe(&format!("  colour {c} is not a hex colour"), t.dim())),
        None => spans.push(Span::styled("  no colour sent", t.missing())),
    }
    d.field_spans("Verdict", spans);
}
