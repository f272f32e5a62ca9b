//! The text a capture is edited as before a replay (`e`): an HTTP message with
//! plain line ends, request line, header fields, a blank line, the body.
//! `Content-Length` is left out (the replay sets it from the edited body).

use bytes::Bytes;

use crate::capture::Capture;

use super::app::Edited;

/// The editable text of a capture, or why it cannot be edited as text.
pub fn to_text(capture: &Capture) -> Result<String, String> {
    let r = &capture.request;
    let body = std::str::from_utf8(&r.body).map_err(|_| {
        format!(
            "the body of #{} is binary; it cannot be edited as text",
            capture.id
        )
    })?;
    let mut text = format!("{} {} {}\n", r.method, r.target, r.http_version);
    for (name, value) in &r.headers {
        if name == "content-length" {
            continue;
        }
        let value = std::str::from_utf8(value).map_err(|_| {
            format!(
                "header {name} of #{} is not text; it cannot be edited",
                capture.id
            )
        })?;
        text.push_str(&format!("{name}: {value}\n"));
    }
    text.push('\n');
    text.push_str(body);
    Ok(text)
}

/// Reads the edited text back. `body_had_newline` tells whether the original
/// body ended with a line break: editors add one at the end of the file, and
/// it is dropped again when the original had none.
pub fn parse(text: &str, body_had_newline: bool) -> Result<Edited, String> {
    let (head, body) = match text.find("\n\n") {
        Some(i) => (&text[..i], &text[i + 2..]),
        None => (text.trim_end_matches('\n'), ""),
    };
    let mut lines = head.lines().map(|l| l.trim_end_matches('\r'));
    let request = lines
        .next()
        .filter(|l| !l.trim().is_empty())
        .ok_or("the edited request has no request line")?;
    let mut words = request.split_whitespace();
    let (Some(method), Some(target)) = (words.next(), words.next()) else {
        return Err(format!(
            "the request line {request:?} is not 'METHOD TARGET [VERSION]'"
        ));
    };
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("header line {line:?} is not 'Name: value'"))?;
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(format!("{name:?} is not a header name"));
        }
        if name.eq_ignore_ascii_case("content-length") {
            continue;
        }
        headers.push((
            name.to_ascii_lowercase(),
            Bytes::copy_from_slice(value.trim().as_bytes()),
        ));
    }
    let body = if !body_had_newline {
        body.strip_suffix('\n').unwrap_or(body)
    } else {
        body
    };
    Ok(Edited {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body: Bytes::copy_from_slice(body.as_bytes()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{NewCapture, Source};

    fn capture(body: &[u8]) -> Capture {
        Capture {
            id: 7,
            request: NewCapture {
                received_at: 0,
                method: "POST".into(),
                target: "/hooks/a?x=1".into(),
                http_version: "HTTP/1.1".into(),
                remote_addr: "127.0.0.1:1".into(),
                headers: vec![
                    (
                        "content-type".into(),
                        Bytes::from_static(b"application/json"),
                    ),
                    ("content-length".into(), Bytes::from_static(b"7")),
                ],
                body: Bytes::copy_from_slice(body),
                body_size: body.len() as u64,
                status: 200,
                source: Source::Listen,
                verification: None,
            },
            attempts: Vec::new(),
        }
    }

    #[test]
    fn round_trips_and_drops_the_editors_newline() {
        let text = to_text(&capture(br#"{"a":1}"#)).unwrap();
        assert_eq!(
            text,
            "POST /hooks/a?x=1 HTTP/1.1\ncontent-type: application/json\n\n{\"a\":1}"
        );
        let edited = parse(
            &format!("{}\n", text.replace("/hooks/a", "/hooks/b")),
            false,
        )
        .unwrap();
        assert_eq!(edited.method, "POST");
        assert_eq!(edited.target, "/hooks/b?x=1");
        assert_eq!(edited.headers.len(), 1);
        assert_eq!(&edited.body[..], br#"{"a":1}"#);
    }

    #[test]
    fn rejects_binary_and_bad_text() {
        assert!(to_text(&capture(b"\xff\x00")).is_err());
        assert!(parse("", false).is_err());
        assert!(parse("POST\n\n", false).is_err());
        assert!(parse("POST / HTTP/1.1\nno colon\n\n", false).is_err());
    }
}
