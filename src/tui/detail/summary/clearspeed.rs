//! Clearspeed: the verdict in the vendor's own colour, the flags, and each question's risk.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::flag;
use crate::provider::clearspeed::{RiskLevel, Summary};
use crate::sanitize;
use crate::tui::widgets::doc::{BAD, DIM, Doc, GOOD, MISSING, safe, text_width};

/// Black or white, whichever reads better on `(r, g, b)`: YIQ luma against Bootstrap's
/// threshold, since the vendor's colours are Bootstrap's (`#dc3545`, `#ffc107`…).
pub(crate) fn text_on(rgb: (u8, u8, u8)) -> Color {
    let luma = (u32::from(rgb.0) * 299 + u32::from(rgb.1) * 587 + u32::from(rgb.2) * 114) / 1000;
    if luma >= 150 {
        Color::Black
    } else {
        Color::White
    }
}

fn level_style(level: &RiskLevel) -> Style {
    match level {
        RiskLevel::High => BAD.add_modifier(Modifier::BOLD),
        RiskLevel::Low => GOOD.add_modifier(Modifier::BOLD),
        RiskLevel::Other(_) => Style::new().add_modifier(Modifier::BOLD),
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
    d.heading("Clearspeed result");
    d.field_opt("Status", s.status.as_deref());
    verdict(d, s);
    match s.overall_risk() {
        Some(level) => d.field_spans(
            "Evaluation",
            vec![
                safe(level.code(), level_style(&level)),
                Span::raw(" "),
                safe(&format!("({})", level_words(&level)), Style::new()),
            ],
        ),
        None => d.field_spans(
            "Evaluation",
            vec![Span::styled(
                "not present (no overall evaluation yet)",
                MISSING,
            )],
        ),
    }
    d.field_spans("Clear", vec![flag(s.clear, true)]);
    d.field_spans("Admission", vec![flag(s.is_admission, false)]);
    d.field_spans("Countermeasure", vec![flag(s.is_counter_measure, false)]);
    d.field_spans("Not complete", vec![flag(s.is_not_complete, false)]);
    d.field_opt("Language", s.participant_language.as_deref());
    d.field_opt("Interview ref", s.interview_ref_num.as_deref());
    d.field_opt("Access code", s.access_code.as_deref());
    d.field_opt("Project", s.project_uuid.as_deref());
    d.heading(&format!("Questions ({})", s.questions.len()));
    if s.questions.is_empty() {
        d.text("No question ratings in this result.", 0, MISSING);
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
        let mut head = vec![safe(&format!("{seq:>3}. "), DIM)];
        match &q.risk_level {
            Some(level) => {
                head.push(safe(&format!("{:<3} ", level.code()), level_style(level)));
                let plain = level_style(level).remove_modifier(Modifier::BOLD);
                head.push(safe(&format!("{words:<words_w$}  "), plain));
            }
            None => head.push(Span::styled(
                format!("{words:<w$}  ", w = words_w + 4),
                MISSING,
            )),
        }
        let (text, style) = match &q.text {
            Some(t) => (t.as_str(), Style::new()),
            None => ("question text not present", MISSING),
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
    let text = s.summary.as_deref().unwrap_or("no summary");
    let mut spans = Vec::new();
    match s.summary_rgb {
        Some(rgb) => {
            let style = Style::new()
                .bg(Color::Rgb(rgb.0, rgb.1, rgb.2))
                .fg(text_on(rgb))
                .add_modifier(Modifier::BOLD);
            spans.push(safe(&format!(" {text} "), style));
        }
        None => spans.push(safe(text, Style::new().add_modifier(Modifier::BOLD))),
    }
    match &s.summary_bgcolor {
        Some(c) if s.summary_rgb.is_some() => spans.push(safe(&format!("  {c}"), DIM)),
        Some(c) => spans.push(safe(&format!("  colour {c} is not a hex colour"), DIM)),
        None => spans.push(Span::styled("  no colour sent", MISSING)),
    }
    d.field_spans("Verdict", spans);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_text_contrasts_with_the_vendor_colour() {
        assert_eq!(text_on((0xdc, 0x35, 0x45)), Color::White);
        assert_eq!(text_on((0xff, 0xc1, 0x07)), Color::Black);
        assert_eq!(text_on((0x6c, 0x75, 0x7d)), Color::White);
        assert_eq!(text_on((0x28, 0xa7, 0x45)), Color::White);
        assert_eq!(text_on((0xf8, 0xf9, 0xfa)), Color::Black);
    }
}
