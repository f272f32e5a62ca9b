//! The listener's event bus and the consumer that never misses a capture.
//!
//! The writer announces every committed capture and attempt on a
//! `tokio::sync::broadcast` channel (bounded, so a stalled consumer costs no
//! memory). Each consumer (the SSE feed, the NDJSON and line output, the TUI)
//! reads it through a [`Feed`]: when it falls behind and the channel drops
//! events for it, the feed reads what it missed from the store and goes on, and
//! it drops duplicates by id, so every consumer sees every capture exactly once
//! and in order.

use std::collections::VecDeque;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use tokio::sync::broadcast::{self, error::RecvError};

use anyhow::Context as _;

use crate::capture::{Attempt, Capture};
use crate::store::{self, Filter, ReadPool};

/// How many events the bus holds for a consumer that has not read them yet.
pub const BUS_CAPACITY: usize = 1024;
/// Bodies larger than this are not kept on the bus; consumers that need them
/// read them from the store. The bus holds its last `BUS_CAPACITY` events
/// until every subscriber has seen them (a subscriber that never reads pins
/// them all), so this bounds its memory to about 16 MiB.
const BUS_BODY_LIMIT: usize = 16 << 10;
/// Captures read from the store per catch-up step.
const CATCH_UP_BATCH: usize = 256;
/// Body bytes read from the store per catch-up step, so that a lagging
/// subscriber holds little memory even when bodies are large.
const CATCH_UP_BYTES: usize = 4 << 20;

/// One thing that happened in the listener.
#[derive(Debug, Clone)]
pub enum Event {
    /// A capture was stored.
    Capture(Arc<CaptureEvent>),
    /// A delivery attempt was stored.
    Attempt(Arc<AttemptEvent>),
    /// Something a person should know (a store error, a warning).
    Notice(Arc<Notice>),
    /// The relay's connection to its upstream changed.
    Source(Arc<SourceEvent>),
}

/// The relay's connection state (`listen --source`).
#[derive(Debug)]
pub struct SourceEvent {
    /// The upstream feed.
    pub url: String,
    /// Connected or reconnecting.
    pub state: crate::relay::State,
    /// When it changed, µs since the epoch.
    pub at: i64,
}

impl SourceEvent {
    /// `{"state":"connected","url":…,"resumed_after":…}` or
    /// `{"state":"reconnecting","url":…,"reason":…,"retry_in_ms":…}`.
    pub fn to_json(&self) -> serde_json::Value {
        use crate::relay::State;
        match &self.state {
            State::Connected { resumed_after } => serde_json::json!({
                "state": "connected", "url": self.url, "resumed_after": resumed_after,
                "time": crate::capture::format_time(self.at),
            }),
            State::Reconnecting { reason, retry_in } => serde_json::json!({
                "state": "reconnecting", "url": self.url, "reason": reason,
                "retry_in_ms": retry_in.as_millis() as u64,
                "time": crate::capture::format_time(self.at),
            }),
        }
    }

    /// One line for people.
    pub fn describe(&self) -> String {
        use crate::relay::State;
        match &self.state {
            State::Connected {
                resumed_after: Some(id),
            } => format!(
                "relay: connected to {}, resuming after event {id}",
                self.url
            ),
            State::Connected {
                resumed_after: None,
            } => format!("relay: connected to {}", self.url),
            State::Reconnecting { reason, retry_in } => format!(
                "relay: {reason}; reconnecting to {} in {}",
                self.url,
                crate::units::format_latency(*retry_in)
            ),
        }
    }
}

/// A stored capture, with its JSON made once and shared by every subscriber.
#[derive(Debug)]
pub struct CaptureEvent {
    /// The capture; its body is empty when `body_elided`.
    pub capture: Arc<Capture>,
    /// The body was too large for the bus; read it from the store.
    pub body_elided: bool,
    json: OnceLock<Bytes>,
}

impl CaptureEvent {
    /// Wraps a complete capture.
    pub fn new(capture: Arc<Capture>) -> CaptureEvent {
        CaptureEvent {
            capture,
            body_elided: false,
            json: OnceLock::new(),
        }
    }

    /// The capture's JSON (made on first use). Callers check `body_elided` first.
    pub fn json(&self) -> &Bytes {
        self.json
            .get_or_init(|| Bytes::from(self.capture.to_json_string()))
    }
}

/// A stored attempt.
#[derive(Debug)]
pub struct AttemptEvent {
    /// The attempt.
    pub attempt: Attempt,
    json: OnceLock<Bytes>,
}

impl AttemptEvent {
    /// The attempt's JSON (made on first use).
    pub fn json(&self) -> &Bytes {
        self.json
            .get_or_init(|| Bytes::from(self.attempt.to_json().to_string()))
    }
}

/// How serious a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Something failed.
    Error,
    /// Something is off.
    Warn,
    /// Worth knowing.
    Info,
    /// Detail for -v.
    Debug,
}

/// A message for the person running the listener.
#[derive(Debug)]
pub struct Notice {
    /// How serious.
    pub level: Level,
    /// What happened, in a sentence.
    pub message: String,
}

impl Event {
    /// The event for a stored capture; large bodies stay off the bus.
    pub fn capture(capture: Arc<Capture>) -> Event {
        if capture.request.body.len() <= BUS_BODY_LIMIT {
            return Event::Capture(Arc::new(CaptureEvent::new(capture)));
        }
        let mut light = Capture::clone(&capture);
        light.request.body = Bytes::new();
        Event::Capture(Arc::new(CaptureEvent {
            capture: Arc::new(light),
            body_elided: true,
            json: OnceLock::new(),
        }))
    }

    /// The event for a stored attempt.
    pub fn attempt(attempt: Attempt) -> Event {
        Event::Attempt(Arc::new(AttemptEvent {
            attempt,
            json: OnceLock::new(),
        }))
    }

    /// A notice.
    pub fn notice(level: Level, message: impl Into<String>) -> Event {
        Event::Notice(Arc::new(Notice {
            level,
            message: message.into(),
        }))
    }

    /// An error notice.
    pub fn error(message: impl Into<String>) -> Event {
        Event::notice(Level::Error, message)
    }
}

/// A catch-up read from the store: captures, and whether more follow.
type CatchUpRead = tokio::task::JoinHandle<anyhow::Result<(Vec<Capture>, bool)>>;

/// Where a [`Feed`] starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// With the next capture stored after the feed was opened.
    Live,
    /// With the first capture whose id is above this one.
    After(i64),
    /// With the newest N captures already stored (of those the filter passes).
    Newest(u64),
}

/// A consumer's view of the bus: every capture exactly once, in id order, with
/// the attempts and notices that arrive in between.
pub struct Feed {
    rx: broadcast::Receiver<Event>,
    pool: ReadPool,
    filter: Filter,
    cursor: i64,
    catching_up: bool,
    backlog: VecDeque<Arc<CaptureEvent>>,
    /// A catch-up read under way. Kept across calls, so that a caller that
    /// stops waiting (a `select!`) does not make the read start over.
    reading: Option<CatchUpRead>,
}

impl Feed {
    /// Subscribes first, then fixes the starting point from the store, so that a
    /// capture stored in between is found in one or the other (and the ids drop
    /// the duplicate).
    pub async fn open(
        bus: &broadcast::Sender<Event>,
        pool: ReadPool,
        filter: Filter,
        start: Start,
    ) -> anyhow::Result<Feed> {
        let rx = bus.subscribe();
        let cursor = match start {
            Start::After(id) => id,
            Start::Live => pool.run(store::newest_id).await?.unwrap_or(0),
            Start::Newest(n) => {
                let filter = filter.clone();
                pool.run(move |c| store::before_newest(c, &filter, n))
                    .await?
            }
        };
        Ok(Feed {
            rx,
            pool,
            filter,
            cursor,
            catching_up: start != Start::Live,
            backlog: VecDeque::new(),
            reading: None,
        })
    }

    /// The id of the newest capture handed out (or passed over by the filter).
    pub fn cursor(&self) -> i64 {
        self.cursor
    }

    /// The next event; `None` once the listener has shut down and everything
    /// stored has been handed out.
    pub async fn next(&mut self) -> anyhow::Result<Option<Event>> {
        loop {
            if let Some(capture) = self.backlog.pop_front() {
                self.cursor = capture.capture.id;
                return Ok(Some(Event::Capture(capture)));
            }
            if self.catching_up {
                let reading = self.reading.get_or_insert_with(|| {
                    let (cursor, filter) = (self.cursor, self.filter.clone());
                    self.pool.spawn(move |c| {
                        store::after(c, cursor, &filter, CATCH_UP_BATCH, CATCH_UP_BYTES)
                    })
                });
                let read = reading.await;
                self.reading = None;
                let (batch, more) = read.context("store reader stopped")??;
                self.catching_up = more;
                self.backlog.extend(
                    batch
                        .into_iter()
                        .map(|c| Arc::new(CaptureEvent::new(Arc::new(c)))),
                );
                continue;
            }
            match self.rx.recv().await {
                Ok(Event::Capture(event)) => {
                    let id = event.capture.id;
                    if id <= self.cursor {
                        continue;
                    }
                    self.cursor = id;
                    if self.filter.matches(&event.capture.request) {
                        return Ok(Some(Event::Capture(event)));
                    }
                }
                Ok(other) => return Ok(Some(other)),
                Err(RecvError::Lagged(_)) => self.catching_up = true,
                Err(RecvError::Closed) => return Ok(None),
            }
        }
    }
}

/// How often the listener looks for attempts other processes stored.
const FOREIGN_POLL: std::time::Duration = std::time::Duration::from_millis(500);

/// Announces the attempts other processes store (`whisper replay` in another
/// terminal), so the live views show them as they show the listener's own.
/// An attempt found in the store is announced one poll later, unless the bus
/// has carried it meanwhile: the listener's own attempts are announced right
/// after their commit, so they are never announced twice.
pub async fn announce_foreign_attempts(
    bus: broadcast::Sender<Event>,
    pool: ReadPool,
    shutdown: tokio_util::sync::CancellationToken,
) {
    let mut rx = bus.subscribe();
    let Ok(mut last) = pool.run(store::newest_attempt_id).await else {
        return;
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut waiting: Vec<Attempt> = Vec::new();
    let mut tick = tokio::time::interval(FOREIGN_POLL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            event = rx.recv() => match event {
                Ok(Event::Attempt(a)) => {
                    seen.insert(a.attempt.id);
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            _ = tick.tick() => {
                for attempt in waiting.drain(..) {
                    if !seen.contains(&attempt.id) {
                        let _ = bus.send(Event::attempt(attempt));
                    }
                }
                let after = last;
                let Ok(found) = pool.run(move |c| store::attempts_after(c, after, 1000)).await else {
                    continue;
                };
                for attempt in found {
                    last = last.max(attempt.id);
                    if !seen.contains(&attempt.id) {
                        waiting.push(attempt);
                    }
                }
                // Ids at or below `last` are settled once waited for.
                seen = seen.split_off(&(last - 10_000));
            }
        }
    }
}
