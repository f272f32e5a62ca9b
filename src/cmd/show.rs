//! `whisper show`: one capture for people (sanitised), or exactly: `--json`,
//! `--raw` (the HTTP request as received), `--body` (the body bytes), `--curl`.

use std::io::Write;
use std::process::ExitCode;

use crate::capture::Capture;
use crate::paint::Paint;
use crate::pretty::{self, Rendered};
use crate::sanitize::{sanitize, sanitize_bytes, sanitize_multiline};
use crate::store;
use crate::units::{format_latency, format_size};

/// How to show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Readable text.
    Text,
    /// The documented JSON.
    Json,
    /// The request as received.
    Raw,
    /// The body bytes.
    Body,
    /// A curl command.
    Curl,
}

/// Prints one capture.
pub fn run(
    db: &std::path::Path,
    id: &str,
    format: Format,
    color: bool,
) -> anyhow::Result<ExitCode> {
    let conn = store::open(db)?;
    let id = store::resolve_id(&conn, id)?;
    let capture = store::get(&conn, id)?.ok_or(crate::error::Error::NoCapture {
        id,
        newest: store::newest_id(&conn)?,
    })?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", capture.to_json_pretty())?,
        Format::Raw => out.write_all(&raw(&capture))?,
        Format::Body => out.write_all(&capture.request.body)?,
        Format::Curl => writeln!(out, "{}", crate::curl::command(&capture, None))?,
        Format::Text => write_text(&mut out, &capture, Paint::new(color))?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The request as it came in: request line, header fields, blank line, body.
/// A chunked body was stored decoded, so it is sent as one chunk to keep the
/// message valid.
pub fn raw(capture: &Capture) -> Vec<u8> {
    let r = &capture.request;
    let mut out = Vec::with_capacity(r.body.len() + 512);
    out.extend_from_slice(format!("{} {} {}\r\n", r.method, r.target, r.http_version).as_bytes());
    for (name, value) in &r.headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    let chunked = r
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case(b"chunked"));
    if chunked {
        if !r.body.is_empty() {
            out.extend_from_slice(format!("{:x}\r\n", r.body.len()).as_bytes());
            out.extend_from_slice(&r.body);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(&r.body);
    }
    out
}

fn write_text(out: &mut impl Write, capture: &Capture, p: Paint) -> std::io::Result<()> {
    let r = &capture.request;
    writeln!(
        out,
        "{} {} {} {}",
        p.bold(format!("#{}", capture.id)),
        p.cyan(sanitize(&r.method)),
        p.bold(sanitize(&r.target)),
        p.dim(&r.http_version)
    )?;
    writeln!(
        out,
        "  {}  {} from {} ({})",
        p.dim("received"),
        crate::capture::format_time(r.received_at),
        sanitize(&r.remote_addr),
        r.source.as_str()
    )?;
    writeln!(out, "  {}  {}", p.dim("answered"), p.status(r.status))?;
    if let Some(v) = &r.verification {
        writeln!(out, "  {}  {}", p.dim("verdict "), p.verdict(Some(v)))?;
        if let Some(reason) = &v.reason {
            writeln!(out, "            {}", sanitize(reason))?;
        }
    }
    writeln!(out)?;
    for (name, value) in &r.headers {
        writeln!(out, "{}: {}", p.cyan(sanitize(name)), sanitize_bytes(value))?;
    }
    writeln!(out)?;
    let content_type = r
        .header("content-type")
        .map(|v| String::from_utf8_lossy(v).into_owned());
    if r.status == 413 {
        writeln!(
            out,
            "{}",
            p.red(format!(
                "body of {} refused unread (over --max-body-size)",
                format_size(r.body_size)
            ))
        )?;
    } else {
        write_body(out, &r.body, content_type.as_deref(), p)?;
    }
    if !capture.attempts.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", p.bold("attempts"))?;
        for a in &capture.attempts {
            let outcome = match (&a.error, a.status) {
                (Some(e), _) => p.red(sanitize(e)),
                (None, Some(s)) => format!("{} in {}", p.status(s), format_latency(a.duration)),
                (None, None) => p.red("no answer"),
            };
            writeln!(
                out,
                "  {:<7} {}  {}  {}",
                format!("{:?}", a.kind).to_lowercase(),
                crate::capture::format_time(a.started_at),
                sanitize(&a.target),
                outcome
            )?;
        }
    }
    Ok(())
}

/// Writes a body in its most readable form.
pub fn write_body(
    out: &mut impl Write,
    body: &[u8],
    content_type: Option<&str>,
    p: Paint,
) -> std::io::Result<()> {
    match pretty::render(body, content_type) {
        Rendered::Empty => writeln!(out, "{}", p.dim("(no body)")),
        Rendered::Json(text) | Rendered::Text(text) => {
            writeln!(out, "{}", sanitize_multiline(&text))
        }
        Rendered::Form(fields) => {
            let width = fields
                .iter()
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0);
            for (key, value) in fields {
                let pad = width - key.chars().count();
                writeln!(
                    out,
                    "{}{}  {}",
                    p.cyan(sanitize(&key)),
                    " ".repeat(pad),
                    sanitize(&value)
                )?;
            }
            Ok(())
        }
        Rendered::Binary(dump) => {
            writeln!(
                out,
                "{}",
                p.dim(format!("binary body, {}", format_size(body.len() as u64)))
            )?;
            write!(out, "{dump}")
        }
    }
}
