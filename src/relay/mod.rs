//! The relay: `whisper listen --source URL` tails an SSE feed and stores every
//! event as a capture (source `relay`), which is then verified, forwarded and
//! shown like any other. Three feeds are understood:
//!
//! - another whisper's `/events`: full fidelity (method, target, every header,
//!   the exact body from `body_base64`); resumable: the relay sends
//!   `Last-Event-ID` with the newest upstream id it has stored, so a restart or
//!   a dropped connection loses nothing;
//! - a gosmee channel: the exact body (`bodyB`) and one value per header;
//! - a smee.io channel: the body as smee re-serialised it (JSON only), one value
//!   per header, no method or path.
//!
//! smee.io and gosmee keep no history, so what they publish while the relay is
//! disconnected is lost at the source; the relay reconnects at once to keep that
//! window short. Events are stored in order, one at a time, and a unique
//! (upstream, id) key drops any event stored before.

pub mod sse;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use http_body_util::BodyExt as _;
use serde_json::Value;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::capture::{Headers, NewCapture, Source, Upstream, now_micros};
use crate::feed::Event;
use crate::forward::{Client, Forwarder, Outgoing};
use crate::secret::Secret;
use crate::server::receiver::Signatures;
use crate::store::{self, ReadPool, StoreError, Writer};
use sse::{SseEvent, SseParser};

/// First wait before reconnecting; doubled after each failure.
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// Longest wait before reconnecting.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The relay's connection state, announced on the bus.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// Connected; `resumed_after` is the upstream id it resumed after.
    Connected {
        /// The `Last-Event-ID` sent.
        resumed_after: Option<String>,
    },
    /// Disconnected; the next try is in `retry_in`.
    Reconnecting {
        /// Why the connection ended.
        reason: String,
        /// When the next try is.
        retry_in: Duration,
    },
}

/// What the relay needs from the listener.
pub struct Relay {
    /// The feed URL.
    pub url: String,
    /// A bearer token for a protected upstream.
    pub token: Option<Secret>,
    /// Stores captures.
    pub writer: Writer,
    /// Reads the resume cursor.
    pub pool: ReadPool,
    /// Announces state.
    pub bus: broadcast::Sender<Event>,
    /// Checks signatures like the receiver does.
    pub signatures: Arc<Signatures>,
    /// Forwards what arrives.
    pub forwarder: Arc<Forwarder>,
}

impl Relay {
    /// Tails the feed until `shutdown`, reconnecting with backoff and jitter.
    pub async fn run(self, shutdown: CancellationToken) {
        let client = match Client::new(Duration::from_secs(30), 0) {
            Ok(client) => client,
            Err(e) => {
                let _ = self.bus.send(Event::error(format!("relay: {e:#}")));
                return;
            }
        };
        let mut backoff = FIRST_BACKOFF;
        loop {
            let outcome = tokio::select! {
                outcome = self.connect_and_read(&client, &mut backoff) => outcome,
                () = shutdown.cancelled() => return,
            };
            let reason = match outcome {
                Ok(()) => "the upstream closed the feed".to_owned(),
                Err(e) => e,
            };
            let wait = jitter(backoff);
            let _ = self.bus.send(source_event(
                &self.url,
                State::Reconnecting {
                    reason,
                    retry_in: wait,
                },
            ));
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = shutdown.cancelled() => return,
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// One connection: resume from the store's cursor, then store events as
    /// they come. Returns when the connection ends.
    async fn connect_and_read(
        &self,
        client: &Client,
        backoff: &mut Duration,
    ) -> Result<(), String> {
        let url = self.url.clone();
        let cursor = self
            .pool
            .run(move |c| store::upstream_cursor(c, &url))
            .await
            .map_err(|e| format!("cannot read the store: {e:#}"))?
            .map(|id| id.to_string());
        let mut headers: Headers = vec![
            ("accept".into(), Bytes::from_static(b"text/event-stream")),
            ("cache-control".into(), Bytes::from_static(b"no-cache")),
            // gosmee streams only to clients that say they are gosmee.
            (
                "user-agent".into(),
                Bytes::from_static(b"whisper (gosmee-compatible)"),
            ),
        ];
        if let Some(cursor) = &cursor {
            headers.push(("last-event-id".into(), Bytes::from(cursor.clone())));
        }
        if let Some(token) = &self.token {
            headers.push((
                "authorization".into(),
                Bytes::from(format!("Bearer {}", token.expose())),
            ));
        }
        let response = client
            .open(Outgoing {
                method: "GET".into(),
                url: self.url.clone(),
                headers,
                body: Bytes::new(),
            })
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("the upstream answered {}", response.status()));
        }
        let _ = self.bus.send(source_event(
            &self.url,
            State::Connected {
                resumed_after: cursor,
            },
        ));
        let mut parser = SseParser::new();
        let mut body = response.into_body();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| format!("the feed broke: {e}"))?;
            let Ok(chunk) = frame.into_data() else {
                continue;
            };
            for event in parser.push(&chunk).map_err(|e| e.to_string())? {
                self.store(&event).await?;
                // Events flow: the next failure starts from a short wait again.
                *backoff = FIRST_BACKOFF;
            }
            if let Some(ms) = parser.retry() {
                *backoff = Duration::from_millis(ms).clamp(Duration::from_millis(100), MAX_BACKOFF);
            }
        }
        Ok(())
    }

    /// Stores one event (if it is a capture), then verifies and forwards it.
    async fn store(&self, event: &SseEvent) -> Result<(), String> {
        let Some(mut capture) = to_capture(&self.url, event) else {
            return Ok(()); // ready, ping, attempt and other events
        };
        let url = capture.url(self.signatures.public_url.as_deref());
        capture.verification = self.signatures.keyring.check(
            &capture.as_signed(&url),
            &crate::verify::Options {
                now: now_micros().div_euclid(1_000_000),
                tolerance: self.signatures.tolerance,
            },
        );
        match self.writer.insert(capture).await {
            Ok(stored) => {
                let targets = self.forwarder.targets(&stored);
                self.forwarder.spawn(stored, targets);
                Ok(())
            }
            Err(StoreError::Duplicate) => Ok(()),
            // Not stored: end this connection; the event comes again on resume.
            Err(e) => Err(format!("cannot store a relayed event: {e}")),
        }
    }
}

fn source_event(url: &str, state: State) -> Event {
    Event::Source(Arc::new(crate::feed::SourceEvent {
        url: url.to_owned(),
        state,
        at: now_micros(),
    }))
}

/// A random wait between half and all of `backoff`, so many relays do not
/// reconnect in step.
fn jitter(backoff: Duration) -> Duration {
    let nanos = now_micros().unsigned_abs() as u32 % 1000;
    backoff / 2 + backoff / 2 * nanos / 1000
}

/// Turns an SSE event into a capture, by its format: a whisper `capture`
/// event, a gosmee event (`bodyB`) or a smee.io event (`body`). Anything else
/// (`ready`, `ping`, `attempt`, text) is not a capture.
pub fn to_capture(feed: &str, event: &SseEvent) -> Option<NewCapture> {
    let data: Value = serde_json::from_str(&event.data).ok()?;
    let object = data.as_object()?;
    if event.event == "capture" {
        return from_whisper(feed, event, &data);
    }
    if !(event.event.is_empty() || event.event == "message") {
        return None;
    }
    if !(object.contains_key("body") || object.contains_key("bodyB")) {
        return None;
    }
    Some(from_smee(feed, event, object))
}

fn from_whisper(feed: &str, event: &SseEvent, data: &Value) -> Option<NewCapture> {
    let id = event
        .id
        .clone()
        .or_else(|| data["id"].as_i64().map(|i| i.to_string()))?;
    let body = BASE64.decode(data["body_base64"].as_str()?).ok()?;
    let pairs = |key: &str| -> Option<Vec<(String, String)>> {
        data[key].as_array().map(|a| {
            a.iter()
                .filter_map(|h| Some((h[0].as_str()?.to_owned(), h[1].as_str()?.to_owned())))
                .collect()
        })
    };
    let headers: Headers = match pairs("headers_base64") {
        Some(exact) => exact
            .into_iter()
            .filter_map(|(n, v)| Some((n, Bytes::from(BASE64.decode(v).ok()?))))
            .collect(),
        None => pairs("headers")?
            .into_iter()
            .map(|(n, v)| (n, Bytes::from(v)))
            .collect(),
    };
    let received_at = data["received_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(now_micros, |t| t.timestamp_micros());
    Some(NewCapture {
        received_at,
        method: data["method"].as_str()?.to_owned(),
        target: data["target"].as_str()?.to_owned(),
        http_version: data["http_version"]
            .as_str()
            .unwrap_or("HTTP/1.1")
            .to_owned(),
        remote_addr: data["remote_addr"].as_str().unwrap_or("").to_owned(),
        headers,
        body_size: data["body_size"].as_u64().unwrap_or(body.len() as u64),
        body: Bytes::from(body),
        status: data["response"]["status"].as_u64().unwrap_or(200) as u16,
        source: Source::Relay,
        verification: None,
        upstream: Some(Upstream {
            url: feed.to_owned(),
            id,
        }),
    })
}

fn from_smee(feed: &str, event: &SseEvent, object: &serde_json::Map<String, Value>) -> NewCapture {
    // gosmee carries the exact bytes; smee.io only the parsed JSON, which is
    // written back compactly (as JavaScript's JSON.stringify does).
    let body: Vec<u8> = match (
        object.get("bodyB").and_then(Value::as_str),
        object.get("body"),
    ) {
        (Some(b64), _) => BASE64.decode(b64).unwrap_or_default(),
        (None, Some(Value::String(text))) => text.clone().into_bytes(),
        (None, Some(Value::Null) | None) => Vec::new(),
        (None, Some(json)) => json.to_string().into_bytes(),
    };
    let mut headers: Headers = Vec::new();
    for (name, value) in object {
        if matches!(name.as_str(), "body" | "bodyB" | "query" | "timestamp") {
            continue;
        }
        let values: Vec<String> = match value {
            Value::String(s) => vec![s.clone()],
            Value::Array(items) => items.iter().map(json_text).collect(),
            other => vec![json_text(other)],
        };
        for v in values {
            headers.push((name.to_ascii_lowercase(), Bytes::from(v)));
        }
    }
    let query = object
        .get("query")
        .and_then(Value::as_object)
        .filter(|q| !q.is_empty())
        .map(|q| {
            let mut out = form_urlencoded::Serializer::new(String::new());
            for (k, v) in q {
                out.append_pair(k, &json_text(v));
            }
            out.finish()
        });
    let received_at = object
        .get("timestamp")
        .and_then(Value::as_i64)
        .map_or_else(now_micros, |ms| ms * 1000);
    // No durable ids in these feeds: the content identifies the event.
    let digest = crate::verify::sha256_hex(event.data.as_bytes());
    NewCapture {
        received_at,
        method: "POST".into(),
        target: match query {
            Some(q) => format!("/?{q}"),
            None => "/".into(),
        },
        http_version: "HTTP/1.1".into(),
        remote_addr: String::new(),
        body_size: body.len() as u64,
        body: Bytes::from(body),
        headers,
        status: 200,
        source: Source::Relay,
        verification: None,
        upstream: Some(Upstream {
            url: feed.to_owned(),
            id: digest[..32].to_owned(),
        }),
    }
}

fn json_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, id: Option<&str>, data: &str) -> SseEvent {
        SseEvent {
            event: kind.into(),
            data: data.into(),
            id: id.map(str::to_owned),
        }
    }

    #[test]
    fn whisper_events_keep_everything() {
        let data = r#"{"id":7,"received_at":"2026-11-23T13:20:35.123456Z","method":"PUT","target":"/a?x=1","http_version":"HTTP/1.1","remote_addr":"10.0.0.1:5","headers":[["x-a","1"],["x-a","2"],["x-bin","\ufffd"]],"headers_base64":[["x-a","MQ=="],["x-a","Mg=="],["x-bin","/w=="]],"body":null,"body_base64":"AP8=","body_size":2,"response":{"status":202},"source":"listen","attempts":[]}"#;
        let c = to_capture("http://up/events", &event("capture", Some("7"), data)).unwrap();
        assert_eq!((c.method.as_str(), c.target.as_str()), ("PUT", "/a?x=1"));
        assert_eq!(c.body.as_ref(), &[0x00, 0xff]);
        assert_eq!(c.headers[2].1.as_ref(), &[0xff]);
        assert_eq!(c.headers.len(), 3);
        assert_eq!(c.status, 202);
        assert_eq!(c.received_at, 1_795_440_035_123_456);
        assert_eq!(c.upstream.unwrap().id, "7");
        assert_eq!(c.source, Source::Relay);
    }

    #[test]
    fn smee_and_gosmee_events() {
        let smee = r#"{"host":"smee.io","content-type":"application/json","x-github-event":"push","body":{"b":1,"a":[true,null]},"query":{"x":"1 2"},"timestamp":1700000000123}"#;
        let c = to_capture("https://smee.io/abc", &event("", Some("3"), smee)).unwrap();
        assert_eq!(c.body, r#"{"b":1,"a":[true,null]}"#);
        assert_eq!(c.target, "/?x=1+2");
        assert_eq!(c.received_at, 1_700_000_000_123_000);
        assert!(
            c.headers
                .contains(&("x-github-event".into(), Bytes::from("push")))
        );
        assert_eq!(c.upstream.as_ref().unwrap().id.len(), 32);
        // The same event again has the same id (dedupe); a different one does not.
        let again = to_capture("https://smee.io/abc", &event("", Some("9"), smee)).unwrap();
        assert_eq!(again.upstream, c.upstream);

        let gosmee = r#"{"content-type":"application/json","timestamp":1700000000000,"bodyB":"eyJhIjogMX0="}"#;
        let c = to_capture("https://gosmee/x", &event("", None, gosmee)).unwrap();
        assert_eq!(c.body, r#"{"a": 1}"#);

        for not in [
            event("ready", Some("0"), "{}"),
            event("ping", Some("1"), "{}"),
            event("", None, "ready"),
            event("attempt", None, r#"{"capture_id":1}"#),
        ] {
            assert!(to_capture("u", &not).is_none(), "{not:?}");
        }
    }
}
