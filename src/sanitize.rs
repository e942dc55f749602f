//! Text from a payload is data, never terminal control: everything drawn on screen passes
//! through here first.

/// Makes `text` safe to draw: ESC, CSI/OSC/DCS sequences, BEL, other C0 and C1 controls
/// and DEL are replaced by visible escapes (`␛`, `\u{9b}`…); tabs become spaces and
/// newlines are kept only when `keep_newlines`.
pub(crate) fn for_screen(text: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push('⏎'),
            '\r' => out.push('␍'),
            '\t' => out.push_str("    "),
            '\u{1b}' => out.push('␛'),
            '\u{7}' => out.push('␇'),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            // Bidi overrides can reorder what is drawn around them.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&c.escape_unicode().to_string())
            }
            c => out.push(c),
        }
    }
    out
}

/// One line for a table cell or a title: never a newline.
pub(crate) fn line(text: &str) -> String {
    for_screen(text, false)
}

/// Writes `value` as compact JSON in which DEL, C1 controls and bidi overrides are
/// `\uXXXX` escapes like C0 controls, so that printing a line or an export in a terminal
/// Appends the headless line of `d` and a newline to `out`, written as
/// [`to_json_writer`] writes. On error `out` is as it was.
pub fn write_line(d: &crate::model::Delivery, out: &mut Vec<u8>) -> serde_json::Result<()> {
    let start = out.len();
    to_json_writer(&mut *out, &d.line_ref()).inspect_err(|_| out.truncate(start))?;
    out.push(b'\n');
    Ok(())
}

/// can never act on it. Same bytes as `serde_json::to_writer` otherwise.
pub fn to_json_writer<W: std::io::Write, T: serde::Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(writer, SafeJson);
    value.serialize(&mut ser)
}

struct SafeJson;

impl serde_json::ser::Formatter for SafeJson {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // The usual case: nothing at or above DEL, nothing to look at.
        if fragment.bytes().all(|b| b < 0x7f) {
            return writer.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if matches!(c, '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_del_c1_and_bidi_and_reads_back_the_same() {
        let text = "a\u{7f}b\u{85}c\u{9b}d\u{202e}e\u{2066}f Zoë\u{1b}";
        let mut out = Vec::new();
        to_json_writer(&mut out, &serde_json::json!({ "t": text })).unwrap();
        let json = String::from_utf8(out).unwrap();
        assert_eq!(
            json,
            r#"{"t":"a\u007fb\u0085c\u009bd\u202ee\u2066f Zoë\u001b"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["t"], text);
    }

    #[test]
    fn escape_sequences_and_controls_become_visible_text() {
        let hostile = "a\u{1b}[2J\u{1b}]0;title\u{7}b\u{9b}31mc\u{90}d\u{7f}e";
        let safe = line(hostile);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert!(safe.contains("␛[2J"));
        assert!(safe.starts_with('a') && safe.ends_with('e'));
    }

    #[test]
    fn newlines_are_kept_only_when_asked() {
        assert_eq!(for_screen("a\nb", true), "a\nb");
        assert_eq!(line("a\nb"), "a⏎b");
        assert_eq!(line("Zoë Łukasiewicz"), "Zoë Łukasiewicz");
    }
}
