//! Classet's deprecated `call_completed` delivery: no `event` key, a voice call's
//! transcript, answers and analysis.

use serde::Serialize;
use serde_json::Value;

use crate::provider::tolerant::JsonExt;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CallCompleted {
    pub candidate_id: Option<String>,
    pub candidate_phone: Option<String>,
    pub job_id: Option<String>,
    pub job_title: Option<String>,
    pub call_status: Option<String>,
    pub transcript: Vec<Turn>,
    pub questions: Vec<QuestionAnswer>,
    pub call_details: Option<CallDetails>,
    pub call_id: Option<String>,
    pub recording_url: Option<String>,
}

/// One turn of the call. `start`/`end` come from the first and last timed word.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Turn {
    pub role: Option<String>,
    pub content: Option<String>,
    pub start: Option<f64>,
    pub end: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionAnswer {
    pub question: Option<String>,
    pub answer: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CallDetails {
    /// Seconds.
    pub duration: Option<f64>,
    /// Unix seconds.
    pub start_time: Option<i64>,
    pub end_time: Option<i64>,
    /// Milliseconds.
    pub e2e_latency: Option<f64>,
    pub org_phone_number: Option<String>,
    pub analysis: Option<CallAnalysis>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CallAnalysis {
    pub call_summary: Option<String>,
    pub user_sentiment: Option<String>,
    pub agent_sentiment: Option<String>,
    pub call_completion_rating: Option<String>,
    pub call_completion_rating_reason: Option<String>,
    pub agent_task_completion_rating: Option<String>,
    pub agent_task_completion_rating_reason: Option<String>,
}

/// Keys only the call shape has.
pub(crate) fn looks_like_call(v: &Value) -> bool {
    ["call_id", "call_status", "call_details"]
        .iter()
        .any(|k| v.has_key(k))
        || v.arr_at(&["transcript"]).is_some()
}

pub(crate) fn parse(v: &Value) -> CallCompleted {
    CallCompleted {
        candidate_id: v.str_at(&["candidate_id"]),
        candidate_phone: v.str_at(&["candidate_phone"]),
        job_id: v.str_at(&["job_id"]),
        job_title: v.str_at(&["job_title"]),
        call_status: v.str_at(&["call_status"]),
        transcript: v
            .arr_at(&["transcript"])
            .unwrap_or_default()
            .iter()
            .filter(|t| t.is_object())
            .map(turn)
            .collect(),
        questions: v
            .arr_at(&["questions"])
            .unwrap_or_default()
            .iter()
            .filter(|q| q.is_object())
            .map(|q| QuestionAnswer {
                question: q.str_at(&["question"]),
                answer: q.str_at(&["answer"]),
            })
            .collect(),
        call_details: v
            .at(&["call_details"])
            .filter(|d| d.is_object())
            .map(details),
        call_id: v.str_at(&["call_id"]),
        recording_url: v.str_at(&["recording_url"]),
    }
}

fn turn(t: &Value) -> Turn {
    let words = t.arr_at(&["words"]).unwrap_or_default();
    Turn {
        role: t.str_any(&["role", "speaker"]),
        content: t.str_any(&["content", "text"]),
        start: words.iter().find_map(|w| w.num_at(&["start"])),
        end: words.iter().rev().find_map(|w| w.num_at(&["end"])),
    }
}

fn details(d: &Value) -> CallDetails {
    // The vendor's field is `call_analysis`; `analysis` is accepted as well.
    let analysis = ["call_analysis", "analysis"]
        .iter()
        .find_map(|k| d.at(&[k]).filter(|a| a.is_object()))
        .map(|a| CallAnalysis {
            call_summary: a.str_at(&["call_summary"]),
            user_sentiment: a.str_at(&["user_sentiment"]),
            agent_sentiment: a.str_at(&["agent_sentiment"]),
            call_completion_rating: a.str_at(&["call_completion_rating"]),
            call_completion_rating_reason: a.str_at(&["call_completion_rating_reason"]),
            agent_task_completion_rating: a.str_at(&["agent_task_completion_rating"]),
            agent_task_completion_rating_reason: a.str_at(&["agent_task_completion_rating_reason"]),
        });
    CallDetails {
        duration: d.num_at(&["duration"]),
        start_time: d.int_at(&["start_time"]),
        end_time: d.int_at(&["end_time"]),
        e2e_latency: d.num_at(&["e2e_latency"]),
        org_phone_number: d.str_at(&["org_phone_number"]),
        analysis,
    }
}
