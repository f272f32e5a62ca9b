//! The inspector's `/events` feed, read at the wire level: event format,
//! resume with `Last-Event-ID` and `?since=` while captures keep arriving,
//! `?backlog=`, filters, and a slow subscriber that must neither slow the
//! receiver nor miss a capture.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{Conn, Env, Response, post_json, request};

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct SseEvent {
    pub id: Option<String>,
    pub event: String,
    pub data: String,
}

impl SseEvent {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap()
    }
}

/// The de-chunked body of a streaming HTTP/1.1 response.
struct Chunked {
    inner: BufReader<TcpStream>,
    left: usize,
}

impl Read for Chunked {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            let mut line = String::new();
            self.inner.read_line(&mut line)?;
            if line.trim().is_empty() {
                // The CRLF after the previous chunk.
                line.clear();
                self.inner.read_line(&mut line)?;
            }
            self.left = usize::from_str_radix(line.trim(), 16)
                .map_err(|_| std::io::Error::other(format!("bad chunk size {line:?}")))?;
            if self.left == 0 {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.left);
        let n = self.inner.read(&mut buf[..n])?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.left -= n;
        Ok(n)
    }
}

/// A subscriber to `/events`.
pub struct Sse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The `retry:` value, once seen.
    pub retry: Option<u64>,
    /// Comment lines seen (`: keep-alive`).
    pub comments: usize,
    /// After this instant, a comment line ends `next` with `None`: a stream
    /// kept open by heartbeats must not keep a test waiting for ever.
    give_up_at: Option<std::time::Instant>,
    body: BufReader<Chunked>,
}

impl Sse {
    /// `GET target` on the inspector with the given extra headers; returns once
    /// the response head is read (the feed is subscribed by then).
    pub fn open(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Sse {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n");
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        (&stream).write_all(request.as_bytes()).unwrap();
        let mut inner = BufReader::new(stream);
        let mut line = String::new();
        inner.read_line(&mut line).unwrap();
        let status = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            inner.read_line(&mut h).unwrap();
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (n, v) = h.split_once(':').unwrap();
            headers.push((n.trim().to_ascii_lowercase(), v.trim().to_owned()));
        }
        Sse {
            status,
            headers,
            retry: None,
            comments: 0,
            give_up_at: None,
            body: BufReader::new(Chunked { inner, left: 0 }),
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The next event (comments and `retry:` are noted on the way); `None`
    /// when the stream ends.
    pub fn next(&mut self) -> Option<SseEvent> {
        let mut event = SseEvent {
            id: None,
            event: "message".into(),
            data: String::new(),
        };
        let mut has_data = false;
        loop {
            let mut line = String::new();
            match self.body.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if has_data {
                    return Some(event);
                }
                continue;
            }
            if line.starts_with(':') {
                self.comments += 1;
                if self
                    .give_up_at
                    .is_some_and(|t| std::time::Instant::now() >= t)
                {
                    return None;
                }
                continue;
            }
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "id" => event.id = Some(value.to_owned()),
                "event" => event.event = value.to_owned(),
                "retry" => self.retry = value.parse().ok(),
                "data" => {
                    if has_data {
                        event.data.push('\n');
                    }
                    event.data.push_str(value);
                    has_data = true;
                }
                _ => {}
            }
        }
    }

    /// The next `capture` event's id (skipping other events).
    pub fn next_capture(&mut self) -> Option<SseEvent> {
        loop {
            let event = self.next()?;
            if event.event == "capture" {
                return Some(event);
            }
        }
    }

    /// Capture ids of capture events until `n` arrived or `deadline` passed
    /// (keep-alive comments keep a stream open, so a read timeout alone would
    /// never end a wait for events that do not come).
    pub fn capture_ids_until(&mut self, n: usize, deadline: std::time::Instant) -> Vec<i64> {
        self.give_up_at = Some(deadline);
        let mut ids = Vec::with_capacity(n);
        while ids.len() < n && std::time::Instant::now() < deadline {
            match self.next() {
                Some(event) if event.event == "capture" => {
                    ids.push(event.id.as_deref().unwrap().parse().unwrap());
                }
                Some(_) => {}
                None => break,
            }
        }
        ids
    }

    /// Capture ids of the next `n` capture events.
    pub fn capture_ids(&mut self, n: usize) -> Vec<i64> {
        (0..n)
            .map(|_| {
                let event = self.next_capture().expect("a capture event");
                let id: i64 = event.id.as_deref().unwrap().parse().unwrap();
                assert_eq!(event.json()["id"], id, "id: line and JSON agree");
                id
            })
            .collect()
    }
}

/// A request to the inspector with a loopback `Host`, as a browser there
/// sends it, and the given headers.
pub fn call(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let host = addr.to_string();
    let mut all = vec![("Host", host.as_str())];
    all.extend_from_slice(headers);
    request(addr, method, target, &all, body)
}

/// A GET on the inspector (see [`call`]).
pub fn inspect(addr: SocketAddr, target: &str, headers: &[(&str, &str)]) -> Response {
    call(addr, "GET", target, headers, b"")
}

fn post_id(addr: SocketAddr, target: &str, body: &str) -> i64 {
    let response = post_json(addr, target, body);
    assert_eq!(response.status, 200);
    response.json()["id"].as_i64().unwrap()
}

#[test]
fn three_posts_arrive_as_three_capture_events() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let mut sse = Sse::open(listener.inspector, "/events", &[]);
    assert_eq!(sse.status, 200);
    assert_eq!(sse.header("content-type"), Some("text/event-stream"));
    assert_eq!(sse.header("cache-control"), Some("no-cache"));

    let ids: Vec<i64> = (0..3)
        .map(|n| {
            post_id(
                listener.receiver,
                &format!("/hooks/{n}?x={n}"),
                &format!(r#"{{"n":{n}}}"#),
            )
        })
        .collect();
    let events: Vec<SseEvent> = (0..3).map(|_| sse.next().unwrap()).collect();
    assert!(sse.retry.is_some_and(|ms| ms > 0), "a retry: line first");
    for (n, (event, id)) in events.iter().zip(&ids).enumerate() {
        assert_eq!(event.event, "capture");
        assert_eq!(event.id.as_deref(), Some(id.to_string().as_str()));
        let json = event.json();
        // The same shape as `show --json`.
        let shown = env.json(&["show", &id.to_string(), "--json"]);
        assert_eq!(json, shown);
        assert_eq!(json["target"], format!("/hooks/{n}?x={n}"));
        assert_eq!(json["body"], format!(r#"{{"n":{n}}}"#));
    }
}

#[test]
fn resume_with_last_event_id_while_posting_misses_nothing() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let receiver = listener.receiver;
    let mut first = Sse::open(listener.inspector, "/events", &[]);
    let posted = Arc::new(Mutex::new(Vec::new()));
    let poster = {
        let posted = posted.clone();
        std::thread::spawn(move || {
            let mut conn = Conn::open(receiver);
            for n in 0..300 {
                let body = format!(r#"{{"n":{n}}}"#);
                let r = conn.send("POST", "/resume", &[], body.as_bytes()).unwrap();
                assert_eq!(r.status, 200);
                posted
                    .lock()
                    .unwrap()
                    .push(r.json()["id"].as_i64().unwrap());
            }
        })
    };
    let mut seen = first.capture_ids(40);
    drop(first); // the connection drops mid-stream, as a network would
    let last = seen.last().unwrap().to_string();
    let mut second = Sse::open(listener.inspector, "/events", &[("Last-Event-ID", &last)]);
    poster.join().unwrap();
    let posted = posted.lock().unwrap().clone();
    let rest = posted.len() - seen.len();
    seen.extend(second.capture_ids(rest));
    assert_eq!(seen, posted, "every capture exactly once, in order");

    // ?since= is the same for a client that cannot set headers.
    let mut since = Sse::open(
        listener.inspector,
        &format!("/events?since={}", posted[249]),
        &[],
    );
    assert_eq!(since.capture_ids(50), posted[250..]);
    // A later Last-Event-ID wins over the URL's since (an EventSource
    // reconnecting keeps its first URL).
    let mut both = Sse::open(
        listener.inspector,
        &format!("/events?since={}", posted[0]),
        &[("Last-Event-ID", &posted[298].to_string())],
    );
    assert_eq!(both.capture_ids(1), [posted[299]]);
}

#[test]
fn backlog_filters_and_live_start() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let r = listener.receiver;
    let a1 = post_id(r, "/stripe/events", "{}");
    let b1 = post_id(r, "/github/push", "{}");
    let get = request(r, "GET", "/stripe/health", &[], b"");
    let g1 = get.json()["id"].as_i64().unwrap();
    let a2 = post_id(r, "/stripe/events?live=0", "{}");

    // No start parameter: only what arrives from now on.
    let mut live = Sse::open(listener.inspector, "/events", &[]);
    let mut backlog = Sse::open(listener.inspector, "/events?backlog=2", &[]);
    let mut filtered = Sse::open(
        listener.inspector,
        "/events?backlog=10&path=%2Fstripe%2F*&method=post",
        &[],
    );
    let mut newest_stripe = Sse::open(listener.inspector, "/events?backlog=1&path=/stripe/*", &[]);
    let mut gets = Sse::open(listener.inspector, "/events?since=0&method=GET", &[]);
    let mut invalid = Sse::open(
        listener.inspector,
        "/events?since=0&verdict=invalid,expired",
        &[],
    );
    let a3 = post_id(r, "/stripe/events?live=1", "{}");
    let b2 = post_id(r, "/github/push", "{}");

    assert_eq!(live.capture_ids(2), [a3, b2]);
    assert_eq!(backlog.capture_ids(4), [g1, a2, a3, b2]);
    assert_eq!(filtered.capture_ids(3), [a1, a2, a3]);
    assert_eq!(newest_stripe.capture_ids(2), [a2, a3]);
    assert_eq!(gets.capture_ids(1), [g1]);
    let _ = b1;

    // Nothing here is signed, so a verdict filter passes nothing; the stream
    // stays open with heartbeats only. Close it by stopping the listener.
    drop(listener);
    assert!(invalid.next().is_none());

    let listener = env.listen(&[]);
    let bad = inspect(listener.inspector, "/events?verdict=bogus", &[]);
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"].as_str().unwrap().contains("bogus"));
    let bad = inspect(listener.inspector, "/events?since=abc", &[]);
    assert_eq!(bad.status, 400);
    let bad = inspect(listener.inspector, "/events", &[("Last-Event-ID", "x")]);
    assert_eq!(bad.status, 400);
    // An empty Last-Event-ID is no Last-Event-ID.
    let empty = Sse::open(listener.inspector, "/events", &[("Last-Event-ID", "")]);
    assert_eq!(empty.status, 200);
}

#[test]
fn stopping_the_listener_ends_open_streams() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let mut streams: Vec<Sse> = (0..3)
        .map(|_| Sse::open(listener.inspector, "/events", &[]))
        .collect();
    let id = post_id(listener.receiver, "/x", "{}");
    for sse in &mut streams {
        assert_eq!(sse.capture_ids(1), [id]);
    }
    let started = Instant::now();
    let status = listener.interrupt();
    assert!(status.success(), "{status:?}");
    // Open event streams must not hold up the graceful shutdown.
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    for sse in &mut streams {
        assert!(sse.next().is_none(), "the stream ends");
    }
}

#[test]
fn many_subscribers_each_get_everything() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let mut streams: Vec<Sse> = (0..120)
        .map(|_| Sse::open(listener.inspector, "/events", &[]))
        .collect();
    let ids: Vec<i64> = (0..20)
        .map(|n| post_id(listener.receiver, "/fan-out", &format!(r#"{{"n":{n}}}"#)))
        .collect();
    for sse in &mut streams {
        assert_eq!(sse.capture_ids(ids.len()), ids);
    }
}

#[test]
fn slow_subscriber_gets_everything_and_slows_nobody() {
    const TOTAL: usize = 5000;
    let env = Env::new();
    let listener = env.listen(&[]);
    // Bodies of a few KiB, so that the slow reader's socket buffers fill and
    // its feed falls off the bus and must catch up from the store.
    let filler = "x".repeat(4096);

    let mut slow = Sse::open(listener.inspector, "/events", &[]);
    let mut normal = Sse::open(listener.inspector, "/events", &[]);
    let done = Arc::new(AtomicBool::new(false));
    let receiver = listener.receiver;
    let poster = {
        let done = done.clone();
        std::thread::spawn(move || {
            let mut conn = Conn::open(receiver);
            let mut ids = Vec::with_capacity(TOTAL);
            let mut slowest = Duration::ZERO;
            let started = Instant::now();
            for n in 0..TOTAL {
                let body = format!(r#"{{"n":{n},"filler":"{filler}"}}"#);
                let sent = Instant::now();
                let r = conn.send("POST", "/load", &[], body.as_bytes()).unwrap();
                slowest = slowest.max(sent.elapsed());
                assert_eq!(r.status, 200);
                ids.push(r.json()["id"].as_i64().unwrap());
            }
            done.store(true, Ordering::SeqCst);
            (ids, slowest, started.elapsed())
        })
    };
    let normal_reader = std::thread::spawn(move || normal.capture_ids(TOTAL));

    let mut slow_ids = Vec::with_capacity(TOTAL);
    let mut lagged_while_posting = false;
    while slow_ids.len() < TOTAL {
        let n = (TOTAL - slow_ids.len()).min(25);
        slow_ids.extend(slow.capture_ids(n));
        if !done.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(40));
            lagged_while_posting = true;
        }
    }
    let (ids, slowest, took) = poster.join().unwrap();
    assert!(lagged_while_posting);
    assert_eq!(
        slow_ids, ids,
        "the slow subscriber got every capture, in order"
    );
    assert_eq!(normal_reader.join().unwrap(), ids);
    // Sanity bounds only; throughput is what the benchmark measures.
    assert!(
        slowest < Duration::from_secs(5),
        "slowest post took {slowest:?}"
    );
    assert!(took < Duration::from_secs(240), "posting took {took:?}");
    // The listener did not buffer the slow subscriber's backlog.
    let rss = listener.rss_kib();
    assert!(rss < 400 * 1024, "listener uses {rss} KiB");
}
