//! What the receiver records of a request at ingest: [`Analysis`] without the typed
//! summary, which only the detail screens need. Where a vendor has a brief reader, event
//! and subject come from it without a `Value` tree; every other request takes the full
//! path, so the fields are always those [`analyze`] gives.

use super::{Analysis, analyze, vendor};
use crate::config::Config;
use crate::model::{Findings, Request};

#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    pub findings: Findings,
    /// The id to fetch more about the delivery with (Brilliant's ResponseId), the one
    /// summary field acted on at ingest.
    pub fetch_id: Option<String>,
}

/// [`analyze`] without the summary. `now` is receipt time in Unix seconds.
pub fn analyze_brief(req: &Request, config: &Config, now: i64) -> Brief {
    if let Some((provider, detected_by)) = super::detect_without_body(req, config)
        && let Some((event, subject)) = vendor(provider).and_then(|v| v.read_brief(&req.body))
    {
        return Brief {
            findings: Findings {
                provider,
                detected_by,
                event,
                event_inferred: false,
                subject,
                verification: super::verify(provider, req, config, now),
            },
            fetch_id: None,
        };
    }
    Brief::from(analyze(req, config, now))
}

impl From<Analysis> for Brief {
    fn from(a: Analysis) -> Self {
        let fetch_id = vendor(a.findings.provider).and_then(|v| v.fetch_id(&a.summary));
        Brief {
            findings: a.findings,
            fetch_id,
        }
    }
}

#[cfg(test)]
pub(super) mod tests {

    use super::*;
    use crate::provider::classet;

    /// A POST with these headers and body, for tests of the vendor layer.
    pub(in crate::provider) fn request(
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Request {
        Request::post(path, headers, body)
    }

    /// Bodies at the edges of what the brief reader takes, each of which must read as the
    /// full analysis reads it.
    fn bodies() -> Vec<Vec<u8>> {
        let deep = |n| {
            format!(
                r#"{{"event":"e","data":{{"candidate_id":"c"}},"x":{}{}}}"#,
                "[".repeat(n),
                "]".repeat(n)
            )
        };
        let mut out: Vec<Vec<u8>> = [
            r#"{"event":"candidate.interview.updated","changes":{},"data":{"candidate_id":"c1"}}"#,
            r#"{"event":"candidate.interview.updated"}"#,
            r#"{"event":"other","changes":[{"field":"a"}]}"#,
            r#"{"event":"other","data":{"candidate_id":42.5}}"#,
            r#"{"event":"other","data":{"candidate_id":"  "}}"#,
            r#"{"event":7,"data":{"candidate_id":1e3}}"#,
            r#"{"event":"other","data":"not an object"}"#,
            r#"{"event":"other","changes":"x"}"#,
            r#"{"data":{"candidate_id":"a"},"data":{"candidate_id":"b"}}"#,
            r#"{"data":{"candidate_id":"a","candidate_id":"b"}}"#,
            r#"{"data":{"candidate_id":"a"},"data":5,"event":"candidate.interview.updated"}"#,
            r#"{"event":"candidate.interview.updated","event":null,"changes":{}}"#,
            r#"{"event":{"nested":"candidate.interview.updated"},"changes":{}}"#,
            r#"{"call_id":"k","call_status":"completed","candidate_id":"c"}"#,
            r#"{"event":"candidate.interview.updated","x":"\ud800"}"#,
            r#"{"event":"candidate.interview.updated","x":"\q"}"#,
            r#"{"event":"candidate.interview.updated","x":1e400}"#,
            r#"{"event":"candidate.interview.updated"} trailing"#,
            r#"{"event":"candidate.interview.updated","data":{"candidate_id":"c"}"#,
            r#"["event","candidate.interview.updated"]"#,
            r#""candidate.interview.updated""#,
            "",
            "not json",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .collect();
        out.push(deep(120).into_bytes());
        out.push(deep(127).into_bytes());
        out.push(deep(200).into_bytes());
        out.push(b"{\"event\":\"candidate.interview.updated\",\"x\":\"\xff\"}".to_vec());
        out.push(
            include_bytes!("../../assets/samples/classet/candidate.interview.updated.json")
                .to_vec(),
        );
        out.push(include_bytes!("../../assets/samples/classet/call_completed.json").to_vec());
        out
    }

    #[test]
    fn classet_bodies_read_as_the_full_analysis_reads_them() {
        let config = Config::default();
        for body in bodies() {
            for req in [
                request("/classet", &[], &body),
                request("/hooks", &[("x-classet-webhook-signature", "abc")], &body),
                request("/hooks", &[], &body),
            ] {
                let full = Brief::from(analyze(&req, &config, 1_763_650_000));
                let brief = analyze_brief(&req, &config, 1_763_650_000);
                assert_eq!(brief, full, "{}", String::from_utf8_lossy(&body));
            }
        }
    }

    #[test]
    fn the_brief_reader_takes_the_current_shape() {
        let body = include_bytes!("../../assets/samples/classet/candidate.interview.updated.json");
        let (event, subject) = classet::brief::read(body).expect("read briefly");
        assert_eq!(event.as_deref(), Some(classet::INTERVIEW_UPDATED));
        assert!(subject.is_some());
        let call = include_bytes!("../../assets/samples/classet/call_completed.json");
        assert_eq!(classet::brief::read(call), None);
    }
}
