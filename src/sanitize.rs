//! Text from a payload is data, never terminal control: everything drawn on screen passes
//! through here first.

/// Makes `text` safe to draw: ESC, CSI/OSC/DCS sequences, BEL, other C0 and C1 controls
/// and DEL are replaced by visible escapes (`␛`, `\u{9b}`…); tabs become spaces and
/// newlines are kept only when `keep_newlines`.
pub fn for_screen(text: &str, keep_newlines: bool) -> String {
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
pub fn line(text: &str) -> String {
    for_screen(text, false)
}

#[cfg(test)]
mod tests {
    use super::*;

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
