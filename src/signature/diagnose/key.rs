//! The sender keyed the HMAC with the secret in another form than the scheme's: with or
//! without a `whsec_` prefix, decoded where it should be text (or the reverse), or with
//! whitespace the configured one carries.

use super::Case;
use crate::signature::encoding::decode_base64_lenient;
use crate::signature::hmac::WHSEC;
use crate::signature::{Hint, SecretEncoding, Verification};

/// One other way to read the secret, and what to say when it verifies.
struct Variant {
    key: Vec<u8>,
    hint: Hint,
    detail: String,
}

impl Case<'_> {
    /// Step 2: another reading of the secret verifies.
    pub(super) fn key_variant(&self) -> Option<Verification> {
        let body = self.input.body;
        self.key_variants()
            .into_iter()
            .find(|v| self.signed_by(&v.key, body))
            .map(|v| self.failed(v.hint, v.detail))
    }

    /// The configured secret cannot become a key the way the scheme reads it: unless its
    /// trimmed form can (and verifies), that is the finding.
    pub(super) fn unreadable_secret(&self, why: &str) -> Verification {
        if let Some(v) = self
            .whitespace_variant()
            .filter(|v| self.signed_by(&v.key, self.input.body))
        {
            return self.failed(v.hint, v.detail);
        }
        self.failed(
            Hint::SecretEncoding,
            format!(
                "The configured secret ({}) {why}, but the scheme reads it as {}; set {} to the \
                 value {} shows, or change how the scheme reads it.",
                self.c.key.setting,
                self.c.secret_encoding.as_str(),
                self.c.key.setting,
                self.vendor
            ),
        )
    }

    fn key_variants(&self) -> Vec<Variant> {
        let vendor = &self.vendor;
        let secret = self.secret;
        let variant = |key: Vec<u8>, hint, detail: String| Variant { key, hint, detail };
        let mut out = Vec::new();
        match self.c.secret_encoding {
            SecretEncoding::Raw => {
                if let Some(bare) = secret.strip_prefix(WHSEC) {
                    out.push(variant(
                        bare.as_bytes().to_vec(),
                        Hint::SecretPrefix,
                        format!(
                            "The signature matches when the key is the secret without its whsec_ \
                             prefix; {vendor} signs with the whole whsec_… string."
                        ),
                    ));
                    if let Some(decoded) = decode_base64_lenient(bare) {
                        out.push(variant(
                            decoded,
                            Hint::SecretPrefix,
                            format!(
                                "The signature matches when the key is the base64-decoded part \
                                 after whsec_; {vendor} signs with the whole whsec_… string as text."
                            ),
                        ));
                    }
                } else {
                    out.push(variant(
                        format!("{WHSEC}{secret}").into_bytes(),
                        Hint::SecretPrefix,
                        format!(
                            "The signature matches when whsec_ is put in front of the configured \
                             secret; set {} to the full whsec_… value {vendor} shows.",
                            self.c.key.setting
                        ),
                    ));
                    if let Some(decoded) = decode_base64_lenient(secret) {
                        out.push(variant(
                            decoded,
                            Hint::SecretEncoding,
                            format!(
                                "The signature matches when the key is the base64-decoded \
                                 secret; {vendor} signs with the secret's text as configured."
                            ),
                        ));
                    }
                }
                if let Some(decoded) = hex::decode(secret).ok().filter(|k| !k.is_empty()) {
                    out.push(variant(
                        decoded,
                        Hint::SecretEncoding,
                        format!(
                            "The signature matches when the key is the hex-decoded secret; \
                             {vendor} signs with the secret's text as configured."
                        ),
                    ));
                }
            }
            SecretEncoding::Base64 | SecretEncoding::Hex => {
                let how = match self.c.secret_encoding {
                    SecretEncoding::Base64 => "base64-decoded (after any whsec_ prefix)",
                    _ => "hex-decoded",
                };
                out.push(variant(
                    secret.as_bytes().to_vec(),
                    Hint::SecretEncoding,
                    format!(
                        "The signature matches when the key is the secret's text as configured, \
                         not {how} as {vendor}'s scheme says: the sender used the secret raw."
                    ),
                ));
                if let Some(bare) = secret.strip_prefix(WHSEC) {
                    out.push(variant(
                        bare.as_bytes().to_vec(),
                        Hint::SecretEncoding,
                        format!(
                            "The signature matches when the key is the text after whsec_, not \
                             {how} as {vendor}'s scheme says: the sender used it raw."
                        ),
                    ));
                }
            }
        }
        out.extend(self.whitespace_variant());
        out
    }

    /// The secret without the whitespace around it, read as the scheme says.
    fn whitespace_variant(&self) -> Option<Variant> {
        let secret = self.secret;
        let trimmed = secret.trim();
        if trimmed == secret || trimmed.is_empty() {
            return None;
        }
        let key = self.c.secret_encoding.key(trimmed).ok()?;
        let what = if secret.ends_with('\n') || secret.ends_with('\r') {
            "a trailing newline"
        } else if secret.trim_start() != secret {
            "leading whitespace"
        } else {
            "trailing whitespace"
        };
        Some(Variant {
            key,
            hint: Hint::SecretWhitespace,
            detail: format!(
                "The secret ({}) has {what}; the signature matches the secret without it. \
                 Remove it from the setting (a secret pasted or read from a file often \
                 brings one).",
                self.c.key.setting
            ),
        })
    }
}
