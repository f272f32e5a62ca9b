//! The inspector's `/events` stream (Server-Sent Events). Each subscriber gets
//! its own [`Feed`], so it sees every capture exactly once and in order, also
//! when it falls behind or reconnects with `Last-Event-ID`. A task per
//! subscriber pulls from the feed only as fast as the client reads: between
//! them sits a small bounded channel, so a slow client costs a few frames of
//! memory and no time to anybody else; when it lags, its feed catches up from
//! the store.
//!
//! Wire format: a `retry:` line first, then per capture `id: <capture id>`,
//! `event: capture`, `data: <capture JSON>`; per delivery attempt
//! `event: attempt` and `data: <attempt JSON>` without an `id:` (so the last
//! event id is always a capture id); `: keep-alive` comments in between.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::Frame;
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;

use crate::capture::Attempt;
use crate::feed::{CaptureEvent, Event, Feed, Start};
use crate::store::{self, Filter, ReadPool};

/// How long a client waits before reconnecting (sent as `retry:`), in ms.
pub const RETRY_MS: u64 = 1000;
/// How often an idle stream sends a comment, so proxies keep it open and a
/// dead client is noticed.
pub const HEARTBEAT: Duration = Duration::from_secs(15);
/// Frames waiting for a slow client (an event is up to three frames).
const QUEUE: usize = 48;
/// Ids of matching captures remembered to route attempts on a filtered stream;
/// attempts of older ones are checked against the store.
const MATCHED_IDS: usize = 4096;

const KEEP_ALIVE: &[u8] = b": keep-alive\n\n";
const CAPTURE_EVENT: &[u8] = b"event: capture\ndata: ";
const ATTEMPT_EVENT: &[u8] = b"event: attempt\ndata: ";
const END: &[u8] = b"\n\n";

/// The body of an `/events` response: what the subscriber's task has written
/// and the client has not read yet.
pub struct SseBody {
    rx: mpsc::Receiver<Bytes>,
}

impl hyper::body::Body for SseBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.rx
            .poll_recv(cx)
            .map(|chunk| chunk.map(|bytes| Ok(Frame::data(bytes))))
    }
}

/// Opens a subscriber's feed (before the response starts, so that once a
/// client sees the headers nothing stored afterwards can be missed) and
/// starts the task that writes it; the stream ends when the client goes away
/// or `shutdown` fires.
pub async fn subscribe(
    bus: &broadcast::Sender<Event>,
    pool: ReadPool,
    filter: Filter,
    start: Start,
    shutdown: CancellationToken,
) -> anyhow::Result<SseBody> {
    subscribe_with(bus, pool, filter, start, shutdown, HEARTBEAT).await
}

async fn subscribe_with(
    bus: &broadcast::Sender<Event>,
    pool: ReadPool,
    filter: Filter,
    start: Start,
    shutdown: CancellationToken,
    heartbeat: Duration,
) -> anyhow::Result<SseBody> {
    let feed = Feed::open(bus, pool.clone(), filter.clone(), start).await?;
    let (tx, rx) = mpsc::channel(QUEUE);
    let attempts = AttemptRoute::new(filter, feed.cursor());
    tokio::spawn(
        Pump {
            feed,
            pool,
            tx,
            shutdown,
            attempts,
            heartbeat,
        }
        .run(),
    );
    Ok(SseBody { rx })
}

/// Moves events from a subscriber's feed to its response body.
struct Pump {
    feed: Feed,
    pool: ReadPool,
    tx: mpsc::Sender<Bytes>,
    shutdown: CancellationToken,
    attempts: AttemptRoute,
    heartbeat: Duration,
}

impl Pump {
    async fn run(mut self) {
        if !self
            .send(Bytes::from(format!("retry: {RETRY_MS}\n\n")))
            .await
        {
            return;
        }
        let start = tokio::time::Instant::now() + self.heartbeat;
        let mut heartbeat = tokio::time::interval_at(start, self.heartbeat);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            // `Feed::next` is cancel-safe: a dropped call loses nothing.
            let next = tokio::select! {
                () = self.shutdown.cancelled() => return,
                () = self.tx.closed() => return,
                _ = heartbeat.tick() => {
                    if self.send(Bytes::from_static(KEEP_ALIVE)).await {
                        continue;
                    }
                    return;
                }
                next = self.feed.next() => next,
            };
            let sent = match next {
                Ok(Some(Event::Capture(event))) => self.capture(&event).await,
                Ok(Some(Event::Attempt(event))) => self.attempt(&event.attempt, event.json()).await,
                Ok(Some(Event::Notice(_) | Event::Source(_))) => true,
                // The store cannot be read: end the stream; the client
                // reconnects with its last id and resumes where it was.
                Ok(None) | Err(_) => false,
            };
            if !sent {
                return;
            }
        }
    }

    /// Writes a capture event; false when the stream should end.
    async fn capture(&mut self, event: &CaptureEvent) -> bool {
        let id = event.capture.id;
        self.attempts.matched(id);
        let json = if event.body_elided {
            // Too large for the bus: the full capture is in the store.
            match self.pool.run(move |c| store::get(c, id)).await {
                Ok(Some(capture)) => Bytes::from(capture.to_json_string()),
                Ok(None) => return true, // deleted since (--retain, clear)
                Err(_) => return false,
            }
        } else {
            event.json().clone()
        };
        self.send(Bytes::from(format!("id: {id}\n"))).await
            && self.send(Bytes::from_static(CAPTURE_EVENT)).await
            && self.send(json).await
            && self.send(Bytes::from_static(END)).await
    }

    /// Writes an attempt event if its capture is one this stream shows.
    async fn attempt(&mut self, attempt: &Attempt, json: &Bytes) -> bool {
        match self.attempts.wants(attempt.capture_id) {
            Some(true) => {}
            Some(false) => return true,
            None => {
                let (id, filter) = (attempt.capture_id, self.attempts.filter.clone());
                let wanted = self
                    .pool
                    .run(
                        move |c| Ok(store::get(c, id)?.is_some_and(|c| filter.matches(&c.request))),
                    )
                    .await;
                match wanted {
                    Ok(true) => {}
                    Ok(false) => return true,
                    Err(_) => return false,
                }
            }
        }
        self.send(Bytes::from_static(ATTEMPT_EVENT)).await
            && self.send(json.clone()).await
            && self.send(Bytes::from_static(END)).await
    }

    /// Queues a frame, waiting while the client is slow; false when the client
    /// is gone or the listener is stopping.
    async fn send(&self, frame: Bytes) -> bool {
        tokio::select! {
            sent = self.tx.send(frame) => sent.is_ok(),
            () = self.shutdown.cancelled() => false,
        }
    }
}

/// Decides which attempts a filtered stream shows: those of captures it shows.
/// Every capture above `floor` has passed through the feed, so for those the
/// remembered ids are the whole answer; below it, only the store knows.
struct AttemptRoute {
    filter: Filter,
    everything: bool,
    floor: i64,
    ids: VecDeque<i64>,
}

impl AttemptRoute {
    fn new(filter: Filter, floor: i64) -> AttemptRoute {
        AttemptRoute {
            everything: filter == Filter::default(),
            filter,
            floor,
            ids: VecDeque::new(),
        }
    }

    /// Notes a capture the stream shows (they come in id order).
    fn matched(&mut self, id: i64) {
        if self.everything {
            return;
        }
        if self.ids.len() == MATCHED_IDS
            && let Some(oldest) = self.ids.pop_front()
        {
            self.floor = oldest;
        }
        self.ids.push_back(id);
    }

    /// Whether the stream shows the attempts of capture `id`; `None` when the
    /// store must be asked.
    fn wants(&self, id: i64) -> Option<bool> {
        if self.everything {
            Some(true)
        } else if id > self.floor {
            Some(self.ids.binary_search(&id).is_ok())
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn frame(body: &mut SseBody) -> String {
        let frame = tokio::time::timeout(Duration::from_secs(10), body.rx.recv())
            .await
            .unwrap()
            .unwrap();
        String::from_utf8(frame.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn retry_first_then_heartbeats_until_shutdown() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.db");
        crate::store::open(&path).unwrap();
        let (bus, _) = broadcast::channel(16);
        let shutdown = CancellationToken::new();
        let mut body = subscribe_with(
            &bus,
            ReadPool::new(&path),
            Filter::default(),
            Start::Live,
            shutdown.clone(),
            Duration::from_millis(20),
        )
        .await
        .unwrap();
        assert_eq!(frame(&mut body).await, format!("retry: {RETRY_MS}\n\n"));
        assert_eq!(frame(&mut body).await, ": keep-alive\n\n");
        assert_eq!(frame(&mut body).await, ": keep-alive\n\n");
        shutdown.cancel();
        let end = tokio::time::timeout(Duration::from_secs(10), async {
            while body.rx.recv().await.is_some() {}
        });
        assert!(end.await.is_ok(), "the stream ends on shutdown");
    }

    #[test]
    fn attempts_follow_the_filter() {
        let all = AttemptRoute::new(Filter::default(), 10);
        assert_eq!(all.wants(3), Some(true));

        let filter = Filter {
            method: Some("POST".into()),
            ..Filter::default()
        };
        let mut route = AttemptRoute::new(filter, 10);
        assert_eq!(route.wants(5), None, "older than the feed: ask the store");
        route.matched(12);
        assert_eq!(route.wants(11), Some(false));
        assert_eq!(route.wants(12), Some(true));
        for id in 13..13 + MATCHED_IDS as i64 {
            route.matched(id);
        }
        assert_eq!(route.wants(12), None, "forgotten: ask the store");
        assert_eq!(route.wants(13), Some(true));
    }
}
