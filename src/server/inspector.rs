//! The inspector: the second listener, for people and tools rather than webhook
//! senders. It serves the live web page (`/`), the feed (`/events`, see
//! [`super::sse`]), a JSON API over the store (`/api/requests…`) and
//! `/healthz`.
//!
//! Access rules, checked before any route: with a token, every request but
//! `/healthz` and CORS preflights must carry it (`Authorization: Bearer` or
//! `?token=`, which is all `EventSource` can send); without one, only loopback
//! host names are answered, so a web page cannot reach the inspector through
//! DNS rebinding. State-changing requests must come from the inspector's own
//! page or the `--cors` origin (`Origin`), so another site cannot make a
//! browser replay captures.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Either, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::Value;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use super::sse::{self, SseBody};
use crate::capture::{Attempt, AttemptKind, Verdict};
use crate::error::Error;
use crate::feed::{Event, Start};
use crate::forward::{Forwarder, Outcome, ReplayError};
use crate::secret::{Secret, ct_eq};
use crate::store::{self, Filter, ReadPool};

/// The response body of the inspector: fixed, or the event stream.
pub type InspectorBody = Either<Full<Bytes>, SseBody>;
type Reply = Response<InspectorBody>;

/// The web page, embedded.
const PAGE: &str = include_str!("../../assets/inspector.html");
/// The page's scripts and styles are inline; everything it loads comes from
/// the inspector itself.
const PAGE_CSP: &str = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
    connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";
/// `?limit=` of `/api/requests`: default and most.
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 1000;
/// Largest request body the API reads (the replay options).
const MAX_API_BODY: usize = 64 << 10;

/// Who may use the inspector.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// Required on every request but `/healthz`, when set.
    pub token: Option<Secret>,
    /// A web origin allowed to use the inspector from its own pages (CORS).
    pub cors: Option<String>,
}

/// The inspector's shared state.
pub struct Inspector {
    pool: ReadPool,
    bus: broadcast::Sender<Event>,
    shutdown: CancellationToken,
    access: Access,
    forwarder: Arc<Forwarder>,
}

/// A failed request: status and message, sent as `{"error": message}`.
#[derive(Debug)]
struct Fail(StatusCode, String);

impl Fail {
    fn new(status: StatusCode, message: impl Into<String>) -> Fail {
        Fail(status, message.into())
    }

    fn bad_request(message: impl Into<String>) -> Fail {
        Fail::new(StatusCode::BAD_REQUEST, message)
    }

    /// A store error: the listener is fine, the file is not.
    fn store(err: anyhow::Error) -> Fail {
        Fail::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("cannot read the store: {err:#}"),
        )
    }

    fn reply(self) -> Reply {
        let mut response = super::error(self.0, &self.1);
        if self.0 == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"whisper\""),
            );
        }
        fixed(response)
    }
}

fn fixed(response: Response<Full<Bytes>>) -> Reply {
    response.map(Either::Left)
}

impl Inspector {
    /// The inspector over the listener's store and bus; open event streams
    /// end when `shutdown` fires; replays go through `forwarder`.
    pub fn new(
        pool: ReadPool,
        bus: broadcast::Sender<Event>,
        shutdown: CancellationToken,
        access: Access,
        forwarder: Arc<Forwarder>,
    ) -> Arc<Inspector> {
        Arc::new(Inspector {
            pool,
            bus,
            shutdown,
            access,
            forwarder,
        })
    }

    /// Handles one inspector request.
    pub async fn handle(self: Arc<Self>, req: Request<Incoming>, _remote: SocketAddr) -> Reply {
        let mut response = match self.route(req).await {
            Ok(response) => response,
            Err(fail) => fail.reply(),
        };
        if let Some(origin) = &self.access.cors
            && let Ok(value) = HeaderValue::from_str(origin)
        {
            let headers = response.headers_mut();
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
        }
        response
    }

    async fn route(&self, req: Request<Incoming>) -> Result<Reply, Fail> {
        let path = req.uri().path().to_owned();
        let method = req.method().clone();
        if method == Method::OPTIONS {
            return Ok(preflight());
        }
        if path == "/healthz" {
            return match method {
                Method::GET | Method::HEAD => Ok(fixed(super::json(
                    StatusCode::OK,
                    &serde_json::json!({ "status": "ok" }),
                ))),
                _ => Err(not_allowed("GET")),
            };
        }
        self.check_access(&req)?;
        let params = Params::of(req.uri().query());
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let get = method == Method::GET || method == Method::HEAD;
        match segments.as_slice() {
            [""] if get => Ok(page()),
            ["events"] if method == Method::GET => self.events(req.headers(), &params).await,
            ["api", "requests"] if get => self.list(&params).await,
            ["api", "requests", id] if get => self.capture(id).await,
            ["api", "requests", id, "body"] if get => self.body(id).await,
            ["api", "requests", id, "replay"] if method == Method::POST => {
                let id = (*id).to_owned();
                self.replay(&id, req).await
            }
            [""] | ["events"] | ["api", "requests"] | ["api", "requests", _, "body"] => {
                Err(not_allowed("GET"))
            }
            ["api", "requests", _] => Err(not_allowed("GET")),
            ["api", "requests", _, "replay"] => Err(not_allowed("POST")),
            _ => Err(Fail::new(StatusCode::NOT_FOUND, "no such page")),
        }
    }

    /// The token, the Host and (for changes) the Origin rules.
    fn check_access(&self, req: &Request<Incoming>) -> Result<(), Fail> {
        let host = request_host(req);
        match &self.access.token {
            Some(token) => {
                if !has_token(req, token) {
                    return Err(Fail::new(
                        StatusCode::UNAUTHORIZED,
                        "this inspector needs its token: send `Authorization: Bearer TOKEN` or add ?token=TOKEN",
                    ));
                }
            }
            None => {
                if let Some(host) = host.as_deref().filter(|h| !is_loopback_host(h)) {
                    return Err(Fail::new(
                        StatusCode::FORBIDDEN,
                        format!(
                            "this inspector answers only to localhost names, not {host:?}; start it with --token to use other names"
                        ),
                    ));
                }
            }
        }
        let safe = matches!(*req.method(), Method::GET | Method::HEAD);
        if !safe {
            let origin = req
                .headers()
                .get(header::ORIGIN)
                .and_then(|o| o.to_str().ok());
            let own = host.map(|h| format!("http://{h}"));
            let allowed = origin.is_some_and(|origin| {
                own.as_deref()
                    .is_some_and(|own| origin.eq_ignore_ascii_case(own))
                    || self
                        .access
                        .cors
                        .as_deref()
                        .is_some_and(|cors| origin.eq_ignore_ascii_case(cors))
            });
            if !allowed {
                return Err(Fail::new(
                    StatusCode::FORBIDDEN,
                    "changes are accepted only from the inspector's own page or the --cors origin; send an Origin header naming it",
                ));
            }
        }
        Ok(())
    }

    /// `GET /events`.
    async fn events(&self, headers: &HeaderMap, params: &Params) -> Result<Reply, Fail> {
        let filter = params.filter()?;
        let last_event_id = headers
            .get("last-event-id")
            .filter(|v| !v.as_bytes().trim_ascii().is_empty())
            .map(|v| {
                v.to_str()
                    .ok()
                    .and_then(|v| v.trim().parse::<i64>().ok())
                    .ok_or_else(|| Fail::bad_request("Last-Event-ID is not a capture id"))
            })
            .transpose()?;
        // A reconnecting EventSource sends Last-Event-ID with the URL it was
        // first given: the header is newer than `since`.
        let start = match (last_event_id, params.number::<i64>("since")?) {
            (Some(id), _) | (None, Some(id)) => Start::After(id),
            (None, None) => match params.number::<u64>("backlog")? {
                Some(n) => Start::Newest(n),
                None => Start::Live,
            },
        };
        let body = sse::subscribe(
            &self.bus,
            self.pool.clone(),
            filter,
            start,
            self.shutdown.clone(),
        )
        .await
        .map_err(Fail::store)?;
        let mut response = Response::new(Either::Right(body));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        // Tells nginx-style proxies not to buffer the stream.
        headers.insert(
            HeaderName::from_static("x-accel-buffering"),
            HeaderValue::from_static("no"),
        );
        Ok(response)
    }

    /// `GET /api/requests`: summaries, newest first.
    async fn list(&self, params: &Params) -> Result<Reply, Fail> {
        let filter = params.filter()?;
        let limit = params
            .number::<usize>("limit")?
            .unwrap_or(DEFAULT_LIMIT)
            .min(MAX_LIMIT);
        let before = params.number::<i64>("before")?;
        let summaries = self
            .pool
            .run(move |c| store::list(c, &filter, before, limit))
            .await
            .map_err(Fail::store)?;
        let array = Value::Array(summaries.iter().map(|s| s.to_json()).collect());
        Ok(fixed(super::json(StatusCode::OK, &array)))
    }

    /// Reads capture `id` (a number or `last`) with its attempts.
    async fn load(&self, id: &str) -> Result<crate::capture::Capture, Fail> {
        let id = id.to_owned();
        self.pool
            .run(move |c| {
                let id = store::resolve_id(c, &id)?;
                store::get(c, id)?.ok_or_else(|| {
                    Error::NoCapture {
                        id,
                        newest: store::newest_id(c).ok().flatten(),
                    }
                    .into()
                })
            })
            .await
            .map_err(|err| match err.downcast_ref::<Error>() {
                Some(Error::Usage(message)) => Fail::bad_request(message.clone()),
                Some(known) => Fail::new(StatusCode::NOT_FOUND, known.to_string()),
                None => Fail::store(err),
            })
    }

    /// `GET /api/requests/ID`: the capture's JSON.
    async fn capture(&self, id: &str) -> Result<Reply, Fail> {
        let capture = self.load(id).await?;
        let mut response = Response::new(Full::new(Bytes::from(capture.to_json_string())));
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        Ok(fixed(response))
    }

    /// `GET /api/requests/ID/body`: the exact body with its content type.
    async fn body(&self, id: &str) -> Result<Reply, Fail> {
        let capture = self.load(id).await?;
        let content_type = capture
            .request
            .header("content-type")
            .and_then(|v| HeaderValue::from_bytes(v).ok())
            .unwrap_or(HeaderValue::from_static("application/octet-stream"));
        let mut response = Response::new(Full::new(capture.request.body.clone()));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, content_type);
        // The body is whatever a sender posted: never let it run as a page of
        // the inspector's origin.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("sandbox; default-src 'none'"),
        );
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        Ok(fixed(response))
    }

    /// `POST /api/requests/ID/replay` with `{"to": URL}` (optional): sends
    /// the capture to `to`, or to its configured targets, and answers with
    /// the attempts (502 when no target could be reached).
    async fn replay(&self, id: &str, req: Request<Incoming>) -> Result<Reply, Fail> {
        let bytes = Limited::new(req.into_body(), MAX_API_BODY)
            .collect()
            .await
            .map_err(|_| Fail::bad_request("the request body is too large or unreadable"))?
            .to_bytes();
        let to = replay_target(&bytes)?;
        let id = self.load(id).await?.id;
        let outcomes = self
            .forwarder
            .replay(id, to)
            .await
            .map_err(|err| match err {
                ReplayError::NoCapture(_) => Fail::new(StatusCode::NOT_FOUND, err.to_string()),
                ReplayError::NoTarget | ReplayError::BadTarget(_) => {
                    Fail::bad_request(err.to_string())
                }
                ReplayError::Store(_) => {
                    Fail::new(StatusCode::SERVICE_UNAVAILABLE, err.to_string())
                }
            })?;
        let attempts = self.recorded(id, &outcomes).await;
        let reached = outcomes.iter().any(|o| o.result.is_ok());
        let body = if reached {
            Value::Array(attempts)
        } else {
            let error = outcomes
                .iter()
                .filter_map(|o| {
                    let err = o.result.as_ref().err()?;
                    Some(format!("{}: {err}", o.request.url))
                })
                .collect::<Vec<_>>()
                .join("; ");
            serde_json::json!({ "error": error, "attempts": attempts })
        };
        let status = if reached {
            StatusCode::OK
        } else {
            StatusCode::BAD_GATEWAY
        };
        Ok(fixed(super::json(status, &body)))
    }

    /// The stored attempts of these replays, as JSON (the same objects as the
    /// feed's `attempt` events). An attempt the store could not record is
    /// shown as it was made, without an id.
    async fn recorded(&self, id: i64, outcomes: &[Outcome]) -> Vec<Value> {
        let stored = self
            .pool
            .run(move |c| Ok(store::get(c, id)?.map(|c| c.attempts).unwrap_or_default()))
            .await
            .unwrap_or_default();
        outcomes
            .iter()
            .map(|outcome| {
                let made = outcome.attempt(id, AttemptKind::Replay);
                stored
                    .iter()
                    .rev()
                    .find(|a| {
                        a.kind == AttemptKind::Replay
                            && a.started_at == made.started_at
                            && a.target == made.target
                    })
                    .map_or_else(
                        || {
                            let mut json = Attempt {
                                id: 0,
                                capture_id: made.capture_id,
                                kind: made.kind,
                                target: made.target,
                                started_at: made.started_at,
                                duration: made.duration,
                                status: made.status,
                                response_headers: made.response_headers,
                                response_body: made.response_body,
                                response_body_size: made.response_body_size,
                                error: made.error,
                            }
                            .to_json();
                            json["id"] = Value::Null;
                            json
                        },
                        Attempt::to_json,
                    )
            })
            .collect()
    }
}

/// The `to` of a replay request body: `{}`, `{"to": null}`, `{"to": "http://…"}`
/// or an empty body.
fn replay_target(body: &[u8]) -> Result<Option<String>, Fail> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Fail::bad_request(format!("the body is not JSON: {e}")))?;
    match value.get("to") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(to)) if !to.trim().is_empty() => Ok(Some(to.trim().to_owned())),
        Some(_) => Err(Fail::bad_request(
            "`to` must be a URL such as \"http://localhost:3000\"",
        )),
    }
}

/// `GET /`: the page.
fn page() -> Reply {
    let mut response = Response::new(Full::new(Bytes::from_static(PAGE.as_bytes())));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // The page's URL may hold the token.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    fixed(response)
}

/// The answer to a CORS preflight (`OPTIONS`); the origin is added by
/// [`Inspector::handle`] when `--cors` is set.
fn preflight() -> Reply {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    headers.insert(
        header::ALLOW,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type, last-event-id, cache-control"),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    fixed(response)
}

fn not_allowed(allow: &'static str) -> Fail {
    Fail::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("this resource answers {allow} only"),
    )
}

/// The host the client addressed (`Host`, or the HTTP/2 authority), with port.
fn request_host(req: &Request<Incoming>) -> Option<String> {
    req.uri()
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| {
            req.headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        })
}

/// Whether `host` (`name[:port]`) names this machine's loopback interface.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    }
    .trim_end_matches('.')
    .to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether the request carries the token, in `Authorization: Bearer` or `?token=`.
fn has_token(req: &Request<Incoming>, token: &Secret) -> bool {
    let expected = token.expose().as_bytes();
    let from_header = req
        .headers()
        .get_all(header::AUTHORIZATION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| {
            let (scheme, value) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| value.trim())
        })
        .any(|given| ct_eq(given.as_bytes(), expected));
    from_header
        || Params::of(req.uri().query())
            .all("token")
            .any(|given| ct_eq(given.as_bytes(), expected))
}

/// The decoded query parameters of a request.
struct Params(Vec<(String, String)>);

impl Params {
    fn of(query: Option<&str>) -> Params {
        Params(crate::pretty::form_urlencoded_pairs(
            query.unwrap_or("").as_bytes(),
        ))
    }

    fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The last non-empty value of `name`.
    fn get<'a>(&'a self, name: &'a str) -> Option<&'a str> {
        self.all(name).filter(|v| !v.is_empty()).last()
    }

    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, Fail> {
        self.get(name)
            .map(|v| {
                v.trim().parse().map_err(|_| {
                    Fail::bad_request(format!("?{name}={v} is not a non-negative number"))
                })
            })
            .transpose()
    }

    /// `path`, `method`, `provider` and `verdict` (a comma list).
    fn filter(&self) -> Result<Filter, Fail> {
        let verdicts = self
            .all("verdict")
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| {
                Verdict::from_name(&v.to_ascii_lowercase()).ok_or_else(|| {
                    Fail::bad_request(format!(
                        "verdict {v:?} is not one of valid, invalid, expired, unsigned, unknown"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Filter {
            method: self.get("method").map(str::to_owned),
            path: self.get("path").map(str::to_owned),
            provider: self.get("provider").map(str::to_owned),
            verdicts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "localhost:7071",
            "LOCALHOST.:1",
            "app.localhost:3000",
            "127.0.0.1:7071",
            "127.1.2.3",
            "[::1]:7071",
            "[::1]",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.test:7071",
            "localhost.evil.test",
            "10.0.0.1:7071",
            "[2001:db8::1]:80",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn filters_parse() {
        let params = Params::of(Some(
            "path=%2Fstripe%2F*&method=post&verdict=invalid,expired&verdict=unsigned&token=x",
        ));
        let filter = params.filter().unwrap();
        assert_eq!(filter.path.as_deref(), Some("/stripe/*"));
        assert_eq!(filter.method.as_deref(), Some("post"));
        assert_eq!(
            filter.verdicts,
            [Verdict::Invalid, Verdict::Expired, Verdict::Unsigned]
        );
        assert!(Params::of(Some("verdict=nope")).filter().is_err());
        assert!(
            Params::of(Some("limit=-1"))
                .number::<usize>("limit")
                .is_err()
        );
        assert_eq!(
            Params::of(Some("limit=")).number::<usize>("limit").unwrap(),
            None
        );
    }

    #[test]
    fn replay_bodies() {
        assert_eq!(replay_target(b"").unwrap(), None);
        assert_eq!(replay_target(b"{}").unwrap(), None);
        assert_eq!(replay_target(b"{\"to\":null}").unwrap(), None);
        assert_eq!(
            replay_target(b"{\"to\":\"http://localhost:3000\"}").unwrap(),
            Some("http://localhost:3000".into())
        );
        assert!(replay_target(b"{\"to\":3}").is_err());
        assert!(replay_target(b"nope").is_err());
    }
}
