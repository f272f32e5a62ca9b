//! The one model of a captured request and of a delivery attempt, and their
//! JSON shapes (documented in the README; `show --json`, the SSE feed, the API
//! and the NDJSON stream all use these).

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

/// Header fields as received: lowercase names, raw value bytes, in order,
/// duplicates kept.
pub type Headers = Vec<(String, Bytes)>;

/// Where a capture came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Received by `whisper listen`.
    Listen,
    /// Received from an upstream feed by `listen --source`.
    Relay,
}

impl Source {
    /// The name stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Listen => "listen",
            Source::Relay => "relay",
        }
    }

    /// Parses a stored name.
    pub fn from_name(name: &str) -> Source {
        match name {
            "relay" => Source::Relay,
            _ => Source::Listen,
        }
    }
}

/// The outcome of checking a request's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The signature matches a configured secret (and the timestamp is fresh).
    Valid,
    /// The signature is wrong or malformed.
    Invalid,
    /// The signature matches but the timestamp is outside the tolerance.
    Expired,
    /// A secret is configured but the request carries no signature.
    Unsigned,
    /// No secret is configured for the provider.
    Unknown,
}

impl Verdict {
    /// The name stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::Expired => "expired",
            Verdict::Unsigned => "unsigned",
            Verdict::Unknown => "unknown",
        }
    }

    /// Parses a stored or typed name.
    pub fn from_name(name: &str) -> Option<Verdict> {
        Some(match name {
            "valid" => Verdict::Valid,
            "invalid" => Verdict::Invalid,
            "expired" => Verdict::Expired,
            "unsigned" => Verdict::Unsigned,
            "unknown" => Verdict::Unknown,
            _ => return None,
        })
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verdict on a request's signature, with the reason a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// The provider (or configured scheme) the request was checked as.
    pub provider: Option<String>,
    /// The outcome.
    pub verdict: Verdict,
    /// Why, when it is not `valid`.
    pub reason: Option<String>,
}

/// Where a relayed capture came from: the upstream feed and the event's id there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Upstream {
    /// The feed (`--source`).
    pub url: String,
    /// The event's id in that feed (a capture id, or a content hash).
    pub id: String,
}

/// A request as it arrived, before it has an id.
#[derive(Debug, Clone)]
pub struct NewCapture {
    /// Arrival time, microseconds since the Unix epoch.
    pub received_at: i64,
    /// Method, as sent.
    pub method: String,
    /// The request target exactly as sent (path and query).
    pub target: String,
    /// `HTTP/1.1`, `HTTP/2.0`, …
    pub http_version: String,
    /// The sender's address.
    pub remote_addr: String,
    /// The header fields.
    pub headers: Headers,
    /// The body bytes (empty for a rejected request).
    pub body: Bytes,
    /// The body's size; for a rejected request, the size it announced.
    pub body_size: u64,
    /// The status the receiver answers with.
    pub status: u16,
    /// Where it came from.
    pub source: Source,
    /// The signature check, when the request looked signed or a secret applied.
    pub verification: Option<Verification>,
    /// For a relayed capture: where it came from.
    pub upstream: Option<Upstream>,
}

/// A stored capture.
#[derive(Debug, Clone)]
pub struct Capture {
    /// Monotonic, never reused.
    pub id: i64,
    /// The request.
    pub request: NewCapture,
    /// Forward and replay attempts, oldest first.
    pub attempts: Vec<Attempt>,
}

/// The latest delivery of a capture, as the list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttemptBrief {
    /// The target's status, if it answered.
    pub status: Option<u16>,
    /// Why it failed, if it did.
    pub error: Option<String>,
}

/// A capture without its headers and body: what `list` and the NDJSON stream show.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Id.
    pub id: i64,
    /// Arrival time, µs since the epoch.
    pub received_at: i64,
    /// Method.
    pub method: String,
    /// Raw request target.
    pub target: String,
    /// Body size in bytes.
    pub body_size: u64,
    /// The `content-type` header, if any.
    pub content_type: Option<String>,
    /// What the receiver answered.
    pub status: u16,
    /// Where it came from.
    pub source: Source,
    /// The signature check.
    pub verification: Option<Verification>,
    /// The latest attempt, if any.
    pub last_attempt: Option<AttemptBrief>,
}

/// What kind of delivery an attempt was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AttemptKind {
    /// Sent by `listen --forward` or a route.
    Forward,
    /// Sent by `whisper replay` (or the replay button).
    Replay,
}

/// One delivery of a capture to a target.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// Id of the attempt.
    pub id: i64,
    /// The capture it delivered.
    pub capture_id: i64,
    /// Forward or replay.
    pub kind: AttemptKind,
    /// The URL it was sent to.
    pub target: String,
    /// Start, µs since the epoch.
    pub started_at: i64,
    /// Until the whole answer arrived, or the failure.
    pub duration: Duration,
    /// The target's status, if it answered.
    pub status: Option<u16>,
    /// The target's answer headers.
    pub response_headers: Headers,
    /// The target's answer body, capped.
    pub response_body: Bytes,
    /// The answer body's full size.
    pub response_body_size: u64,
    /// Why it failed (refused, timeout, …).
    pub error: Option<String>,
}

impl NewCapture {
    /// The path part of the target (for an absolute-form target, the URL's path).
    pub fn path(&self) -> &str {
        split_target(&self.target).0
    }

    /// The query part of the target, without `?`; `None` when there is no `?`.
    pub fn query(&self) -> Option<&str> {
        split_target(&self.target).1
    }

    /// The URL the sender called: the target itself when absolute, else `base`
    /// (e.g. a tunnel's `https://abc.example`) or `http://` and the `Host`
    /// header, followed by the target.
    pub fn url(&self, base: Option<&str>) -> String {
        if self.target.contains("://") {
            return self.target.clone();
        }
        let base = match base {
            Some(base) => base.trim_end_matches('/').to_owned(),
            None => {
                let host = self
                    .header("host")
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .unwrap_or("localhost");
                format!("http://{host}")
            }
        };
        format!("{base}{}", self.target)
    }

    /// The request as the signature schemes see it.
    pub fn as_signed<'a>(&'a self, url: &'a str) -> crate::verify::Request<'a> {
        crate::verify::Request {
            method: &self.method,
            url: Some(url),
            headers: &self.headers,
            body: &self.body,
        }
    }

    /// The first value of a header, by lowercase name.
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_ref())
    }
}

/// Splits a request target into path and query. An absolute-form target
/// (`http://host/p?q`) yields the URL's path.
pub fn split_target(target: &str) -> (&str, Option<&str>) {
    let mut rest = target;
    if let Some(after_scheme) = target.find("://").map(|i| &target[i + 3..]) {
        rest = after_scheme
            .find(['/', '?'])
            .map_or("/", |i| &after_scheme[i..]);
    }
    match rest.split_once('?') {
        Some((path, query)) => (if path.is_empty() { "/" } else { path }, Some(query)),
        None => (rest, None),
    }
}

/// RFC 3339 UTC with microseconds: `2026-11-23T13:20:35.123456Z`. Written
/// by hand: it is on every capture's path, and a format string is parsed anew
/// at each call.
pub fn format_time(micros: i64) -> String {
    use chrono::{Datelike as _, Timelike as _};
    let Some(t) = chrono::DateTime::from_timestamp_micros(micros) else {
        return String::new();
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        micros.rem_euclid(1_000_000)
    )
}

/// Now, in microseconds since the Unix epoch.
pub fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

/// The `content-type` of a header list, as text.
pub fn content_type(headers: &Headers) -> Option<String> {
    headers
        .iter()
        .find(|(n, _)| n == "content-type")
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
}

/// Encodes a header list for the store: per field, a u32 name length, the name,
/// a u32 value length, the value (little endian). Exact for any bytes.
pub fn encode_headers(headers: &Headers) -> Vec<u8> {
    let size = headers
        .iter()
        .map(|(n, v)| 8 + n.len() + v.len())
        .sum::<usize>();
    let mut out = Vec::with_capacity(size);
    for (name, value) in headers {
        out.extend_from_slice(&(name.len() as u32).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&(value.len() as u32).to_le_bytes());
        out.extend_from_slice(value);
    }
    out
}

/// Decodes [`encode_headers`]. A damaged blob yields the fields before the damage.
pub fn decode_headers(mut blob: &[u8]) -> Headers {
    fn take<'a>(blob: &mut &'a [u8]) -> Option<&'a [u8]> {
        let len = u32::from_le_bytes(blob.get(..4)?.try_into().ok()?) as usize;
        let field = blob.get(4..4 + len)?;
        *blob = &blob[4 + len..];
        Some(field)
    }
    let mut headers = Vec::new();
    while !blob.is_empty() {
        let (Some(name), Some(value)) = (take(&mut blob), take(&mut blob)) else {
            break;
        };
        headers.push((
            String::from_utf8_lossy(name).into_owned(),
            Bytes::copy_from_slice(value),
        ));
    }
    headers
}

// ---- JSON shapes ----------------------------------------------------------

/// Header pairs as JSON: `[["name","value"],…]`, values as UTF-8 text (invalid
/// bytes replaced; `headers_base64` then carries the exact values).
struct HeaderPairs<'a>(&'a Headers);

impl Serialize for HeaderPairs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (name, value) in self.0 {
            seq.serialize_element(&[name.as_str(), &String::from_utf8_lossy(value)])?;
        }
        seq.end()
    }
}

/// Exact header values, base64, for when some value is not UTF-8.
struct HeaderPairsBase64<'a>(&'a Headers);

impl Serialize for HeaderPairsBase64<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (name, value) in self.0 {
            seq.serialize_element(&[name.clone(), BASE64.encode(value)])?;
        }
        seq.end()
    }
}

fn all_utf8(headers: &Headers) -> bool {
    headers.iter().all(|(_, v)| std::str::from_utf8(v).is_ok())
}

#[derive(Serialize)]
struct Response {
    status: u16,
}

#[derive(Serialize)]
struct CaptureJson<'a> {
    id: i64,
    received_at: String,
    method: &'a str,
    target: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    http_version: &'a str,
    remote_addr: &'a str,
    headers: HeaderPairs<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    headers_base64: Option<HeaderPairsBase64<'a>>,
    body: Option<&'a str>,
    body_base64: String,
    body_size: u64,
    verification: Option<&'a Verification>,
    response: Response,
    source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    upstream: Option<&'a Upstream>,
    attempts: Vec<AttemptJson<'a>>,
}

#[derive(Serialize)]
struct AttemptJson<'a> {
    id: i64,
    capture_id: i64,
    kind: AttemptKind,
    target: &'a str,
    started_at: String,
    status: Option<u16>,
    duration_ms: f64,
    error: Option<&'a str>,
    response_headers: HeaderPairs<'a>,
    response_body: Option<&'a str>,
    response_body_base64: String,
    response_body_size: u64,
}

#[derive(Serialize)]
struct SummaryJson<'a> {
    id: i64,
    received_at: String,
    method: &'a str,
    target: &'a str,
    path: &'a str,
    query: Option<&'a str>,
    body_size: u64,
    content_type: Option<&'a str>,
    verification: Option<&'a Verification>,
    response: Response,
    source: Source,
    last_attempt: Option<&'a AttemptBrief>,
}

fn round_ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}

impl Attempt {
    fn json(&self) -> AttemptJson<'_> {
        AttemptJson {
            id: self.id,
            capture_id: self.capture_id,
            kind: self.kind,
            target: &self.target,
            started_at: format_time(self.started_at),
            status: self.status,
            duration_ms: round_ms(self.duration),
            error: self.error.as_deref(),
            response_headers: HeaderPairs(&self.response_headers),
            response_body: std::str::from_utf8(&self.response_body).ok(),
            response_body_base64: BASE64.encode(&self.response_body),
            response_body_size: self.response_body_size,
        }
    }

    /// The attempt as JSON (the `attempt` event of the feed and the NDJSON stream).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.json()).unwrap_or_default()
    }

    /// The brief form the list shows.
    pub fn brief(&self) -> AttemptBrief {
        AttemptBrief {
            status: self.status,
            error: self.error.clone(),
        }
    }
}

impl Capture {
    fn json(&self) -> CaptureJson<'_> {
        let r = &self.request;
        CaptureJson {
            id: self.id,
            received_at: format_time(r.received_at),
            method: &r.method,
            target: &r.target,
            path: r.path(),
            query: r.query(),
            http_version: &r.http_version,
            remote_addr: &r.remote_addr,
            headers: HeaderPairs(&r.headers),
            headers_base64: (!all_utf8(&r.headers)).then_some(HeaderPairsBase64(&r.headers)),
            body: std::str::from_utf8(&r.body).ok(),
            body_base64: BASE64.encode(&r.body),
            body_size: r.body_size,
            verification: r.verification.as_ref(),
            response: Response { status: r.status },
            source: r.source,
            upstream: r.upstream.as_ref(),
            attempts: self.attempts.iter().map(Attempt::json).collect(),
        }
    }

    /// The capture's JSON text, compact.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(&self.json()).unwrap_or_default()
    }

    /// The capture's JSON text, indented for people.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(&self.json()).unwrap_or_default()
    }

    /// The capture as a JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.json()).unwrap_or_default()
    }

    /// The summary of this capture.
    pub fn summary(&self) -> Summary {
        let r = &self.request;
        Summary {
            id: self.id,
            received_at: r.received_at,
            method: r.method.clone(),
            target: r.target.clone(),
            body_size: r.body_size,
            content_type: content_type(&r.headers),
            status: r.status,
            source: r.source,
            verification: r.verification.clone(),
            last_attempt: self.attempts.last().map(Attempt::brief),
        }
    }
}

impl Summary {
    /// The summary as a JSON value (`list --json`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.json()).unwrap_or_default()
    }

    /// Writes the summary as a JSON object whose first member is
    /// `"event": event` (the NDJSON stream), without building a value first.
    pub fn write_event(&self, event: &str, out: &mut impl std::io::Write) -> std::io::Result<()> {
        #[derive(Serialize)]
        struct Line<'a> {
            event: &'a str,
            #[serde(flatten)]
            summary: SummaryJson<'a>,
        }
        serde_json::to_writer(
            out,
            &Line {
                event,
                summary: self.json(),
            },
        )
        .map_err(std::io::Error::other)
    }

    fn json(&self) -> SummaryJson<'_> {
        let (path, query) = split_target(&self.target);
        SummaryJson {
            id: self.id,
            received_at: format_time(self.received_at),
            method: &self.method,
            target: &self.target,
            path,
            query,
            body_size: self.body_size,
            content_type: self.content_type.as_deref(),
            verification: self.verification.as_ref(),
            response: Response {
                status: self.status,
            },
            source: self.source,
            last_attempt: self.last_attempt.as_ref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_split() {
        assert_eq!(split_target("/a/b?x=1&y"), ("/a/b", Some("x=1&y")));
        assert_eq!(split_target("/a"), ("/a", None));
        assert_eq!(split_target("/a?"), ("/a", Some("")));
        assert_eq!(split_target("http://h:1/p?q=2"), ("/p", Some("q=2")));
        assert_eq!(split_target("http://h:1"), ("/", None));
        assert_eq!(split_target("*"), ("*", None));
    }

    #[test]
    fn header_blob_round_trips_any_bytes() {
        let headers: Headers = vec![
            ("x-a".into(), Bytes::from_static(b"1")),
            ("x-a".into(), Bytes::from_static(b"\xff\x00 two")),
            ("empty".into(), Bytes::new()),
        ];
        assert_eq!(decode_headers(&encode_headers(&headers)), headers);
        let blob = encode_headers(&headers);
        assert_eq!(decode_headers(&blob[..blob.len() - 3]).len(), 2);
    }

    #[test]
    fn time_is_rfc3339_micros() {
        assert_eq!(
            format_time(1_763_904_035_123_456),
            "2025-11-23T13:20:35.123456Z"
        );
    }
}
