//! HMAC signatures: the documented check and, when it fails, the least invasive explanation
//! that makes the signature match.

use super::encoding;
use super::presented::{Material, Presented};
use super::{Evidence, Hint, HmacCheck, Input, Status, Verification, ct_eq};
use super::{KeyRef, human_duration};

mod content;
mod credential;
#[cfg(test)]
mod credential_tests;
mod elsewhere;
#[cfg(test)]
mod fuzz;
mod key;
#[cfg(test)]
mod new_hints_tests;
#[cfg(test)]
mod tests;
mod timestamp;

pub(super) use credential::{find_key_in_headers, split_auth_scheme};
pub(crate) use credential::{verify_static_header, verify_url_key};

/// How many other headers are searched for a misplaced credential.
pub(super) const MAX_HEADERS_SEARCHED: usize = 100;

/// Sender-controlled text made safe for a one-line detail: control characters escaped,
/// length capped.
pub(super) fn shown(text: &str) -> String {
    const MAX_CHARS: usize = 80;
    let mut out: String = text
        .chars()
        .take(MAX_CHARS)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_default().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if text.chars().count() > MAX_CHARS {
        out.push('…');
    }
    out
}

/// A credential arrived but there is nothing to check it against.
pub(super) fn unchecked(scheme: &str, what: &str, key: &KeyRef) -> Verification {
    Verification::new(
        Status::Unchecked,
        scheme,
        format!(
            "{what} arrived but no key is configured to check it; set {}.",
            key.how_to_set()
        ),
    )
}

/// Everything a diagnosis step needs, with the key, the presented values and the
/// material of the signed content fixed.
struct Case<'a> {
    c: &'a HmacCheck,
    input: &'a Input<'a>,
    /// The secret as configured.
    secret: &'a str,
    /// The HMAC key it stands for.
    key: Vec<u8>,
    presented: Presented,
    material: Material<'a>,
    vendor: String,
}

pub(crate) fn verify_hmac(c: &HmacCheck, input: &Input<'_>) -> Verification {
    let received = input.header(&c.header);
    let Some(secret) = &c.key.value else {
        return match received {
            Some(v) => unchecked(c.scheme, &format!("A signature in {}", c.header), &c.key)
                .with_evidence(Evidence {
                    received: Some(v.to_string()),
                    ..Evidence::default()
                }),
            None => Verification::new(
                Status::Unsigned,
                c.scheme,
                format!(
                    "No {} header and no secret configured: nothing to verify.",
                    c.header
                ),
            ),
        };
    };
    let secret = secret.expose();
    let (key, unreadable) = match c.secret_encoding.key(secret) {
        Ok(key) => (key, None),
        // Diagnosed below, once what arrived is known.
        Err(why) => (secret.as_bytes().to_vec(), Some(why)),
    };
    let presented = received.map(|raw| Presented::read(c, raw));
    let case = Case {
        c,
        input,
        secret,
        key,
        material: Material::new(c, input, presented.as_ref().and_then(|p| p.as_ref().ok())),
        presented: Presented {
            values: Vec::new(),
            prefix_missing: false,
            t_text: None,
        },
        vendor: c.key.vendor.to_string(),
    };
    match (received, presented) {
        (Some(_), Some(Ok(presented))) if unreadable.is_some() => {
            Case { presented, ..case }.unreadable_secret(unreadable.as_deref().unwrap_or_default())
        }
        (_, _) if unreadable.is_some() => {
            case.unreadable_secret(unreadable.as_deref().unwrap_or_default())
        }
        (Some(raw), Some(Ok(presented))) => Case { presented, ..case }.check(raw),
        (Some(raw), Some(Err(reason))) => case
            .found_elsewhere()
            .unwrap_or_else(|| case.malformed(raw, &reason)),
        _ => case
            .found_elsewhere()
            .unwrap_or_else(|| case.missing_credential()),
    }
}

impl Case<'_> {
    fn failed(&self, hint: Hint, detail: String) -> Verification {
        Verification::failed(self.c.scheme, hint, detail)
    }

    /// Whether any presented value is the documented encoding of the MAC under `key` of
    /// the signed content with `body` in place of the body.
    fn signed_by(&self, key: &[u8], body: &[u8]) -> bool {
        let mac = self.c.mac(key, &self.material.message(self.c, body));
        self.matches(&mac)
    }

    fn matches(&self, mac: &[u8]) -> bool {
        let expected = self.c.encoding.encode(mac);
        self.presented
            .values
            .iter()
            .any(|v| ct_eq(v.as_bytes(), expected.as_bytes()))
    }

    fn check(&self, raw: &str) -> Verification {
        let body = self.input.body;
        let message = self.material.message(self.c, body);
        let mac = self.c.mac(&self.key, &message);
        let expected = self.c.encoding.encode(&mac);
        let skew = self.skew();
        let evidence = Evidence {
            expected: Some(self.c.written(&mac)),
            received: Some(raw.to_string()),
            // The message is ours to keep: a valid UTF-8 body becomes the text uncopied.
            signed_payload: Some(
                String::from_utf8(message)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
            // A timestamp in other units than seconds has no skew worth showing.
            skew_secs: skew
                .clone()
                .and_then(Result::ok)
                .filter(|_| !timestamp::in_millis(self.material.timestamp.as_deref())),
            claims: None,
        };
        let values = &self.presented.values;
        let matched = values
            .iter()
            .position(|v| ct_eq(v.as_bytes(), expected.as_bytes()));
        let verdict = match matched {
            Some(_) if self.presented.prefix_missing => self.prefix_missing(),
            Some(i) => self
                .missing_material()
                .or_else(|| self.timestamp_verdict(skew.clone()))
                .unwrap_or_else(|| {
                    let which = if values.len() > 1 {
                        format!(" (v1 value {} of {})", i + 1, values.len())
                    } else {
                        String::new()
                    };
                    let age = match skew {
                        Some(Ok(s)) => format!(", signed {}", relative(s)),
                        _ => String::new(),
                    };
                    Verification::new(
                        Status::Verified,
                        self.c.scheme,
                        format!("Signature matches the configured secret{which}{age}."),
                    )
                }),
            None => self
                .missing_material()
                .or_else(|| self.key_variant())
                .or_else(|| self.wrong_encoding(&mac))
                .or_else(|| self.wrong_algorithm())
                .or_else(|| self.signed_content())
                .or_else(|| self.trailing_newline())
                .or_else(|| self.body_reserialized())
                .or_else(|| self.found_elsewhere())
                .unwrap_or_else(|| self.wrong_secret()),
        };
        // A verdict found in another header carries that header's evidence already.
        if verdict.evidence.is_some() {
            verdict
        } else {
            verdict.with_evidence(evidence)
        }
    }

    /// Seconds from the signed timestamp to receipt; `Err` with the text when it is not
    /// a whole number.
    fn skew(&self) -> Option<Result<i64, String>> {
        self.c.timestamp.as_ref()?;
        let text = self.material.timestamp.as_deref()?;
        Some(
            text.parse::<i64>()
                .map(|t| self.input.now.saturating_sub(t))
                .map_err(|_| text.to_string()),
        )
    }

    /// A header the signed content needs (timestamp, id) did not arrive.
    fn missing_material(&self) -> Option<Verification> {
        let timestamp_header = self.c.timestamp.as_ref().and_then(|t| t.header.as_deref());
        let missing = match timestamp_header {
            Some(h) if self.material.timestamp.is_none() => Some((h, "timestamp")),
            _ => None,
        }
        .or_else(|| {
            let h = self.c.id_header.as_deref()?;
            (self.material.id.is_none() && self.c.signed.uses(&super::template::Part::Id))
                .then_some((h, "id"))
        })?;
        Some(self.failed(
            Hint::MissingCredential,
            format!(
                "No {} header arrived: {} signs its {} with the body, so the signature cannot \
                 be checked without it.",
                missing.0, self.vendor, missing.1
            ),
        ))
    }

    /// The value matches but lacks the prefix the scheme writes before it.
    fn prefix_missing(&self) -> Verification {
        let prefix = self.c.prefix.as_deref().unwrap_or_default();
        self.failed(
            Hint::WrongEncoding,
            format!(
                "The signature is right but lacks the {prefix} prefix {} writes before it.",
                self.vendor
            ),
        )
    }

    /// Step 3: the right MAC, written in another encoding.
    fn wrong_encoding(&self, mac: &[u8]) -> Option<Verification> {
        let expected = self.c.encoding;
        let labelled = self.c.prefix.is_none();
        self.presented.values.iter().find_map(|v| {
            let (value, label) = match v.split_once('=') {
                // `sha256=<mac>` (GitHub style); base64 padding also contains '=', so only a
                // leading algorithm label counts.
                Some((label, rest))
                    if labelled && super::Algorithm::parse(label).is_some() =>
                {
                    (rest, Some(label.to_ascii_lowercase()))
                }
                _ => (v.as_str(), None),
            };
            let form = encoding::form_of(value, mac, expected)?;
            let detail = match label {
                Some(label) => format!(
                    "The signature carries a {label}= prefix and is {}; {} sends the bare value ({}).",
                    form.description(),
                    self.vendor,
                    expected.name()
                ),
                None => format!(
                    "The signature is {}; {} sends {}.",
                    form.description(),
                    self.vendor,
                    expected.name()
                ),
            };
            Some(self.failed(Hint::WrongEncoding, detail))
        })
    }

    /// Step 4: the body differs from what was signed only by trailing whitespace.
    fn trailing_newline(&self) -> Option<Verification> {
        let body = self.input.body;
        let key = &self.key;
        // One newline too many first (`X\n` signed, `X\n\n` received), then all of it.
        let one_less = body
            .strip_suffix(b"\r\n")
            .or_else(|| body.strip_suffix(b"\n"))
            .filter(|shorter| shorter.trim_ascii_end().len() < shorter.len());
        let trimmed = one_less
            .filter(|shorter| self.signed_by(key, shorter))
            .unwrap_or_else(|| body.trim_ascii_end());
        if trimmed.len() < body.len() && self.signed_by(key, trimmed) {
            let extra = String::from_utf8_lossy(&body[trimmed.len()..])
                .escape_debug()
                .to_string();
            return Some(self.failed(
                Hint::TrailingNewline,
                format!(
                    "The signature matches the body without its trailing \"{extra}\": it was \
                     appended after signing (by the sender's client, a proxy or a capture tool)."
                ),
            ));
        }
        [&b"\n"[..], b"\r\n"].into_iter().find_map(|suffix| {
            let longer = [body, suffix].concat();
            self.signed_by(key, &longer).then(|| {
                let shown = String::from_utf8_lossy(suffix).escape_debug().to_string();
                self.failed(
                    Hint::TrailingNewline,
                    format!(
                        "The signature matches the body plus a trailing \"{shown}\": the sender \
                         signed a newline that did not arrive (it was stripped on the way or never sent)."
                    ),
                )
            })
        })
    }

    /// Step 5: the sender signed the compact JSON (`JSON.stringify`), and other bytes arrived.
    fn body_reserialized(&self) -> Option<Verification> {
        let value: serde_json::Value = serde_json::from_slice(self.input.body).ok()?;
        let compact = super::js_json::stringify(&value).into_bytes();
        if compact == self.input.body || !self.signed_by(&self.key, &compact) {
            return None;
        }
        Some(self.failed(
            Hint::BodyReserialized,
            "The signature matches the body re-serialized as compact JSON (JSON.stringify), not \
             the bytes that arrived: the sender signed compact JSON and the body was reformatted \
             on the way (a proxy or pretty-printer), or the sender's signing code re-serializes."
                .to_string(),
        ))
    }

    /// Step 7: the header is absent.
    fn missing_credential(&self) -> Verification {
        self.failed(
            Hint::MissingCredential,
            format!(
                "No {} header arrived, but a secret is configured ({}); {} did not sign this \
                 delivery or sent it through something that drops headers.",
                self.c.header, self.c.key.setting, self.vendor
            ),
        )
    }

    /// The header arrived but cannot be read as this scheme's format.
    fn malformed(&self, raw: &str, reason: &str) -> Verification {
        // A header that still names a signature is mis-written; one without is no credential.
        let hint = if Presented::names_a_signature(self.c, raw) {
            Hint::WrongEncoding
        } else {
            Hint::MissingCredential
        };
        self.failed(
            hint,
            format!(
                "The {} header is malformed: {reason}; {} sends {}.",
                self.c.header,
                self.vendor,
                self.c.describe()
            ),
        )
        .with_evidence(Evidence {
            received: Some(raw.to_string()),
            ..Evidence::default()
        })
    }

    /// Step 8: nothing explains it.
    fn wrong_secret(&self) -> Verification {
        let algorithm = self.c.algorithm;
        let lengths: Vec<usize> = self
            .presented
            .values
            .iter()
            .flat_map(|v| encoding::decode_any(v))
            .map(|d| d.bytes.len())
            .collect();
        let detail = if lengths.is_empty() {
            format!(
                "The signature is not readable as hex or base64, so it is not an {} as {} \
                 sends it; the sender computes something else.",
                algorithm.label(),
                self.vendor
            )
        } else if !lengths.contains(&algorithm.digest_len()) {
            format!(
                "The signature decodes to {} bytes, not the {} of an {}; the sender uses \
                 another algorithm.",
                lengths[0],
                algorithm.digest_len(),
                algorithm.label()
            )
        } else {
            format!(
                "The signature does not match the configured secret ({}) over the body as \
                 received: most likely a different secret, or the body was changed.",
                crate::model::mask(self.secret)
            )
        };
        let detail = if self.c.signed.uses(&super::Part::Url) && self.c.public_url.is_none() {
            format!(
                "{detail} The signed URL was rebuilt from this request ({}); behind a tunnel \
                 or proxy the sender signs the public URL it was given: configure that.",
                shown(&self.material.url)
            )
        } else {
            detail
        };
        self.failed(Hint::WrongSecret, detail)
    }
}

/// "2 h 13 min before receipt" / "10 min after receipt", from `now - t`.
fn relative(skew: i64) -> String {
    let d = human_duration(skew.unsigned_abs());
    if skew >= 0 {
        format!("{d} before receipt")
    } else {
        format!("{d} after receipt")
    }
}
