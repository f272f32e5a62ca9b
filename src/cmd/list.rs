//! `whisper list`: the newest captures as a table, or as a JSON array.

use std::io::Write;
use std::process::ExitCode;

use crate::capture::Summary;
use crate::paint::Paint;
use crate::sanitize::sanitize;
use crate::store::{self, Filter};
use crate::units::format_size;

/// What to list.
#[derive(Debug)]
pub struct ListOptions {
    /// Most rows.
    pub limit: usize,
    /// Which captures.
    pub filter: Filter,
    /// JSON instead of a table.
    pub json: bool,
}

/// Prints the list.
pub fn run(db: &std::path::Path, color: bool, options: ListOptions) -> anyhow::Result<ExitCode> {
    let conn = store::open(db)?;
    let rows = store::list(&conn, &options.filter, None, options.limit)?;
    let mut out = std::io::stdout().lock();
    if options.json {
        let array: Vec<_> = rows.iter().map(Summary::to_json).collect();
        writeln!(out, "{}", serde_json::Value::Array(array))?;
        return Ok(ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        drop(out);
        eprintln!("no captures (store {})", db.display());
        return Ok(ExitCode::SUCCESS);
    }
    write_table(&mut out, &rows, Paint::new(color))?;
    Ok(ExitCode::SUCCESS)
}

/// The table: one row per capture, the target last so long ones do not break
/// the columns.
fn write_table(out: &mut impl Write, rows: &[Summary], p: Paint) -> std::io::Result<()> {
    let id_width = rows
        .iter()
        .map(|r| r.id.to_string().len())
        .max()
        .unwrap_or(2)
        .max(2);
    let verdict_width = rows
        .iter()
        .map(|r| Paint::verdict_width(r.verification.as_ref()))
        .max()
        .unwrap_or(7)
        .max(7);
    writeln!(
        out,
        "{}",
        p.bold(format!(
            "{:>id_width$}  {:<19}  {:<7}  {:>9}  {:<6}  {:<verdict_width$}  {:<8}  TARGET",
            "ID", "TIME", "METHOD", "SIZE", "ANSWER", "VERDICT", "FORWARD"
        ))
    )?;
    for row in rows {
        let forward = match &row.last_attempt {
            None => p.dim(format!("{:<8}", "-")),
            Some(a) => match (a.status, &a.error) {
                (Some(status), _) => pad(p.status(status), 3, 8),
                (None, _) => p.red(format!("{:<8}", "failed")),
            },
        };
        let verdict = pad(
            p.verdict(row.verification.as_ref()),
            Paint::verdict_width(row.verification.as_ref()),
            verdict_width,
        );
        writeln!(
            out,
            "{:>id_width$}  {:<19}  {}  {:>9}  {}  {}  {}  {}",
            row.id,
            local_datetime(row.received_at),
            p.cyan(format!("{:<7}", sanitize(&row.method))),
            format_size(row.body_size),
            pad(p.status(row.status), 3, 6),
            verdict,
            forward,
            sanitize(&row.target),
        )?;
    }
    Ok(())
}

/// Pads coloured text whose visible width is `visible` to `width` columns.
fn pad(text: String, visible: usize, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(visible)))
}

/// `YYYY-MM-DD HH:MM:SS` in local time.
pub fn local_datetime(micros: i64) -> String {
    chrono::DateTime::from_timestamp_micros(micros)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}
