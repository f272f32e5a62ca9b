//! A curl command that sends a capture again: the same method, target, header
//! fields and body bytes. Used by `show --curl` and the TUI's "copy as curl".

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::capture::Capture;

/// Header fields curl sets itself from the URL and the body, or that belong to
/// one connection only.
const SKIPPED: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "expect",
    "te",
    "upgrade",
    "proxy-connection",
];

/// Header fields curl adds on its own unless told not to.
const CURL_DEFAULTS: &[&str] = &["user-agent", "accept"];

/// Builds the command. The URL is the capture's own (its `Host` and target),
/// unless `base` (e.g. `http://127.0.0.1:7070`) is given.
pub fn command(capture: &Capture, base: Option<&str>) -> String {
    let r = &capture.request;
    let url = if r.target.contains("://") {
        r.target.clone()
    } else {
        let host = r
            .header("host")
            .and_then(|h| std::str::from_utf8(h).ok())
            .map(|h| format!("http://{h}"));
        let base = base
            .map(str::to_owned)
            .or(host)
            .unwrap_or_else(|| "http://127.0.0.1:7070".into());
        format!("{}{}", base.trim_end_matches('/'), r.target)
    };

    let mut args: Vec<String> = vec!["curl".into()];
    match r.method.as_str() {
        "HEAD" => args.push("--head".into()),
        "GET" if r.body.is_empty() => {}
        method => {
            args.push("-X".into());
            args.push(quote(method));
        }
    }
    if url.contains(['[', ']', '{', '}']) {
        args.push("--globoff".into());
    }
    if url.contains("/.") {
        args.push("--path-as-is".into());
    }
    args.push(quote(&url));
    for (name, value) in &r.headers {
        if SKIPPED.contains(&name.as_str()) {
            continue;
        }
        let header = if value.is_empty() {
            format!("{name};")
        } else {
            format!("{name}: {}", String::from_utf8_lossy(value))
        };
        args.push("-H".into());
        args.push(quote(&header));
    }
    for name in CURL_DEFAULTS {
        if r.header(name).is_none() {
            args.push("-H".into());
            args.push(quote(&format!("{name}:")));
        }
    }
    if r.body.is_empty() {
        return args.join(" ");
    }
    if r.header("content-type").is_none() {
        // curl would add a form content type to a body.
        args.push("-H".into());
        args.push(quote("content-type:"));
    }
    match std::str::from_utf8(&r.body) {
        Ok(text)
            if !text
                .chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\t')) =>
        {
            args.push("--data-binary".into());
            args.push(quote(text));
            args.join(" ")
        }
        _ => {
            args.push("--data-binary".into());
            args.push("@-".into());
            format!(
                "printf %s {} | base64 -d | {}",
                quote(&BASE64.encode(&r.body)),
                args.join(" ")
            )
        }
    }
}

/// Quotes a word for a POSIX shell: as it is when safe, otherwise in single
/// quotes, or as `$'…'` when it holds control characters.
pub fn quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=@,+%".contains(&b))
    {
        return word.to_owned();
    }
    if word.chars().any(|c| c.is_control() && c != '\n') {
        let mut out = String::from("$'");
        for c in word.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32 & 0xff)),
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn quoting() {
        assert_eq!(quote("POST"), "POST");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("x\x1by"), r"$'x\x1by'");
        assert_eq!(quote(""), "''");
    }
}
