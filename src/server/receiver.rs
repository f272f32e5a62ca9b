//! The receiver: takes any request on any path, reads its body up to the size
//! limit, stores it, and only then answers. What it answers is configurable
//! (`--status`, `--response-*`, `--delay`); the default is `200 {"id":N}` with an
//! `X-Whisper-Id` header.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode};

use super::Body;
use crate::capture::{AttemptKind, Capture, NewCapture, Source, Verdict, now_micros};
use crate::config::{Keyring, ResponseSpec};
use crate::feed::{Event, Level};
use crate::forward::Forwarder;
use crate::store::Writer;
use crate::units::format_size;
use crate::verify::{self, Tolerance, handshake};

/// What the receiver needs for every request.
pub struct Receiver {
    writer: Writer,
    response: ResponseSpec,
    max_body_size: u64,
    bus: tokio::sync::broadcast::Sender<Event>,
    signatures: Arc<Signatures>,
    forwarder: Arc<Forwarder>,
}

/// How the receiver checks signatures.
pub struct Signatures {
    /// Secrets and schemes.
    pub keyring: Keyring,
    /// The replay window.
    pub tolerance: Tolerance,
    /// The URL providers call, when not `http://HOST`.
    pub public_url: Option<String>,
}

impl Receiver {
    /// A receiver that stores through `writer` and answers as `response` says.
    pub fn new(
        writer: Writer,
        response: ResponseSpec,
        max_body_size: u64,
        bus: tokio::sync::broadcast::Sender<Event>,
        signatures: Arc<Signatures>,
        forwarder: Arc<Forwarder>,
    ) -> Arc<Receiver> {
        Arc::new(Receiver {
            writer,
            response,
            max_body_size,
            bus,
            signatures,
            forwarder,
        })
    }

    /// Handles one request.
    pub async fn handle(
        self: Arc<Self>,
        req: Request<Incoming>,
        remote: SocketAddr,
    ) -> Response<Body> {
        let received_at = now_micros();
        let (parts, body) = req.into_parts();
        let mut capture = NewCapture {
            received_at,
            method: parts.method.as_str().to_owned(),
            target: parts.uri.to_string(),
            http_version: format!("{:?}", parts.version),
            remote_addr: remote.to_string(),
            // hyper's map keeps the first-appearance order of names, and the
            // order of the values of each name.
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| (n.as_str().to_owned(), Bytes::copy_from_slice(v.as_bytes())))
                .collect(),
            body: Bytes::new(),
            body_size: 0,
            status: self.response.status.as_u16(),
            source: Source::Listen,
            verification: None,
            upstream: None,
        };

        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(declared) = declared.filter(|&d| d > self.max_body_size) {
            // Refused unread: the body never reaches memory.
            return self.reject_oversized(capture, declared).await;
        }
        match Limited::new(body, self.max_body_size as usize)
            .collect()
            .await
        {
            Ok(collected) => {
                capture.body = collected.to_bytes();
                capture.body_size = capture.body.len() as u64;
            }
            Err(e) if e.is::<http_body_util::LengthLimitError>() => {
                return self.reject_oversized(capture, self.max_body_size + 1).await;
            }
            Err(e) => {
                let _ = self.bus.send(Event::notice(
                    Level::Warn,
                    format!(
                        "{} {} from {remote}: body could not be read ({e}); answered 400, nothing stored",
                        capture.method,
                        crate::sanitize::sanitize(&capture.target)
                    ),
                ));
                return close(super::error(
                    StatusCode::BAD_REQUEST,
                    "malformed request body",
                ));
            }
        }

        let url = capture.url(self.signatures.public_url.as_deref());
        let signed = capture.as_signed(&url);
        capture.verification = self.signatures.keyring.check(
            &signed,
            &verify::Options {
                now: received_at.div_euclid(1_000_000),
                tolerance: self.signatures.tolerance,
            },
        );
        let handshake = self.handshake(&capture, &url);

        match self.writer.insert(capture).await {
            Ok(stored) => {
                let mut targets = self.forwarder.targets(&stored);
                if self.forwarder.proxy() && !targets.is_empty() {
                    let first = targets.remove(0);
                    self.forwarder.spawn(stored.clone(), targets);
                    return self.proxy(&stored, &first).await;
                }
                self.forwarder.spawn(stored.clone(), targets);
                if !self.response.delay.is_zero() {
                    tokio::time::sleep(self.response.delay).await;
                }
                match handshake {
                    Some(reply) => {
                        let mut response = Response::new(Full::new(Bytes::from(reply.body)));
                        response.headers_mut().insert(
                            header::CONTENT_TYPE,
                            HeaderValue::from_static(reply.content_type),
                        );
                        response
                            .headers_mut()
                            .insert("x-whisper-id", HeaderValue::from(stored.id));
                        response
                    }
                    None => self.answer(stored.id),
                }
            }
            // The writer has already told the person what went wrong.
            Err(_) => super::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "whisper could not store this request; it was not acknowledged (see whisper's output)",
            ),
        }
    }

    /// `--proxy`: the sender gets the first target's answer, or 502 when the
    /// target cannot be reached; the store learns what the sender got.
    async fn proxy(&self, capture: &Capture, target: &str) -> Response<Body> {
        let outcome = self
            .forwarder
            .deliver(capture, target, AttemptKind::Forward)
            .await;
        let response = match outcome.result {
            Ok(answer) => {
                let mut response = Response::new(Full::new(answer.body));
                *response.status_mut() =
                    StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
                for (name, value) in &answer.headers {
                    if matches!(
                        name.as_str(),
                        "connection" | "keep-alive" | "transfer-encoding" | "content-length"
                    ) {
                        continue;
                    }
                    if let (Ok(name), Ok(value)) = (
                        header::HeaderName::from_bytes(name.as_bytes()),
                        HeaderValue::from_bytes(value),
                    ) {
                        response.headers_mut().append(name, value);
                    }
                }
                response
            }
            Err(e) => super::json(
                StatusCode::BAD_GATEWAY,
                &serde_json::json!({
                    "error": format!("whisper could not reach {}: {e}", outcome.request.url),
                    "id": capture.id,
                }),
            ),
        };
        let mut response = response;
        response
            .headers_mut()
            .insert("x-whisper-id", HeaderValue::from(capture.id));
        if response.status().as_u16() != capture.request.status {
            self.writer
                .set_answered(capture.id, response.status().as_u16())
                .await;
        }
        response
    }

    /// Answers 413 without reading the body, and records the refusal (headers
    /// only) so the person sees it.
    async fn reject_oversized(&self, mut capture: NewCapture, size: u64) -> Response<Body> {
        capture.status = StatusCode::PAYLOAD_TOO_LARGE.as_u16();
        capture.body_size = size;
        let message = format!(
            "body larger than {} (--max-body-size)",
            format_size(self.max_body_size)
        );
        let mut response = match self.writer.insert(capture).await {
            Ok(stored) => {
                let mut r = super::json(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &serde_json::json!({ "error": message, "id": stored.id }),
                );
                r.headers_mut()
                    .insert("x-whisper-id", HeaderValue::from(stored.id));
                r
            }
            Err(_) => super::error(StatusCode::PAYLOAD_TOO_LARGE, &message),
        };
        // The unread body is still on the connection: close it.
        response = close(response);
        response
    }

    /// The answer to a provider's handshake (Slack `url_verification`, Twitch
    /// challenge, Zoom URL validation), unless its signature failed: then the
    /// provider sees the same refusal an app with that secret would give.
    fn handshake(&self, capture: &NewCapture, url: &str) -> Option<handshake::Reply> {
        let found = handshake::detect(&capture.as_signed(url))?;
        if let Some(v) = &capture.verification
            && matches!(v.verdict, Verdict::Invalid | Verdict::Expired)
        {
            let _ = self.bus.send(Event::notice(
                Level::Warn,
                format!(
                    "not answering the {} handshake: its signature is {}",
                    v.provider.as_deref().unwrap_or("provider"),
                    v.verdict
                ),
            ));
            return None;
        }
        let zoom = self.signatures.keyring.secrets("zoom").first();
        let reply = found.reply(zoom);
        if reply.is_none() {
            let _ = self.bus.send(Event::notice(
                Level::Warn,
                "cannot answer Zoom's endpoint.url_validation without its secret: pass --secret zoom=…",
            ));
        }
        reply
    }

    fn answer(&self, id: i64) -> Response<Body> {
        let spec = &self.response;
        let (body, default_type) = match &spec.body {
            Some(body) => (body.clone(), guess_type(body)),
            None => (Bytes::from(format!("{{\"id\":{id}}}")), "application/json"),
        };
        let mut response = Response::new(Full::new(body));
        *response.status_mut() = spec.status;
        let headers = response.headers_mut();
        headers.insert("x-whisper-id", HeaderValue::from(id));
        for (name, value) in &spec.headers {
            headers.append(name.clone(), value.clone());
        }
        if !headers.contains_key(header::CONTENT_TYPE) {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(default_type));
        }
        response
    }
}

fn close(mut response: Response<Body>) -> Response<Body> {
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The content type of a configured response body.
fn guess_type(body: &[u8]) -> &'static str {
    if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() {
        "application/json"
    } else {
        "text/plain; charset=utf-8"
    }
}
