use serde_json::{Value, json};

use super::*;

const UPDATED: &str =
    include_str!("../../../tests/fixtures/payloads/classet/candidate_interview_updated.json");
const CALL: &str = include_str!("../../../tests/fixtures/payloads/classet/call_completed.json");

fn fixture(s: &str) -> Value {
    serde_json::from_str(s).expect("fixture is JSON")
}

fn updated(v: &Value) -> InterviewUpdate {
    match parse(v).kind {
        Kind::InterviewUpdated(u) => u,
        other => panic!("not an interview update: {other:?}"),
    }
}

fn call(v: &Value) -> CallCompleted {
    match parse(v).kind {
        Kind::CallCompleted(c) => c,
        other => panic!("not a call: {other:?}"),
    }
}

#[test]
fn interview_updated_keeps_changes_in_order_with_from_and_to() {
    let u = understand(&fixture(UPDATED));
    assert_eq!(u.event.as_deref(), Some("candidate.interview.updated"));
    assert_eq!(u.subject.as_deref(), Some("cand_12345678"));
    let s = updated(&fixture(UPDATED));
    let fields: Vec<&str> = s.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["interview_completed_at", "interview_outcome"]);
    assert_eq!(s.changes[0].from, Value::Null);
    assert_eq!(s.changes[0].to, json!("2025-04-15T16:00:00Z"));
    assert_eq!(s.changes[1].to, json!("completed"));
    let d = s.data.expect("data");
    assert_eq!(d.interview_outcome, Some(InterviewOutcome::Completed));
    assert_eq!(d.interview_sent_at.as_deref(), Some("2025-04-14T12:00:00Z"));
    assert_eq!(
        d.interview_custom_data,
        Some(json!({"can_lift_50lbs": true, "eligible_to_work": true}))
    );
}

#[test]
fn call_completed_reads_transcript_times_and_analysis() {
    let u = understand(&fixture(CALL));
    assert_eq!(u.event.as_deref(), Some("call_completed"));
    assert_eq!(u.subject.as_deref(), Some("12345"));
    let c = call(&fixture(CALL));
    assert_eq!(c.job_title.as_deref(), Some("CDL Truck Driver"));
    assert_eq!(c.transcript.len(), 2);
    assert_eq!(c.transcript[1].role.as_deref(), Some("user"));
    assert_eq!(
        (c.transcript[1].start, c.transcript[1].end),
        (Some(3.1), Some(3.4))
    );
    assert_eq!(c.questions.len(), 2);
    assert_eq!(c.questions[1].answer.as_deref(), Some("Yes, for six years"));
    let d = c.call_details.expect("details");
    assert_eq!(
        (d.duration, d.start_time, d.e2e_latency),
        (Some(300.0), Some(1_737_073_800), Some(120.0))
    );
    let a = d.analysis.expect("analysis");
    assert_eq!(a.user_sentiment.as_deref(), Some("Positive"));
    assert_eq!(
        a.agent_task_completion_rating_reason.as_deref(),
        Some("The agent gathered all details.")
    );
    assert_eq!(c.call_id.as_deref(), Some("abcdef123456"));
}

#[test]
fn outcomes_parse_known_and_keep_unknown() {
    assert_eq!(
        InterviewOutcome::parse("ai_opt_out"),
        InterviewOutcome::AiOptOut
    );
    let other = InterviewOutcome::parse("rescheduled");
    assert_eq!(other, InterviewOutcome::Other("rescheduled".into()));
    assert_eq!(other.as_str(), "rescheduled");
    assert_eq!(
        InterviewOutcome::NotSentDuplicate.label(),
        "not sent duplicate"
    );
    assert_eq!(
        serde_json::to_value(InterviewOutcome::AiStoppedOverride).expect("serializes"),
        json!("ai_stopped_override")
    );
    for (code, outcome) in OUTCOMES {
        assert_eq!(InterviewOutcome::parse(code), outcome);
        assert_eq!(outcome.as_str(), code);
    }
}

#[test]
fn odd_types_read_as_absent() {
    let s = updated(&json!({
        "event": "candidate.interview.updated",
        "changes": {"interview_outcome": "qualified", "x": {"to": 1}},
        "data": {"candidate_id": 42, "interview_outcome": null, "interview_custom_data": null}
    }));
    assert_eq!(s.changes[0].from, Value::Null);
    assert_eq!(s.changes[0].to, Value::Null);
    assert_eq!(s.changes[1].to, json!(1));
    let d = s.data.expect("data");
    assert_eq!(d.candidate_id.as_deref(), Some("42"));
    assert_eq!(d.interview_outcome, None);
    assert_eq!(d.interview_custom_data, None);

    let c = call(&json!({
        "call_id": 7, "call_status": ["x"], "transcript": [{"role": "agent", "words": "none"}, 3],
        "call_details": {"duration": "300", "start_time": "soon", "call_analysis": []}
    }));
    assert_eq!(c.call_id.as_deref(), Some("7"));
    assert_eq!(c.call_status, None);
    assert_eq!(c.transcript.len(), 1);
    assert_eq!(c.transcript[0].start, None);
    let d = c.call_details.expect("details");
    assert_eq!(
        (d.duration, d.start_time, d.analysis),
        (Some(300.0), None, None)
    );

    for v in [json!({}), json!([]), json!("x")] {
        let u = understand(&v);
        assert_eq!((u.event, u.subject), (None, None));
        assert_eq!(parse(&v).kind, Kind::Unrecognised);
    }
}

#[test]
fn changes_as_a_list_are_read_too() {
    let s = updated(&json!({"changes": [
        {"field": "interview_outcome", "from": "qualified", "to": "unqualified"},
        {"from": 1}
    ]}));
    assert_eq!(s.changes.len(), 1);
    assert_eq!(s.changes[0].from, json!("qualified"));
    assert_eq!(s.data, None);
}

#[test]
fn other_events_keep_their_name() {
    let s = parse(&json!({"event": "candidate.created"}));
    assert_eq!(s.event.as_deref(), Some("candidate.created"));
    assert_eq!(s.kind, Kind::Unrecognised);
    let s = parse(&json!({"event": "call_completed", "call_id": "c1"}));
    assert!(matches!(s.kind, Kind::CallCompleted(_)));
}

#[test]
fn detection_by_headers_and_shape() {
    let matches_headers = |h: &[(String, String)]| Classet.matches_headers(h, &Config::default());
    assert!(matches_headers(&[(SIGNATURE_HEADER.into(), "sig".into())]));
    assert!(matches_headers(&[(KEY_HEADER.into(), "k".into())]));
    assert!(!matches_headers(&[(
        "x-talentsprout-signature".into(),
        "s".into()
    )]));
    assert!(matches_body(
        &json!({"changes": {}, "data": {"candidate_id": "c"}})
    ));
    assert!(matches_body(
        &json!({"call_id": "c", "call_status": "done"})
    ));
    assert!(!matches_body(&json!({"changes": {}, "data": {}})));
    assert!(!matches_body(&json!({"call_id": "c"})));
}
