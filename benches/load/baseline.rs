//! The bare-hyper baseline: the least a webhook receiver can do, as the ceiling
//! whisper is compared with. It reads every request's body to the end and
//! answers `200` with an empty body (HTTP/1.1, keep-alive, one tokio worker per
//! usable CPU). With `--sse`, `GET /events` is a Server-Sent Events stream and
//! every other request's body is formatted once as an event and shared with
//! all streams through a `tokio::sync::broadcast` channel. It stores nothing,
//! verifies nothing and keeps no history: what whisper does beyond that is
//! what the ratios measure.

use std::convert::Infallible;
use std::io::Write as _;

use anyhow::Context as _;
use bytes::Bytes;
use futures_util::StreamExt as _;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt as _, Empty, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, header};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::broadcast;

use crate::opts::Opts;

type Body = UnsyncBoxBody<Bytes, Infallible>;

/// Events kept for a stream that falls behind (it then loses events, and says
/// so with a `: lagged N` comment; the measurement counts them as lost).
const CAPACITY: usize = 4096;

/// Runs the baseline until the driver goes away. Prints
/// `listening http://ADDR` as its first line.
pub fn main(opts: &Opts) -> anyhow::Result<()> {
    opts.only(&[])?;
    crate::procs::exit_with_parent();
    let sse = opts.flag("sse");
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .enable_all()
        .build()
        .context("cannot start the runtime")?;
    runtime.block_on(serve(sse))
}

async fn serve(sse: bool) -> anyhow::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let events = sse.then(|| broadcast::channel::<Bytes>(CAPACITY).0);
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "listening http://{}", listener.local_addr()?)?;
        out.flush()?;
    }
    loop {
        let (stream, remote) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                eprintln!("baseline: accept: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let events = events.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(req, events.clone()));
            if let Err(e) = http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), service)
                .await
                && !e.is_incomplete_message()
            {
                eprintln!("baseline: connection from {remote}: {e}");
            }
        });
    }
}

async fn handle(
    req: Request<Incoming>,
    events: Option<broadcast::Sender<Bytes>>,
) -> Result<Response<Body>, hyper::Error> {
    if let Some(tx) = &events
        && req.method() == Method::GET
        && req.uri().path() == "/events"
    {
        return Ok(sse_stream(tx.subscribe()));
    }
    let body = req.into_body().collect().await?.to_bytes();
    if let Some(tx) = &events {
        // An error only means that nobody is subscribed.
        let _ = tx.send(sse_event(&body));
    }
    Ok(Response::new(Empty::new().boxed_unsync()))
}

/// One SSE event carrying `body`: a `data:` line per line of it.
fn sse_event(body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(body.len() + 16);
    for line in body.split(|&b| b == b'\n') {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line.strip_suffix(b"\r").unwrap_or(line));
        out.push(b'\n');
    }
    out.push(b'\n');
    out.into()
}

fn sse_stream(rx: broadcast::Receiver<Bytes>) -> Response<Body> {
    let hello = futures_util::stream::once(async { Bytes::from_static(b": connected\n\n") });
    let events = futures_util::stream::unfold(rx, |mut rx| async move {
        match rx.recv().await {
            Ok(event) => Some((event, rx)),
            Err(broadcast::error::RecvError::Lagged(n)) => {
                Some((Bytes::from(format!(": lagged {n}\n\n")), rx))
            }
            Err(broadcast::error::RecvError::Closed) => None,
        }
    });
    let frames = hello
        .chain(events)
        .map(|b| Ok::<_, Infallible>(Frame::data(b)));
    let mut response = Response::new(StreamBody::new(frames).boxed_unsync());
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache"),
    );
    response
}
