//! The single writer of the listener: one thread owns the write connection, takes
//! every capture and attempt from a queue and commits them in groups. A request is
//! answered only once its group is committed, so a 2xx always means "stored".
//! While one group commits, the next one gathers; under load, one commit serves
//! many requests (group commit).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;
use rusqlite::{Connection, TransactionBehavior, params};
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::capture::{self, Attempt, AttemptKind, Capture, Headers, NewCapture};
use crate::feed::Event;

/// Most jobs committed in one transaction.
const MAX_GROUP: usize = 512;
/// Jobs waiting for the writer before senders wait for room.
const QUEUE: usize = 8192;
/// WAL frames (pages) after which the writer makes the log start over. The
/// checkpointer thread copies frames into the database as they come, but while
/// the writer keeps appending, that copy never catches up with the end of the
/// log, and SQLite restarts the log only once it has. So the writer, which no
/// other write can race, finishes the (by then small) remainder itself.
const WAL_RESTART_FRAMES: u64 = 8192;
/// Size the WAL file is cut back to when the log starts over.
const WAL_SIZE_LIMIT: u64 = 32 << 20;

/// Why something could not be stored. Cloned to every request of a failed group.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// SQLite or the file system refused the write.
    #[error("cannot write to the store {path}: {message}")]
    Write {
        /// The store's path.
        path: String,
        /// What failed.
        message: String,
    },
    /// The writer has stopped (the listener is shutting down).
    #[error("the store writer has stopped")]
    Closed,
    /// A relayed event that is stored already (same upstream and id).
    #[error("already stored")]
    Duplicate,
}

/// An attempt to be stored.
#[derive(Debug, Clone)]
pub struct NewAttempt {
    /// The capture delivered.
    pub capture_id: i64,
    /// Forward or replay.
    pub kind: AttemptKind,
    /// Where it went.
    pub target: String,
    /// Start, µs since the epoch.
    pub started_at: i64,
    /// How long it took.
    pub duration: Duration,
    /// The target's status.
    pub status: Option<u16>,
    /// The target's answer headers.
    pub response_headers: Headers,
    /// The target's answer body (already capped).
    pub response_body: bytes::Bytes,
    /// The answer body's full size.
    pub response_body_size: u64,
    /// Why it failed.
    pub error: Option<String>,
}

impl NewAttempt {
    /// The attempt, once it has an id.
    pub fn with_id(self, id: i64) -> Attempt {
        Attempt {
            id,
            capture_id: self.capture_id,
            kind: self.kind,
            target: self.target,
            started_at: self.started_at,
            duration: self.duration,
            status: self.status,
            response_headers: self.response_headers,
            response_body: self.response_body,
            response_body_size: self.response_body_size,
            error: self.error,
        }
    }
}

enum Job {
    Capture(
        NewCapture,
        oneshot::Sender<Result<Arc<Capture>, StoreError>>,
    ),
    Attempt(NewAttempt, oneshot::Sender<Result<Attempt, StoreError>>),
    /// Record what the sender was answered after all (`--proxy`).
    Answered(i64, u16),
    /// Commit what is queued, then stop.
    Stop,
}

/// Bounds on what the store keeps.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// Keep only the newest N captures.
    pub retain: Option<u64>,
    /// Largest size of the store file, in bytes.
    pub max_size: Option<u64>,
}

/// The handle to the writer thread. Cheap to clone; the thread ends when the
/// last handle is gone and the queue is drained.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
    thread: Arc<Mutex<Option<JoinHandle<()>>>>,
}

impl Writer {
    /// Opens the store for writing and starts the writer thread. Stored captures
    /// and attempts are announced on `events` after their commit, in id order.
    pub fn start(
        path: &Path,
        limits: Limits,
        events: broadcast::Sender<Event>,
    ) -> anyhow::Result<Writer> {
        let conn = super::open(path)?;
        // Checkpoints run on a thread of their own, so commits never wait for one.
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0")
            .context("cannot configure the store")?;
        if let Some(bytes) = limits.max_size {
            let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
            let pages = (bytes / page_size.max(1) as u64).max(1);
            let _: i64 = conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |r| {
                r.get(0)
            })?;
        }
        conn.execute_batch(&format!("PRAGMA journal_size_limit = {WAL_SIZE_LIMIT}"))
            .context("cannot configure the store")?;
        // Prove now, not at the first request, that the file can be written.
        conn.execute_batch("BEGIN IMMEDIATE; COMMIT;")
            .with_context(|| format!("cannot write to the store {}", path.display()))?;
        let identity = FileIdentity::of(path)
            .with_context(|| format!("cannot inspect the store {}", path.display()))?;
        let (tx, rx) = mpsc::channel(QUEUE);
        let (stop_checkpoints, checkpoint_rx) = std_mpsc::channel::<()>();
        let wal_frames = Arc::new(AtomicU64::new(0));
        let checkpointer = Checkpointer::start(path, checkpoint_rx, wal_frames.clone())?;
        let state = WriterThread {
            conn,
            path: path.to_path_buf(),
            identity,
            retain: limits.retain,
            events,
            wal_frames,
        };
        let thread = std::thread::Builder::new()
            .name("whisper-store".into())
            .spawn(move || {
                state.run(rx);
                drop(stop_checkpoints);
                checkpointer.finish();
            })
            .context("cannot start the store writer")?;
        Ok(Writer {
            tx,
            thread: Arc::new(Mutex::new(Some(thread))),
        })
    }

    /// Stores a capture; returns it with its id once committed.
    pub async fn insert(&self, capture: NewCapture) -> Result<Arc<Capture>, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job::Capture(capture, reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Stores an attempt; returns it with its id once committed.
    pub async fn add_attempt(&self, attempt: NewAttempt) -> Result<Attempt, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job::Attempt(attempt, reply))
            .await
            .map_err(|_| StoreError::Closed)?;
        answer.await.map_err(|_| StoreError::Closed)?
    }

    /// Records the status the sender finally got (when it differs from the one
    /// stored, as with `--proxy`). Best effort: a failure only leaves the old one.
    pub async fn set_answered(&self, id: i64, status: u16) {
        let _ = self.tx.send(Job::Answered(id, status)).await;
    }

    /// Commits everything queued so far and stops the writer; later writes
    /// fail with [`StoreError::Closed`]. Blocks until the thread has ended.
    pub fn finish(self) {
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            let _ = self.tx.blocking_send(Job::Stop);
            let _ = thread.join();
        }
    }
}

/// Device and inode of the store file: if the path stops naming the file we
/// opened (deleted, its directory removed or replaced), commits would go to an
/// orphan that vanishes at exit, so they must fail instead.
#[derive(Clone, Copy, PartialEq, Eq)]
struct FileIdentity(u64, u64);

impl FileIdentity {
    #[cfg(unix)]
    fn of(path: &Path) -> std::io::Result<FileIdentity> {
        use std::os::unix::fs::MetadataExt as _;
        let meta = std::fs::metadata(path)?;
        Ok(FileIdentity(meta.dev(), meta.ino()))
    }

    #[cfg(not(unix))]
    fn of(path: &Path) -> std::io::Result<FileIdentity> {
        std::fs::metadata(path).map(|_| FileIdentity(0, 0))
    }
}

struct WriterThread {
    conn: Connection,
    path: PathBuf,
    identity: FileIdentity,
    retain: Option<u64>,
    events: broadcast::Sender<Event>,
    /// Frames in the WAL, as the checkpointer last saw them.
    wal_frames: Arc<AtomicU64>,
}

/// What a committed group produced, to be answered and announced.
enum Done {
    Capture(
        Arc<Capture>,
        oneshot::Sender<Result<Arc<Capture>, StoreError>>,
    ),
    Attempt(Attempt, oneshot::Sender<Result<Attempt, StoreError>>),
}

impl WriterThread {
    fn run(mut self, mut rx: mpsc::Receiver<Job>) {
        let mut group = Vec::with_capacity(MAX_GROUP);
        let mut stopping = false;
        while let Some(job) = rx.blocking_recv() {
            let mut next = Some(job);
            while let Some(job) = next.take() {
                match job {
                    Job::Stop => stopping = true,
                    job => group.push(job),
                }
                if group.len() < MAX_GROUP {
                    next = rx.try_recv().ok();
                }
            }
            if !group.is_empty() {
                self.commit(&mut group);
            }
            if self.wal_frames.load(Ordering::Relaxed) > WAL_RESTART_FRAMES {
                // Between groups, so no request waits on it but the next ones.
                self.wal_frames.store(0, Ordering::Relaxed);
                let _ = self
                    .conn
                    .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
            if stopping {
                // Whatever raced in after the stop is refused, not lost silently.
                rx.close();
                while let Ok(job) = rx.try_recv() {
                    if !matches!(job, Job::Stop) {
                        group.push(job);
                    }
                }
                if !group.is_empty() {
                    self.commit(&mut group);
                }
                return;
            }
        }
    }

    fn commit(&mut self, group: &mut Vec<Job>) {
        match self.write(group) {
            Ok(done) => {
                for item in done {
                    match item {
                        Done::Capture(capture, reply) => {
                            let _ = reply.send(Ok(capture.clone()));
                            let _ = self.events.send(Event::capture(capture));
                        }
                        Done::Attempt(attempt, reply) => {
                            let _ = reply.send(Ok(attempt.clone()));
                            let _ = self.events.send(Event::attempt(attempt));
                        }
                    }
                }
            }
            Err(err) => {
                let full = err
                    .downcast_ref::<rusqlite::Error>()
                    .and_then(rusqlite::Error::sqlite_error_code)
                    == Some(rusqlite::ErrorCode::DiskFull);
                let message = if full {
                    "the store is full (the disk, or --max-store-size); make room with `whisper clear --before ID`, or keep fewer with --retain".to_owned()
                } else {
                    format!("{err:#}")
                };
                let err = StoreError::Write {
                    path: self.path.display().to_string(),
                    message,
                };
                let mut lost = 0;
                for job in group.drain(..) {
                    match job {
                        Job::Capture(_, reply) => {
                            lost += 1;
                            let _ = reply.send(Err(err.clone()));
                        }
                        Job::Attempt(_, reply) => {
                            let _ = reply.send(Err(err.clone()));
                        }
                        Job::Answered(..) | Job::Stop => {}
                    }
                }
                let _ = self.events.send(Event::error(format!(
                    "{err}; answered 503 to {lost} request(s), nothing was acknowledged"
                )));
            }
        }
    }

    /// Writes the whole group in one transaction. On error nothing is kept.
    fn write(&mut self, group: &mut Vec<Job>) -> anyhow::Result<Vec<Done>> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut done = Vec::with_capacity(group.len());
        let mut newest = None;
        {
            let mut insert_capture = tx.prepare_cached(
                // OR IGNORE: a relayed event stored before (same upstream and
                // id) is dropped here, atomically with the check.
                "INSERT OR IGNORE INTO captures (received_at, method, target, path, http_version,
                    remote_addr, body_size, content_type, status, source, provider, verdict, reason,
                    upstream, upstream_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?;
            let mut insert_payload = tx.prepare_cached(
                "INSERT INTO payloads (capture_id, headers, body) VALUES (?1, ?2, ?3)",
            )?;
            for job in group.drain(..) {
                match job {
                    Job::Capture(c, reply) => {
                        insert_capture.execute(params![
                            c.received_at,
                            c.method,
                            c.target,
                            c.path(),
                            c.http_version,
                            c.remote_addr,
                            c.body_size as i64,
                            capture::content_type(&c.headers),
                            c.status,
                            c.source.as_str(),
                            c.verification.as_ref().and_then(|v| v.provider.as_deref()),
                            c.verification.as_ref().map(|v| v.verdict.as_str()),
                            c.verification.as_ref().and_then(|v| v.reason.as_deref()),
                            c.upstream.as_ref().map(|u| u.url.as_str()),
                            c.upstream.as_ref().map(|u| u.id.as_str()),
                        ])?;
                        if tx.changes() == 0 {
                            let _ = reply.send(Err(StoreError::Duplicate));
                            continue;
                        }
                        let id = tx.last_insert_rowid();
                        insert_payload.execute(params![
                            id,
                            capture::encode_headers(&c.headers),
                            c.body.as_ref()
                        ])?;
                        newest = Some(id);
                        done.push(Done::Capture(
                            Arc::new(Capture {
                                id,
                                request: c,
                                attempts: Vec::new(),
                            }),
                            reply,
                        ));
                    }
                    Job::Stop => {}
                    Job::Answered(id, status) => {
                        tx.prepare_cached("UPDATE captures SET status = ?2 WHERE id = ?1")?
                            .execute(params![id, status])?;
                    }
                    Job::Attempt(a, reply) => match super::query::insert_attempt(&tx, &a)? {
                        Some(attempt) => done.push(Done::Attempt(attempt, reply)),
                        // The capture is gone (retention, clear): only this job fails.
                        None => {
                            let _ = reply.send(Err(StoreError::Write {
                                path: self.path.display().to_string(),
                                message: format!("capture {} no longer exists", a.capture_id),
                            }));
                        }
                    },
                }
            }
            if let (Some(retain), Some(newest)) = (self.retain, newest) {
                // Ids are contiguous (one writer, no gaps but those `clear` cuts
                // below), so the newest N are those above newest - N.
                tx.prepare_cached("DELETE FROM captures WHERE id <= ?1")?
                    .execute([newest - retain as i64])?;
            }
        }
        if FileIdentity::of(&self.path).ok() != Some(self.identity) {
            anyhow::bail!(
                "the file was removed or replaced while whisper was running; restore it or restart whisper"
            );
        }
        tx.commit()?;
        Ok(done)
    }
}

/// Runs WAL checkpoints off the writer's path: passive ones four times a
/// second while the listener runs (copying pages into the database and syncing
/// it, the slow part), a truncating one at the end. It tells the writer how long
/// the log is, so the writer can make it start over (see [`WAL_RESTART_FRAMES`]).
struct Checkpointer {
    thread: JoinHandle<()>,
}

impl Checkpointer {
    fn start(
        path: &Path,
        stop: std_mpsc::Receiver<()>,
        wal_frames: Arc<AtomicU64>,
    ) -> anyhow::Result<Checkpointer> {
        let conn = super::open(path)?;
        let thread = std::thread::Builder::new()
            .name("whisper-checkpoint".into())
            .spawn(move || {
                while let Err(std_mpsc::RecvTimeoutError::Timeout) =
                    stop.recv_timeout(Duration::from_millis(250))
                {
                    // (busy, frames in the log, frames copied)
                    if let Ok(frames) =
                        conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1))
                    {
                        wal_frames.store(frames.max(0) as u64, Ordering::Relaxed);
                    }
                }
                let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            })
            .context("cannot start the store checkpointer")?;
        Ok(Checkpointer { thread })
    }

    fn finish(self) {
        let _ = self.thread.join();
    }
}
