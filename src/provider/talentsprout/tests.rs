use serde_json::{Value, json};

use super::sections::seconds;
use super::*;

const COMPLETED: &str =
    include_str!("../../../tests/fixtures/payloads/talentsprout/interview_completed.json");
const ABANDONED: &str =
    include_str!("../../../tests/fixtures/payloads/talentsprout/interview_abandoned.json");

fn fixture(s: &str) -> Value {
    serde_json::from_str(s).expect("fixture is JSON")
}

#[test]
fn completed_interview_reads_every_section() {
    let u = understand(&fixture(COMPLETED));
    assert_eq!(u.event.as_deref(), Some("interview.completed"));
    assert_eq!(u.subject.as_deref(), Some("ats-4471"));
    assert!(!u.event_inferred);
    let Any::Talentsprout(s) = u.summary else {
        panic!("not a talentsprout summary")
    };
    assert_eq!(s.api_version.as_deref(), Some("2025-06-01"));
    assert_eq!(s.timestamp.as_deref(), Some("2026-11-20T15:04:05Z"));
    let i = s.interview.expect("interview");
    assert_eq!(i.company_name.as_deref(), Some("Acme Logistics"));
    let c = s.candidate.expect("candidate");
    assert_eq!(c.full_name.as_deref(), Some("Ada Okafor"));
    assert_eq!(c.phone.as_deref(), Some("+15555550123"));
    let ses = s.session.expect("session");
    assert_eq!(ses.duration_seconds, Some(1709.0));
    assert_eq!(ses.kind.as_deref(), Some("ai_interview"));
    let val = s.validation.expect("validation");
    assert_eq!(val.passed, Some(true));
    let sc = s.scores.expect("scores");
    assert_eq!(
        (sc.overall, sc.interview, sc.resume),
        (Some(82.0), Some(85.0), Some(76.0))
    );
    let integ = s.integrity.expect("integrity");
    assert_eq!(integ.score, Some(91.0));
    assert_eq!(integ.risk_level.as_deref(), Some("low"));
    assert_eq!(integ.flags, vec!["tab_switch_once"]);
}

#[test]
fn completed_interview_reads_evaluation_resume_and_transcript() {
    let s = parse(&fixture(COMPLETED));
    let e = s.evaluation.expect("evaluation");
    assert_eq!(e.categories.len(), 5);
    assert_eq!(e.categories[2].name.as_deref(), Some("Communication"));
    assert_eq!(e.categories[2].score, Some(90.0));
    let lang: Vec<(&str, &str)> = e
        .language_proficiency
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(lang[0], ("language", "English"));
    assert_eq!(lang[1], ("cefr", "C1"));
    assert_eq!(lang.len(), 5);
    let ai = e.ai_summary.expect("ai summary");
    assert_eq!(ai.strengths.len(), 2);
    assert_eq!(ai.concerns[0], "Little hands-on Kubernetes");
    assert_eq!(e.custom_scores[0].name.as_deref(), Some("Rust experience"));
    assert_eq!(e.custom_scores[0].score, Some(72.0));
    let r = s.resume_evaluation.expect("resume evaluation");
    assert_eq!(r.overall_score, Some(76.0));
    assert_eq!(r.criteria.len(), 2);
    assert_eq!(r.highlights[1], "Led a payments migration");
    assert_eq!(s.transcript.len(), 4);
    let last = &s.transcript[3];
    assert_eq!(last.speaker.as_deref(), Some("candidate"));
    assert_eq!((last.start, last.end), (Some(18.4), Some(24.0)));
}

#[test]
fn abandoned_interview_has_no_result_sections() {
    let u = understand(&fixture(ABANDONED));
    assert_eq!(u.event.as_deref(), Some("interview.abandoned"));
    assert_eq!(u.subject.as_deref(), Some("ats-4480"));
    let Any::Talentsprout(s) = u.summary else {
        panic!("not a talentsprout summary")
    };
    assert_eq!(s.session.and_then(|x| x.ended_at), None);
    assert_eq!(s.scores, None);
    assert_eq!(s.evaluation, None);
    assert!(s.transcript.is_empty());
}

#[test]
fn alternative_spellings_are_accepted() {
    let v = json!({
        "type": "interview.completed",
        "candidate": {"firstName": "Ada", "lastName": "Okafor", "email": "a@x.test"},
        "scores": {"overall_score": "81.5"},
        "evaluation": {
            "categories": {"Communication": 90, "Depth": {"score": 80}},
            "ai_summary": "Solid.",
            "language_proficiency": [{"name": "fluency", "value": 88}]
        },
        "transcript": {"messages": [
            {"role": "assistant", "content": "Hi", "start_time": "00:01:02.5"},
            {"speaker": "candidate", "message": "Hello", "timestamp": 64},
            "a bare line", 7, {"unrelated": true}
        ]}
    });
    let u = understand(&v);
    assert_eq!(u.event.as_deref(), Some("interview.completed"));
    assert_eq!(u.subject.as_deref(), Some("a@x.test"));
    let Any::Talentsprout(s) = u.summary else {
        panic!("not a talentsprout summary")
    };
    assert_eq!(
        s.candidate.and_then(|c| c.full_name).as_deref(),
        Some("Ada Okafor")
    );
    assert_eq!(s.scores.and_then(|x| x.overall), Some(81.5));
    let e = s.evaluation.expect("evaluation");
    assert_eq!(e.categories[1].name.as_deref(), Some("Depth"));
    assert_eq!(e.categories[1].score, Some(80.0));
    assert_eq!(
        e.ai_summary.and_then(|a| a.summary).as_deref(),
        Some("Solid.")
    );
    assert_eq!(e.language_proficiency[0].value, "88");
    assert_eq!(s.transcript.len(), 3);
    assert_eq!(s.transcript[0].start, Some(62.5));
    assert_eq!(s.transcript[1].text.as_deref(), Some("Hello"));
    assert_eq!(s.transcript[1].start, Some(64.0));
    assert_eq!(s.transcript[2].text.as_deref(), Some("a bare line"));
}

#[test]
fn wrong_types_read_as_absent() {
    let v = json!({
        "event": 5, "candidate": "Ada", "session": {"id": ["x"], "duration_seconds": "long"},
        "interview": {"id": "int_1"}, "scores": [], "integrity": {"flags": "one flag"},
        "evaluation": {"categories": "many", "ai_summary": {"strengths": "only one"}},
        "transcript": [{"speaker": {"n": 1}, "text": "t", "start": true}]
    });
    let u = understand(&v);
    assert_eq!(u.event.as_deref(), Some("5"));
    assert_eq!(u.subject.as_deref(), Some("int_1"));
    let Any::Talentsprout(s) = u.summary else {
        panic!("not a talentsprout summary")
    };
    assert_eq!(s.candidate, None);
    assert_eq!(s.scores, None);
    let ses = s.session.expect("session");
    assert_eq!((ses.id, ses.duration_seconds), (None, None));
    assert_eq!(s.integrity.expect("integrity").flags, vec!["one flag"]);
    let e = s.evaluation.expect("evaluation");
    assert!(e.categories.is_empty());
    assert_eq!(e.ai_summary.expect("ai").strengths, vec!["only one"]);
    assert_eq!(s.transcript[0].speaker, None);
    assert_eq!(s.transcript[0].start, None);
    for v in [json!({}), json!([]), json!("x")] {
        assert_eq!(parse(&v), Summary::default());
        assert_eq!(understand(&v).subject, None);
    }
}

#[test]
fn clock_readings_become_seconds() {
    assert_eq!(seconds(&json!("01:30")), Some(90.0));
    assert_eq!(seconds(&json!("1:00:01.5")), Some(3601.5));
    assert_eq!(seconds(&json!("2026-11-20T14:30:11Z")), None);
    assert_eq!(seconds(&json!("1:2:3:4")), None);
    assert_eq!(seconds(&json!(":")), None);
    assert_eq!(seconds(&json!("1.5:00")), None);
}

#[test]
fn detection_by_header_event_or_shape() {
    let h = vec![(SIGNATURE_HEADER.to_string(), "t=1,v1=ab".to_string())];
    let matches_headers =
        |h: &[(String, String)]| TalentSprout.matches_headers(h, &Config::default());
    assert!(matches_headers(&h));
    assert!(!matches_headers(&[("x-classet-key".into(), "k".into())]));
    assert!(matches_body(&json!({"type": "interview.abandoned"})));
    assert!(matches_body(
        &json!({"candidate": {}, "session": {}, "interview": {}})
    ));
    assert!(!matches_body(&json!({"candidate": {}, "session": {}})));
    assert!(!matches_body(&json!({"event": "interview.updated"})));
}
