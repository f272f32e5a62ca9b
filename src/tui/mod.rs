//! The live terminal UI of `whisper listen`.
//!
//! Structure (state / action / pure render): [`app`] holds all state and turns
//! input into [`app::Action`]s, [`ui`] draws it, [`event`] is the one event
//! type, and this module runs the loop: it owns the terminal, starts one task
//! per event source (terminal input, the listener's [`Feed`], a tick, store
//! reads), and carries out actions (clipboard, `$EDITOR`, replay).
//!
//! The UI only reads: captures arrive through a [`Feed`] (which catches up from
//! the store when it falls behind, so the receiver never waits for the screen),
//! and the list is read from the store a page at a time. While it owns the
//! screen nothing else may print; listener notices go to the status line. The
//! terminal is restored on every way out: return, error and panic.

pub mod app;
pub mod detail;
pub mod event;
pub mod ui;

use std::io::Write as _;
use std::sync::Arc;

use anyhow::Context as _;
use base64::Engine as _;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture, EventStream};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures_util::StreamExt as _;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use rusqlite::Connection;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::capture::{AttemptKind, Capture};
use crate::config::Keyring;
use crate::feed::{Feed, Level};
use crate::forward::{self, Forwarder, Outgoing, ReplayError};
use crate::store::{self, ReadPool};

pub use app::{Action, App, Header, TimeFormat};
pub use event::Event;
pub use ui::Theme;

/// Events waiting for the loop before their sources wait for room.
const QUEUE: usize = 1024;
/// Largest clipboard copy sent through OSC 52 (terminals cap it; many at about
/// 100 kB of base64).
const CLIPBOARD_LIMIT: usize = 512 << 10;

/// What replay keys say when the listener has nowhere to send.
const NO_TARGET: &str = "no target; start whisper listen with --forward URL (or a [[route]])";

/// Times in the list: `HH:MM:SS` in the local time zone.
pub fn local_time() -> TimeFormat {
    Arc::new(crate::report::local_time)
}

/// What the terminal UI is started with.
pub struct Options {
    /// What the header line shows.
    pub header: Header,
    /// Colours on.
    pub color: bool,
    /// How to replay; `None` where the listener cannot send (replay keys then
    /// say so).
    pub replayer: Option<Replayer>,
}

/// What `r`, `R` and `e` send with: the listener's forwarder (its targets,
/// client and attempt recording) and its secrets (for re-signing).
pub struct Replayer {
    /// The listener's forwarder.
    pub forwarder: Arc<Forwarder>,
    /// The configured secrets.
    pub keyring: Keyring,
}

/// Runs the terminal UI until the user quits or `stop` fires. Cancels `quit`
/// when it ends, for whatever reason, so that the listener stops too.
pub async fn run(
    feed: Feed,
    pool: ReadPool,
    options: Options,
    stop: CancellationToken,
    quit: CancellationToken,
) -> anyhow::Result<()> {
    let _quit = quit.drop_guard();
    let guard = TerminalGuard::enter().context("cannot set up the terminal")?;
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))
        .context("cannot set up the terminal")?;
    terminal.clear()?;
    let replayer = options.replayer.map(Arc::new);

    let (tx, mut rx) = mpsc::channel(QUEUE);
    let mut input = spawn_input(tx.clone());
    let feed_task = spawn_feed(feed, tx.clone());
    let tick_task = spawn_tick(tx.clone());
    let mut app = App::new(
        options.header,
        local_time(),
        Theme {
            color: options.color,
        },
    );

    let result = async {
        loop {
            for load in app.loads() {
                spawn_load(&pool, load, tx.clone());
            }
            ui::draw(&mut terminal, &mut app)?;
            let first = tokio::select! {
                event = rx.recv() => event,
                () = stop.cancelled() => None,
            };
            let Some(first) = first else { break };
            // Take what else is ready as one batch: one frame for a burst.
            let mut batch = vec![first];
            while batch.len() < 256 {
                match rx.try_recv() {
                    Ok(event) => batch.push(event),
                    Err(_) => break,
                }
            }
            for event in batch {
                match app.handle(event) {
                    Action::None => {}
                    Action::Quit => return Ok(()),
                    Action::Copy { what, data } => copy(&mut app, &what, &data),
                    Action::Replay { id, resign, edited } => {
                        replay(&mut app, replayer.as_ref(), &pool, id, resign, edited, &tx)
                    }
                    Action::Edit { id } => {
                        input.abort();
                        let _ = (&mut input).await;
                        let edited =
                            edit(&mut terminal, &guard, &pool, &app, replayer.as_deref(), id).await;
                        input = spawn_input(tx.clone());
                        match edited {
                            Ok(edited) => replay(
                                &mut app,
                                replayer.as_ref(),
                                &pool,
                                id,
                                false,
                                Some(edited),
                                &tx,
                            ),
                            Err(e) => app.message(Level::Error, e),
                        }
                    }
                }
            }
        }
        anyhow::Ok(())
    }
    .await;

    input.abort();
    feed_task.abort();
    tick_task.abort();
    drop(guard);
    result
}

/// Reads what a [`app::Load`] asks for; runs on a blocking thread.
pub fn fetch(conn: &Connection, load: app::Load) -> Event {
    let result = match &load {
        app::Load::Page {
            generation,
            filter,
            kind,
        } => {
            let rows = match kind {
                app::PageKind::Tail => store::list(conn, filter, None, app::PAGE),
                app::PageKind::Before(id) => store::list(conn, filter, Some(*id), app::PAGE),
                app::PageKind::Head => store::list_after(conn, filter, 0, app::PAGE),
                app::PageKind::After(id) => store::list_after(conn, filter, *id, app::PAGE),
            };
            rows.map(|rows| {
                Event::Page(app::Page {
                    generation: *generation,
                    kind: *kind,
                    rows,
                })
            })
        }
        app::Load::Detail(id) => {
            store::get(conn, *id).map(|capture| Event::Detail(*id, capture.map(Arc::new)))
        }
        app::Load::Count { filter, .. } => {
            store::count(conn, &store::Filter::default()).and_then(|total| {
                let matching = if *filter == store::Filter::default() {
                    total
                } else {
                    store::count(conn, filter)?
                };
                Ok(Event::Count(total, matching))
            })
        }
    };
    result.unwrap_or_else(|e| Event::LoadFailed(load, format!("{e:#}")))
}

fn spawn_load(pool: &ReadPool, load: app::Load, tx: mpsc::Sender<Event>) {
    let pool = pool.clone();
    tokio::spawn(async move {
        let failed = load.clone();
        let event = pool
            .run(move |conn| Ok(fetch(conn, load)))
            .await
            .unwrap_or_else(|e| Event::LoadFailed(failed, format!("{e:#}")));
        let _ = tx.send(event).await;
    });
}

fn spawn_input(tx: mpsc::Sender<Event>) -> JoinHandle<()> {
    tokio::spawn(async move {
        use crossterm::event::Event as Term;
        let mut stream = EventStream::new();
        while let Some(event) = stream.next().await {
            let event = match event {
                Ok(Term::Key(key)) => Event::Key(key),
                Ok(Term::Mouse(mouse)) => Event::Mouse(mouse),
                Ok(Term::Resize(w, h)) => Event::Resize(w, h),
                Ok(_) => continue,
                Err(e) => Event::Message(Level::Error, format!("cannot read the terminal: {e}")),
            };
            if tx.send(event).await.is_err() {
                break;
            }
        }
    })
}

fn spawn_feed(mut feed: Feed, tx: mpsc::Sender<Event>) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let event = match feed.next().await {
                Ok(Some(event)) => Event::Feed(event),
                Ok(None) => break,
                Err(e) => {
                    let _ = tx
                        .send(Event::Message(
                            Level::Error,
                            format!("cannot read the store: {e:#}"),
                        ))
                        .await;
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    continue;
                }
            };
            if tx.send(event).await.is_err() {
                break;
            }
        }
    })
}

fn spawn_tick(tx: mpsc::Sender<Event>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(app::TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            tick.tick().await;
            if tx.send(Event::Tick).await.is_err() {
                break;
            }
        }
    })
}

/// Puts bytes on the terminal's clipboard with OSC 52.
fn copy(app: &mut App, what: &str, data: &[u8]) {
    if data.len() > CLIPBOARD_LIMIT {
        app.message(
            Level::Warn,
            format!(
                "the {what} is {}, too large for the clipboard; use `whisper show`",
                crate::units::format_size(data.len() as u64)
            ),
        );
        return;
    }
    let sequence = osc52(data);
    let mut out = std::io::stdout().lock();
    match out
        .write_all(sequence.as_bytes())
        .and_then(|()| out.flush())
    {
        Ok(()) => app.message(
            Level::Info,
            format!(
                "copied the {what} ({}) to the clipboard (OSC 52)",
                crate::units::format_size(data.len() as u64)
            ),
        ),
        Err(e) => app.message(Level::Error, format!("cannot copy: {e}")),
    }
}

/// The OSC 52 sequence that sets the clipboard to `data`.
pub fn osc52(data: &[u8]) -> String {
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(data)
    )
}

/// Replays a capture in the background; the attempt arrives on the feed
/// (and the status line says how it went), failures before sending come back
/// as messages.
fn replay(
    app: &mut App,
    replayer: Option<&Arc<Replayer>>,
    pool: &ReadPool,
    id: i64,
    resign: bool,
    edited: Option<Outgoing>,
    tx: &mpsc::Sender<Event>,
) {
    let Some(replayer) = replayer.cloned() else {
        app.message(Level::Warn, "replaying is not available here");
        return;
    };
    let what = match (resign, edited.is_some()) {
        (_, true) => "sending the edited request",
        (true, false) => "replaying re-signed",
        (false, false) => "replaying",
    };
    app.message(Level::Info, format!("{what} #{id}…"));
    let (pool, tx) = (pool.clone(), tx.clone());
    tokio::spawn(async move {
        let result = async {
            if let Some(request) = edited {
                replayer
                    .forwarder
                    .deliver_prepared(id, request, AttemptKind::Replay)
                    .await;
                return Ok(());
            }
            if !resign {
                replayer.forwarder.replay(id, None).await?;
                return Ok(());
            }
            let capture = read_capture(&pool, id).await?;
            let targets = replayer.forwarder.targets(&capture);
            if targets.is_empty() {
                return Err(ReplayError::NoTarget.into());
            }
            for target in targets {
                let mut request =
                    forward::forward_request(&capture, &target).map_err(anyhow::Error::msg)?;
                crate::cmd::replay::resign(&replayer.keyring, &capture, &mut request)?;
                replayer
                    .forwarder
                    .deliver_prepared(id, request, AttemptKind::Replay)
                    .await;
            }
            anyhow::Ok(())
        }
        .await;
        if let Err(e) = result {
            let message = match e.downcast_ref::<ReplayError>() {
                Some(ReplayError::NoTarget) => format!("cannot replay #{id}: {NO_TARGET}"),
                _ => format!("cannot replay #{id}: {e:#}"),
            };
            let _ = tx.send(Event::Message(Level::Error, message)).await;
        }
    });
}

async fn read_capture(pool: &ReadPool, id: i64) -> anyhow::Result<Arc<Capture>> {
    pool.run(move |conn| store::get(conn, id))
        .await?
        .map(Arc::new)
        .ok_or_else(|| anyhow::anyhow!("capture #{id} is no longer in the store"))
}

/// Suspends the UI and opens the request for the capture's first target in
/// `$VISUAL`/`$EDITOR` (the same text as `whisper replay --edit`); returns
/// what was saved.
async fn edit(
    terminal: &mut Terminal<CrosstermBackend<std::io::Stdout>>,
    guard: &TerminalGuard,
    pool: &ReadPool,
    app: &App,
    replayer: Option<&Replayer>,
    id: i64,
) -> Result<Outgoing, String> {
    let replayer = replayer.ok_or("replaying is not available here")?;
    let capture = match app.current_detail().filter(|v| v.capture.id == id) {
        Some(view) => view.capture.clone(),
        None => read_capture(pool, id).await.map_err(|e| format!("{e:#}"))?,
    };
    let target = replayer
        .forwarder
        .targets(&capture)
        .into_iter()
        .next()
        .ok_or(NO_TARGET)?;
    let request = forward::forward_request(&capture, &target)?;
    guard.suspend();
    let edited =
        tokio::task::spawn_blocking(move || crate::cmd::replay::edit(request, &capture)).await;
    let resumed = guard.resume();
    let _ = terminal.clear();
    resumed.map_err(|e| format!("cannot restore the terminal: {e}"))?;
    match edited {
        Ok(Ok(request)) => Ok(request),
        Ok(Err(e)) => Err(format!("{e:#}")),
        Err(e) => Err(format!("the editor failed: {e}")),
    }
}

/// Owns the terminal's raw mode and alternate screen; restores both when
/// dropped, and from a panic hook so that a panic leaves a usable terminal.
struct TerminalGuard {
    previous_hook: Arc<dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync>,
}

impl TerminalGuard {
    fn enter() -> std::io::Result<TerminalGuard> {
        let previous_hook: Arc<dyn Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync> =
            Arc::from(std::panic::take_hook());
        let chained = previous_hook.clone();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            chained(info);
        }));
        let guard = TerminalGuard { previous_hook };
        guard.resume()?;
        Ok(guard)
    }

    /// Gives the terminal back (for `$EDITOR`).
    fn suspend(&self) {
        restore();
    }

    /// Takes the terminal again.
    fn resume(&self) -> std::io::Result<()> {
        enable_raw_mode()?;
        crossterm::execute!(
            std::io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            crossterm::cursor::Hide
        )
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        let previous = self.previous_hook.clone();
        let _ = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| previous(info)));
    }
}

fn restore() {
    let _ = disable_raw_mode();
    let _ = crossterm::execute!(
        std::io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

#[cfg(test)]
mod tests;
