//! Input and output shared by `sign`, `verify` and `replay`: reading a body
//! from `--data`, `--file` or standard input, and printing a target's answer.

use std::io::{IsTerminal as _, Read as _, Write};
use std::path::Path;

use crate::error::Error;
use crate::forward::{Answer, Outcome};
use crate::paint::Paint;
use crate::sanitize::{sanitize, sanitize_bytes};
use crate::units::{format_latency, format_size};

/// The body from `--data TEXT`, `--file PATH` (`-` is standard input), or, when
/// neither is given, standard input if it is not a terminal.
pub fn read_body(data: Option<&str>, file: Option<&Path>) -> anyhow::Result<Vec<u8>> {
    if let Some(data) = data {
        return Ok(data.as_bytes().to_vec());
    }
    match file {
        Some(path) if path == Path::new("-") => read_stdin(),
        Some(path) => std::fs::read(path)
            .map_err(|e| Error::usage(format!("cannot read {}: {e}", path.display())).into()),
        None if !std::io::stdin().is_terminal() => read_stdin(),
        None => Err(Error::usage(
            "give the body with --data TEXT, --file PATH, or on standard input",
        )
        .into()),
    }
}

fn read_stdin() -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    std::io::stdin().lock().read_to_end(&mut body)?;
    Ok(body)
}

/// Prints a delivery for people: the status and latency, the answer's header
/// fields, its body (pretty when JSON), or the reason it failed.
pub fn write_outcome(
    out: &mut impl Write,
    label: &str,
    outcome: &Outcome,
    p: Paint,
) -> std::io::Result<()> {
    match &outcome.result {
        Ok(answer) => {
            writeln!(
                out,
                "{label}{} {} {} in {}",
                sanitize(&outcome.request.url),
                p.status(answer.status),
                reason_phrase(answer.status),
                format_latency(outcome.duration)
            )?;
            write_answer(out, answer, p)
        }
        Err(e) => writeln!(
            out,
            "{label}{} {}",
            sanitize(&outcome.request.url),
            p.red(e)
        ),
    }
}

fn write_answer(out: &mut impl Write, answer: &Answer, p: Paint) -> std::io::Result<()> {
    for (name, value) in &answer.headers {
        writeln!(out, "{}: {}", p.cyan(sanitize(name)), sanitize_bytes(value))?;
    }
    writeln!(out)?;
    let content_type = answer
        .headers
        .iter()
        .find(|(n, _)| n == "content-type")
        .map(|(_, v)| String::from_utf8_lossy(v).into_owned());
    super::show::write_body(out, &answer.body, content_type.as_deref(), p)?;
    if answer.size > answer.body.len() as u64 {
        writeln!(
            out,
            "{}",
            p.dim(format!("(body cut; {} in all)", format_size(answer.size)))
        )?;
    }
    Ok(())
}

fn reason_phrase(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}
