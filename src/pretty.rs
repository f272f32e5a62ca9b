//! Bodies made readable for people: JSON re-indented token by token (numbers,
//! escapes and key order stay exactly as sent, nothing is re-serialised), form
//! fields as a table, binary as a hex dump. Used by `show` and the TUI.

use std::fmt::Write as _;

/// How a body is best shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    /// Indented JSON.
    Json(String),
    /// Decoded form fields.
    Form(Vec<(String, String)>),
    /// Text as it is.
    Text(String),
    /// A hex dump.
    Binary(String),
    /// No body.
    Empty,
}

/// Chooses and builds the best form for a body with this content type.
pub fn render(body: &[u8], content_type: Option<&str>) -> Rendered {
    if body.is_empty() {
        return Rendered::Empty;
    }
    let Ok(text) = std::str::from_utf8(body) else {
        return Rendered::Binary(hex_dump(body));
    };
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if let Some(json) = indent_json(text) {
        return Rendered::Json(json);
    }
    if ct.starts_with("application/x-www-form-urlencoded") {
        return Rendered::Form(form_urlencoded_pairs(text.as_bytes()).into_iter().collect());
    }
    Rendered::Text(text.to_owned())
}

/// Decodes `a=1&b=two+words` into pairs.
pub fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    body.split(|&b| b == b'&')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (k, v) = match part.iter().position(|&b| b == b'=') {
                Some(i) => (&part[..i], &part[i + 1..]),
                None => (part, &b""[..]),
            };
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match bytes.get(i + 1..i + 3) {
                Some(&[h, l]) if h.is_ascii_hexdigit() && l.is_ascii_hexdigit() => {
                    out.push(hex_value(h) << 4 | hex_value(l));
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        _ => digit - b'A' + 10,
    }
}

/// Re-indents JSON text with two spaces, keeping every token as written.
/// `None` when the text is not JSON.
pub fn indent_json(text: &str) -> Option<String> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // Keep empty containers on one line.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if matches!(chars.peek(), Some('}' | ']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

/// What a piece of a line of indented JSON is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonToken {
    /// An object key, with its quotes.
    Key,
    /// A string value, with its quotes.
    String,
    /// A number.
    Number,
    /// `true`, `false` or `null`.
    Literal,
    /// Brackets, braces, commas, colons and spaces.
    Punct,
}

/// Splits one line of [`indent_json`]'s output into tokens (concatenated, they
/// give the line back). A string is a key when a `:` follows it.
pub fn json_tokens(line: &str) -> Vec<(JsonToken, &str)> {
    let mut tokens = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let kind = match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                i = i.min(bytes.len());
                if line[i..].trim_start().starts_with(':') {
                    JsonToken::Key
                } else {
                    JsonToken::String
                }
            }
            b'-' | b'0'..=b'9' => {
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                JsonToken::Number
            }
            b't' | b'f' | b'n' => {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                JsonToken::Literal
            }
            _ => {
                while i < bytes.len()
                    && !matches!(bytes[i], b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n')
                {
                    i += 1;
                }
                JsonToken::Punct
            }
        };
        tokens.push((kind, &line[start..i]));
    }
    tokens
}

/// A classic hex dump: offset, 16 bytes in hex, the printable ones as text.
pub fn hex_dump(bytes: &[u8]) -> String {
    hex_dump_rows(bytes, 16)
}

/// A hex dump with `per_row` bytes a row (8 fits a narrow pane).
pub fn hex_dump_rows(bytes: &[u8], per_row: usize) -> String {
    let per_row = per_row.max(1);
    let mut out = String::with_capacity(bytes.len() * 4 + 16);
    for (row, chunk) in bytes.chunks(per_row).enumerate() {
        let _ = write!(out, "{:08x}  ", row * per_row);
        for i in 0..per_row {
            match chunk.get(i) {
                Some(b) => {
                    let _ = write!(out, "{b:02x} ");
                }
                None => out.push_str("   "),
            }
            if i == 7 && per_row > 8 {
                out.push(' ');
            }
        }
        out.push_str(" |");
        for &b in chunk {
            out.push(if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            });
        }
        out.push_str("|\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_indented_without_reserialising() {
        let text = r#"{"a":1.50,"b":[],"c":{"d":"x,y:{z}","e":[1,2]},"u":"\u001B"}"#;
        let pretty = indent_json(text).unwrap();
        assert_eq!(
            pretty,
            "{\n  \"a\": 1.50,\n  \"b\": [],\n  \"c\": {\n    \"d\": \"x,y:{z}\",\n    \"e\": [\n      1,\n      2\n    ]\n  },\n  \"u\": \"\\u001B\"\n}"
        );
        assert!(indent_json("not json").is_none());
    }

    #[test]
    fn json_lines_tokenise_for_colour() {
        use JsonToken::*;
        assert_eq!(
            json_tokens(r#"  "a\"b": -1.5e3,"#),
            vec![
                (Punct, "  "),
                (Key, r#""a\"b""#),
                (Punct, ": "),
                (Number, "-1.5e3"),
                (Punct, ",")
            ]
        );
        assert_eq!(
            json_tokens(r#"  "s": "x: y", true, null]"#),
            vec![
                (Punct, "  "),
                (Key, r#""s""#),
                (Punct, ": "),
                (String, r#""x: y""#),
                (Punct, ", "),
                (Literal, "true"),
                (Punct, ", "),
                (Literal, "null"),
                (Punct, "]")
            ]
        );
        let line = r#"{"unterminated"#;
        assert_eq!(
            json_tokens(line)
                .iter()
                .map(|t| t.1)
                .collect::<std::string::String>(),
            line
        );
    }

    #[test]
    fn forms_decode() {
        assert_eq!(
            form_urlencoded_pairs(b"a=1&b=two+words&c=%2Fx%zz&d"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "two words".into()),
                ("c".into(), "/x%zz".into()),
                ("d".into(), "".into())
            ]
        );
    }

    #[test]
    fn binary_is_dumped() {
        let dump = hex_dump(&[0, 1, b'A', 0xff]);
        assert_eq!(
            dump,
            "00000000  00 01 41 ff                                       |..A.|\n"
        );
    }
}
