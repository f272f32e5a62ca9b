//! A Server-Sent Events parser, as the HTML standard describes it: fields
//! `event`, `data`, `id`, `retry`, comments, and any of CRLF, LF or CR as line
//! ends. It is fed bytes as they arrive and yields whole events.

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseEvent {
    /// `event:` (empty means `message`).
    pub event: String,
    /// The `data:` lines joined with `\n`.
    pub data: String,
    /// The last event id in effect when this event was dispatched.
    pub id: Option<String>,
}

/// Longest line accepted; a longer one is an error (a feed gone wrong, or a hostile one).
const MAX_LINE: usize = 64 << 20;

/// Why the stream cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    /// A line longer than the limit.
    #[error("an event line is longer than {} MiB", MAX_LINE >> 20)]
    LineTooLong,
}

/// The parser's state between chunks.
#[derive(Debug, Default)]
pub struct SseParser {
    line: Vec<u8>,
    after_cr: bool,
    event: String,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    retry: Option<u64>,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// The reconnection delay the server asked for (`retry:`), in ms.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// The last event id seen (`id:`), even on events without data.
    pub fn last_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// Feeds bytes; returns the events they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<SseEvent>, SseError> {
        let mut events = Vec::new();
        for &b in bytes {
            match b {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    self.after_cr = b == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(event) = self.line_done(&line) {
                        events.push(event);
                    }
                }
                _ => {
                    self.after_cr = false;
                    if self.line.len() >= MAX_LINE {
                        return Err(SseError::LineTooLong);
                    }
                    self.line.push(b);
                }
            }
        }
        Ok(events)
    }

    fn line_done(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line[0] == b':' {
            return None; // a comment (heartbeat)
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => {
                let value = &line[i + 1..];
                (&line[..i], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        let value = String::from_utf8_lossy(value);
        match field {
            b"event" => self.event = value.into_owned(),
            b"data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&value);
                self.has_data = true;
            }
            b"id" if !value.contains('\0') => self.last_id = Some(value.into_owned()),
            b"retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse().ok();
            }
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = std::mem::take(&mut self.event);
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(SseEvent {
            event,
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn parses_the_standard_examples() {
        let mut p = SseParser::new();
        let events = p
            .push(b"retry: 2500\n: heartbeat\n\nid: 7\nevent: capture\ndata: {\"a\":1}\ndata: second\n\n")
            .unwrap();
        assert_eq!(p.retry(), Some(2500));
        assert_eq!(
            events,
            [SseEvent {
                event: "capture".into(),
                data: "{\"a\":1}\nsecond".into(),
                id: Some("7".into())
            }]
        );
        // CRLF and CR line ends, split anywhere; data without a space; a
        // field without a colon; an id kept for later events.
        let mut p = SseParser::new();
        let mut all = Vec::new();
        for chunk in [&b"id:9\r"[..], b"\ndata:x\r\r", b"data\rdata: y\n", b"\n"] {
            all.extend(p.push(chunk).unwrap());
        }
        assert_eq!(
            all[0],
            SseEvent {
                event: String::new(),
                data: "x".into(),
                id: Some("9".into())
            }
        );
        assert_eq!(all[1].data, "\ny");
        assert_eq!(all[1].id.as_deref(), Some("9"));
        // No data, no event; an id with NUL is ignored.
        let mut p = SseParser::new();
        assert!(p.push(b"event: ping\n\nid: a\0b\n\n").unwrap().is_empty());
        assert_eq!(p.last_id(), None);
    }

    proptest! {
        /// Any bytes, cut anywhere: no panic, and the same events as in one piece.
        #[test]
        fn any_bytes_any_split(bytes in proptest::collection::vec(any::<u8>(), 0..400), cut in 0usize..400) {
            let mut whole = SseParser::new();
            let one = whole.push(&bytes).unwrap();
            let cut = cut.min(bytes.len());
            let mut parts = SseParser::new();
            let mut two = parts.push(&bytes[..cut]).unwrap();
            two.extend(parts.push(&bytes[cut..]).unwrap());
            prop_assert_eq!(one, two);
        }
    }
}
