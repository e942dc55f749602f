//! JobMojito: the candidate, scores, both analyses, why hire / why not, and which event
//! this is (named by the route or inferred from the body, and why).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{flag, number};
use crate::provider::jobmojito::Summary;
use crate::tui::widgets::doc::Doc;

pub(crate) fn render(d: &mut Doc, s: &Summary, inferred: bool) {
    let t = d.theme;
    d.heading("JobMojito interview");
    if inferred {
        let why = s.event_basis.as_deref().unwrap_or("no reason recorded");
        d.field_styled(
            "Event basis",
            &format!("inferred, the route named no event: {why}"),
            t.warn(),
        );
    } else {
        d.field_spans(
            "Event basis",
            vec![Span::styled("named by the route", t.dim())],
        );
    }
    match &s.reason {
        Some(r) => d.field("Reason", &format!("{r} (the watched fields that changed)")),
        None => d.missing("Reason"),
    }
    let mut who = s
        .candidate_name
        .clone()
        .unwrap_or_else(|| "(no name)".into());
    for part in [&s.candidate_email, &s.candidate_phone_number]
        .into_iter()
        .flatten()
    {
        who.push_str(&format!(" · {part}"));
    }
    d.field("Candidate", &who);
    d.field_opt("External id", s.candidate_external_id.as_deref());
    d.heading("Status");
    d.field_opt("Status", s.status.as_deref());
    d.field_opt("Interview", s.interview_status.as_deref());
    d.field_opt("Processing", s.processing_status.as_deref());
    d.field_spans(
        "Next round",
        vec![match s.recruiter_go_next_round {
            None => Span::styled("not decided (null)", t.missing()),
            v => flag(t, v, true),
        }],
    );
    d.field_opt("PDF export", s.pdf_export_url.as_deref());
    d.heading("Scores");
    let score = |v: Option<f64>| v.map(number);
    d.field_opt("Score", score(s.score).as_deref());
    d.field_opt(
        "Recruiter AI",
        score(s.ai_analysis_recruiter_score).as_deref(),
    );
    d.heading("Analysis for the candidate");
    match &s.ai_analysis {
        Some(t) => d.text(t, 2, Style::new()),
        None => d.text("not present", 2, t.missing()),
    }
    d.heading("Analysis for the recruiter");
    match &s.ai_analysis_recruiter {
        Some(t) => d.text(t, 2, Style::new()),
        None => d.text("not present", 2, t.missing()),
    }
    reasons(d, "Why hire", &s.why_hire, Span::styled("  + ", t.good()));
    reasons(
        d,
        "Why not hire",
        &s.why_not_hire,
        Span::styled("  - ", t.bad()),
    );
    d.heading("Identifiers");
    d.field_opt("Id", s.id.as_deref());
    d.field_opt("Interview id", s.interview_id.as_deref());
    d.field_opt("Question set", s.question_set_id.as_deref());
    d.field_opt("Prof. interview", s.profile_interview_id.as_deref());
    d.field_opt("Profile", s.profile_id.as_deref());
}

fn reasons(d: &mut Doc, title: &str, items: &[String], marker: Span<'static>) {
    let t = d.theme;
    d.heading(title);
    if items.is_empty() {
        d.push(Line::from(Span::styled("  none listed", t.missing())));
    }
    for item in items {
        d.item(marker.clone(), item, Style::new());
    }
}
