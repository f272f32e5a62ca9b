//! Reading the store: one capture, pages of summaries, captures after an id (for
//! the feed's catch-up), and deleting. Plain functions over a connection, so
//! every command and the listener's tasks share them.

use bytes::Bytes;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::NewAttempt;
use crate::capture::{
    self, Attempt, AttemptBrief, AttemptKind, Capture, NewCapture, Source, Summary, Verdict,
    Verification,
};
use crate::error::Error;

/// Which captures a listing or a feed wants. Empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Method, compared without case.
    pub method: Option<String>,
    /// Path glob (see [`crate::glob`]).
    pub path: Option<String>,
    /// Provider name of the verification.
    pub provider: Option<String>,
    /// Only these verdicts (empty: any, including none).
    pub verdicts: Vec<Verdict>,
}

impl Filter {
    /// Whether a capture passes the filter (for live events).
    pub fn matches(&self, capture: &NewCapture) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(&capture.method))
            && self
                .path
                .as_deref()
                .is_none_or(|p| crate::glob::matches(p, capture.path()))
            && self.provider.as_deref().is_none_or(|p| {
                capture
                    .verification
                    .as_ref()
                    .and_then(|v| v.provider.as_deref())
                    .is_some_and(|q| q.eq_ignore_ascii_case(p))
            })
            && (self.verdicts.is_empty()
                || capture
                    .verification
                    .as_ref()
                    .is_some_and(|v| self.verdicts.contains(&v.verdict)))
    }

    /// The verdicts as a comma-separated list for SQL (`instr` matching), or NULL.
    fn verdict_list(&self) -> Option<String> {
        (!self.verdicts.is_empty()).then(|| {
            let names: Vec<&str> = self.verdicts.iter().map(|v| v.as_str()).collect();
            format!(",{},", names.join(","))
        })
    }

    /// The parameters of a query using [`FILTER_SQL`] (`?2` to `?5`): its own
    /// `?1` first and, if given, a limit as `?6`.
    fn sql_params(
        &self,
        first: impl Into<rusqlite::types::Value>,
        limit: Option<usize>,
    ) -> rusqlite::ParamsFromIter<Vec<rusqlite::types::Value>> {
        use rusqlite::types::Value;
        let text = |v: Option<String>| v.map_or(Value::Null, Value::Text);
        let mut params = vec![
            first.into(),
            text(self.method_upper()),
            text(self.path.clone()),
            text(self.provider_lower()),
            text(self.verdict_list()),
        ];
        params.extend(limit.map(|n| Value::Integer(n as i64)));
        rusqlite::params_from_iter(params)
    }

    fn provider_lower(&self) -> Option<String> {
        self.provider.as_ref().map(|p| p.to_ascii_lowercase())
    }

    fn method_upper(&self) -> Option<String> {
        self.method.as_ref().map(|m| m.to_ascii_uppercase())
    }
}

/// The newest capture id, if any.
pub fn newest_id(conn: &Connection) -> anyhow::Result<Option<i64>> {
    Ok(conn.query_row("SELECT max(id) FROM captures", [], |r| r.get(0))?)
}

/// Where a feed that starts with the newest `n` captures passing the filter
/// begins: the id just below the oldest of them (0 when there are fewer).
pub fn before_newest(conn: &Connection, filter: &Filter, n: u64) -> anyhow::Result<i64> {
    if n == 0 {
        return Ok(newest_id(conn)?.unwrap_or(0));
    }
    let nth: Option<i64> = conn
        .prepare_cached(&format!(
            "SELECT c.id FROM captures c WHERE {FILTER_SQL} ORDER BY c.id DESC LIMIT 1 OFFSET ?1"
        ))?
        .query_row(
            filter.sql_params((n - 1).min(i64::MAX as u64) as i64, None),
            |r| r.get(0),
        )
        .optional()?;
    Ok(nth.map_or(0, |id| id - 1))
}

/// Turns `last` or a number into an existing capture id, or the documented
/// "no capture" error.
pub fn resolve_id(conn: &Connection, text: &str) -> anyhow::Result<i64> {
    let newest = newest_id(conn)?;
    if text.eq_ignore_ascii_case("last") {
        return newest.ok_or_else(|| Error::Empty.into());
    }
    let id: i64 = text.parse().map_err(|_| {
        Error::usage(format!(
            "{text:?} is not a capture id; give a number or `last`"
        ))
    })?;
    let exists: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM captures WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if exists {
        Ok(id)
    } else {
        Err(Error::NoCapture { id, newest }.into())
    }
}

const CAPTURE_COLUMNS: &str = "c.id, c.received_at, c.method, c.target, c.http_version,
    c.remote_addr, c.body_size, c.status, c.source, p.headers, p.body,
    c.provider, c.verdict, c.reason, c.upstream, c.upstream_id";

/// The SQL form of [`Filter`], over `captures c`, with parameters ?2 to ?5.
const FILTER_SQL: &str = "(?2 IS NULL OR upper(c.method) = ?2)
    AND (?3 IS NULL OR glob_match(?3, c.path))
    AND (?4 IS NULL OR lower(c.provider) = ?4)
    AND (?5 IS NULL OR instr(?5, ',' || c.verdict || ',') > 0)";

fn verification_from(
    provider: Option<String>,
    verdict: Option<String>,
    reason: Option<String>,
) -> Option<Verification> {
    Some(Verification {
        provider,
        verdict: Verdict::from_name(verdict.as_deref()?)?,
        reason,
    })
}

fn capture_from_row(row: &Row) -> rusqlite::Result<Capture> {
    let headers: Vec<u8> = row.get(9)?;
    let body: Vec<u8> = row.get(10)?;
    let source: String = row.get(8)?;
    Ok(Capture {
        id: row.get(0)?,
        request: NewCapture {
            received_at: row.get(1)?,
            method: row.get(2)?,
            target: row.get(3)?,
            http_version: row.get(4)?,
            remote_addr: row.get(5)?,
            body_size: row.get::<_, i64>(6)? as u64,
            status: row.get(7)?,
            source: Source::from_name(&source),
            headers: capture::decode_headers(&headers),
            body: Bytes::from(body),
            verification: verification_from(row.get(11)?, row.get(12)?, row.get(13)?),
            upstream: match (
                row.get::<_, Option<String>>(14)?,
                row.get::<_, Option<String>>(15)?,
            ) {
                (Some(url), Some(id)) => Some(capture::Upstream { url, id }),
                _ => None,
            },
        },
        attempts: Vec::new(),
    })
}

const ATTEMPT_COLUMNS: &str = "id, capture_id, kind, target, started_at, duration_us, status,
    response_headers, response_body, response_body_size, error";

fn attempts_of(conn: &Connection, capture_id: i64) -> anyhow::Result<Vec<Attempt>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE capture_id = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map([capture_id], attempt_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Up to `limit` attempts with an id above `after`, in id order (whoever stored them).
pub fn attempts_after(conn: &Connection, after: i64, limit: usize) -> anyhow::Result<Vec<Attempt>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE id > ?1 ORDER BY id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![after, limit as i64], attempt_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The newest attempt id, or 0.
pub fn newest_attempt_id(conn: &Connection) -> anyhow::Result<i64> {
    Ok(
        conn.query_row("SELECT coalesce(max(id), 0) FROM attempts", [], |r| {
            r.get(0)
        })?,
    )
}

fn attempt_from_row(row: &Row) -> rusqlite::Result<Attempt> {
    let kind: String = row.get(2)?;
    let headers: Vec<u8> = row.get(7)?;
    let body: Vec<u8> = row.get(8)?;
    Ok(Attempt {
        id: row.get(0)?,
        capture_id: row.get(1)?,
        kind: if kind == "replay" {
            AttemptKind::Replay
        } else {
            AttemptKind::Forward
        },
        target: row.get(3)?,
        started_at: row.get(4)?,
        duration: std::time::Duration::from_micros(row.get::<_, i64>(5)?.max(0) as u64),
        status: row.get(6)?,
        response_headers: capture::decode_headers(&headers),
        response_body: Bytes::from(body),
        response_body_size: row.get::<_, i64>(9)? as u64,
        error: row.get(10)?,
    })
}

/// One capture with its attempts, or `None`.
pub fn get(conn: &Connection, id: i64) -> anyhow::Result<Option<Capture>> {
    let capture = conn
        .prepare_cached(&format!(
            "SELECT {CAPTURE_COLUMNS} FROM captures c JOIN payloads p ON p.capture_id = c.id
             WHERE c.id = ?1"
        ))?
        .query_row([id], capture_from_row)
        .optional()?;
    match capture {
        Some(mut capture) => {
            capture.attempts = attempts_of(conn, id)?;
            Ok(Some(capture))
        }
        None => Ok(None),
    }
}

/// Captures with an id above `after`, oldest first, that pass the filter, each
/// with its attempts: the feed's backlog and catch-up. At most `limit` of
/// them, and no more once their bodies reach `max_bytes` (at least one is
/// returned). The flag says whether more may follow.
pub fn after(
    conn: &Connection,
    after: i64,
    filter: &Filter,
    limit: usize,
    max_bytes: usize,
) -> anyhow::Result<(Vec<Capture>, bool)> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CAPTURE_COLUMNS} FROM captures c JOIN payloads p ON p.capture_id = c.id
         WHERE c.id > ?1 AND {FILTER_SQL}
         ORDER BY c.id LIMIT ?6"
    ))?;
    let mut rows = stmt.query(filter.sql_params(after, Some(limit)))?;
    let mut captures = Vec::new();
    let mut bytes = 0;
    let mut more = false;
    while let Some(row) = rows.next()? {
        if !captures.is_empty() && bytes >= max_bytes {
            more = true;
            break;
        }
        let capture = capture_from_row(row)?;
        bytes += capture.request.body.len();
        captures.push(capture);
    }
    drop(rows);
    more |= captures.len() == limit;
    for capture in &mut captures {
        capture.attempts = attempts_of(conn, capture.id)?;
    }
    Ok((captures, more))
}

/// The summary columns with each capture's latest attempt, for [`summary_from_row`].
const SUMMARY_FROM: &str =
    "SELECT c.id, c.received_at, c.method, c.target, c.body_size, c.content_type,
        c.status, c.source, a.status, a.error, a.id IS NOT NULL,
        c.provider, c.verdict, c.reason
     FROM captures c
     LEFT JOIN attempts a ON a.id =
        (SELECT max(id) FROM attempts WHERE capture_id = c.id)";

/// Up to `limit` summaries, newest first, with ids below `before` (if given)
/// that pass the filter.
pub fn list(
    conn: &Connection,
    filter: &Filter,
    before: Option<i64>,
    limit: usize,
) -> anyhow::Result<Vec<Summary>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SUMMARY_FROM}
         WHERE (?1 IS NULL OR c.id < ?1) AND {FILTER_SQL}
         ORDER BY c.id DESC LIMIT ?6"
    ))?;
    let rows = stmt.query_map(filter.sql_params(before, Some(limit)), summary_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Up to `limit` summaries, oldest first, with ids above `after` that pass the
/// filter: the TUI's page towards newer captures (and its first page, `after`
/// 0, when it jumps to the oldest).
pub fn list_after(
    conn: &Connection,
    filter: &Filter,
    after: i64,
    limit: usize,
) -> anyhow::Result<Vec<Summary>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SUMMARY_FROM}
         WHERE c.id > ?1 AND {FILTER_SQL}
         ORDER BY c.id LIMIT ?6"
    ))?;
    let rows = stmt.query_map(filter.sql_params(after, Some(limit)), summary_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many captures pass the filter.
pub fn count(conn: &Connection, filter: &Filter) -> anyhow::Result<u64> {
    let n: i64 = conn
        .prepare_cached(&format!(
            // ?1 is unused: FILTER_SQL numbers its parameters from 2.
            "SELECT count(*) FROM captures c WHERE ?1 IS NULL AND {FILTER_SQL}"
        ))?
        .query_row(filter.sql_params(rusqlite::types::Value::Null, None), |r| {
            r.get(0)
        })?;
    Ok(n.max(0) as u64)
}

/// A row of the summary queries ([`list`], [`list_after`]).
fn summary_from_row(row: &Row) -> rusqlite::Result<Summary> {
    let source: String = row.get(7)?;
    let has_attempt: bool = row.get(10)?;
    Ok(Summary {
        id: row.get(0)?,
        received_at: row.get(1)?,
        method: row.get(2)?,
        target: row.get(3)?,
        body_size: row.get::<_, i64>(4)? as u64,
        content_type: row.get(5)?,
        status: row.get(6)?,
        source: Source::from_name(&source),
        verification: verification_from(row.get(11)?, row.get(12)?, row.get(13)?),
        last_attempt: if has_attempt {
            Some(AttemptBrief {
                status: row.get(8)?,
                error: row.get(9)?,
            })
        } else {
            None
        },
    })
}

/// Stores an attempt of an existing capture; `None` when the capture is gone.
pub fn insert_attempt(conn: &Connection, a: &NewAttempt) -> rusqlite::Result<Option<Attempt>> {
    let inserted = conn
        .prepare_cached(
            "INSERT INTO attempts (capture_id, kind, target, started_at, duration_us, status,
                response_headers, response_body, response_body_size, error)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
             WHERE EXISTS (SELECT 1 FROM captures WHERE id = ?1)",
        )?
        .execute(params![
            a.capture_id,
            match a.kind {
                AttemptKind::Forward => "forward",
                AttemptKind::Replay => "replay",
            },
            a.target,
            a.started_at,
            a.duration.as_micros() as i64,
            a.status,
            capture::encode_headers(&a.response_headers),
            a.response_body.as_ref(),
            a.response_body_size as i64,
            a.error,
        ])?;
    if inserted == 0 {
        return Ok(None);
    }
    let mut attempt = a.clone().with_id(conn.last_insert_rowid());
    // As stored (µs), so the announced attempt and a later read agree.
    attempt.duration = std::time::Duration::from_micros(a.duration.as_micros() as u64);
    Ok(Some(attempt))
}

/// The newest event id stored from an upstream feed whose ids are numbers
/// (another whisper's capture ids): where a relay resumes.
pub fn upstream_cursor(conn: &Connection, url: &str) -> anyhow::Result<Option<i64>> {
    Ok(conn.query_row(
        "SELECT max(CAST(upstream_id AS INTEGER)) FROM captures
         WHERE upstream = ?1 AND upstream_id <> '' AND upstream_id NOT GLOB '*[^0-9]*'",
        [url],
        |r| r.get(0),
    )?)
}

/// Deletes every capture; returns how many.
pub fn clear_all(conn: &Connection) -> anyhow::Result<usize> {
    Ok(conn.execute("DELETE FROM captures", [])?)
}

/// Deletes the captures with ids below `id`; returns how many.
pub fn clear_before(conn: &Connection, id: i64) -> anyhow::Result<usize> {
    Ok(conn.execute("DELETE FROM captures WHERE id < ?1", [id])?)
}
