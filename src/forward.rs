//! Delivering requests to targets: captures forwarded on arrival, replays, and
//! signed test requests (`sign --send`). One reqwest client; the request goes out
//! with the captured method, body bytes and end-to-end header fields; hop-by-hop
//! fields are dropped and `X-Forwarded-*` added. Each delivery becomes an
//! [`NewAttempt`] that the store keeps with the capture.

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::mpsc;

use crate::capture::{Attempt, AttemptKind, Capture, Headers, now_micros, split_target};
use crate::store::NewAttempt;

/// Header fields that belong to one connection, never forwarded (RFC 9110 §7.6.1),
/// plus those the client sets itself from the URL and the body.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

/// How much of a target's answer is kept with an attempt.
pub const STORED_BODY_LIMIT: usize = 64 << 10;
/// How much of a target's answer is read at all (for `--proxy` and printing).
pub const READ_BODY_LIMIT: usize = 32 << 20;

/// A request to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// Method.
    pub method: String,
    /// Absolute URL.
    pub url: String,
    /// Header fields, in order.
    pub headers: Headers,
    /// Body bytes.
    pub body: Bytes,
}

/// A target's answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// Status code.
    pub status: u16,
    /// Header fields.
    pub headers: Headers,
    /// Body, up to [`READ_BODY_LIMIT`].
    pub body: Bytes,
    /// The body's full size (more than `body.len()` when cut).
    pub size: u64,
}

/// Why a delivery failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Nothing listens on the target's port.
    #[error("connection refused")]
    Refused,
    /// No answer in time.
    #[error("timed out after {}", crate::units::format_latency(*.0))]
    Timeout(Duration),
    /// The host name does not resolve.
    #[error("cannot resolve the host: {0}")]
    Dns(String),
    /// TLS failed (certificate, protocol).
    #[error("TLS failed: {0}")]
    Tls(String),
    /// The URL or method cannot be sent.
    #[error("invalid request: {0}")]
    Invalid(String),
    /// Anything else (reset, broken pipe, protocol error).
    #[error("{0}")]
    Other(String),
}

impl SendError {
    /// Whether the request never reached the target, so sending it again
    /// cannot deliver it twice.
    fn is_connect(&self) -> bool {
        matches!(self, SendError::Refused | SendError::Dns(_))
    }
}

/// One delivery: when, how long, and what came back.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The request as sent.
    pub request: Outgoing,
    /// Start, µs since the epoch.
    pub started_at: i64,
    /// Until the answer was read or the failure.
    pub duration: Duration,
    /// The answer, or why there is none.
    pub result: Result<Answer, SendError>,
    /// Tries made (1 without retries).
    pub tries: u32,
}

impl Outcome {
    /// A delivery that never went out (a bad target, a full lane).
    fn not_sent(method: &str, url: String, error: SendError) -> Outcome {
        Outcome {
            request: Outgoing {
                method: method.to_owned(),
                url,
                headers: Vec::new(),
                body: Bytes::new(),
            },
            started_at: now_micros(),
            duration: Duration::ZERO,
            result: Err(error),
            tries: 0,
        }
    }

    /// The attempt to store for this outcome.
    pub fn attempt(&self, capture_id: i64, kind: AttemptKind) -> NewAttempt {
        let (status, headers, body, size, error) = match &self.result {
            Ok(a) => (
                Some(a.status),
                a.headers.clone(),
                a.body.slice(..a.body.len().min(STORED_BODY_LIMIT)),
                a.size,
                None,
            ),
            Err(e) => {
                let mut text = e.to_string();
                if self.tries > 1 {
                    text.push_str(&format!(" (after {} tries)", self.tries));
                }
                (None, Vec::new(), Bytes::new(), 0, Some(text))
            }
        };
        NewAttempt {
            capture_id,
            kind,
            target: self.request.url.clone(),
            started_at: self.started_at,
            duration: self.duration,
            status,
            response_headers: headers,
            response_body: body,
            response_body_size: size,
            error,
        }
    }
}

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// The HTTP client with its timeout and retry policy. hyper's own client, so
/// that what goes out is exactly the header fields given (no default `Accept`
/// or `User-Agent` added); `Host` comes from the URL.
#[derive(Clone)]
pub struct Client {
    http: hyper_util::client::legacy::Client<Connector, Full<Bytes>>,
    timeout: Duration,
    retries: u32,
}

impl Client {
    /// A client: `timeout` per try, `retries` more tries for connection failures.
    pub fn new(timeout: Duration, retries: u32) -> anyhow::Result<Client> {
        // rustls needs its crypto provider chosen once per process; a second
        // call finds it installed, which is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(timeout.min(Duration::from_secs(10))));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .try_with_platform_verifier()
            .map_err(|e| anyhow::anyhow!("cannot load the system's TLS roots: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let http = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(https);
        Ok(Client {
            http,
            timeout,
            retries,
        })
    }

    /// Sends a request; connection failures are retried with backoff
    /// (250 ms, 500 ms, 1 s, … up to 5 s between tries).
    pub async fn send(&self, request: Outgoing) -> Outcome {
        let started_at = now_micros();
        let start = Instant::now();
        let mut tries = 0;
        loop {
            tries += 1;
            let result = match tokio::time::timeout(self.timeout, self.try_once(&request)).await {
                Ok(result) => result,
                Err(_) => Err(SendError::Timeout(self.timeout)),
            };
            let retry = matches!(&result, Err(e) if e.is_connect()) && tries <= self.retries;
            if !retry {
                return Outcome {
                    request,
                    started_at,
                    duration: start.elapsed(),
                    result,
                    tries,
                };
            }
            let backoff =
                Duration::from_millis(250 << (tries - 1).min(5)).min(Duration::from_secs(5));
            tokio::time::sleep(backoff).await;
        }
    }

    /// Opens a request whose answer is read as a stream (the relay's SSE feed).
    pub async fn open(&self, request: Outgoing) -> Result<http::Response<Incoming>, SendError> {
        self.http
            .request(build(&request)?)
            .await
            .map_err(|e| classify(&e, self.timeout))
    }

    async fn try_once(&self, request: &Outgoing) -> Result<Answer, SendError> {
        let response = self
            .http
            .request(build(request)?)
            .await
            .map_err(|e| classify(&e, self.timeout))?;
        let status = response.status().as_u16();
        let headers: Headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), Bytes::copy_from_slice(v.as_bytes())))
            .collect();
        let mut incoming = response.into_body();
        let mut body = BytesMut::new();
        let mut size = 0u64;
        while let Some(frame) = incoming.frame().await {
            let frame = frame.map_err(|e| classify(&e, self.timeout))?;
            if let Ok(chunk) = frame.into_data() {
                size += chunk.len() as u64;
                let room = READ_BODY_LIMIT.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
        }
        Ok(Answer {
            status,
            headers,
            body: body.freeze(),
            size,
        })
    }
}

/// The hyper request for an outgoing one.
fn build(request: &Outgoing) -> Result<http::Request<Full<Bytes>>, SendError> {
    let method = http::Method::from_bytes(request.method.as_bytes())
        .map_err(|_| SendError::Invalid(format!("method {:?}", request.method)))?;
    let uri: http::Uri = request
        .url
        .parse()
        .map_err(|e| SendError::Invalid(format!("URL {:?}: {e}", request.url)))?;
    let mut builder = http::Request::builder().method(method).uri(uri);
    for (name, value) in &request.headers {
        let name = http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| SendError::Invalid(format!("header name {name:?}")))?;
        let value = http::HeaderValue::from_bytes(value)
            .map_err(|_| SendError::Invalid(format!("the value of header {name}")))?;
        builder = builder.header(name, value);
    }
    builder
        .body(Full::new(request.body.clone()))
        .map_err(|e| SendError::Invalid(e.to_string()))
}

/// Turns a client error into what a person needs to know.
fn classify(err: &(dyn std::error::Error + 'static), timeout: Duration) -> SendError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut innermost = err.to_string();
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return SendError::Refused,
                std::io::ErrorKind::TimedOut => return SendError::Timeout(timeout),
                _ => {}
            }
        }
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return SendError::Tls(tls.to_string());
        }
        let text = cause.to_string();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return SendError::Dns(text);
        }
        innermost = text;
        source = cause.source();
    }
    SendError::Other(innermost)
}

/// The URL a capture goes to at `target`: a target with a path other than `/`
/// is used as given, otherwise the captured path is appended; the captured
/// query is kept (after the target's own, if it has one).
pub fn target_url(target: &str, captured_target: &str) -> Result<String, String> {
    let url = url::Url::parse(target).map_err(|e| format!("{target:?} is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{target:?} is not an http:// or https:// URL"));
    }
    let (path, query) = split_target(captured_target);
    let mut out = format!(
        "{}://{}",
        url.scheme(),
        &url[url::Position::BeforeUsername..url::Position::AfterPort]
    );
    if url.path() == "/" {
        out.push_str(path);
    } else {
        out.push_str(url.path());
    }
    match (url.query(), query) {
        (Some(mine), Some(theirs)) => out.push_str(&format!("?{mine}&{theirs}")),
        (Some(q), None) | (None, Some(q)) => out.push_str(&format!("?{q}")),
        (None, None) => {}
    }
    Ok(out)
}

/// The request that delivers `capture` to `target`: same method, body and
/// end-to-end header fields, hop-by-hop fields (and those `Connection` names)
/// dropped, `Host` the target's, `X-Forwarded-For/-Proto/-Host` added.
pub fn forward_request(capture: &Capture, target: &str) -> Result<Outgoing, String> {
    let r = &capture.request;
    let url = target_url(target, &r.target)?;
    let named_by_connection: Vec<String> = r
        .headers
        .iter()
        .filter(|(n, _)| n == "connection")
        .flat_map(|(_, v)| {
            String::from_utf8_lossy(v)
                .split(',')
                .map(|t| t.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut headers: Headers = r
        .headers
        .iter()
        .filter(|(n, _)| !HOP_BY_HOP.contains(&n.as_str()) && !named_by_connection.contains(n))
        .filter(|(n, _)| !n.starts_with("x-forwarded-"))
        .cloned()
        .collect();
    let peer_ip = r
        .remote_addr
        .parse::<std::net::SocketAddr>()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|_| r.remote_addr.clone());
    let forwarded_for = match r.header("x-forwarded-for") {
        Some(prior) => format!("{}, {peer_ip}", String::from_utf8_lossy(prior)),
        None => peer_ip,
    };
    headers.push(("x-forwarded-for".into(), Bytes::from(forwarded_for)));
    let proto = r
        .header("x-forwarded-proto")
        .map_or(Bytes::from_static(b"http"), Bytes::copy_from_slice);
    headers.push(("x-forwarded-proto".into(), proto));
    if let Some(host) = r.header("x-forwarded-host").or(r.header("host")) {
        headers.push(("x-forwarded-host".into(), Bytes::copy_from_slice(host)));
    }
    Ok(Outgoing {
        method: r.method.clone(),
        url,
        headers,
        body: r.body.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::target_url;

    #[test]
    fn path_rule() {
        assert_eq!(
            target_url("http://localhost:3000", "/hooks/a?x=1").unwrap(),
            "http://localhost:3000/hooks/a?x=1"
        );
        assert_eq!(
            target_url("http://localhost:3000/", "/hooks/a").unwrap(),
            "http://localhost:3000/hooks/a"
        );
        assert_eq!(
            target_url("http://localhost:3000/in", "/hooks/a?x=1").unwrap(),
            "http://localhost:3000/in?x=1"
        );
        assert_eq!(
            target_url("http://h/in?k=v", "/a?x=1").unwrap(),
            "http://h/in?k=v&x=1"
        );
        assert_eq!(
            target_url("https://user@h:8443/", "/a").unwrap(),
            "https://user@h:8443/a"
        );
        assert!(target_url("ftp://h/", "/a").is_err());
        assert!(target_url("nonsense", "/a").is_err());
    }
}

/// Captures waiting for one target; more are recorded as not forwarded.
const LANE_CAPACITY: usize = 4096;

/// Why an in-process replay (inspector, TUI) could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// No such capture.
    #[error("no capture {0}")]
    NoCapture(i64),
    /// Neither a target was given nor one is configured.
    #[error("no target: give one, or configure --forward or a [[route]]")]
    NoTarget,
    /// The target URL is not usable.
    #[error("{0}")]
    BadTarget(String),
    /// The store could not be read.
    #[error("cannot read the store: {0}")]
    Store(String),
}

/// A delivery made by the listener: what happened, and the attempt as stored
/// (`None` when the store could not record it).
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The outcome.
    pub outcome: Outcome,
    /// The stored attempt.
    pub attempt: Option<Attempt>,
}

/// The listener's deliveries: forwards each stored capture to its targets, off
/// the capture path, and records every attempt. Each target has a lane: its
/// captures go out one at a time, in the order they were stored (so an app
/// sees them in order, and one that is restarting gets them all once it is
/// back); different targets are served concurrently.
pub struct Forwarder {
    client: Client,
    routing: crate::config::Forwarding,
    writer: crate::store::Writer,
    pool: crate::store::ReadPool,
    bus: tokio::sync::broadcast::Sender<crate::feed::Event>,
    lanes: std::sync::Mutex<HashMap<String, mpsc::Sender<Arc<Capture>>>>,
}

impl Forwarder {
    /// A forwarder that records attempts through `writer`.
    pub fn new(
        routing: crate::config::Forwarding,
        writer: crate::store::Writer,
        pool: crate::store::ReadPool,
        bus: tokio::sync::broadcast::Sender<crate::feed::Event>,
    ) -> anyhow::Result<Arc<Forwarder>> {
        Ok(Arc::new(Forwarder {
            client: Client::new(routing.timeout, routing.retries)?,
            routing,
            writer,
            pool,
            bus,
            lanes: std::sync::Mutex::new(HashMap::new()),
        }))
    }

    /// The targets of a capture.
    pub fn targets(&self, capture: &Capture) -> Vec<String> {
        self.routing.targets(&capture.request).to_vec()
    }

    /// Whether senders get the first target's answer.
    pub fn proxy(&self) -> bool {
        self.routing.proxy
    }

    /// Queues a stored capture on each target's lane; never waits.
    pub fn spawn(self: &Arc<Self>, capture: Arc<Capture>, targets: Vec<String>) {
        for target in targets {
            let lane = self.lane(&target);
            if let Err(mpsc::error::TrySendError::Full(capture)) = lane.try_send(capture.clone()) {
                // The target is far behind: say so as an attempt, rather than
                // hold the capture in memory without bound.
                let me = self.clone();
                tokio::spawn(async move {
                    let outcome = Outcome::not_sent(
                        &capture.request.method,
                        target_url(&target, &capture.request.target).unwrap_or(target),
                        SendError::Other(format!(
                            "not forwarded: {LANE_CAPACITY} earlier captures are still waiting for this target"
                        )),
                    );
                    me.record(capture.id, outcome, AttemptKind::Forward).await;
                });
            }
        }
    }

    /// The lane of a target, started on first use.
    fn lane(self: &Arc<Self>, target: &str) -> mpsc::Sender<Arc<Capture>> {
        let mut lanes = match self.lanes.lock() {
            Ok(lanes) => lanes,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(lane) = lanes.get(target) {
            return lane.clone();
        }
        let (tx, mut rx) = mpsc::channel::<Arc<Capture>>(LANE_CAPACITY);
        let me = self.clone();
        let target_owned = target.to_owned();
        tokio::spawn(async move {
            while let Some(capture) = rx.recv().await {
                me.deliver(&capture, &target_owned, AttemptKind::Forward)
                    .await;
            }
        });
        lanes.insert(target.to_owned(), tx.clone());
        tx
    }

    /// Delivers a capture to one target now and records the attempt.
    pub async fn deliver(&self, capture: &Capture, target: &str, kind: AttemptKind) -> Delivery {
        let outcome = match forward_request(capture, target) {
            Ok(request) => self.client.send(request).await,
            Err(e) => Outcome::not_sent(
                &capture.request.method,
                target.to_owned(),
                SendError::Invalid(e),
            ),
        };
        self.record(capture.id, outcome, kind).await
    }

    /// Sends a request prepared from a capture (edited or re-signed, as the
    /// terminal UI does) and records the attempt like [`Forwarder::deliver`].
    pub async fn deliver_prepared(
        &self,
        capture_id: i64,
        request: Outgoing,
        kind: AttemptKind,
    ) -> Delivery {
        let outcome = self.client.send(request).await;
        self.record(capture_id, outcome, kind).await
    }

    /// Stores the attempt of an outcome.
    async fn record(&self, capture_id: i64, outcome: Outcome, kind: AttemptKind) -> Delivery {
        let attempt = match self
            .writer
            .add_attempt(outcome.attempt(capture_id, kind))
            .await
        {
            Ok(attempt) => Some(attempt),
            Err(e) => {
                let _ = self.bus.send(crate::feed::Event::notice(
                    crate::feed::Level::Warn,
                    format!("the result of delivering #{capture_id} was not recorded: {e}"),
                ));
                None
            }
        };
        Delivery { outcome, attempt }
    }

    /// Replays a stored capture to `to`, or to its configured targets; the
    /// attempts are recorded and announced like forwards.
    pub async fn replay(&self, id: i64, to: Option<String>) -> Result<Vec<Delivery>, ReplayError> {
        let capture = self
            .pool
            .run(move |c| crate::store::get(c, id))
            .await
            .map_err(|e| ReplayError::Store(format!("{e:#}")))?
            .ok_or(ReplayError::NoCapture(id))?;
        let targets = match to {
            Some(to) => {
                target_url(&to, "/").map_err(ReplayError::BadTarget)?;
                vec![to]
            }
            None => self.targets(&capture),
        };
        if targets.is_empty() {
            return Err(ReplayError::NoTarget);
        }
        let mut deliveries = Vec::with_capacity(targets.len());
        for target in targets {
            deliveries.push(self.deliver(&capture, &target, AttemptKind::Replay).await);
        }
        Ok(deliveries)
    }
}
