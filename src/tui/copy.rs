//! What `y`, `Y` and `c` put on the clipboard: the body, a curl command that repeats the
//! request byte for byte, and the headers.

use crate::model::{Delivery, Request};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyWhat {
    Body,
    Curl,
    Headers,
}

impl CopyWhat {
    pub(crate) fn noun(self) -> &'static str {
        match self {
            CopyWhat::Body => "the body",
            CopyWhat::Curl => "a curl command",
            CopyWhat::Headers => "the headers",
        }
    }
}

/// Text for the clipboard, with anything the user should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    pub what: CopyWhat,
    pub text: String,
    pub notes: Vec<String>,
}

pub(crate) fn body(d: &Delivery) -> Copy {
    let r = &d.request;
    let mut notes = truncation_note(r);
    let text = match std::str::from_utf8(&r.body) {
        Ok(s) => s.to_string(),
        Err(_) => {
            notes.push("the body is not UTF-8: invalid bytes became U+FFFD".into());
            String::from_utf8_lossy(&r.body).into_owned()
        }
    };
    Copy {
        what: CopyWhat::Body,
        text,
        notes,
    }
}

pub(crate) fn headers(d: &Delivery) -> Copy {
    let mut text = String::new();
    for (name, value) in &d.request.headers {
        text.push_str(name);
        text.push_str(": ");
        text.push_str(value);
        text.push('\n');
    }
    Copy {
        what: CopyWhat::Headers,
        text,
        notes: redaction_note(&d.request),
    }
}

/// A curl command sending the request again to `http://{listen}`: the method, the path
/// and query, every header, and the exact body bytes.
pub(crate) fn curl(d: &Delivery, listen: &str) -> Copy {
    let r = &d.request;
    let mut notes = truncation_note(r);
    notes.extend(redaction_note(r));
    let mut url = format!("http://{listen}{}", r.path);
    if let Some(q) = r.query.as_deref().filter(|q| !q.is_empty()) {
        url.push('?');
        url.push_str(q);
    }
    let mut args = vec![
        format!("-X {}", shell_word(r.method.as_bytes()).unwrap_or_default()),
        shell_word(url.as_bytes()).unwrap_or_default(),
    ];
    // curl sets these itself: the stored Host names hookscope's address as the vendor
    // saw it, and a stale Content-Length would cut or stall the body.
    let own = |name: &str| {
        name.eq_ignore_ascii_case("host") || name.eq_ignore_ascii_case("content-length")
    };
    for (name, value) in r.headers.iter().filter(|(n, _)| !own(n)) {
        let header = format!("{name}: {value}");
        match shell_word(header.as_bytes()) {
            Some(w) => args.push(format!("-H {w}")),
            None => notes.push(format!("header {name} holds a NUL byte and was left out")),
        }
    }
    let sends_body = !r.body.is_empty() || !matches!(r.method.as_str(), "GET" | "HEAD");
    let mut stdin = None;
    if sends_body {
        match shell_word(&r.body) {
            Some(w) => args.push(format!("--data-binary {w}")),
            None => {
                // A shell argument cannot hold NUL: printf writes the bytes instead.
                stdin = Some(format!("printf '{}'", printf_escape(&r.body)));
                args.push("--data-binary @-".into());
            }
        }
    }
    let command = format!("curl {}", args.join(" \\\n  "));
    let text = match stdin {
        Some(printf) => format!("{printf} |\n{command}\n"),
        None => format!("{command}\n"),
    };
    Copy {
        what: CopyWhat::Curl,
        text,
        notes,
    }
}

fn truncation_note(r: &Request) -> Vec<String> {
    if r.body_truncated {
        vec![format!(
            "only the first {} of {} body bytes were received",
            r.body.len(),
            r.body_bytes
        )]
    } else {
        Vec::new()
    }
}

fn redaction_note(r: &Request) -> Vec<String> {
    let marker = "[redacted:";
    let redacted = r.headers.iter().any(|(_, v)| v.contains(marker))
        || r.path.contains(marker)
        || r.query.as_deref().is_some_and(|q| q.contains(marker));
    if redacted {
        vec!["credentials were stored redacted; put the real ones back before sending".into()]
    } else {
        Vec::new()
    }
}

/// `bytes` as one shell word: single-quoted when it is plain UTF-8 text, else as a
/// `$'…'` string with escapes (bash, zsh, ksh). `None` when it holds a NUL byte, which no
/// shell argument can.
pub(crate) fn shell_word(bytes: &[u8]) -> Option<String> {
    if bytes.contains(&0) {
        return None;
    }
    match std::str::from_utf8(bytes) {
        // Control characters other than newline and tab would act on the terminal the
        // command is pasted into; bidi overrides would make it read differently.
        Ok(s) if !s.chars().any(needs_escape) => Some(format!("'{}'", s.replace('\'', "'\\''"))),
        _ => Some(ansi_c_quote(bytes)),
    }
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn ansi_c_quote(bytes: &[u8]) -> String {
    let mut out = String::from("$'");
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\'' => out.push_str("\\'"),
            b'\n' => out.push_str("\\n"),
            b'\t' => out.push_str("\\t"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('\'');
    out
}

/// A printf format (inside single quotes) that prints exactly `bytes`, in any POSIX
/// shell.
fn printf_escape(bytes: &[u8]) -> String {
    let mut out = String::new();
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'%' => out.push_str("%%"),
            b'\'' => out.push_str("\\047"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::model::{DetectedBy, Findings, ProviderId};
    use crate::signature::{Status, Verification};

    fn delivery(headers: Vec<(&str, &str)>, body: &[u8]) -> Delivery {
        Delivery {
            id: "0193a5b0-0000-7000-8000-000000000001".into(),
            received_at: chrono::DateTime::UNIX_EPOCH,
            request: Request::post("/classet?a=1&b=2", &headers, body),
            findings: Findings {
                provider: ProviderId::CLASSET,
                detected_by: DetectedBy::Path,
                event: None,
                event_inferred: false,
                subject: None,
                verification: Verification::new(Status::Unsigned, "none", ""),
            },
            response_status: 200,
            replay_of: None,
            forward: None,
        }
    }

    #[test]
    fn curl_quotes_single_quotes_in_headers_and_body() {
        let d = delivery(
            vec![
                ("x-note", "it's here"),
                ("content-type", "application/json"),
            ],
            b"{\"name\":\"O'Brien\"}",
        );
        let c = curl(&d, "127.0.0.1:8787");
        assert_eq!(
            c.text,
            "curl -X 'POST' \\\n  'http://127.0.0.1:8787/classet?a=1&b=2' \\\n  \
             -H 'x-note: it'\\''s here' \\\n  -H 'content-type: application/json' \\\n  \
             --data-binary '{\"name\":\"O'\\''Brien\"}'\n"
        );
        assert!(c.notes.is_empty());
    }

    #[test]
    fn curl_leaves_host_and_content_length_to_curl() {
        let d = delivery(
            vec![
                ("host", "hooks.example.test"),
                ("Content-Length", "999"),
                ("x-classet-key", "k"),
            ],
            b"{}",
        );
        let c = curl(&d, "127.0.0.1:8787");
        assert!(!c.text.to_lowercase().contains("host:"), "{}", c.text);
        assert!(
            !c.text.to_lowercase().contains("content-length"),
            "{}",
            c.text
        );
        assert!(c.text.contains("-H 'x-classet-key: k'"), "{}", c.text);
    }

    #[test]
    fn curl_body_round_trips_through_sh() {
        // The quoted word, read back by a real shell, is the exact body.
        let body = "multi\nline 'quoted' $HOME `x` \\ end";
        let word = shell_word(body.as_bytes()).unwrap();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf '%s' {word}"))
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), body);
    }

    #[test]
    fn non_utf8_bodies_use_escapes_and_nul_goes_through_printf() {
        assert_eq!(
            shell_word(&[0xff, b'a', b'\'', 0x1b]).unwrap(),
            "$'\\xffa\\'\\x1b'"
        );
        assert_eq!(
            shell_word("a\u{202e}b".as_bytes()).unwrap(),
            "$'a\\xe2\\x80\\xaeb'"
        );
        let d = delivery(vec![], &[b'a', 0, b'%', b'\'', 0xff]);
        let c = curl(&d, "h:1");
        assert!(
            c.text.starts_with("printf 'a\\000%%\\047\\377' |\ncurl"),
            "{}",
            c.text
        );
        assert!(c.text.contains("--data-binary @-"));
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(c.text.lines().next().unwrap().trim_end_matches(" |"))
            .output()
            .unwrap();
        assert_eq!(out.stdout, vec![b'a', 0, b'%', b'\'', 0xff]);
    }

    #[test]
    fn truncated_and_redacted_requests_say_so() {
        let mut d = delivery(vec![("x-api-key", "[redacted:providers.x.y]")], b"abc");
        d.request.body_truncated = true;
        d.request.body_bytes = 10;
        let c = curl(&d, "h:1");
        assert_eq!(c.notes.len(), 2, "{:?}", c.notes);
        assert_eq!(headers(&d).text, "x-api-key: [redacted:providers.x.y]\n");
    }

    #[test]
    fn a_get_without_body_sends_none() {
        let mut d = delivery(vec![], b"");
        d.request.method = "GET".into();
        d.request.query = None;
        assert_eq!(
            curl(&d, "h:1").text,
            "curl -X 'GET' \\\n  'http://h:1/classet'\n"
        );
    }

    #[test]
    fn a_body_that_is_not_utf8_is_copied_lossily_with_a_note() {
        let c = body(&delivery(vec![], &[b'o', b'k', 0xff]));
        assert_eq!(c.text, "ok\u{fffd}");
        assert_eq!(c.notes.len(), 1);
    }
}
