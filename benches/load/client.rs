//! The load client, run by the driver as a process of its own (pinned to its
//! own CPU) so that its cost is not counted against the server it measures.
//! Two modes, each printing one JSON object on standard output:
//!
//! - `ingest`: C keep-alive HTTP/1.1 connections, each posting one 1 KiB JSON
//!   body at a time as fast as the answers come (closed loop), for a warm-up
//!   and then a fixed duration, or (`--total N`) until N posts are answered.
//!   Latency runs from just before a request is written to the end of its
//!   answer's body; only requests that start after the warm-up and end before
//!   the deadline count. Errors are transport errors and non-2xx answers.
//! - `fanout`: K Server-Sent Events subscribers, all connected before the
//!   first post, then N posts at R per second on a fixed schedule (open loop:
//!   each post is a task of its own, so a slow answer does not delay the next).
//!   Post n's body carries the marker `load-<run>-<n>`; every subscriber looks
//!   for it in the `data:` lines of each event, wherever the server put it
//!   (whisper sends the body as a JSON string inside the capture). The delay
//!   of a delivery runs from just before the post is sent to the arrival of
//!   the chunk that completed the event carrying its marker.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, bail};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty, Full};
use hyper::client::conn::http1::{self, Connection, SendRequest};
use hyper::{Method, Request, StatusCode, Uri, header};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::{oneshot, watch};

use crate::opts::Opts;
use crate::report::Percentiles;

/// Runs the client mode named by `--client` and prints its result.
pub fn main(opts: &Opts) -> anyhow::Result<()> {
    crate::procs::exit_with_parent();
    let started = Instant::now();
    // One thread when pinned to one CPU: the cheapest client per request.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let runtime = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    }
    .context("cannot start the runtime")?;
    let mut result = match opts.required("client")? {
        "ingest" => runtime.block_on(ingest(opts))?,
        "fanout" => runtime.block_on(fanout(opts))?,
        other => bail!("unknown client mode {other:?}"),
    };
    result["cpu_ticks"] = json!(crate::procs::cpu_ticks(std::process::id())?);
    result["wall_s"] = json!(started.elapsed().as_secs_f64());
    println!("{result}");
    Ok(())
}

/// An `http://127.0.0.1:PORT/PATH` URL, split the way a raw connection needs it.
struct Target {
    uri: Uri,
    addr: String,
    authority: String,
    path: String,
}

impl Target {
    fn parse(url: &str) -> anyhow::Result<Target> {
        let uri: Uri = url.parse().with_context(|| format!("bad URL {url:?}"))?;
        if uri.scheme_str() != Some("http") {
            bail!("only http:// URLs: {url}");
        }
        let authority = uri.authority().context("URL without a host")?.clone();
        // Loopback only: this benchmark never sends anything off the machine.
        if authority.host() != "127.0.0.1" {
            bail!("only 127.0.0.1 is measured, not {}", authority.host());
        }
        let port = authority.port_u16().context("URL without a port")?;
        let path = uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        Ok(Target {
            addr: format!("127.0.0.1:{port}"),
            authority: authority.as_str().to_owned(),
            path,
            uri,
        })
    }
}

type Conn<B> = (SendRequest<B>, Connection<TokioIo<TcpStream>, B>);

async fn open<B>(target: &Target) -> anyhow::Result<Conn<B>>
where
    B: hyper::body::Body + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let stream = TcpStream::connect(&target.addr).await?;
    stream.set_nodelay(true)?;
    Ok(http1::handshake(TokioIo::new(stream)).await?)
}

/// A JSON object of `size` bytes (or the least above it) carrying `marker`:
/// `{"marker":"<marker>","pad":"xxx…"}`.
fn json_body(marker: &str, size: usize) -> Bytes {
    let head = format!("{{\"marker\":\"{marker}\",\"pad\":\"");
    let tail = b"\"}";
    let pad = size.saturating_sub(head.len() + tail.len());
    let mut body = Vec::with_capacity(head.len() + pad + tail.len());
    body.extend_from_slice(head.as_bytes());
    body.resize(body.len() + pad, b'x');
    body.extend_from_slice(tail);
    Bytes::from(body)
}

/// A short id that keeps the markers of different runs apart.
fn run_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{:x}",
        (nanos as u64) ^ (u64::from(std::process::id()) << 40)
    )
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

// ---------------------------------------------------------------- ingest ----

/// After this many errors in one run the client stops: the figures would mean
/// nothing, and a server that refuses everything must not keep it busy forever.
const MAX_ERRORS: u64 = 1000;

struct Ingest {
    target: Target,
    run: String,
    body_bytes: usize,
    measure_from: Instant,
    /// End of a timed run.
    deadline: Option<Instant>,
    /// Posts to have answered in a `--total` run.
    total: Option<u64>,
    claimed: AtomicU64,
    acked: AtomicU64,
    errors: AtomicU64,
}

impl Ingest {
    fn more(&self) -> bool {
        self.errors.load(Ordering::Relaxed) < MAX_ERRORS
            && match (self.deadline, self.total) {
                (Some(deadline), _) => Instant::now() < deadline,
                (None, Some(total)) => self.claimed.load(Ordering::Relaxed) < total,
                (None, None) => false,
            }
    }

    /// Takes the right to send one more request.
    fn claim(&self) -> bool {
        if !self.more() {
            return false;
        }
        let Some(total) = self.total else {
            return true;
        };
        if self.claimed.fetch_add(1, Ordering::Relaxed) < total {
            true
        } else {
            self.claimed.fetch_sub(1, Ordering::Relaxed);
            false
        }
    }

    /// A claimed request failed: in a `--total` run it must be sent again.
    fn unclaim(&self) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        if self.total.is_some() {
            self.claimed.fetch_sub(1, Ordering::Relaxed);
        }
    }

    fn counts(&self, t0: Instant, t1: Instant) -> bool {
        t0 >= self.measure_from && self.deadline.is_none_or(|d| t1 <= d)
    }
}

#[derive(Default)]
struct Tally {
    latencies: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn error(&mut self, e: impl std::fmt::Display) {
        self.errors += 1;
        self.first_error.get_or_insert_with(|| e.to_string());
    }
}

async fn ingest(opts: &Opts) -> anyhow::Result<Value> {
    opts.only(&[
        "client",
        "url",
        "concurrency",
        "duration",
        "warmup",
        "body-bytes",
        "total",
    ])?;
    let url = opts.required("url")?;
    let concurrency: usize = opts.num("concurrency", 16)?;
    let duration = opts.secs("duration", 10.0)?;
    let warmup = opts.secs("warmup", 1.0)?;
    let body_bytes: usize = opts.num("body-bytes", 1024)?;
    let total = opts.str("total").map(str::parse::<u64>).transpose()?;
    if concurrency == 0 || (total.is_none() && duration.is_zero()) {
        bail!("--concurrency and --duration must be positive");
    }

    let start = Instant::now();
    let cfg = Arc::new(Ingest {
        target: Target::parse(url)?,
        run: run_id(),
        body_bytes,
        measure_from: start + warmup,
        deadline: total.is_none().then(|| start + warmup + duration),
        total,
        claimed: AtomicU64::new(0),
        acked: AtomicU64::new(0),
        errors: AtomicU64::new(0),
    });
    let progress = total.map(|total| {
        let cfg = cfg.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(10));
            tick.tick().await;
            loop {
                tick.tick().await;
                let acked = cfg.acked.load(Ordering::Relaxed);
                eprintln!(
                    "  … {acked} of {total} answered ({:.0} s)",
                    start.elapsed().as_secs_f64()
                );
            }
        })
    });
    let workers: Vec<_> = (0..concurrency)
        .map(|w| tokio::spawn(ingest_worker(cfg.clone(), w)))
        .collect();
    let mut all = Tally::default();
    for worker in workers {
        let t = worker.await?;
        all.latencies.extend_from_slice(&t.latencies);
        all.errors += t.errors;
        if all.first_error.is_none() {
            all.first_error = t.first_error;
        }
    }
    let elapsed = start.elapsed();
    if let Some(progress) = progress {
        progress.abort();
    }

    let requests = all.latencies.len();
    let seconds = match total {
        Some(_) => elapsed.as_secs_f64(),
        None => duration.as_secs_f64(),
    };
    let p = Percentiles::of(all.latencies);
    Ok(json!({
        "mode": "ingest",
        "concurrency": concurrency,
        "body_bytes": body_bytes,
        "requests": requests,
        "acked": cfg.acked.load(Ordering::Relaxed),
        "seconds": seconds,
        "rps": requests as f64 / seconds,
        "p50_ms": p.p50,
        "p99_ms": p.p99,
        "max_ms": p.max,
        "errors": all.errors,
        "first_error": all.first_error,
    }))
}

/// One connection, one request at a time. The connection is driven inside
/// this task (no task of its own), which keeps the client's cost per request
/// low; a connection the server closes after a good answer is reopened
/// without counting an error.
async fn ingest_worker(cfg: Arc<Ingest>, w: usize) -> Tally {
    let mut tally = Tally::default();
    let mut seq: u64 = 0;
    'connections: while cfg.more() {
        let (mut sender, conn) = match open::<Full<Bytes>>(&cfg.target).await {
            Ok(pair) => pair,
            Err(e) => {
                cfg.errors.fetch_add(1, Ordering::Relaxed);
                tally.error(format!("connect: {e}"));
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        tokio::pin!(conn);
        loop {
            if !cfg.claim() {
                break 'connections;
            }
            seq += 1;
            let body = json_body(&format!("load-{}-{w}-{seq}", cfg.run), cfg.body_bytes);
            let request = Request::builder()
                .method(Method::POST)
                .uri(cfg.target.path.as_str())
                .header(header::HOST, cfg.target.authority.as_str())
                .header(header::CONTENT_TYPE, "application/json")
                .body(Full::new(body));
            let request = match request {
                Ok(request) => request,
                Err(e) => {
                    cfg.unclaim();
                    tally.error(e);
                    break 'connections;
                }
            };

            let t0 = Instant::now();
            let (outcome, conn_ended) = {
                let exchange = async {
                    sender.ready().await?;
                    let response = sender.send_request(request).await?;
                    let status = response.status();
                    response.into_body().collect().await?;
                    Ok::<StatusCode, anyhow::Error>(status)
                };
                tokio::pin!(exchange);
                tokio::select! {
                    biased;
                    outcome = &mut exchange => (outcome, false),
                    ended = &mut conn => match ended {
                        // Closed after (or before) its answer: whatever arrived
                        // is still read by the exchange.
                        Ok(()) => (exchange.await, true),
                        Err(e) => (Err(e.into()), true),
                    },
                }
            };
            let t1 = Instant::now();

            match outcome {
                Ok(status) if status.is_success() => {
                    cfg.acked.fetch_add(1, Ordering::Relaxed);
                    if cfg.counts(t0, t1) {
                        tally.latencies.push(nanos(t1 - t0));
                    }
                }
                Ok(status) => {
                    cfg.unclaim();
                    tally.error(format!("HTTP {status}"));
                }
                Err(e) => {
                    cfg.unclaim();
                    tally.error(format!("{e:#}"));
                    continue 'connections;
                }
            }
            if conn_ended || sender.is_closed() {
                continue 'connections;
            }
        }
    }
    tally
}

// ---------------------------------------------------------------- fan-out ---

/// What one subscriber saw.
struct Seen {
    /// Arrival time per post number.
    arrivals: Vec<Option<Instant>>,
    /// Markers that arrived again in a later event.
    dups: u64,
    error: Option<String>,
}

async fn fanout(opts: &Opts) -> anyhow::Result<Value> {
    opts.only(&[
        "client",
        "post-url",
        "sse-url",
        "subscribers",
        "count",
        "rate",
        "body-bytes",
        "timeout",
        "settle",
    ])?;
    let post = Target::parse(opts.required("post-url")?)?;
    let sse = Arc::new(Target::parse(opts.required("sse-url")?)?);
    let subscribers: usize = opts.num("subscribers", 10)?;
    let count: usize = opts.num("count", 2000)?;
    let rate: f64 = opts.num("rate", 500.0)?;
    let body_bytes: usize = opts.num("body-bytes", 1024)?;
    let timeout = opts.secs("timeout", 10.0)?;
    let settle = opts.secs("settle", 0.2)?;
    if subscribers == 0 || count == 0 || !rate.is_finite() || rate <= 0.0 {
        bail!("--subscribers, --count and --rate must be positive");
    }

    let prefix: Arc<[u8]> = format!("load-{}-", run_id()).into_bytes().into();
    let delivered = Arc::new(AtomicUsize::new(0));
    let (stop_tx, stop_rx) = watch::channel(false);

    // 1. Every subscriber has its response headers before the first post.
    let mut subs = Vec::with_capacity(subscribers);
    for i in 0..subscribers {
        let (ready_tx, ready_rx) = oneshot::channel();
        let task = tokio::spawn(subscribe(
            sse.clone(),
            prefix.clone(),
            count,
            delivered.clone(),
            ready_tx,
            stop_rx.clone(),
        ));
        match tokio::time::timeout(timeout, ready_rx).await {
            Ok(Ok(Ok(()))) => subs.push(task),
            Ok(Ok(Err(e))) => bail!("subscriber {i}: {e}"),
            Ok(Err(_)) => bail!("subscriber {i}: its task ended"),
            Err(_) => bail!("subscriber {i}: no answer within {timeout:?}"),
        }
    }
    tokio::time::sleep(settle).await;

    // 2. Posts on a fixed schedule, each a task of its own over a keep-alive pool.
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(connector);
    let period = Duration::from_secs_f64(1.0 / rate);
    let t0 = Instant::now();
    let mut posts = Vec::with_capacity(count);
    for n in 0..count {
        tokio::time::sleep_until((t0 + period.mul_f64(n as f64)).into()).await;
        let marker = format!("{}{n}", String::from_utf8_lossy(&prefix));
        let request = Request::post(post.uri.clone())
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(json_body(&marker, body_bytes)))?;
        let client = client.clone();
        posts.push(tokio::spawn(async move {
            let sent = Instant::now();
            let outcome = tokio::time::timeout(timeout, async {
                let response = client.request(request).await?;
                let status = response.status();
                response.into_body().collect().await?;
                Ok::<StatusCode, anyhow::Error>(status)
            })
            .await;
            (sent, sent.elapsed(), outcome)
        }));
    }
    // N sends span N-1 periods.
    let send_rate = (count.max(2) - 1) as f64 / t0.elapsed().as_secs_f64();

    let mut sent_at = Vec::with_capacity(count);
    let mut post_ns = Vec::with_capacity(count);
    let mut post_errors = 0usize;
    let mut first_post_error = None;
    for task in posts {
        let (sent, took, outcome) = task.await?;
        sent_at.push(sent);
        let failure = match outcome {
            Ok(Ok(status)) if status.is_success() => None,
            Ok(Ok(status)) => Some(format!("HTTP {status}")),
            Ok(Err(e)) => Some(format!("{e:#}")),
            Err(_) => Some(format!("no answer within {timeout:?}")),
        };
        match failure {
            None => post_ns.push(nanos(took)),
            Some(e) => {
                post_errors += 1;
                first_post_error.get_or_insert(e);
            }
        }
    }

    // 3. Every subscriber sees every marker, or --timeout passes.
    let expected = subscribers * count;
    let give_up = Instant::now() + timeout;
    while delivered.load(Ordering::Relaxed) < expected
        && Instant::now() < give_up
        && !subs.iter().all(|t| t.is_finished())
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let _ = stop_tx.send(true);

    let mut all_ns = Vec::with_capacity(expected);
    let (mut got, mut dups, mut sub_errors) = (0usize, 0u64, 0usize);
    let mut first_sub_error = None;
    let mut worst_sub_p99 = 0.0f64;
    for task in subs {
        let seen = task.await?;
        let ns: Vec<u64> = seen
            .arrivals
            .iter()
            .zip(&sent_at)
            .filter_map(|(arrived, sent)| {
                arrived.map(|a| nanos(a.saturating_duration_since(*sent)))
            })
            .collect();
        got += ns.len();
        dups += seen.dups;
        if let Some(e) = seen.error {
            sub_errors += 1;
            first_sub_error.get_or_insert(e);
        }
        worst_sub_p99 = worst_sub_p99.max(Percentiles::of(ns.clone()).p99);
        all_ns.extend(ns);
    }
    let p = Percentiles::of(all_ns);
    let pp = Percentiles::of(post_ns);
    Ok(json!({
        "mode": "fanout",
        "subscribers": subscribers,
        "count": count,
        "rate": rate,
        "send_rate": send_rate,
        "delivered": got,
        "expected": expected,
        "lost": expected - got,
        "dups": dups,
        "p50_ms": p.p50,
        "p99_ms": p.p99,
        "max_ms": p.max,
        "worst_subscriber_p99_ms": worst_sub_p99,
        "post_p50_ms": pp.p50,
        "post_p99_ms": pp.p99,
        "post_errors": post_errors,
        "first_post_error": first_post_error,
        "sub_errors": sub_errors,
        "first_sub_error": first_sub_error,
    }))
}

async fn subscribe(
    target: Arc<Target>,
    prefix: Arc<[u8]>,
    count: usize,
    delivered: Arc<AtomicUsize>,
    ready: oneshot::Sender<Result<(), String>>,
    mut stop: watch::Receiver<bool>,
) -> Seen {
    let mut seen = Seen {
        arrivals: vec![None; count],
        dups: 0,
        error: None,
    };
    let opened = async {
        let (mut sender, conn) = open::<Empty<Bytes>>(&target).await?;
        tokio::spawn(async move {
            // Its end shows as the end of the body below.
            let _ = conn.await;
        });
        let request = Request::get(target.path.as_str())
            .header(header::HOST, target.authority.as_str())
            .header(header::ACCEPT, "text/event-stream")
            .header(header::CACHE_CONTROL, "no-cache")
            .body(Empty::new())?;
        let response = sender.send_request(request).await?;
        if !response.status().is_success() {
            bail!("HTTP {}", response.status());
        }
        Ok((sender, response.into_body()))
    }
    .await;
    // The sender stays alive with the body, or the connection would close.
    let (_sender, mut body) = match opened {
        Ok(opened) => {
            let _ = ready.send(Ok(()));
            opened
        }
        Err(e) => {
            seen.error = Some(format!("{e:#}"));
            let _ = ready.send(Err(format!("{e:#}")));
            return seen;
        }
    };

    let mut scanner = Scanner::new(prefix);
    loop {
        let frame = tokio::select! {
            frame = body.frame() => frame,
            _ = stop.changed() => break,
        };
        let now = Instant::now();
        let data = match frame {
            None => {
                seen.error = Some("the event stream ended".into());
                break;
            }
            Some(Err(e)) => {
                seen.error = Some(e.to_string());
                break;
            }
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue, // trailers
            },
        };
        scanner.feed(&data, |n| match seen.arrivals.get_mut(n) {
            Some(slot @ None) => {
                *slot = Some(now);
                delivered.fetch_add(1, Ordering::Relaxed);
            }
            Some(Some(_)) => seen.dups += 1,
            None => {} // not a post of this run
        });
    }
    seen
}

/// Splits an event stream into lines and events, and reports the markers in
/// the `data:` lines of each event once the event is complete (at its blank
/// line). Each byte is looked at about once, however the stream is chunked.
struct Scanner {
    prefix: Arc<[u8]>,
    buf: Vec<u8>,
    /// Markers of the event being read (each once).
    pending: Vec<usize>,
}

impl Scanner {
    fn new(prefix: Arc<[u8]>) -> Scanner {
        Scanner {
            prefix,
            buf: Vec::new(),
            pending: Vec::new(),
        }
    }

    fn feed(&mut self, chunk: &[u8], mut complete: impl FnMut(usize)) {
        // Only the unfinished last line of earlier chunks is kept, and it
        // holds no newline: the search starts at the new bytes.
        let buffered = !self.buf.is_empty();
        let mut from = 0;
        if buffered {
            from = self.buf.len();
            self.buf.extend_from_slice(chunk);
        }
        let data: &[u8] = if buffered { &self.buf } else { chunk };
        let mut line_start = 0;
        while let Some(i) = data[from..].iter().position(|&b| b == b'\n') {
            let end = from + i;
            let line = &data[line_start..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                for n in self.pending.drain(..) {
                    complete(n);
                }
            } else if line.starts_with(b"data:") {
                let pending = &mut self.pending;
                markers(line, &self.prefix, |n| {
                    if !pending.contains(&n) {
                        pending.push(n);
                    }
                });
            }
            line_start = end + 1;
            from = line_start;
        }
        if buffered {
            self.buf.drain(..line_start);
        } else {
            self.buf.extend_from_slice(&chunk[line_start..]);
        }
    }
}

/// Calls `each` with n for every `<prefix><digits n>` in `line`.
fn markers(line: &[u8], prefix: &[u8], mut each: impl FnMut(usize)) {
    let mut rest = line;
    while let Some(at) = find(rest, prefix) {
        rest = &rest[at + prefix.len()..];
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if let Some(n) = std::str::from_utf8(&rest[..digits])
            .ok()
            .and_then(|s| s.parse().ok())
        {
            each(n);
        }
        rest = &rest[digits..];
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, tail) = needle.split_first()?;
    let mut from = 0;
    while let Some(i) = hay.get(from..)?.iter().position(|&b| b == first) {
        let at = from + i;
        if hay[at + 1..].starts_with(tail) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}
