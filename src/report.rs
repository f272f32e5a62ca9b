//! What `whisper listen` prints when it is not showing the terminal UI: one
//! human line per capture and attempt, or NDJSON events (`--json`) whose first
//! line tells where the listener is. Errors and warnings go to standard error in
//! line mode, and into the stream as `error`/`warning` events in JSON mode.

use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use serde_json::json;

use crate::capture::{Attempt, Capture, format_time};
use crate::config::OutputMode;
use crate::feed::{Event, Feed, Level, Notice, SourceEvent};
use crate::paint::Paint;
use crate::sanitize::sanitize;
use crate::units::{format_latency, format_size};

/// Where the listener is, for the first line.
pub struct Listening<'a> {
    /// Receiver address.
    pub receiver: SocketAddr,
    /// Inspector address.
    pub inspector: SocketAddr,
    /// The store.
    pub db: &'a Path,
}

/// Prints listener events to standard output.
pub struct Reporter {
    mode: OutputMode,
    paint: Paint,
    verbosity: i8,
    // Standard output is line-buffered, so without this every capture would
    // cost a write; [`run`] flushes whenever no further event is waiting.
    out: std::io::BufWriter<std::io::Stdout>,
}

impl Reporter {
    /// A reporter for the given mode.
    pub fn new(mode: OutputMode, color: bool, verbosity: i8) -> Reporter {
        Reporter {
            mode,
            paint: Paint::new(color),
            verbosity,
            out: std::io::BufWriter::with_capacity(64 << 10, std::io::stdout()),
        }
    }

    /// The first output: where the listener listens.
    pub fn listening(&mut self, at: &Listening) -> std::io::Result<()> {
        let out = &mut self.out;
        match self.mode {
            OutputMode::Json => {
                let line = json!({
                    "event": "listening",
                    "receiver": format!("http://{}", at.receiver),
                    "inspector": format!("http://{}", at.inspector),
                    "db": at.db.display().to_string(),
                });
                writeln!(out, "{line}")?;
            }
            OutputMode::Lines | OutputMode::Tui => {
                let p = self.paint;
                writeln!(
                    out,
                    "{} on {}",
                    p.bold("whisper is listening"),
                    p.cyan(format!("http://{}", at.receiver))
                )?;
                writeln!(out, "  inspector  http://{}", at.inspector)?;
                writeln!(out, "  store      {}", at.db.display())?;
                writeln!(out, "{}", p.dim("Press Ctrl-C to stop."))?;
            }
        }
        out.flush()
    }

    /// Writes out what is buffered.
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// Prints one event.
    pub fn event(&mut self, event: &Event) -> std::io::Result<()> {
        match event {
            Event::Capture(c) => self.capture(&c.capture),
            Event::Attempt(a) => self.attempt(&a.attempt),
            Event::Notice(n) => self.notice(n),
            Event::Source(s) => self.source(s),
        }
    }

    fn capture(&mut self, capture: &Capture) -> std::io::Result<()> {
        let out = &mut self.out;
        match self.mode {
            OutputMode::Json => {
                capture.summary().write_event("capture", out)?;
                out.write_all(b"\n")?;
            }
            OutputMode::Lines | OutputMode::Tui => {
                let line = self.capture_line(capture);
                writeln!(self.out, "{line}")?;
            }
        }
        Ok(())
    }

    /// The human line for a capture.
    pub fn capture_line(&self, capture: &Capture) -> String {
        let p = &self.paint;
        let r = &capture.request;
        let mut line = format!(
            "{} {} {} {} {}",
            p.bold(format!("#{}", capture.id)),
            p.dim(local_time(r.received_at)),
            p.cyan(sanitize(&r.method)),
            sanitize(&r.target),
            p.dim(format!("({})", format_size(r.body_size))),
        );
        if r.verification.is_some() {
            line.push(' ');
            line.push_str(&p.verdict(r.verification.as_ref()));
        }
        if r.status == 413 {
            line.push_str(&format!(
                " {}",
                p.red("413 rejected: body over --max-body-size")
            ));
        }
        line
    }

    fn attempt(&mut self, attempt: &Attempt) -> std::io::Result<()> {
        let out = &mut self.out;
        match self.mode {
            OutputMode::Json => {
                let mut value = json!({ "event": "attempt" });
                merge(&mut value, attempt.to_json());
                writeln!(out, "{value}")?;
            }
            OutputMode::Lines | OutputMode::Tui => {
                let p = &self.paint;
                let outcome = match (&attempt.error, attempt.status) {
                    (Some(error), _) => p.red(sanitize(error)),
                    (None, Some(status)) => {
                        format!(
                            "{} in {}",
                            p.status(status),
                            format_latency(attempt.duration)
                        )
                    }
                    (None, None) => p.red("no answer"),
                };
                writeln!(
                    out,
                    "{} → {} {}",
                    p.bold(format!("#{}", attempt.capture_id)),
                    sanitize(&attempt.target),
                    outcome
                )?;
            }
        }
        Ok(())
    }

    fn source(&mut self, source: &SourceEvent) -> std::io::Result<()> {
        let out = &mut self.out;
        match self.mode {
            OutputMode::Json => {
                let mut value = json!({ "event": "source" });
                merge(&mut value, source.to_json());
                writeln!(out, "{value}")?;
            }
            OutputMode::Lines | OutputMode::Tui => {
                let line = source.describe();
                let line = match source.state {
                    crate::relay::State::Connected { .. } => self.paint.green(line),
                    crate::relay::State::Reconnecting { .. } => self.paint.yellow(line),
                };
                writeln!(out, "{line}")?;
            }
        }
        Ok(())
    }

    fn notice(&mut self, notice: &Notice) -> std::io::Result<()> {
        let wanted = match notice.level {
            Level::Error => true,
            Level::Warn | Level::Info => self.verbosity >= 0,
            Level::Debug => self.verbosity >= 1,
        };
        if !wanted {
            return Ok(());
        }
        match self.mode {
            OutputMode::Json => {
                let kind = match notice.level {
                    Level::Error => "error",
                    Level::Warn => "warning",
                    Level::Info | Level::Debug => "info",
                };
                let out = &mut self.out;
                writeln!(
                    out,
                    "{}",
                    json!({ "event": kind, "message": notice.message, "time": format_time(crate::capture::now_micros()) })
                )?;
                Ok(())
            }
            OutputMode::Lines | OutputMode::Tui => {
                let p = Paint::new(self.paint_stderr());
                let label = match notice.level {
                    Level::Error => p.red("whisper: error:"),
                    Level::Warn => p.yellow("whisper: warning:"),
                    Level::Info | Level::Debug => p.dim("whisper:"),
                };
                let mut err = std::io::stderr().lock();
                writeln!(err, "{label} {}", notice.message)
            }
        }
    }

    fn paint_stderr(&self) -> bool {
        use std::io::IsTerminal as _;
        self.paint.enabled() && std::io::stderr().is_terminal()
    }
}

/// Copies the fields of `extra` (an object) into `into` (an object).
fn merge(into: &mut serde_json::Value, extra: serde_json::Value) {
    if let (Some(into), serde_json::Value::Object(extra)) = (into.as_object_mut(), extra) {
        into.extend(extra);
    }
}

/// `HH:MM:SS` in local time.
pub fn local_time(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// Prints every event of the feed until it ends or `stop` fires; after `stop`,
/// prints what is still pending (nothing stored goes unreported) and returns.
pub async fn run(
    mut feed: Feed,
    mut reporter: Reporter,
    stop: tokio_util::sync::CancellationToken,
) {
    use futures_util::FutureExt as _;
    loop {
        // Flush only when no event is waiting: a burst goes out in one write.
        let next = match feed.next().now_or_never() {
            Some(next) => next,
            None => {
                if reporter.flush().is_err() {
                    return;
                }
                tokio::select! {
                    next = feed.next() => next,
                    () = stop.cancelled() => break,
                }
            }
        };
        match next {
            Ok(Some(event)) => {
                if reporter.event(&event).is_err() {
                    return; // stdout is gone; nothing more to say
                }
            }
            Ok(None) => return,
            Err(e) => {
                let _ = reporter.event(&Event::error(format!("cannot read the store: {e:#}")));
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    // Shutting down: the writer has finished, so whatever is left is on the bus
    // or in the store already.
    while let Ok(Ok(Some(event))) =
        tokio::time::timeout(Duration::from_millis(100), feed.next()).await
    {
        if reporter.event(&event).is_err() {
            return;
        }
    }
    let _ = reporter.flush();
}
