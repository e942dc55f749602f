//! HMAC signatures: the documented check and, when it fails, the least invasive explanation
//! that makes the signature match.

use super::encoding;
use super::stripe::parse_stripe_header;
use super::{Evidence, Hint, HmacCheck, Input, Status, Verification, ct_eq, hmac_sha256};
use super::{KeyRef, human_duration};

mod credential;
#[cfg(test)]
mod credential_tests;
#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;

pub(super) use credential::{find_key_in_headers, split_auth_scheme};
pub use credential::{verify_static_header, verify_url_key};

/// How many other headers are searched for a misplaced credential.
pub(super) const MAX_HEADERS_SEARCHED: usize = 100;

const WHSEC: &str = "whsec_";

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

/// The signature values a header carries and the timestamp they sign, if any.
struct Signed {
    t_text: Option<String>,
    t: Option<i64>,
    values: Vec<String>,
}

impl Signed {
    fn read(c: &HmacCheck, raw: &str) -> Result<Self, String> {
        if c.timestamped.is_some() {
            let h = parse_stripe_header(raw)?;
            Ok(Self {
                t_text: h.t_text,
                t: h.t,
                values: h.v1,
            })
        } else if raw.trim().is_empty() {
            Err("it is empty".into())
        } else {
            Ok(Self {
                t_text: None,
                t: None,
                values: vec![raw.trim().to_string()],
            })
        }
    }

    /// The exact bytes the vendor signs: `"{t}.{body}"` or the body alone.
    fn message(&self, body: &[u8]) -> Vec<u8> {
        match &self.t_text {
            Some(t) => [t.as_bytes(), b".", body].concat(),
            None => body.to_vec(),
        }
    }

    /// Whether any value is the documented encoding of HMAC(key, message(body)).
    fn signed_by(&self, c: &HmacCheck, key: &[u8], body: &[u8]) -> bool {
        let expected = c.encoding.encode(&hmac_sha256(key, &self.message(body)));
        self.values
            .iter()
            .any(|v| ct_eq(v.as_bytes(), expected.as_bytes()))
    }
}

/// Everything a diagnosis step needs, with the raw key and body fixed.
struct Case<'a> {
    c: &'a HmacCheck,
    input: &'a Input<'a>,
    secret: &'a str,
    vendor: String,
}

pub fn verify_hmac(c: &HmacCheck, input: &Input<'_>) -> Verification {
    let received = input.header(c.header);
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
    let case = Case {
        c,
        input,
        secret: secret.expose(),
        vendor: c.key.vendor.to_string(),
    };
    match received {
        None => case
            .found_elsewhere()
            .unwrap_or_else(|| case.missing_credential()),
        Some(raw) => match Signed::read(c, raw) {
            Ok(signed) => case.check(raw, &signed),
            Err(reason) => case
                .found_elsewhere()
                .unwrap_or_else(|| case.malformed(raw, &reason)),
        },
    }
}

impl Case<'_> {
    fn key(&self) -> &[u8] {
        self.secret.as_bytes()
    }

    fn failed(&self, hint: Hint, detail: String) -> Verification {
        Verification::failed(self.c.scheme, hint, detail)
    }

    fn check(&self, raw: &str, signed: &Signed) -> Verification {
        let body = self.input.body;
        let message = signed.message(body);
        let mac = hmac_sha256(self.key(), &message);
        let expected = self.c.encoding.encode(&mac);
        let skew = signed.t.map(|t| self.input.now.saturating_sub(t));
        let evidence = Evidence {
            expected: Some(expected.clone()),
            received: Some(raw.to_string()),
            // The message is ours to keep: a valid UTF-8 body becomes the text uncopied.
            signed_payload: Some(
                String::from_utf8(message)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
            skew_secs: skew,
            claims: None,
        };
        let matched = signed
            .values
            .iter()
            .position(|v| ct_eq(v.as_bytes(), expected.as_bytes()));
        let verdict = match matched {
            Some(i) => self.timestamp_verdict(skew).unwrap_or_else(|| {
                let which = if signed.values.len() > 1 {
                    format!(" (v1 value {} of {})", i + 1, signed.values.len())
                } else {
                    String::new()
                };
                let age = skew.map_or(String::new(), |s| format!(", signed {}", relative(s)));
                Verification::new(
                    Status::Verified,
                    self.c.scheme,
                    format!("Signature matches the configured secret{which}{age}."),
                )
            }),
            None => self
                .secret_prefix(signed)
                .or_else(|| self.wrong_encoding(signed, &mac))
                .or_else(|| self.trailing_newline(signed))
                .or_else(|| self.body_reserialized(signed))
                .or_else(|| self.found_elsewhere())
                .unwrap_or_else(|| self.wrong_secret(signed)),
        };
        // A verdict found in another header carries that header's evidence already.
        if verdict.evidence.is_some() {
            verdict
        } else {
            verdict.with_evidence(evidence)
        }
    }

    /// Step 1: the signature is right; is the timestamp within tolerance?
    fn timestamp_verdict(&self, skew: Option<i64>) -> Option<Verification> {
        let (tolerance, skew) = (self.c.timestamped?, skew?);
        if skew.unsigned_abs() <= tolerance {
            return None;
        }
        let clock = if skew < 0 { " (clock skew?)" } else { "" };
        Some(self.failed(
            Hint::TimestampOutsideTolerance,
            format!(
                "Signed {}{clock}; tolerance is {}. The signature itself is right.",
                relative(skew),
                human_duration(tolerance)
            ),
        ))
    }

    /// Step 2: the sender used the secret with or without its `whsec_` prefix, or decoded.
    fn secret_prefix(&self, signed: &Signed) -> Option<Verification> {
        let body = self.input.body;
        let vendor = &self.vendor;
        let mut variants: Vec<(Vec<u8>, String)> = Vec::new();
        if let Some(bare) = self.secret.strip_prefix(WHSEC) {
            variants.push((
                bare.as_bytes().to_vec(),
                format!(
                    "The signature matches when the key is the secret without its whsec_ prefix; \
                     {vendor} signs with the whole whsec_… string."
                ),
            ));
            if let Some(decoded) = encoding::decode_base64_lenient(bare) {
                variants.push((
                    decoded,
                    format!(
                        "The signature matches when the key is the base64-decoded part after \
                         whsec_; {vendor} signs with the whole whsec_… string as text."
                    ),
                ));
            }
        } else {
            variants.push((
                format!("{WHSEC}{}", self.secret).into_bytes(),
                format!(
                    "The signature matches when whsec_ is put in front of the configured secret; \
                     set {} to the full whsec_… value {vendor} shows.",
                    self.c.key.setting
                ),
            ));
            if let Some(decoded) = encoding::decode_base64_lenient(self.secret) {
                variants.push((
                    decoded,
                    format!(
                        "The signature matches when the key is the base64-decoded secret; \
                         {vendor} signs with the secret's text as configured."
                    ),
                ));
            }
        }
        variants
            .into_iter()
            .find(|(key, _)| signed.signed_by(self.c, key, body))
            .map(|(_, detail)| self.failed(Hint::SecretPrefix, detail))
    }

    /// Step 3: the right MAC, written in another encoding.
    fn wrong_encoding(&self, signed: &Signed, mac: &[u8]) -> Option<Verification> {
        let expected = self.c.encoding;
        signed.values.iter().find_map(|v| {
            let (value, prefix) = match v.split_once('=') {
                // `sha256=<mac>` (GitHub style); base64 padding also contains '=', so only a
                // leading algorithm label counts.
                Some((label, rest)) if label.eq_ignore_ascii_case("sha256") => (rest, true),
                _ => (v.as_str(), false),
            };
            let form = encoding::form_of(value, mac, expected)?;
            let detail = if prefix {
                format!(
                    "The signature carries a sha256= prefix and is {}; {} sends the bare value ({}).",
                    form.description(),
                    self.vendor,
                    expected.name()
                )
            } else {
                format!(
                    "The signature is {}; {} sends {}.",
                    form.description(),
                    self.vendor,
                    expected.name()
                )
            };
            Some(self.failed(Hint::WrongEncoding, detail))
        })
    }

    /// Step 4: the body differs from what was signed only by trailing whitespace.
    fn trailing_newline(&self, signed: &Signed) -> Option<Verification> {
        let body = self.input.body;
        // One newline too many first (`X\n` signed, `X\n\n` received), then all of it.
        let one_less = body
            .strip_suffix(b"\r\n")
            .or_else(|| body.strip_suffix(b"\n"))
            .filter(|shorter| shorter.trim_ascii_end().len() < shorter.len());
        let trimmed = one_less
            .filter(|shorter| signed.signed_by(self.c, self.key(), shorter))
            .unwrap_or_else(|| body.trim_ascii_end());
        if trimmed.len() < body.len() && signed.signed_by(self.c, self.key(), trimmed) {
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
            signed.signed_by(self.c, self.key(), &longer).then(|| {
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
    fn body_reserialized(&self, signed: &Signed) -> Option<Verification> {
        let value: serde_json::Value = serde_json::from_slice(self.input.body).ok()?;
        let compact = super::js_json::stringify(&value).into_bytes();
        if compact == self.input.body || !signed.signed_by(self.c, self.key(), &compact) {
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

    /// Step 6: a value in another header verifies.
    fn found_elsewhere(&self) -> Option<Verification> {
        // Without a timestamp every header signs the same message: one HMAC serves them all.
        let body_mac = hmac_sha256(self.key(), self.input.body);
        let (name, value) = self
            .input
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case(self.c.header))
            .take(MAX_HEADERS_SEARCHED)
            .find(|(_, v)| self.verifies_anyhow(v, &body_mac))?;
        let detail = format!(
            "The signature arrived in the {} header, not {}; the sender must use {} (it \
             verifies there).",
            shown(name),
            self.c.header,
            self.c.header
        );
        Some(
            self.failed(Hint::HeaderName, detail)
                .with_evidence(Evidence {
                    received: Some(format!("{name}: {value}")),
                    ..Evidence::default()
                }),
        )
    }

    /// Whether `raw`, read as this scheme's header, carries the right MAC in any encoding.
    fn verifies_anyhow(&self, raw: &str, body_mac: &[u8; 32]) -> bool {
        let Ok(signed) = Signed::read(self.c, raw) else {
            return false;
        };
        let mac = match signed.t_text {
            Some(_) => hmac_sha256(self.key(), &signed.message(self.input.body)),
            None => *body_mac,
        };
        signed
            .values
            .iter()
            .any(|v| encoding::form_of(v, &mac, self.c.encoding).is_some())
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
        let format = match self.c.timestamped {
            Some(_) => format!("t=<unix seconds>,v1=<{}>", self.c.encoding.name()),
            None => format!("the HMAC-SHA256 as {}", self.c.encoding.name()),
        };
        // A header that still names a signature is mis-written; one without is no credential.
        let has_value = raw.split(',').any(|part| {
            part.split_once('=')
                .is_some_and(|(k, v)| k.trim() == "v1" && !v.trim().is_empty())
        });
        let hint = if has_value {
            Hint::WrongEncoding
        } else {
            Hint::MissingCredential
        };
        self.failed(
            hint,
            format!(
                "The {} header is malformed: {reason}; {} sends {format}.",
                self.c.header, self.vendor
            ),
        )
        .with_evidence(Evidence {
            received: Some(raw.to_string()),
            ..Evidence::default()
        })
    }

    /// Step 8: nothing explains it.
    fn wrong_secret(&self, signed: &Signed) -> Verification {
        let lengths: Vec<usize> = signed
            .values
            .iter()
            .flat_map(|v| encoding::decode_any(v))
            .map(|d| d.bytes.len())
            .collect();
        let detail = if lengths.is_empty() {
            format!(
                "The signature is not readable as hex or base64, so it is not an HMAC-SHA256 as \
                 {} sends it; the sender computes something else.",
                self.vendor
            )
        } else if !lengths.contains(&32) {
            format!(
                "The signature decodes to {} bytes, not the 32 of an HMAC-SHA256; the sender \
                 uses another algorithm.",
                lengths[0]
            )
        } else {
            format!(
                "The signature does not match the configured secret ({}) over the body as \
                 received: most likely a different secret, or the body was changed.",
                crate::config::mask(self.secret)
            )
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
