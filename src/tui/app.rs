//! All the terminal UI's state, and the rules that change it. No I/O happens
//! here: keys and mouse events become [`Action`]s the loop carries out, and the
//! store reads the state needs are handed out as [`Load`]s whose results come
//! back as events. That keeps every transition testable without a terminal.
//!
//! The list is a window of at most [`WINDOW`] rows of the store, kept around
//! the selection and extended a [`PAGE`] at a time as the selection nears an
//! edge, so a store of any size costs the same. The selection is a capture id,
//! not a row number, so it stays on its capture while new ones arrive.

use std::sync::Arc;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use crate::capture::{AttemptKind, Capture, Summary, Verdict};
use crate::feed::{self, Level};
use crate::sanitize::sanitize;
use crate::store::Filter;

use super::detail::{self, DetailView};
use super::event::Event;
use super::ui::Theme;

/// Rows read from the store per page.
pub const PAGE: usize = 200;
/// Most rows the list keeps in memory.
pub const WINDOW: usize = 1000;
/// How close to a window edge the selection may come before the next page is read.
const PREFETCH: usize = 50;
/// How often the loop sends [`Event::Tick`].
pub const TICK: std::time::Duration = std::time::Duration::from_millis(250);
/// How many ticks a status message stays (errors stay until replaced).
const MESSAGE_TICKS: u32 = 24;
/// How many ticks apart the store's count is read again while captures arrive.
const RECOUNT_TICKS: u32 = 20;
/// Rows one mouse-wheel notch moves.
const WHEEL: isize = 3;

/// Formats a capture's arrival time (µs since the epoch) for the list; injected
/// so that tests fix the time zone.
pub type TimeFormat = Arc<dyn Fn(i64) -> String + Send + Sync>;

/// What the header line says about the listener.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// The receiver's URL.
    pub receiver: String,
    /// The inspector's URL.
    pub inspector: String,
    /// Where captures are forwarded.
    pub forward: Vec<String>,
    /// The providers a secret is configured for (names only, never values).
    pub secrets: Vec<String>,
}

/// Which pane has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The list of captures.
    List,
    /// The detail pane.
    Detail,
}

/// The tabs of the detail pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Request line and header fields.
    Headers,
    /// The body, pretty.
    Body,
    /// The signature verdict and its reason.
    Verification,
    /// Forwards and replays.
    Attempts,
}

impl Tab {
    /// Every tab, in order.
    pub const ALL: [Tab; 4] = [Tab::Headers, Tab::Body, Tab::Verification, Tab::Attempts];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Headers => "Headers",
            Tab::Body => "Body",
            Tab::Verification => "Verification",
            Tab::Attempts => "Attempts",
        }
    }

    /// Its position in [`Tab::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    fn step(self, by: isize) -> Tab {
        let n = Tab::ALL.len() as isize;
        Tab::ALL[(self.index() as isize + by).rem_euclid(n) as usize]
    }
}

/// Which page of the list to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// The newest captures.
    Tail,
    /// The oldest captures.
    Head,
    /// Captures older than this id.
    Before(i64),
    /// Captures newer than this id.
    After(i64),
}

/// A store read the state needs; the loop runs it and sends the result back.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// A page of summaries.
    Page {
        /// Which filter the page is for (stale pages are dropped).
        generation: u64,
        /// The filter.
        filter: Filter,
        /// Which page.
        kind: PageKind,
    },
    /// One capture with its body and attempts.
    Detail(i64),
    /// How many captures there are, in all and passing the filter.
    Count {
        /// Which filter the count is for.
        generation: u64,
        /// The filter.
        filter: Filter,
    },
}

/// A page of summaries read from the store.
#[derive(Debug, Clone)]
pub struct Page {
    /// The filter generation it was read for.
    pub generation: u64,
    /// Which page.
    pub kind: PageKind,
    /// The rows, in the order the store returns them: newest first for
    /// `Tail` and `Before`, oldest first for `Head` and `After`.
    pub rows: Vec<Summary>,
}

/// What the loop must do after an input.
#[derive(Debug, Clone)]
pub enum Action {
    /// Nothing beyond a redraw.
    None,
    /// Leave the terminal UI (and stop the listener).
    Quit,
    /// Send the capture again; the result arrives as an attempt on the feed.
    Replay {
        /// The capture.
        id: i64,
        /// Sign it again with the configured secret and a fresh timestamp.
        resign: bool,
        /// The request as edited in `$EDITOR`, when it was.
        edited: Option<crate::forward::Outgoing>,
    },
    /// Open the capture in `$EDITOR`, then replay what comes back.
    Edit {
        /// The capture.
        id: i64,
    },
    /// Put bytes on the clipboard (OSC 52).
    Copy {
        /// What it is, for the status message.
        what: String,
        /// The bytes.
        data: Vec<u8>,
    },
}

/// A message on the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// How serious.
    pub level: Level,
    /// The message.
    pub text: String,
    ticks_left: u32,
}

/// Where the panes are on screen, from the last draw (for the mouse and paging).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    /// The rows of the list (inside its border, below its column titles).
    pub list: Rect,
    /// The tab titles of the detail pane.
    pub tabs: Rect,
    /// The text of the detail pane.
    pub detail: Rect,
}

/// The terminal UI's state.
pub struct App {
    /// What the header line shows.
    pub header: Header,
    /// Formats arrival times.
    pub time_format: TimeFormat,
    /// Colours on or off.
    pub theme: Theme,
    /// The window of the list, oldest first.
    pub rows: Vec<Summary>,
    /// Whether the store has older rows than the window.
    pub more_before: bool,
    /// Whether the store has newer rows than the window.
    pub more_after: bool,
    /// Whether the first page has arrived.
    pub loaded: bool,
    /// The selected capture's id.
    pub selected: Option<i64>,
    /// The id of the topmost visible row.
    top: Option<i64>,
    /// Follow the newest capture.
    pub follow: bool,
    /// Which pane has the keyboard.
    pub focus: Focus,
    /// The detail pane's tab.
    pub tab: Tab,
    /// Lines scrolled off the top of the detail pane.
    pub detail_scroll: usize,
    /// The selected capture, prepared for display (once it has been read).
    pub detail: Option<DetailView>,
    /// The active filter and the text it was typed as.
    pub filter: Filter,
    /// The filter as typed.
    pub filter_text: String,
    /// The filter being typed, while the prompt is open.
    pub input: Option<String>,
    /// The help overlay is open.
    pub help: bool,
    /// The status line's message.
    pub status: Option<Status>,
    /// All captures in the store.
    pub total: u64,
    /// Captures that pass the filter.
    pub matching: u64,
    /// Where the panes were drawn.
    pub areas: Areas,
    /// The upstream feed of `listen --source` and whether it is connected.
    pub relay: Option<(String, bool)>,
    generation: u64,
    page_pending: Option<PageKind>,
    detail_pending: Option<i64>,
    count_wanted: bool,
    /// Captures arrived since the last count (the store's count is read again
    /// now and then, as `--retain` deletes old captures).
    recount: bool,
    ticks: u32,
    /// Live captures that arrived while the tail page was being read.
    early: Vec<Summary>,
    /// A jump to the oldest or newest is waiting for its page.
    jump: Option<PageKind>,
}

impl App {
    /// A fresh state: empty list, follow on, first page wanted.
    pub fn new(header: Header, time_format: TimeFormat, theme: Theme) -> App {
        App {
            header,
            time_format,
            theme,
            rows: Vec::new(),
            more_before: false,
            more_after: false,
            loaded: false,
            selected: None,
            top: None,
            follow: true,
            focus: Focus::List,
            tab: Tab::Headers,
            detail_scroll: 0,
            detail: None,
            filter: Filter::default(),
            filter_text: String::new(),
            input: None,
            help: false,
            status: None,
            total: 0,
            matching: 0,
            areas: Areas::default(),
            relay: None,
            generation: 0,
            page_pending: None,
            detail_pending: None,
            count_wanted: true,
            recount: false,
            ticks: 0,
            early: Vec::new(),
            jump: Some(PageKind::Tail),
        }
    }

    // ---- events -----------------------------------------------------------

    /// Applies any event; returns what the loop must do.
    pub fn handle(&mut self, event: Event) -> Action {
        match event {
            Event::Key(key) => return self.handle_key(key),
            Event::Mouse(mouse) => return self.handle_mouse(mouse),
            Event::Resize(..) => {}
            Event::Tick => self.tick(),
            Event::Feed(event) => self.on_feed(&event),
            Event::Page(page) => self.apply_page(page),
            Event::Detail(id, capture) => self.apply_detail(id, capture),
            Event::Count(total, matching) => {
                self.total = total;
                self.matching = matching;
            }
            Event::LoadFailed(load, message) => {
                match load {
                    Load::Page { .. } => self.page_pending = None,
                    Load::Detail(_) => self.detail_pending = None,
                    Load::Count { .. } => {}
                }
                self.message(Level::Error, format!("cannot read the store: {message}"));
            }
            Event::Message(level, text) => self.message(level, text),
        }
        Action::None
    }

    /// A listener event: a new capture, an attempt, a notice.
    pub fn on_feed(&mut self, event: &feed::Event) {
        match event {
            feed::Event::Capture(c) => self.on_capture(c.capture.summary(), &c.capture),
            feed::Event::Attempt(a) => {
                let attempt = &a.attempt;
                if let Ok(i) = self.index_of(attempt.capture_id) {
                    self.rows[i].last_attempt = Some(attempt.brief());
                }
                if let Some(view) = self.detail.as_mut()
                    && view.capture.id == attempt.capture_id
                {
                    let mut capture = Capture::clone(&view.capture);
                    capture.attempts.push(attempt.clone());
                    *view = detail::build(Arc::new(capture), self.theme);
                }
                if attempt.kind == AttemptKind::Replay {
                    let outcome = match (&attempt.error, attempt.status) {
                        (Some(error), _) => sanitize(error).into_owned(),
                        (None, Some(status)) => format!(
                            "{status} in {}",
                            crate::units::format_latency(attempt.duration)
                        ),
                        (None, None) => "no answer".into(),
                    };
                    let level = match attempt.status {
                        Some(s) if s < 400 && attempt.error.is_none() => Level::Info,
                        _ => Level::Warn,
                    };
                    self.message(
                        level,
                        format!("replay of #{} → {outcome}", attempt.capture_id),
                    );
                }
            }
            feed::Event::Source(source) => {
                let connected = matches!(source.state, crate::relay::State::Connected { .. });
                self.relay = Some((sanitize(&source.url).into_owned(), connected));
                let level = if connected { Level::Info } else { Level::Warn };
                self.message(level, sanitize(&source.describe()).into_owned());
            }
            feed::Event::Notice(n) => {
                if n.level <= Level::Info {
                    self.message(n.level, n.message.clone());
                }
            }
        }
    }

    fn on_capture(&mut self, summary: Summary, capture: &Capture) {
        self.total += 1;
        self.recount = true;
        if !self.filter.matches(&capture.request) {
            return;
        }
        self.matching += 1;
        if self.jump == Some(PageKind::Tail) {
            // The tail page is being read; whether it holds this one is
            // settled when it arrives.
            self.early.push(summary);
            return;
        }
        if !self.loaded || self.more_after {
            return; // not at the live end; the row is read when the user gets there
        }
        if self.rows.last().is_some_and(|last| last.id >= summary.id) {
            return;
        }
        let id = summary.id;
        self.rows.push(summary);
        if self.follow || self.selected.is_none() {
            self.select(id);
        }
        self.trim();
        self.scroll_into_view();
    }

    fn tick(&mut self) {
        self.ticks = self.ticks.wrapping_add(1);
        if self.recount && self.ticks.is_multiple_of(RECOUNT_TICKS) {
            self.recount = false;
            self.count_wanted = true;
        }
        if let Some(status) = self.status.as_mut()
            && status.level != Level::Error
        {
            status.ticks_left = status.ticks_left.saturating_sub(1);
            if status.ticks_left == 0 {
                self.status = None;
            }
        }
    }

    /// Shows a message on the status line.
    pub fn message(&mut self, level: Level, text: impl Into<String>) {
        self.status = Some(Status {
            level,
            text: text.into(),
            ticks_left: MESSAGE_TICKS,
        });
    }

    // ---- keys ---------------------------------------------------------------

    /// A key press.
    pub fn handle_key(&mut self, key: KeyEvent) -> Action {
        if key.kind == KeyEventKind::Release {
            return Action::None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c')) {
            return Action::Quit;
        }
        if self.input.is_some() {
            self.filter_key(key);
            return Action::None;
        }
        if self.help {
            self.help = false;
            return Action::None;
        }
        let page = self.page_rows();
        let detail = self.focus == Focus::Detail;
        match key.code {
            KeyCode::Char('q') => return Action::Quit,
            KeyCode::Char('?') => self.help = true,
            KeyCode::Char('/') => self.input = Some(self.filter_text.clone()),
            KeyCode::Char('f') => self.toggle_follow(),
            KeyCode::Char('j') | KeyCode::Down if detail => self.scroll_detail(1),
            KeyCode::Char('k') | KeyCode::Up if detail => self.scroll_detail(-1),
            KeyCode::Char('j') | KeyCode::Down => self.move_by(1),
            KeyCode::Char('k') | KeyCode::Up => self.move_by(-1),
            KeyCode::Char('d') if ctrl && detail => self.scroll_detail(page / 2),
            KeyCode::Char('u') if ctrl && detail => self.scroll_detail(-page / 2),
            KeyCode::PageDown if detail => self.scroll_detail(self.detail_page()),
            KeyCode::PageUp if detail => self.scroll_detail(-self.detail_page()),
            KeyCode::PageDown => self.move_by(page),
            KeyCode::PageUp => self.move_by(-page),
            KeyCode::Char('g') | KeyCode::Home if detail => self.detail_scroll = 0,
            KeyCode::Char('G') | KeyCode::End if detail => {
                self.detail_scroll = self.detail_len().saturating_sub(1)
            }
            KeyCode::Char('g') | KeyCode::Home => self.first(),
            KeyCode::Char('G') | KeyCode::End => self.last(),
            KeyCode::Enter | KeyCode::Tab if detail => self.set_tab(self.tab.step(1)),
            KeyCode::Enter | KeyCode::Tab if self.selected.is_some() => {
                self.focus = Focus::Detail;
            }
            KeyCode::BackTab | KeyCode::Char('h') | KeyCode::Left if detail => {
                self.set_tab(self.tab.step(-1))
            }
            KeyCode::Char('l') | KeyCode::Right if detail => self.set_tab(self.tab.step(1)),
            KeyCode::Char(c @ '1'..='4') => {
                self.set_tab(Tab::ALL[c as usize - '1' as usize]);
            }
            KeyCode::Esc if detail => self.focus = Focus::List,
            KeyCode::Esc => self.status = None,
            KeyCode::Char('r') => return self.replay(false),
            KeyCode::Char('R') => return self.replay(true),
            KeyCode::Char('e') => match self.selected {
                Some(id) => return Action::Edit { id },
                None => self.nothing_selected(),
            },
            KeyCode::Char('c') => return self.copy(true),
            KeyCode::Char('y') => return self.copy(false),
            _ => {}
        }
        Action::None
    }

    fn filter_key(&mut self, key: KeyEvent) {
        let Some(input) = self.input.as_mut() else {
            return;
        };
        match key.code {
            KeyCode::Esc => self.input = None,
            KeyCode::Enter => {
                let text = input.trim().to_owned();
                match parse_filter(&text) {
                    Ok(filter) => {
                        self.input = None;
                        self.set_filter(filter, text);
                    }
                    Err(e) => self.message(Level::Error, e),
                }
            }
            KeyCode::Backspace => {
                input.pop();
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => input.clear(),
            KeyCode::Char(c) if !c.is_control() => input.push(c),
            _ => {}
        }
    }

    /// Replaces the filter and reads the list again from the newest.
    pub fn set_filter(&mut self, filter: Filter, text: String) {
        if filter != self.filter {
            self.filter = filter;
            self.generation += 1;
            self.reset(PageKind::Tail);
            self.follow = true;
            self.count_wanted = true;
        }
        self.filter_text = text;
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.level == Level::Error)
        {
            self.status = None;
        }
    }

    fn replay(&mut self, resign: bool) -> Action {
        match self.selected {
            Some(id) => Action::Replay {
                id,
                resign,
                edited: None,
            },
            None => {
                self.nothing_selected();
                Action::None
            }
        }
    }

    fn copy(&mut self, curl: bool) -> Action {
        let Some(id) = self.selected else {
            self.nothing_selected();
            return Action::None;
        };
        let Some(view) = self.detail.as_ref().filter(|v| v.capture.id == id) else {
            self.message(Level::Warn, format!("capture #{id} is still loading"));
            return Action::None;
        };
        if curl {
            let base = Some(self.header.receiver.as_str()).filter(|b| !b.is_empty());
            Action::Copy {
                what: format!("curl command for #{id}"),
                data: crate::curl::command(&view.capture, base).into_bytes(),
            }
        } else {
            Action::Copy {
                what: format!("body of #{id}"),
                data: view.capture.request.body.to_vec(),
            }
        }
    }

    fn nothing_selected(&mut self) {
        self.message(Level::Warn, "no capture selected");
    }

    // ---- mouse --------------------------------------------------------------

    /// A mouse event: the wheel scrolls, a click selects.
    pub fn handle_mouse(&mut self, mouse: MouseEvent) -> Action {
        if self.help || self.input.is_some() {
            return Action::None;
        }
        let at = Position::new(mouse.column, mouse.row);
        let over_detail = self.areas.detail.contains(at) || self.areas.tabs.contains(at);
        match mouse.kind {
            MouseEventKind::ScrollDown if over_detail => self.scroll_detail(WHEEL),
            MouseEventKind::ScrollUp if over_detail => self.scroll_detail(-WHEEL),
            MouseEventKind::ScrollDown => self.move_by(WHEEL),
            MouseEventKind::ScrollUp => self.move_by(-WHEEL),
            MouseEventKind::Down(MouseButton::Left) => {
                if self.areas.list.contains(at) {
                    let row = (at.y - self.areas.list.y) as usize;
                    if let Some(id) = self.visible_rows().get(row).map(|r| r.id) {
                        self.focus = Focus::List;
                        let last = self.rows.last().map(|r| r.id);
                        self.follow = self.follow && Some(id) == last && !self.more_after;
                        self.select(id);
                    }
                } else if self.areas.tabs.contains(at) {
                    self.focus = Focus::Detail;
                    if let Some(tab) = super::ui::tab_at(self.areas.tabs, at.x) {
                        self.set_tab(tab);
                    }
                } else if self.areas.detail.contains(at) && self.selected.is_some() {
                    self.focus = Focus::Detail;
                }
            }
            _ => {}
        }
        Action::None
    }

    // ---- moving -------------------------------------------------------------

    fn index_of(&self, id: i64) -> Result<usize, usize> {
        self.rows.binary_search_by_key(&id, |r| r.id)
    }

    /// The selected row's position in the window.
    pub fn selected_index(&self) -> Option<usize> {
        self.selected.and_then(|id| self.index_of(id).ok())
    }

    fn select(&mut self, id: i64) {
        if self.selected != Some(id) {
            self.selected = Some(id);
            self.detail_scroll = 0;
        }
        self.scroll_into_view();
    }

    /// Moves the selection by `by` rows (negative: towards older).
    pub fn move_by(&mut self, by: isize) {
        if by < 0 {
            self.follow = false;
        }
        let Some(last) = self.rows.len().checked_sub(1) else {
            return;
        };
        let from = self.selected_index().unwrap_or(last);
        let to = (from as isize + by).clamp(0, last as isize) as usize;
        let id = self.rows[to].id;
        self.select(id);
    }

    fn first(&mut self) {
        self.follow = false;
        if self.more_before {
            self.reset(PageKind::Head);
        } else if let Some(id) = self.rows.first().map(|r| r.id) {
            self.select(id);
        }
    }

    fn last(&mut self) {
        self.follow = true;
        if self.more_after {
            self.reset(PageKind::Tail);
        } else if let Some(id) = self.rows.last().map(|r| r.id) {
            self.select(id);
        }
    }

    fn toggle_follow(&mut self) {
        if self.follow {
            self.follow = false;
        } else {
            self.last();
        }
        let state = if self.follow { "on" } else { "off" };
        self.message(Level::Info, format!("follow {state}"));
    }

    fn set_tab(&mut self, tab: Tab) {
        if self.tab != tab {
            self.tab = tab;
            self.detail_scroll = 0;
        }
        if self.selected.is_some() {
            self.focus = Focus::Detail;
        }
    }

    fn detail_len(&self) -> usize {
        self.detail
            .as_ref()
            .filter(|v| Some(v.capture.id) == self.selected)
            .map_or(0, |v| v.tab(self.tab).len())
    }

    fn detail_page(&self) -> isize {
        (self.areas.detail.height as isize - 1).max(1)
    }

    fn scroll_detail(&mut self, by: isize) {
        let max = self.detail_len().saturating_sub(1);
        self.detail_scroll = (self.detail_scroll as isize + by).clamp(0, max as isize) as usize;
    }

    fn page_rows(&self) -> isize {
        (self.areas.list.height as isize - 1).max(1)
    }

    /// Drops the window and reads it again from one end.
    fn reset(&mut self, kind: PageKind) {
        self.rows.clear();
        self.early.clear();
        self.loaded = false;
        self.more_before = false;
        self.more_after = false;
        self.top = None;
        self.page_pending = None;
        self.jump = Some(kind);
    }

    /// Keeps the window at most [`WINDOW`] rows, cutting the end farther from
    /// the selection.
    fn trim(&mut self) {
        let excess = self.rows.len().saturating_sub(WINDOW);
        if excess == 0 {
            return;
        }
        let at = self.selected_index().unwrap_or(self.rows.len() - 1);
        if at >= self.rows.len() / 2 {
            self.rows.drain(..excess);
            self.more_before = true;
        } else {
            self.rows.truncate(WINDOW);
            self.more_after = true;
        }
    }

    /// Moves the list's view so that the selected row is visible.
    fn scroll_into_view(&mut self) {
        let height = (self.areas.list.height as usize).max(1);
        let Some(sel) = self.selected_index() else {
            self.top = self.rows.first().map(|r| r.id);
            return;
        };
        let top = self
            .top
            .map_or(0, |id| self.rows.partition_point(|r| r.id < id));
        let top = if sel < top {
            sel
        } else if sel >= top + height {
            sel + 1 - height
        } else {
            // Keep the view full when rows above it exist.
            top.min(self.rows.len().saturating_sub(height))
        };
        self.top = self.rows.get(top).map(|r| r.id);
    }

    /// The rows in view, top to bottom.
    pub fn visible_rows(&self) -> &[Summary] {
        let height = self.areas.list.height as usize;
        let top = self
            .top
            .map_or(0, |id| self.rows.partition_point(|r| r.id < id));
        let top = top.min(self.rows.len());
        &self.rows[top..(top + height).min(self.rows.len())]
    }

    /// Records where the panes are (called before each draw).
    pub fn set_areas(&mut self, areas: Areas) {
        if self.areas != areas {
            self.areas = areas;
            self.scroll_into_view();
        }
    }

    // ---- store reads ----------------------------------------------------------

    /// The store reads the state needs now and that are not already running.
    pub fn loads(&mut self) -> Vec<Load> {
        let mut loads = Vec::new();
        if self.count_wanted {
            self.count_wanted = false;
            loads.push(Load::Count {
                generation: self.generation,
                filter: self.filter.clone(),
            });
        }
        if self.page_pending.is_none()
            && let Some(kind) = self.wanted_page()
        {
            self.page_pending = Some(kind);
            loads.push(Load::Page {
                generation: self.generation,
                filter: self.filter.clone(),
                kind,
            });
        }
        if self.detail_pending.is_none()
            && let Some(id) = self.selected
            && self.detail.as_ref().is_none_or(|v| v.capture.id != id)
        {
            self.detail_pending = Some(id);
            loads.push(Load::Detail(id));
        }
        loads
    }

    fn wanted_page(&self) -> Option<PageKind> {
        if let Some(kind) = self.jump {
            return Some(kind);
        }
        let at = self.selected_index()?;
        if self.more_before && at < PREFETCH {
            return self.rows.first().map(|r| PageKind::Before(r.id));
        }
        if self.more_after && at + PREFETCH >= self.rows.len() {
            return self.rows.last().map(|r| PageKind::After(r.id));
        }
        None
    }

    /// A page read from the store arrives.
    pub fn apply_page(&mut self, page: Page) {
        if page.generation != self.generation || self.page_pending != Some(page.kind) {
            return;
        }
        self.page_pending = None;
        let full = page.rows.len() >= PAGE;
        match page.kind {
            PageKind::Tail | PageKind::Head => {
                if self.jump != Some(page.kind) {
                    return;
                }
                self.jump = None;
                self.loaded = true;
                let mut rows = page.rows;
                if page.kind == PageKind::Tail {
                    rows.reverse();
                    let newest = rows.last().map_or(0, |r| r.id);
                    rows.extend(self.early.drain(..).filter(|r| r.id > newest));
                    self.more_before = full;
                    self.more_after = false;
                } else {
                    self.more_before = false;
                    self.more_after = full;
                }
                self.rows = rows;
                self.top = None;
                let keep = self.selected.filter(|&id| self.index_of(id).is_ok());
                let target = match (page.kind, keep) {
                    (PageKind::Tail, Some(id)) if !self.follow => Some(id),
                    (PageKind::Tail, _) => self.rows.last().map(|r| r.id),
                    _ => self.rows.first().map(|r| r.id),
                };
                match target {
                    Some(id) => self.select(id),
                    None => self.selected = None,
                }
            }
            PageKind::Before(id) => {
                if self.rows.first().map(|r| r.id) != Some(id) {
                    return;
                }
                self.more_before = full;
                let mut rows = page.rows;
                rows.reverse();
                rows.append(&mut self.rows);
                self.rows = rows;
                self.trim();
            }
            PageKind::After(id) => {
                if self.rows.last().map(|r| r.id) != Some(id) {
                    return;
                }
                self.more_after = full;
                self.rows.extend(page.rows);
                self.trim();
            }
        }
        self.scroll_into_view();
    }

    /// The selected capture arrives from the store.
    pub fn apply_detail(&mut self, id: i64, capture: Option<Arc<Capture>>) {
        if self.detail_pending == Some(id) {
            self.detail_pending = None;
        }
        if self.selected != Some(id) {
            return; // the selection moved on; loads() asks for the new one
        }
        match capture {
            Some(capture) => {
                self.detail = Some(detail::build(capture, self.theme));
            }
            None => {
                self.detail = None;
                self.message(
                    Level::Warn,
                    format!("capture #{id} is no longer in the store"),
                );
            }
        }
    }

    /// The detail view of the selected capture, if it has been read.
    pub fn current_detail(&self) -> Option<&DetailView> {
        self.detail
            .as_ref()
            .filter(|v| Some(v.capture.id) == self.selected)
    }
}

/// Parses the `/` filter: whitespace-separated tokens `method:POST`,
/// `provider:stripe`, `verdict:invalid` (or `verdict:invalid,expired`),
/// `path:GLOB`, or a bare path glob (`/hooks/*`; a word without `*` or `?`
/// matches paths containing it). An empty text clears the filter.
pub fn parse_filter(text: &str) -> Result<Filter, String> {
    let mut filter = Filter::default();
    for token in text.split_whitespace() {
        let keyed = token
            .split_once(':')
            .filter(|(key, _)| !key.is_empty() && key.chars().all(|c| c.is_ascii_alphabetic()));
        let glob = match keyed {
            Some(("method", value)) => {
                filter.method = Some(value.to_ascii_uppercase());
                continue;
            }
            Some(("provider", value)) => {
                filter.provider = Some(value.to_ascii_lowercase());
                continue;
            }
            Some(("verdict", value)) => {
                for name in value.split(',').filter(|n| !n.is_empty()) {
                    let verdict = Verdict::from_name(&name.to_ascii_lowercase()).ok_or_else(|| {
                        format!("unknown verdict {name:?}; use valid, invalid, expired, unsigned or unknown")
                    })?;
                    if !filter.verdicts.contains(&verdict) {
                        filter.verdicts.push(verdict);
                    }
                }
                continue;
            }
            Some(("path", value)) => value,
            Some((key, _)) => {
                return Err(format!(
                    "unknown filter {key:?}; use method:, provider:, verdict:, path: or a path glob"
                ));
            }
            None => token,
        };
        if filter.path.is_some() {
            return Err("give one path glob only".into());
        }
        filter.path = Some(if glob.contains(['*', '?']) {
            glob.to_owned()
        } else {
            format!("*{glob}*")
        });
    }
    Ok(filter)
}
