//! Escaping of request data before it reaches a terminal.
//!
//! Webhook senders control paths, header values and bodies. Printed as they are,
//! an `ESC[2J` in a header would clear the user's screen, a right-to-left override
//! would reorder what they read, and a zero-width character would hide text. Every
//! text form of request data (`list`, `show`, the plain `listen` lines, the TUI)
//! goes through [`sanitize`]; the exact forms (`--json`, `--raw`, `--body`) do not.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Returns `text` with control, bidirectional-override and zero-width characters
/// replaced by visible escapes (`\e`, `\n`, `\u{202e}`, …). Borrows when nothing
/// needs escaping, which is the common case.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_char(&mut out, c, false);
    }
    Cow::Owned(out)
}

/// Like [`sanitize`] but keeps line breaks and tabs, for multi-line bodies
/// shown in `show` and the TUI.
pub fn sanitize_multiline(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| needs_escape(c) && c != '\n' && c != '\t')
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_char(&mut out, c, true);
    }
    Cow::Owned(out)
}

/// Sanitises bytes that may not be UTF-8: invalid sequences become `\xNN`.
pub fn sanitize_bytes(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => sanitize(text),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len() + 8);
            for chunk in bytes.utf8_chunks() {
                for c in chunk.valid().chars() {
                    push_char(&mut out, c, false);
                }
                for b in chunk.invalid() {
                    let _ = write!(out, "\\x{b:02x}");
                }
            }
            Cow::Owned(out)
        }
    }
}

fn push_char(out: &mut String, c: char, keep_lines: bool) {
    if !needs_escape(c) || (keep_lines && (c == '\n' || c == '\t')) {
        out.push(c);
        return;
    }
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\x1b' => out.push_str("\\e"),
        c if (c as u32) < 0x80 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// Whether a character must not reach a terminal as it is.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            // bidirectional embeddings, overrides and isolates
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
            // zero-width and invisible formatting characters
            | '\u{200b}'..='\u{200d}' | '\u{2060}'..='\u{2064}' | '\u{feff}' | '\u{00ad}'
            // line and paragraph separators
            | '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(sanitize("/hooks/stripe?x=1"), Cow::Borrowed(_)));
        assert!(matches!(sanitize("héllo wörld ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(sanitize("a\x1b[2Jb"), "a\\e[2Jb");
        assert_eq!(sanitize("a\r\nb\x07"), "a\\r\\nb\\x07");
        assert_eq!(sanitize("\u{9b}31m"), "\\u{9b}31m");
    }

    #[test]
    fn escapes_bidi_and_zero_width() {
        assert_eq!(sanitize("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(sanitize("pay\u{200b}pal"), "pay\\u{200b}pal");
        assert_eq!(sanitize("x\u{2066}y"), "x\\u{2066}y");
    }

    #[test]
    fn multiline_keeps_newlines_only() {
        assert_eq!(sanitize_multiline("a\n\tb\x1b[0m"), "a\n\tb\\e[0m");
    }

    #[test]
    fn invalid_utf8_is_shown_as_hex() {
        assert_eq!(sanitize_bytes(b"ok\xff\x1b"), "ok\\xff\\e");
    }
}
