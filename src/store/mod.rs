//! The local store: one SQLite file in WAL mode, shared by the listener (the one
//! writer of captures) and every other command (readers; `replay` adds attempts,
//! `clear` deletes). Schema changes are versioned migrations keyed on
//! `PRAGMA user_version`.

mod query;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, OpenFlags};

pub use query::{
    Filter, after, attempts_after, before_newest, clear_all, clear_before, count, get,
    insert_attempt, list, list_after, newest_attempt_id, newest_id, resolve_id, upstream_cursor,
};
pub use writer::{Limits, NewAttempt, StoreError, Writer};

/// How long a connection waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The migrations, in order; migration N brings the schema to version N.
const MIGRATIONS: &[&str] = &[
    // 1: captures, their exact headers and bodies, and delivery attempts.
    "CREATE TABLE captures (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at  INTEGER NOT NULL,
        method       TEXT NOT NULL,
        target       TEXT NOT NULL,
        path         TEXT NOT NULL,
        http_version TEXT NOT NULL,
        remote_addr  TEXT NOT NULL,
        body_size    INTEGER NOT NULL,
        content_type TEXT,
        status       INTEGER NOT NULL,
        provider     TEXT,
        verdict      TEXT,
        reason       TEXT,
        source       TEXT NOT NULL,
        upstream     TEXT,
        upstream_id  TEXT
    );
    CREATE UNIQUE INDEX captures_upstream ON captures (upstream, upstream_id)
        WHERE upstream IS NOT NULL;
    -- Headers and bodies live apart so that listing and filtering a large store
    -- reads small rows only.
    CREATE TABLE payloads (
        capture_id INTEGER PRIMARY KEY REFERENCES captures (id) ON DELETE CASCADE,
        headers    BLOB NOT NULL,
        body       BLOB NOT NULL
    );
    CREATE TABLE attempts (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        capture_id         INTEGER NOT NULL REFERENCES captures (id) ON DELETE CASCADE,
        kind               TEXT NOT NULL,
        target             TEXT NOT NULL,
        started_at         INTEGER NOT NULL,
        duration_us        INTEGER NOT NULL,
        status             INTEGER,
        response_headers   BLOB NOT NULL,
        response_body      BLOB NOT NULL,
        response_body_size INTEGER NOT NULL,
        error              TEXT
    );
    CREATE INDEX attempts_capture ON attempts (capture_id, id);",
];

/// Opens (creating if needed) the store at `path`, sets the pragmas every
/// connection needs and brings the schema up to date.
pub fn open(path: &Path) -> anyhow::Result<Connection> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the store's directory {}", dir.display()))?;
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("cannot open the store {}", path.display()))?;
    configure(&conn).with_context(|| format!("cannot use the store {}", path.display()))?;
    migrate(&conn).with_context(|| format!("cannot prepare the store {}", path.display()))?;
    Ok(conn)
}

fn configure(conn: &Connection) -> anyhow::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL lets other processes read while the listener writes; NORMAL syncs the
    // WAL at checkpoints only, which survives a killed process (the OS holds the
    // written pages), though not a power cut.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        anyhow::bail!("the store cannot use WAL mode (got {mode})");
    }
    conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
    Ok(register_functions(conn)?)
}

/// `glob_match(pattern, text)`: the path filter, shared with the live filters so
/// that the store and the feed agree on what matches.
fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "glob_match",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let pattern: String = ctx.get(0)?;
            let text: String = ctx.get(1)?;
            Ok(crate::glob::matches(&pattern, &text))
        },
    )
}

fn migrate(conn: &Connection) -> anyhow::Result<()> {
    let version = schema_version(conn)?;
    if version == MIGRATIONS.len() {
        return Ok(());
    }
    if version > MIGRATIONS.len() {
        anyhow::bail!(
            "the store has schema version {version}, newer than this whisper knows ({}); upgrade whisper",
            MIGRATIONS.len()
        );
    }
    // IMMEDIATE takes the write lock first, so two processes starting at once
    // cannot both migrate.
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| -> anyhow::Result<()> {
        let version = schema_version(conn)?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            conn.execute_batch(sql)?;
            conn.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => Ok(conn.execute_batch("COMMIT")?),
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

fn schema_version(conn: &Connection) -> rusqlite::Result<usize> {
    conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
        .map(|v| v.max(0) as usize)
}

/// A few read connections shared by the tasks that need the store while the
/// listener runs (feed catch-up, the inspector API). Used from blocking threads.
#[derive(Clone)]
pub struct ReadPool {
    path: Arc<PathBuf>,
    idle: Arc<Mutex<Vec<Connection>>>,
}

impl ReadPool {
    /// A pool over the store at `path` (already opened and migrated).
    pub fn new(path: &Path) -> ReadPool {
        ReadPool {
            path: Arc::new(path.to_path_buf()),
            idle: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Runs `f` with a connection, on the calling (blocking) thread.
    pub fn with<T>(&self, f: impl FnOnce(&Connection) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let conn = Connection::open_with_flags(
                    self.path.as_path(),
                    OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .with_context(|| format!("cannot open the store {}", self.path.display()))?;
                configure(&conn)?;
                conn
            }
        };
        let result = f(&conn);
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < 8
        {
            idle.push(conn);
        }
        result
    }

    /// Runs `f` with a connection on tokio's blocking pool.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        self.spawn(f).await.context("store reader stopped")?
    }

    /// Starts `f` on tokio's blocking pool and returns its handle, for a
    /// caller that may stop waiting and come back for the result later.
    pub fn spawn<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> anyhow::Result<T> + Send + 'static,
    ) -> tokio::task::JoinHandle<anyhow::Result<T>> {
        let pool = self.clone();
        tokio::task::spawn_blocking(move || pool.with(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_refuses_newer_schemas() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/w.db");
        let conn = open(&path).unwrap();
        assert_eq!(schema_version(&conn).unwrap(), MIGRATIONS.len());
        drop(conn);
        open(&path).unwrap();
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA user_version = 99").unwrap();
        let err = open(&path).unwrap_err();
        assert!(
            format!("{err:#}").contains("newer than this whisper"),
            "{err:#}"
        );
    }
}
