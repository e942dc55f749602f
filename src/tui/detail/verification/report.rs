//! The verdict and the working behind it, as lines: status, hint, detail, expected and
//! received signatures, the exact signed string, timestamp skew and JWT claims.

use chrono::DateTime;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::super::json_view::JsonRows;
use crate::sanitize;
use crate::signature::{Evidence, Hint, Status, Verification, human_duration};
use crate::tui::theme::Theme;
use crate::tui::widgets::doc::{Doc, char_width, text_width};

/// What the report says besides the verdict itself.
pub struct Context<'a> {
    pub theme: Theme,
    /// The verdict stored at receipt.
    pub at_receipt: &'a Verification,
    /// The secret or body differs from the original.
    pub edited: bool,
    /// Redaction markers that no configured secret restores.
    pub unrestored: bool,
    /// The timestamp tolerance of the check, when it has one.
    pub tolerance: Option<u64>,
    /// The setting whose value the expected signature is computed with.
    pub secret: Option<&'static str>,
    /// The request's headers, to say where the received value came from.
    pub headers: &'a [(String, String)],
    /// The body being checked (as edited, when it was).
    pub body: &'a [u8],
}

fn symbol(t: Theme, status: Status) -> (&'static str, Style) {
    match status {
        Status::Verified => ("✓", t.good()),
        Status::Failed => ("✗", t.bad()),
        Status::Unsigned => ("–", t.dim()),
        Status::Unchecked => ("?", t.warn()),
    }
}

/// `✓ verified`, `✗ failed · wrong_secret`.
pub(crate) fn verdict_spans(v: &Verification, t: Theme) -> Vec<Span<'static>> {
    let (sym, style) = symbol(t, v.status);
    let mut spans = vec![Span::styled(
        format!("{sym} {}", v.status.as_str()),
        style.add_modifier(Modifier::BOLD),
    )];
    if let Some(h) = v.hint {
        spans.push(Span::styled(format!(" · {}", h.as_str()), style));
    }
    spans
}

pub(crate) fn build(v: &Verification, ctx: &Context<'_>, width: usize) -> Doc {
    let t = ctx.theme;
    let mut d = Doc::new(width, t);
    let title = if ctx.edited {
        "Verdict with your edits (R resets)"
    } else {
        "Verdict"
    };
    d.heading(title);
    d.field_spans("Status", verdict_spans(v, t));
    d.field("Scheme", &v.scheme);
    d.field("Detail", &v.detail);
    let before = ctx.at_receipt;
    if before.status != v.status || before.hint != v.hint {
        let mut spans = verdict_spans(before, t);
        if !ctx.edited {
            spans.push(Span::styled("  (the settings changed since)", t.dim()));
        }
        d.field_spans("At receipt", spans);
    }
    if ctx.unrestored {
        d.field_styled(
            "Note",
            "The stored request has [redacted:…] markers for settings that are no longer \
             configured, so those credentials cannot be restored and re-checked.",
            t.warn(),
        );
    }
    match &v.evidence {
        Some(e) => evidence(&mut d, e, v.status, v.hint, ctx),
        None if v.status == Status::Unsigned => {}
        None => d.note("No signatures were computed for this verdict."),
    }
    d
}

fn evidence(d: &mut Doc, e: &Evidence, status: Status, hint: Option<Hint>, ctx: &Context<'_>) {
    let t = d.theme;
    d.heading("Evidence");
    let differ = e.expected.is_some() && e.received.is_some() && !received_has(e);
    match &e.expected {
        Some(x) => {
            d.field_hard("Expected", x, t.good());
            let with = ctx.secret.unwrap_or("the configured secret");
            let over = if e.signed_payload.is_some() {
                "the signed bytes below"
            } else {
                "the body"
            };
            d.field_styled("", &format!("computed over {over} with {with}"), t.dim());
        }
        // A bearer token has nothing to compute; an unchecked one has no key to compute with.
        None if status == Status::Unchecked => d.field_spans(
            "Expected",
            vec![Span::styled(
                "nothing computed: no secret is set",
                t.missing(),
            )],
        ),
        None => {}
    }
    match &e.received {
        Some(r) => {
            d.field_hard("Received", r, if differ { t.bad() } else { t.good() });
            if let Some(name) = source_header(ctx.headers, r) {
                d.field_styled("", &format!("from the {name} header"), t.dim());
            }
        }
        None => d.field_spans(
            "Received",
            vec![Span::styled("nothing arrived", t.missing())],
        ),
    }
    if let Some(signed) = &e.signed_payload {
        signed_payload(d, signed);
    }
    if status == Status::Failed && hint == Some(Hint::BodyReserialized) {
        reserialized(d, ctx.body);
    }
    if let Some(skew) = e.skew_secs {
        let d_text = human_duration(skew.unsigned_abs());
        let when = if skew >= 0 { "before" } else { "after" };
        let outside = ctx.tolerance.is_some_and(|t| skew.unsigned_abs() > t);
        let tol = ctx
            .tolerance
            .map(|t| format!(" · tolerance {}", human_duration(t)))
            .unwrap_or_default();
        let style = if outside { t.bad() } else { Style::new() };
        d.field_styled(
            "Skew",
            &format!("signed {d_text} {when} receipt{tol}"),
            style,
        );
    }
    if let Some(claims) = &e.claims {
        d.heading("JWT claims");
        for line in JsonRows::new(claims).all_lines(t) {
            d.push(line);
        }
        times(d, claims);
    }
}

/// `Timestamp  signed 2 h before receipt · tolerance 5 min`, when it is outside the
/// tolerance: the line kept while the report is shrunk for editing.
pub(crate) fn stale_timestamp(v: &Verification, ctx: &Context<'_>) -> Option<Line<'static>> {
    let t = ctx.theme;
    let skew = v.evidence.as_ref()?.skew_secs?;
    let tolerance = ctx.tolerance?;
    if skew.unsigned_abs() <= tolerance {
        return None;
    }
    let when = if skew >= 0 { "before" } else { "after" };
    Some(Line::styled(
        format!(
            "Timestamp signed {} {when} receipt · tolerance {}: outside it, whatever the secret",
            human_duration(skew.unsigned_abs()),
            human_duration(tolerance)
        ),
        t.bad(),
    ))
}

/// The header a received value arrived in (its value holds it).
fn source_header<'h>(headers: &'h [(String, String)], received: &str) -> Option<&'h str> {
    if received.is_empty() {
        return None;
    }
    headers
        .iter()
        .find(|(_, v)| v.contains(received))
        .map(|(n, _)| n.as_str())
}

/// For `body_reserialized`: the compact JSON the sender signed, which is what its
/// signature matches.
fn reserialized(d: &mut Doc, body: &[u8]) {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return;
    };
    let compact = crate::signature::js_stringify(&value);
    d.heading("What the sender signed");
    signed_payload(d, &compact);
    let good = d.theme.good();
    d.field_styled(
        "",
        "HMAC-SHA256 of these compact bytes with the secret equals the received signature: \
         the sender signed JSON.stringify(body), and the body was reformatted after signing.",
        good,
    );
}

/// Whether the expected value appears in what was received (a `v1=` among others).
fn received_has(e: &Evidence) -> bool {
    match (&e.expected, &e.received) {
        (Some(x), Some(r)) => !x.is_empty() && r.contains(x.as_str()),
        _ => false,
    }
}

/// The signed string: whole when it fits three rows, else its start and end (where a
/// stray newline would show) with the length.
fn signed_payload(d: &mut Doc, signed: &str) {
    let shown = sanitize::line(signed);
    let avail = d.width.saturating_sub(d.label_width()).max(8);
    let text = if text_width(&shown) <= avail * 3 {
        shown
    } else {
        let head = take_width(&shown, avail * 2 - 2, false);
        let tail = take_width(&shown, avail.saturating_sub(4), true);
        format!("{head} … {tail}")
    };
    d.field_hard("Signed", &text, Style::new());
    d.field_styled(
        "",
        &format!("({} bytes signed; ⏎ marks a newline)", signed.len()),
        d.theme.dim(),
    );
}

/// The first (or last) characters of `s` filling `width` cells.
fn take_width(s: &str, width: usize, from_end: bool) -> String {
    let mut used = 0;
    let mut out: Vec<char> = Vec::new();
    let chars: Box<dyn Iterator<Item = char>> = if from_end {
        Box::new(s.chars().rev())
    } else {
        Box::new(s.chars())
    };
    for c in chars {
        let w = char_width(c);
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if from_end {
        out.reverse();
    }
    out.into_iter().collect()
}

/// `exp`, `iat` and `nbf` as dates.
fn times(d: &mut Doc, claims: &Value) {
    for key in ["iat", "nbf", "exp"] {
        let Some(secs) = claims.get(key).and_then(Value::as_i64) else {
            continue;
        };
        if let Some(at) = DateTime::from_timestamp(secs, 0) {
            let text = at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
            let dim = d.theme.dim();
            d.push(Line::from(vec![
                Span::styled(format!("{key}: "), dim),
                Span::raw(text),
            ]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_signed_strings_keep_both_ends() {
        let mut d = Doc::new(40, Theme::colored());
        let body = format!("1763650000.{{\"a\":\"{}\"}}\n", "x".repeat(500));
        signed_payload(&mut d, &body);
        let text: Vec<String> = d.lines.iter().map(|l| l.to_string()).collect();
        let all = text.join("\n");
        assert!(all.contains("1763650000.{\"a\":"), "{all}");
        assert!(all.contains("\"}⏎"), "{all}");
        assert!(
            all.contains(&format!("({} bytes signed", body.len())),
            "{all}"
        );
        assert!(text.len() <= 5, "{all}");
        assert!(text.iter().all(|l| text_width(l) <= 40), "{all}");
    }
}
