//! The general HMAC check: one description that fits any HMAC webhook, built-in or
//! configured (algorithm, digest encoding, header format, signed content, timestamp rule,
//! id header, secret encoding).

use std::borrow::Cow;

use hmac::{Hmac, Mac};

use super::KeyRef;
use super::encoding::{Encoding, decode_base64_lenient};
use super::template::Template;

/// The hash under the HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "lowercase")]
pub enum Algorithm {
    Sha1,
    Sha256,
    Sha512,
}

impl Algorithm {
    /// `sha1`, `sha256`, `sha512`: as written in the config.
    pub(crate) fn as_str(self) -> &'static str {
        self.into()
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        use strum::IntoEnumIterator;
        Self::iter().find(|a| a.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// `HMAC-SHA256`, for people.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "HMAC-SHA1",
            Algorithm::Sha256 => "HMAC-SHA256",
            Algorithm::Sha512 => "HMAC-SHA512",
        }
    }

    /// Digest length in bytes.
    pub(crate) fn digest_len(self) -> usize {
        match self {
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }

    /// HMAC of `msg` under `key`.
    pub(crate) fn mac(self, key: &[u8], msg: &[u8]) -> Vec<u8> {
        macro_rules! mac {
            ($digest:ty) => {{
                let mut m =
                    <Hmac<$digest> as Mac>::new_from_slice(key).expect("HMAC takes any key");
                m.update(msg);
                m.finalize().into_bytes().to_vec()
            }};
        }
        match self {
            Algorithm::Sha1 => mac!(sha1::Sha1),
            Algorithm::Sha256 => mac!(sha2::Sha256),
            Algorithm::Sha512 => mac!(sha2::Sha512),
        }
    }
}

/// How the signature header is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderFormat {
    /// One value, after an optional prefix (`sha256=<hex>`, `v0=<hex>`, `<base64>`).
    Single,
    /// `t=<unix>,v1=<mac>[,v1=<mac>…][,v0=…]`: the timestamp travels in the header.
    Stripe,
    /// A space-separated list of `v1,<base64>`; other versions are ignored.
    StandardWebhooks,
}

/// Where the signed timestamp is and how far from receipt it may be, both ways.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampRule {
    /// `None`: inside the signature header (the `Stripe` format's `t=`).
    pub header: Option<Cow<'static, str>>,
    pub tolerance_secs: u64,
}

/// How the configured secret becomes the HMAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, strum::IntoStaticStr, strum::EnumIter)]
#[strum(serialize_all = "lowercase")]
pub enum SecretEncoding {
    /// The secret's text as bytes.
    #[default]
    Raw,
    /// Base64-decoded, after stripping a `whsec_` prefix.
    Base64,
    /// Hex-decoded.
    Hex,
}

/// The prefix some senders put before a base64 secret.
pub(crate) const WHSEC: &str = "whsec_";

impl SecretEncoding {
    pub(crate) fn as_str(self) -> &'static str {
        self.into()
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        use strum::IntoEnumIterator;
        Self::iter().find(|e| e.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// The HMAC key the secret stands for; `Err` says why it cannot be read so.
    pub(crate) fn key(self, secret: &str) -> Result<Vec<u8>, String> {
        match self {
            SecretEncoding::Raw => Ok(secret.as_bytes().to_vec()),
            SecretEncoding::Base64 => {
                let bare = secret.strip_prefix(WHSEC).unwrap_or(secret);
                decode_base64_lenient(bare).ok_or_else(|| "is not valid base64".to_string())
            }
            SecretEncoding::Hex => hex::decode(secret)
                .ok()
                .filter(|k| !k.is_empty())
                .ok_or_else(|| "is not valid hex".to_string()),
        }
    }
}

/// Any HMAC webhook signature: what is signed, with which key and hash, and how the
/// result is written into which header.
#[derive(Debug, Clone)]
pub struct HmacCheck {
    pub scheme: &'static str,
    /// The signature header's name.
    pub header: Cow<'static, str>,
    pub algorithm: Algorithm,
    /// How the MAC is written.
    pub encoding: Encoding,
    /// Text before the MAC in a `Single` header, e.g. `sha256=`, `v0=`.
    pub prefix: Option<Cow<'static, str>>,
    pub format: HeaderFormat,
    /// What the sender signs.
    pub signed: Template,
    pub timestamp: Option<TimestampRule>,
    /// The header read for `{id}`.
    pub id_header: Option<Cow<'static, str>>,
    pub secret_encoding: SecretEncoding,
    /// The URL the sender signs for `{url}` (it differs from the one we see behind a
    /// tunnel); unset, `{url}` is rebuilt from the request.
    pub public_url: Option<String>,
    pub key: KeyRef,
}

impl HmacCheck {
    /// HMAC-SHA256 over the body, the MAC alone in `header`.
    pub fn body(
        scheme: &'static str,
        header: impl Into<Cow<'static, str>>,
        encoding: Encoding,
        key: KeyRef,
    ) -> Self {
        Self {
            scheme,
            header: header.into(),
            algorithm: Algorithm::Sha256,
            encoding,
            prefix: None,
            format: HeaderFormat::Single,
            signed: Template::body(),
            timestamp: None,
            id_header: None,
            secret_encoding: SecretEncoding::Raw,
            public_url: None,
            key,
        }
    }

    /// Stripe's scheme: `t=…,v1=<hex>` over `{t}.{body}`, HMAC-SHA256, the secret as is.
    pub fn stripe(
        scheme: &'static str,
        header: impl Into<Cow<'static, str>>,
        tolerance_secs: u64,
        key: KeyRef,
    ) -> Self {
        Self {
            format: HeaderFormat::Stripe,
            signed: Template::timestamp_dot_body(),
            timestamp: Some(TimestampRule {
                header: None,
                tolerance_secs,
            }),
            ..Self::body(scheme, header, Encoding::Hex, key)
        }
    }

    pub(crate) fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    pub(crate) fn prefix(mut self, prefix: impl Into<Cow<'static, str>>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }

    pub(crate) fn format(mut self, format: HeaderFormat) -> Self {
        self.format = format;
        self
    }

    pub(crate) fn signed(mut self, template: Template) -> Self {
        self.signed = template;
        self
    }

    /// The timestamp in `header` (or in the signature header when `None`).
    pub(crate) fn timestamp(
        mut self,
        header: Option<impl Into<Cow<'static, str>>>,
        tolerance_secs: u64,
    ) -> Self {
        self.timestamp = Some(TimestampRule {
            header: header.map(Into::into),
            tolerance_secs,
        });
        self
    }

    pub(crate) fn id_header(mut self, header: impl Into<Cow<'static, str>>) -> Self {
        self.id_header = Some(header.into());
        self
    }

    pub(crate) fn secret_encoding(mut self, encoding: SecretEncoding) -> Self {
        self.secret_encoding = encoding;
        self
    }

    pub(crate) fn public_url(mut self, url: Option<String>) -> Self {
        self.public_url = url.filter(|u| !u.trim().is_empty());
        self
    }

    /// The tolerance of a timestamped signature.
    pub(crate) fn tolerance(&self) -> Option<u64> {
        self.timestamp.as_ref().map(|t| t.tolerance_secs)
    }

    /// MAC of `msg` with this check's algorithm.
    pub(crate) fn mac(&self, key: &[u8], msg: &[u8]) -> Vec<u8> {
        self.algorithm.mac(key, msg)
    }

    /// The MAC as it is written in the header: `v1,<b64>` for Standard Webhooks, the
    /// prefix and the MAC for a single value, the MAC alone inside a Stripe header.
    pub(crate) fn written(&self, mac: &[u8]) -> String {
        let encoded = self.encoding.encode(mac);
        match self.format {
            HeaderFormat::Single => format!("{}{encoded}", self.prefix.as_deref().unwrap_or("")),
            HeaderFormat::Stripe => encoded,
            HeaderFormat::StandardWebhooks => format!("v1,{encoded}"),
        }
    }

    /// "the HMAC-SHA256 as lowercase hex after sha256=", for messages.
    pub(crate) fn describe(&self) -> String {
        let what = format!("the {} as {}", self.algorithm.label(), self.encoding.name());
        match (self.format, self.prefix.as_deref()) {
            (HeaderFormat::Stripe, _) => format!("t=<unix seconds>,v1=<{}>", self.encoding.name()),
            (HeaderFormat::StandardWebhooks, _) => {
                format!("a space-separated list of v1,<{}>", self.encoding.name())
            }
            (HeaderFormat::Single, Some(p)) => format!("{what} after {p}"),
            (HeaderFormat::Single, None) => what,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_algorithm_has_its_digest_length() {
        for a in [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512] {
            assert_eq!(a.mac(b"k", b"m").len(), a.digest_len(), "{a:?}");
            assert_eq!(Algorithm::parse(a.as_str()), Some(a));
        }
        assert_eq!(Algorithm::parse("md5"), None);
    }

    #[test]
    fn secret_encodings_decode_the_key() {
        assert_eq!(SecretEncoding::Raw.key("whsec_x").unwrap(), b"whsec_x");
        assert_eq!(SecretEncoding::Base64.key("whsec_AAEC").unwrap(), [0, 1, 2]);
        assert_eq!(SecretEncoding::Base64.key("AAEC").unwrap(), [0, 1, 2]);
        assert_eq!(SecretEncoding::Hex.key("0a0B").unwrap(), [10, 11]);
        assert!(SecretEncoding::Hex.key("zz").is_err());
        assert!(SecretEncoding::Base64.key("whsec_!!").is_err());
    }
}
