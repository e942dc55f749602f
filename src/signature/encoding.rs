//! How a MAC is written in a header, and how to recognise the way a received one was written.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

/// The encoding a vendor documents for its signature header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Lowercase hex.
    Hex,
    /// Base64, standard alphabet, with `=` padding.
    Base64,
    /// Base64url without padding.
    Base64UrlNoPad,
}

impl Encoding {
    pub(crate) fn encode(self, bytes: &[u8]) -> String {
        match self {
            Encoding::Hex => hex::encode(bytes),
            Encoding::Base64 => STANDARD.encode(bytes),
            Encoding::Base64UrlNoPad => URL_SAFE_NO_PAD.encode(bytes),
        }
    }

    /// How the encoding is described to people, e.g. "base64url without padding".
    pub(crate) fn name(self) -> &'static str {
        self.form().description()
    }

    /// The exact written form this encoding produces.
    pub(crate) fn form(self) -> Form {
        match self {
            Encoding::Hex => Form::LowerHex,
            Encoding::Base64 => Form::Base64Padded,
            Encoding::Base64UrlNoPad => Form::Base64UrlUnpadded,
        }
    }
}

/// One concrete way bytes can be written as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    LowerHex,
    UpperHex,
    MixedCaseHex,
    Base64Padded,
    Base64Unpadded,
    Base64UrlPadded,
    Base64UrlUnpadded,
}

impl Form {
    pub(crate) const ALL: [Form; 7] = [
        Form::LowerHex,
        Form::UpperHex,
        Form::MixedCaseHex,
        Form::Base64Padded,
        Form::Base64Unpadded,
        Form::Base64UrlPadded,
        Form::Base64UrlUnpadded,
    ];

    pub(crate) fn description(self) -> &'static str {
        match self {
            Form::LowerHex => "lowercase hex",
            Form::UpperHex => "uppercase hex",
            Form::MixedCaseHex => "mixed-case hex",
            Form::Base64Padded => "base64 (standard alphabet) with '=' padding",
            Form::Base64Unpadded => "base64 (standard alphabet) without padding",
            Form::Base64UrlPadded => "base64url with '=' padding",
            Form::Base64UrlUnpadded => "base64url without padding",
        }
    }

    fn is_hex(self) -> bool {
        matches!(self, Form::LowerHex | Form::UpperHex | Form::MixedCaseHex)
    }

    fn is_url(self) -> bool {
        matches!(self, Form::Base64UrlPadded | Form::Base64UrlUnpadded)
    }

    /// Strict decoding: `None` unless `s` is exactly in this form.
    pub(crate) fn decode(self, s: &str) -> Option<Vec<u8>> {
        let has_lower = s.bytes().any(|b| b.is_ascii_lowercase());
        let has_upper = s.bytes().any(|b| b.is_ascii_uppercase());
        match self {
            Form::LowerHex if has_upper => None,
            Form::UpperHex if has_lower || !has_upper => None,
            Form::MixedCaseHex if !(has_lower && has_upper) => None,
            Form::LowerHex | Form::UpperHex | Form::MixedCaseHex => hex::decode(s).ok(),
            Form::Base64Padded => STANDARD.decode(s).ok(),
            Form::Base64Unpadded => STANDARD_NO_PAD.decode(s).ok(),
            Form::Base64UrlPadded => URL_SAFE.decode(s).ok(),
            Form::Base64UrlUnpadded => URL_SAFE_NO_PAD.decode(s).ok(),
        }
    }

    /// How alike two forms look, so that an ambiguous string (one that decodes to the same
    /// bytes in several forms) is described by the form closest to what was expected.
    fn likeness(self, other: Form) -> u8 {
        u8::from(self.is_hex() == other.is_hex()) + u8::from(self.is_url() == other.is_url())
    }
}

/// A received string read in one form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decoded {
    pub form: Form,
    pub bytes: Vec<u8>,
}

/// Every form `s` is valid in, with the bytes each yields. A string can be valid in several
/// forms (a hex string is also valid base64), so all readings are returned.
pub(crate) fn decode_any(s: &str) -> Vec<Decoded> {
    let s = s.trim();
    if s.is_empty() {
        return Vec::new();
    }
    Form::ALL
        .into_iter()
        .filter_map(|form| form.decode(s).map(|bytes| Decoded { form, bytes }))
        .collect()
}

/// The form in which `s` decodes to `bytes`, preferring the one most like `expected`.
pub(crate) fn form_of(s: &str, bytes: &[u8], expected: Encoding) -> Option<Form> {
    let mut matches: Vec<Form> = decode_any(s)
        .into_iter()
        .filter(|d| super::ct_eq(&d.bytes, bytes))
        .map(|d| d.form)
        .collect();
    matches.sort_by_key(|f| std::cmp::Reverse(f.likeness(expected.form())));
    matches.first().copied()
}

/// Reads a secret as base64 in whichever alphabet and padding it uses.
pub(crate) fn decode_base64_lenient(s: &str) -> Option<Vec<u8>> {
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(s).ok())
        .filter(|b| !b.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    // 32 bytes whose base64 needs padding and uses both alphabet-specific characters.
    const MAC: [u8; 32] = [
        0xfb, 0xff, 0x3e, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
        0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
        0xfe, 0xbf,
    ];

    #[test]
    fn encodes_in_each_documented_form() {
        assert_eq!(Encoding::Hex.encode(b"\x01\xab"), "01ab");
        assert_eq!(Encoding::Base64.encode(b"\xfb\xff"), "+/8=");
        assert_eq!(Encoding::Base64UrlNoPad.encode(b"\xfb\xff"), "-_8");
    }

    #[test]
    fn names_describe_the_form() {
        assert_eq!(Encoding::Hex.name(), "lowercase hex");
        assert_eq!(Encoding::Base64UrlNoPad.name(), "base64url without padding");
        assert!(Encoding::Base64.name().contains("standard alphabet"));
    }

    #[test]
    fn recognises_every_form_of_the_same_bytes() {
        let written = [
            (hex::encode(MAC), Form::LowerHex),
            (hex::encode_upper(MAC), Form::UpperHex),
            (STANDARD.encode(MAC), Form::Base64Padded),
            (STANDARD_NO_PAD.encode(MAC), Form::Base64Unpadded),
            (URL_SAFE.encode(MAC), Form::Base64UrlPadded),
            (URL_SAFE_NO_PAD.encode(MAC), Form::Base64UrlUnpadded),
        ];
        for (s, form) in written {
            let found = decode_any(&s);
            assert!(
                found.iter().any(|d| d.form == form && d.bytes == MAC),
                "{s} should read as {form:?}: {found:?}"
            );
            assert_eq!(form_of(&s, &MAC, Encoding::Hex), Some(form), "{s}");
        }
    }

    #[test]
    fn mixed_case_hex_is_its_own_form() {
        let mut s = hex::encode(MAC);
        s.replace_range(0..2, "FB");
        assert_eq!(form_of(&s, &MAC, Encoding::Hex), Some(Form::MixedCaseHex));
        assert_eq!(Form::LowerHex.decode(&s), None);
        assert_eq!(Form::UpperHex.decode(&s), None);
    }

    #[test]
    fn ambiguous_strings_are_described_in_the_expected_alphabet() {
        // No '+', '/', '-' or '_': valid in both alphabets.
        let bytes = [0u8; 32];
        let padded = STANDARD.encode(bytes);
        assert_eq!(padded, URL_SAFE.encode(bytes));
        assert_eq!(
            form_of(&padded, &bytes, Encoding::Base64UrlNoPad),
            Some(Form::Base64UrlPadded)
        );
        assert_eq!(
            form_of(&padded, &bytes, Encoding::Base64),
            Some(Form::Base64Padded)
        );
    }

    #[test]
    fn rejects_non_canonical_and_garbage() {
        assert!(decode_any("").is_empty());
        assert!(decode_any("not a signature!").is_empty());
        assert_eq!(Form::Base64Padded.decode("-_8="), None);
        assert_eq!(Form::Base64UrlUnpadded.decode("-_8="), None);
        assert_eq!(form_of("zz", &MAC, Encoding::Hex), None);
    }

    #[test]
    fn lenient_base64_reads_any_alphabet() {
        assert_eq!(decode_base64_lenient("+/8="), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_base64_lenient("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_base64_lenient("!!"), None);
        assert_eq!(decode_base64_lenient(""), None);
    }
}
