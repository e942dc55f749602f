//! Static credentials: a key in a header, or a key in the webhook URL. Compared in constant
//! time and never echoed unmasked.

use super::{MAX_HEADERS_SEARCHED, shown, unchecked};
use crate::model::mask;
use crate::signature::{
    Evidence, Hint, Input, StaticHeaderCheck, Status, UrlKeyCheck, Verification, ct_eq,
};

/// `(Some("Bearer"), "abc")` for `Bearer abc`; `(None, value)` for a bare value.
pub(in crate::signature) fn split_auth_scheme(value: &str) -> (Option<&str>, &str) {
    let v = value.trim();
    match v.split_once(char::is_whitespace) {
        Some((scheme, rest))
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            (Some(scheme), rest.trim())
        }
        _ => (None, v),
    }
}

/// A header, other than `skip`, whose value is `key`, bare or after an auth scheme such as
/// `Bearer`: `(header name, scheme)`.
pub(in crate::signature) fn find_key_in_headers<'h>(
    headers: &'h [(String, String)],
    skip: &str,
    key: &str,
) -> Option<(&'h str, Option<&'h str>)> {
    headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case(skip))
        .take(MAX_HEADERS_SEARCHED)
        .find_map(|(name, value)| {
            if ct_eq(value.trim().as_bytes(), key.as_bytes()) {
                return Some((name.as_str(), None));
            }
            match split_auth_scheme(value) {
                (Some(scheme), rest) if ct_eq(rest.as_bytes(), key.as_bytes()) => {
                    Some((name.as_str(), Some(scheme)))
                }
                _ => None,
            }
        })
}

/// Header names that look like they carry a credential, for "might carry it" messages.
fn credential_like_headers(headers: &[(String, String)], skip: &str) -> Vec<String> {
    const WORDS: [&str; 6] = ["key", "token", "auth", "secret", "signature", "credential"];
    headers
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !n.eq_ignore_ascii_case(skip))
        .filter(|n| {
            let n = n.to_ascii_lowercase();
            WORDS.iter().any(|w| n.contains(w))
        })
        .take(3)
        .map(shown)
        .collect()
}

/// Whether the configured header's value presents `key`. In `Authorization` the key comes
/// after `Bearer`, so a key configured for that header is accepted in that form too.
fn presents(header: &str, value: &str, key: &str) -> bool {
    if ct_eq(value.trim().as_bytes(), key.as_bytes()) {
        return true;
    }
    header == "authorization"
        && matches!(split_auth_scheme(value),
            (Some(s), rest) if s.eq_ignore_ascii_case("bearer") && ct_eq(rest.as_bytes(), key.as_bytes()))
}

pub(crate) fn verify_static_header(c: &StaticHeaderCheck, input: &Input<'_>) -> Verification {
    let header = c.header.trim().to_ascii_lowercase();
    let received = if header.is_empty() {
        None
    } else {
        input.header(&header)
    };
    let Some(key) = &c.key.value else {
        return match received {
            Some(v) => unchecked(c.scheme, &format!("A key in the {header} header"), &c.key)
                .with_evidence(Evidence {
                    received: Some(mask(v)),
                    ..Evidence::default()
                }),
            None if header.is_empty() => Verification::new(
                Status::Unsigned,
                c.scheme,
                "No credential header or key is configured: nothing to check.",
            ),
            None => Verification::new(
                Status::Unsigned,
                c.scheme,
                format!("No {header} header and no key configured: nothing to check."),
            ),
        };
    };
    let expected = key.expose();
    let evidence = Evidence {
        expected: Some(key.masked()),
        received: received.map(mask),
        ..Evidence::default()
    };
    if received.is_some_and(|v| presents(&header, v, expected)) {
        return Verification::new(
            Status::Verified,
            c.scheme,
            format!("The {header} header carries the configured key."),
        )
        .with_evidence(evidence);
    }
    if let Some((found, scheme)) = find_key_in_headers(input.headers, &header, expected) {
        let name = shown(found);
        let (place, bearer) = match scheme {
            Some(s) => (
                format!("as {name}: {s} …"),
                found == "authorization" && s.eq_ignore_ascii_case("bearer"),
            ),
            None => (format!("in the {name} header"), false),
        };
        let advice = match c.header_setting {
            Some(setting) if scheme.is_none() || bearer => {
                format!("set {setting} = \"{name}\" or have the sender use {header}")
            }
            _ => format!("have the sender use {header}"),
        };
        return Verification::failed(
            c.scheme,
            Hint::HeaderName,
            format!("The configured key arrived {place}, not in {header}; {advice}."),
        )
        .with_evidence(Evidence {
            received: input.header(found).map(|v| format!("{name}: {}", mask(v))),
            ..evidence
        });
    }
    let verdict = match received {
        None => {
            let others = credential_like_headers(input.headers, &header);
            let maybe = if others.is_empty() {
                String::new()
            } else {
                format!(
                    " Headers that might carry a key instead: {}.",
                    others.join(", ")
                )
            };
            Verification::failed(
                c.scheme,
                Hint::MissingCredential,
                format!(
                    "No {header} header arrived, but {} is configured.{maybe}",
                    c.key.setting
                ),
            )
        }
        Some(v) => Verification::failed(
            c.scheme,
            Hint::WrongSecret,
            format!(
                "The {header} header carries {}, not the configured key ({}); {} uses a \
                 different key.",
                mask(v),
                key.masked(),
                c.key.vendor
            ),
        ),
    };
    verdict.with_evidence(evidence)
}

pub(crate) fn verify_url_key(c: &UrlKeyCheck, input: &Input<'_>) -> Verification {
    let presented = c
        .presented
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let Some(key) = &c.key.value else {
        return match presented {
            Some(p) => unchecked(
                c.scheme,
                &format!("A key in the webhook URL ({})", mask(p)),
                &c.key,
            )
            .with_evidence(Evidence {
                received: Some(mask(p)),
                ..Evidence::default()
            }),
            None => Verification::new(
                Status::Unsigned,
                c.scheme,
                "The webhook URL carries no key and none is configured: nothing to check.",
            ),
        };
    };
    let vendor = c.key.vendor;
    let expected = key.expose();
    let evidence = Evidence {
        expected: Some(key.masked()),
        received: presented.map(mask),
        ..Evidence::default()
    };
    let verdict = match presented {
        Some(p) if ct_eq(p.as_bytes(), expected.as_bytes()) => Verification::new(
            Status::Verified,
            c.scheme,
            "The webhook URL carries the configured key.",
        ),
        Some(p) => Verification::failed(
            c.scheme,
            Hint::WrongSecret,
            format!(
                "The key in the webhook URL ({}) is not the configured one ({}); check the URL \
                 saved in {vendor}.",
                mask(p),
                key.masked()
            ),
        ),
        None => match key_elsewhere_in_request(input, expected) {
            Some(place) => Verification::failed(
                c.scheme,
                Hint::HeaderName,
                format!(
                    "The configured key arrived in {place}, not as the URL's key segment or \
                     ?key=; fix the URL saved in {vendor}."
                ),
            ),
            None => Verification::failed(
                c.scheme,
                Hint::MissingCredential,
                format!(
                    "The webhook URL carries no key, but {} is configured; the URL saved in \
                     {vendor} should end in /<key> or carry ?key=<key>.",
                    c.key.setting
                ),
            ),
        },
    };
    verdict.with_evidence(evidence)
}

/// Where else in the request the URL key turned up: another query parameter, another
/// path segment, or a header.
fn key_elsewhere_in_request(input: &Input<'_>, key: &str) -> Option<String> {
    let eq = |v: &str| ct_eq(v.as_bytes(), key.as_bytes());
    if let Some(query) = input.query {
        for pair in query.split('&').take(MAX_HEADERS_SEARCHED) {
            if let Some((name, value)) = pair.split_once('=')
                && eq(value)
            {
                return Some(format!("the query parameter {}", shown(name)));
            }
        }
    }
    if input.path.split('/').take(MAX_HEADERS_SEARCHED).any(eq) {
        return Some("an unexpected segment of the URL path".into());
    }
    find_key_in_headers(input.headers, "", key)
        .map(|(name, _)| format!("the {} header", shown(name)))
}
