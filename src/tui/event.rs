//! The one stream the terminal UI's loop reads: key presses, mouse and resize
//! from the terminal, the listener's captures and attempts from its [`Feed`],
//! results of store reads the loop started, and a steady tick. Every source is
//! a task sending into one channel, so the loop is a plain `recv` and the
//! [`App`](super::app::App) sees the events in one order.
//!
//! [`Feed`]: crate::feed::Feed

use std::sync::Arc;

use crossterm::event::{KeyEvent, MouseEvent};

use crate::capture::Capture;
use crate::feed;

use super::app::{Load, Page};

/// Something the terminal UI reacts to.
#[derive(Debug, Clone)]
pub enum Event {
    /// A key was pressed.
    Key(KeyEvent),
    /// The mouse was used.
    Mouse(MouseEvent),
    /// The terminal has a new size (columns, rows).
    Resize(u16, u16),
    /// Time passed (status messages expire, pending redraws happen).
    Tick,
    /// A capture, attempt or notice from the listener.
    Feed(feed::Event),
    /// A page of the list, read from the store.
    Page(Page),
    /// The capture shown in the detail pane, read from the store (`None`:
    /// it is gone, e.g. removed by `--retain`).
    Detail(i64, Option<Arc<Capture>>),
    /// How many captures pass the filter, counted in the store.
    Count(u64, u64),
    /// A store read failed.
    LoadFailed(Load, String),
    /// A message for the status line (a replay's outcome, a clipboard copy).
    Message(feed::Level, String),
}
