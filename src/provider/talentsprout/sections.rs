//! The sections of a TalentSprout payload. The vendor lists the sections but not their key
//! names, so each field accepts the likely spellings (snake_case first, then camelCase and
//! near synonyms).

use serde::Serialize;
use serde_json::Value;

use crate::provider::tolerant::{JsonExt, display, number, strings, text};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Interview {
    pub id: Option<String>,
    pub title: Option<String>,
    pub company_name: Option<String>,
    pub dashboard_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Candidate {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// `full_name`, else first and last name joined.
    pub full_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub external_user_id: Option<String>,
    pub profile_url: Option<String>,
    pub share_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Session {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub duration_seconds: Option<f64>,
    pub recording_url: Option<String>,
    pub thumbnail_url: Option<String>,
    pub resume_url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Validation {
    pub passed: Option<bool>,
    pub reason: Option<String>,
    pub checked_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scores {
    pub overall: Option<f64>,
    pub interview: Option<f64>,
    pub resume: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Integrity {
    pub score: Option<f64>,
    pub risk_level: Option<String>,
    pub flags: Vec<String>,
}

/// One scored item: a category, a custom score, a resume criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NamedScore {
    pub name: Option<String>,
    pub score: Option<f64>,
}

/// One language proficiency reading, e.g. `cefr` = `C1`, `fluency` = `88`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameValue {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AiSummary {
    pub summary: Option<String>,
    pub strengths: Vec<String>,
    pub concerns: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evaluation {
    pub performance_summary: Option<String>,
    pub categories: Vec<NamedScore>,
    pub language_proficiency: Vec<NameValue>,
    pub ai_summary: Option<AiSummary>,
    pub custom_scores: Vec<NamedScore>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResumeEvaluation {
    pub overall_score: Option<f64>,
    pub criteria: Vec<NamedScore>,
    pub highlights: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TranscriptLine {
    pub speaker: Option<String>,
    pub text: Option<String>,
    /// Seconds from the start of the session.
    pub start: Option<f64>,
    pub end: Option<f64>,
}

/// The first of `keys` that holds an object.
fn section<'a>(v: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .find_map(|k| v.at(&[k]).filter(|s| s.is_object()))
}

pub(crate) fn interview(v: &Value) -> Option<Interview> {
    let s = section(v, &["interview"])?;
    Some(Interview {
        id: s.str_any(&["id", "interview_id", "interviewId"]),
        title: s.str_any(&["title", "name"]),
        company_name: s.str_any(&["company_name", "companyName", "company"]),
        dashboard_url: s.str_any(&["dashboard_url", "dashboardUrl", "url"]),
    })
}

pub(crate) fn candidate(v: &Value) -> Option<Candidate> {
    let s = section(v, &["candidate"])?;
    let first_name = s.str_any(&["first_name", "firstName"]);
    let last_name = s.str_any(&["last_name", "lastName"]);
    let joined = [first_name.as_deref(), last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let full_name = s
        .str_any(&["full_name", "fullName", "name"])
        .or_else(|| (!joined.is_empty()).then_some(joined));
    Some(Candidate {
        first_name,
        last_name,
        full_name,
        email: s.str_any(&["email", "email_address"]),
        phone: s.str_any(&["phone", "phone_number", "phoneNumber"]),
        external_user_id: s.str_any(&["external_user_id", "externalUserId", "external_id"]),
        profile_url: s.str_any(&["profile_url", "profileUrl"]),
        share_url: s.str_any(&["share_url", "shareUrl"]),
    })
}

pub(crate) fn session(v: &Value) -> Option<Session> {
    let s = section(v, &["session"])?;
    Some(Session {
        id: s.str_any(&["id", "session_id", "sessionId"]),
        kind: s.str_any(&["type", "kind"]),
        status: s.str_any(&["status"]),
        started_at: s.str_any(&["started_at", "startedAt", "start_time"]),
        ended_at: s.str_any(&["ended_at", "endedAt", "end_time"]),
        duration_seconds: s.num_any(&["duration_seconds", "durationSeconds", "duration"]),
        recording_url: s.str_any(&["recording_url", "recordingUrl", "video_url"]),
        thumbnail_url: s.str_any(&["thumbnail_url", "thumbnailUrl"]),
        resume_url: s.str_any(&["resume_url", "resumeUrl"]),
    })
}

pub(crate) fn validation(v: &Value) -> Option<Validation> {
    let s = section(v, &["validation"])?;
    Some(Validation {
        passed: ["passed", "valid", "is_valid"]
            .iter()
            .find_map(|k| s.bool_at(&[k])),
        reason: s.str_any(&["reason", "message"]),
        checked_at: s.str_any(&["checked_at", "checkedAt"]),
    })
}

pub(crate) fn scores(v: &Value) -> Option<Scores> {
    let s = section(v, &["scores"])?;
    Some(Scores {
        overall: s.num_any(&["overall", "overall_score", "overallScore", "total"]),
        interview: s.num_any(&["interview", "interview_score", "interviewScore"]),
        resume: s.num_any(&["resume", "resume_score", "resumeScore"]),
    })
}

pub(crate) fn integrity(v: &Value) -> Option<Integrity> {
    let s = section(v, &["integrity"])?;
    // A flag may be a plain string or an object naming it.
    let flags = match s.value_any(&["flags", "integrity_flags"]) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|f| text(f).or_else(|| f.str_any(&["name", "type", "flag", "code"])))
            .collect(),
        Some(other) => strings(other),
        None => Vec::new(),
    };
    Some(Integrity {
        score: s.num_any(&["score", "integrity_score", "integrityScore"]),
        risk_level: s.str_any(&["risk_level", "riskLevel", "risk"]),
        flags,
    })
}

pub(crate) fn evaluation(v: &Value) -> Option<Evaluation> {
    let s = section(v, &["evaluation"])?;
    let ai_summary = match s.value_any(&["ai_summary", "aiSummary"]) {
        Some(a @ Value::Object(_)) => Some(AiSummary {
            summary: a.str_any(&["summary", "text", "overview"]),
            strengths: a.string_list(&["strengths"]),
            concerns: a
                .value_any(&["concerns", "weaknesses"])
                .map(strings)
                .unwrap_or_default(),
        }),
        Some(other) => text(other).map(|summary| AiSummary {
            summary: Some(summary),
            ..AiSummary::default()
        }),
        None => None,
    };
    Some(Evaluation {
        performance_summary: s.str_any(&["performance_summary", "performanceSummary", "summary"]),
        categories: s
            .value_any(&["categories", "category_scores", "categoryScores"])
            .map(named_scores)
            .unwrap_or_default(),
        language_proficiency: s
            .value_any(&[
                "language_proficiency",
                "languageProficiency",
                "language_scores",
            ])
            .map(name_values)
            .unwrap_or_default(),
        ai_summary,
        custom_scores: s
            .value_any(&["custom_scores", "customScores"])
            .map(named_scores)
            .unwrap_or_default(),
    })
}

pub(crate) fn resume_evaluation(v: &Value) -> Option<ResumeEvaluation> {
    let s = section(v, &["resume_evaluation", "resumeEvaluation"])?;
    Some(ResumeEvaluation {
        overall_score: s.num_any(&["overall_score", "overallScore", "overall", "score"]),
        criteria: s
            .value_any(&["criteria", "sub_criteria", "subCriteria", "scores"])
            .map(named_scores)
            .unwrap_or_default(),
        highlights: s.string_list(&["highlights"]),
    })
}

/// A list of `{name, score}` items, or an object mapping name to score.
pub(crate) fn named_scores(v: &Value) -> Vec<NamedScore> {
    const NAMES: [&str; 5] = ["name", "category", "label", "title", "criterion"];
    const SCORES: [&str; 4] = ["score", "value", "rating", "points"];
    match v {
        Value::Array(items) => items
            .iter()
            .filter(|i| i.is_object())
            .map(|i| NamedScore {
                name: i.str_any(&NAMES),
                score: i.num_any(&SCORES),
            })
            .filter(|s| s.name.is_some() || s.score.is_some())
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(name, val)| NamedScore {
                name: Some(name.clone()),
                score: number(val).or_else(|| val.num_any(&SCORES)),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Name/value readings from an object, a list of `{name, value}` items, or one text.
fn name_values(v: &Value) -> Vec<NameValue> {
    match v {
        Value::Object(map) => map
            .iter()
            .filter_map(|(name, val)| {
                display(val).map(|value| NameValue {
                    name: name.clone(),
                    value,
                })
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .filter_map(|i| {
                Some(NameValue {
                    name: i.str_any(&["name", "language", "skill", "label"])?,
                    value: i
                        .value_any(&["value", "score", "level"])
                        .and_then(display)?,
                })
            })
            .collect(),
        other => text(other)
            .map(|value| NameValue {
                name: "proficiency".into(),
                value,
            })
            .into_iter()
            .collect(),
    }
}

/// The transcript: an array of lines, or an object holding one under a usual key.
pub(crate) fn transcript(v: &Value) -> Vec<TranscriptLine> {
    let lines = match v.value_any(&["transcript"]) {
        Some(Value::Array(items)) => items.as_slice(),
        Some(t @ Value::Object(_)) => ["messages", "entries", "items", "segments", "lines"]
            .iter()
            .find_map(|k| t.arr_at(&[k]))
            .unwrap_or_default(),
        Some(other) => {
            // A transcript sent as one block of text.
            return text(other)
                .map(|t| TranscriptLine {
                    speaker: None,
                    text: Some(t),
                    start: None,
                    end: None,
                })
                .into_iter()
                .collect();
        }
        None => &[],
    };
    lines.iter().filter_map(transcript_line).collect()
}

fn transcript_line(item: &Value) -> Option<TranscriptLine> {
    // A bare string is a line without speaker or time; a bare number is not a line.
    if let Some(t) = item.as_str().filter(|t| !t.trim().is_empty()) {
        return Some(TranscriptLine {
            speaker: None,
            text: Some(t.to_string()),
            start: None,
            end: None,
        });
    }
    item.as_object()?;
    let time = |keys: &[&str]| keys.iter().find_map(|k| item.at(&[k]).and_then(seconds));
    let line = TranscriptLine {
        speaker: item.str_any(&["speaker", "role", "from", "author", "name"]),
        text: item.str_any(&["text", "content", "message", "utterance"]),
        start: time(&["start", "start_time", "startTime", "timestamp", "offset"]),
        end: time(&["end", "end_time", "endTime"]),
    };
    (line.speaker.is_some() || line.text.is_some()).then_some(line)
}

/// Seconds as a number, a numeric string, or a clock reading `mm:ss` / `hh:mm:ss(.f)`.
pub(crate) fn seconds(v: &Value) -> Option<f64> {
    if let Some(n) = number(v) {
        return Some(n);
    }
    let s = v.as_str()?.trim();
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let mut total = 0.0;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let valid = !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_digit() || (last && b == b'.'));
        if !valid {
            return None;
        }
        total = total * 60.0 + part.parse::<f64>().ok()?;
    }
    total.is_finite().then_some(total)
}
