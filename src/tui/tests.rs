//! Tests of the terminal UI without a terminal: state transitions of [`App`]
//! against an in-memory stand-in for the store, and snapshots of the screen
//! drawn on ratatui's `TestBackend` with a fixed clock, time zone and ids.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::{self, Action, App, Focus, Header, Load, PAGE, Page, PageKind, Tab, WINDOW};
use super::event::Event;
use super::ui::{self, Theme};
use crate::capture::{Attempt, AttemptKind, Capture, NewCapture, Source, Verdict, Verification};
use crate::feed;
use crate::store::Filter;

/// 2025-11-23T13:20:35Z, the time of capture 0.
const EPOCH: i64 = 1_763_904_035_000_000;

fn utc() -> app::TimeFormat {
    Arc::new(|micros| {
        chrono::DateTime::from_timestamp_micros(micros)
            .map(|t| t.format("%H:%M:%S").to_string())
            .unwrap_or_default()
    })
}

fn header() -> Header {
    Header {
        receiver: "http://127.0.0.1:7070".into(),
        inspector: "http://127.0.0.1:7071".into(),
        forward: vec!["http://localhost:3000".into()],
        secrets: vec!["github".into(), "stripe".into()],
    }
}

fn new_app() -> App {
    App::new(header(), utc(), Theme { color: false })
}

fn capture(id: i64, method: &str, target: &str, headers: &[(&str, &[u8])], body: &[u8]) -> Capture {
    Capture {
        id,
        request: NewCapture {
            received_at: EPOCH + id * 1_250_000,
            method: method.into(),
            target: target.into(),
            http_version: "HTTP/1.1".into(),
            remote_addr: "127.0.0.1:51234".into(),
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), Bytes::copy_from_slice(v)))
                .collect(),
            body: Bytes::copy_from_slice(body),
            body_size: body.len() as u64,
            status: 200,
            source: Source::Listen,
            verification: None,
            upstream: None,
        },
        attempts: Vec::new(),
    }
}

fn plain(id: i64) -> Capture {
    capture(
        id,
        if id % 3 == 0 { "GET" } else { "POST" },
        &format!("/hooks/{id}"),
        &[("content-type", b"text/plain")],
        b"hi",
    )
}

/// A small store in memory, answering the app's loads as the real one would.
struct FakeStore {
    captures: Vec<Capture>,
}

impl FakeStore {
    fn new(captures: Vec<Capture>) -> FakeStore {
        FakeStore { captures }
    }

    fn with(n: i64) -> FakeStore {
        FakeStore::new((1..=n).map(plain).collect())
    }

    fn fetch(&self, load: Load) -> Event {
        match load {
            Load::Page {
                generation,
                filter,
                kind,
            } => {
                let matching = self.captures.iter().filter(|c| filter.matches(&c.request));
                let rows: Vec<_> = match kind {
                    PageKind::Tail => matching.rev().take(PAGE).collect(),
                    PageKind::Before(id) => {
                        matching.rev().filter(|c| c.id < id).take(PAGE).collect()
                    }
                    PageKind::Head => matching.take(PAGE).collect(),
                    PageKind::After(id) => matching.filter(|c| c.id > id).take(PAGE).collect(),
                };
                Event::Page(Page {
                    generation,
                    kind,
                    rows: rows.into_iter().map(Capture::summary).collect(),
                })
            }
            Load::Detail(id) => Event::Detail(
                id,
                self.captures
                    .iter()
                    .find(|c| c.id == id)
                    .cloned()
                    .map(Arc::new),
            ),
            Load::Count { filter, .. } => Event::Count(
                self.captures.len() as u64,
                self.captures
                    .iter()
                    .filter(|c| filter.matches(&c.request))
                    .count() as u64,
            ),
        }
    }

    /// Answers every load until the app wants nothing more.
    fn settle(&self, app: &mut App) {
        for _ in 0..100 {
            let loads = app.loads();
            if loads.is_empty() {
                return;
            }
            for load in loads {
                app.handle(self.fetch(load));
            }
        }
        panic!("the app keeps asking for loads");
    }

    /// Stores a capture and announces it, as the writer does.
    fn arrive(&mut self, app: &mut App, capture: Capture) {
        self.captures.push(capture.clone());
        app.handle(Event::Feed(feed::Event::capture(Arc::new(capture))));
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn press(app: &mut App, store: &FakeStore, code: KeyCode) -> Action {
    let action = app.handle(key(code));
    store.settle(app);
    action
}

fn typed(app: &mut App, store: &FakeStore, text: &str) {
    for c in text.chars() {
        press(app, store, KeyCode::Char(c));
    }
}

/// An app drawn once at 120×40 (so that it knows its areas) over `store`.
fn started(store: &FakeStore) -> (App, Terminal<TestBackend>) {
    let mut app = new_app();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    ui::draw(&mut terminal, &mut app).unwrap();
    store.settle(&mut app);
    ui::draw(&mut terminal, &mut app).unwrap();
    (app, terminal)
}

// ---- state ------------------------------------------------------------------

#[test]
fn keys_become_actions() {
    let store = FakeStore::with(3);
    let (mut app, _t) = started(&store);
    assert_eq!(app.selected, Some(3));
    assert!(matches!(
        press(&mut app, &store, KeyCode::Char('q')),
        Action::Quit
    ));
    let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(matches!(app.handle(ctrl_c), Action::Quit));
    assert!(matches!(
        press(&mut app, &store, KeyCode::Char('r')),
        Action::Replay {
            id: 3,
            resign: false,
            edited: None
        }
    ));
    assert!(matches!(
        press(&mut app, &store, KeyCode::Char('R')),
        Action::Replay {
            id: 3,
            resign: true,
            edited: None
        }
    ));
    assert!(matches!(
        press(&mut app, &store, KeyCode::Char('e')),
        Action::Edit { id: 3 }
    ));
    match press(&mut app, &store, KeyCode::Char('c')) {
        Action::Copy { what, data } => {
            assert_eq!(what, "curl command for #3");
            let text = String::from_utf8(data).unwrap();
            assert!(text.starts_with("curl "), "{text}");
            assert!(text.contains("http://127.0.0.1:7070/hooks/3"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    match press(&mut app, &store, KeyCode::Char('y')) {
        Action::Copy { what, data } => {
            assert_eq!(what, "body of #3");
            assert_eq!(data, b"hi");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn focus_tabs_help_and_back() {
    let store = FakeStore::with(2);
    let (mut app, _t) = started(&store);
    press(&mut app, &store, KeyCode::Enter);
    assert_eq!((app.focus, app.tab), (Focus::Detail, Tab::Headers));
    press(&mut app, &store, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Body);
    press(&mut app, &store, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Verification);
    press(&mut app, &store, KeyCode::BackTab);
    assert_eq!(app.tab, Tab::Body);
    press(&mut app, &store, KeyCode::Char('4'));
    assert_eq!(app.tab, Tab::Attempts);
    press(&mut app, &store, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Headers);
    // In the detail pane j/k scroll instead of moving the selection.
    press(&mut app, &store, KeyCode::Char('j'));
    assert_eq!((app.selected, app.detail_scroll), (Some(2), 1));
    press(&mut app, &store, KeyCode::Esc);
    assert_eq!(app.focus, Focus::List);
    press(&mut app, &store, KeyCode::Char('?'));
    assert!(app.help);
    // Any key closes the help, and does nothing else (not even q).
    assert!(matches!(
        press(&mut app, &store, KeyCode::Char('q')),
        Action::None
    ));
    assert!(!app.help);
}

#[test]
fn follow_is_on_and_new_captures_are_selected() {
    let mut store = FakeStore::with(5);
    let (mut app, _t) = started(&store);
    assert!(app.follow);
    assert_eq!(app.selected, Some(5));
    store.arrive(&mut app, plain(6));
    store.settle(&mut app);
    assert_eq!(app.selected, Some(6));
    assert_eq!(app.total, 6);
    assert_eq!(app.current_detail().unwrap().capture.id, 6);
}

#[test]
fn moving_up_stops_following_and_the_selection_stays_put() {
    let mut store = FakeStore::with(5);
    let (mut app, _t) = started(&store);
    press(&mut app, &store, KeyCode::Char('k'));
    assert!(!app.follow);
    assert_eq!(app.selected, Some(4));
    for id in 6..=40 {
        store.arrive(&mut app, plain(id));
    }
    store.settle(&mut app);
    assert_eq!(app.selected, Some(4), "the selection stays on its capture");
    assert_eq!(app.rows.last().unwrap().id, 40, "new rows still appear");
    assert_eq!(app.current_detail().unwrap().capture.id, 4);
    // f turns following back on and jumps to the newest.
    press(&mut app, &store, KeyCode::Char('f'));
    assert!(app.follow);
    assert_eq!(app.selected, Some(40));
    press(&mut app, &store, KeyCode::Char('f'));
    assert!(!app.follow);
    assert_eq!(app.selected, Some(40));
    press(&mut app, &store, KeyCode::Char('g'));
    assert_eq!(app.selected, Some(1));
    press(&mut app, &store, KeyCode::Char('G'));
    assert!(app.follow);
    assert_eq!(app.selected, Some(40));
}

#[test]
fn captures_that_arrive_while_the_first_page_loads_are_kept() {
    let mut store = FakeStore::with(3);
    let mut app = new_app();
    let loads = app.loads();
    // The page is read before capture 4 is stored; the event comes first.
    let page = loads
        .into_iter()
        .find(|l| matches!(l, Load::Page { .. }))
        .unwrap();
    let early = store.fetch(page);
    store.arrive(&mut app, plain(4));
    app.handle(early);
    store.settle(&mut app);
    let ids: Vec<i64> = app.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(app.selected, Some(4));
}

#[test]
fn pages_through_a_large_store_with_a_bounded_window() {
    let store = FakeStore::with(20_000);
    let (mut app, _t) = started(&store);
    assert_eq!(app.rows.len(), PAGE);
    assert!(app.more_before && !app.more_after);
    assert_eq!(app.selected, Some(20_000));
    // Hold k: the window grows a page at a time ahead of the selection and
    // never holds more than WINDOW rows.
    for _ in 0..3000 {
        press(&mut app, &store, KeyCode::Char('k'));
        assert!(app.rows.len() <= WINDOW);
    }
    assert_eq!(app.selected, Some(17_000));
    let at = app.selected_index().unwrap();
    assert!(at >= 40 && at + 40 < app.rows.len(), "rows on both sides");
    assert!(app.more_after, "newer rows were dropped from the window");
    // Page down moves a screenful (the list's height less one).
    let height = app.areas.list.height as i64;
    press(&mut app, &store, KeyCode::PageDown);
    assert_eq!(app.selected, Some(17_000 + height - 1));
    // The ends are one key away, whatever the size.
    press(&mut app, &store, KeyCode::Char('g'));
    assert_eq!(app.selected, Some(1));
    assert!(!app.more_before && app.more_after);
    press(&mut app, &store, KeyCode::Char('j'));
    assert_eq!(app.selected, Some(2));
    press(&mut app, &store, KeyCode::End);
    assert_eq!(app.selected, Some(20_000));
    assert!(!app.more_after);
    // Walk down from the oldest through several pages.
    press(&mut app, &store, KeyCode::Home);
    for _ in 0..1500 {
        press(&mut app, &store, KeyCode::Down);
        assert!(app.rows.len() <= WINDOW);
    }
    assert_eq!(app.selected, Some(1501));
}

#[test]
fn the_filter_is_parsed_into_store_filters() {
    let f =
        app::parse_filter("method:post provider:Stripe verdict:invalid,expired /hooks/*").unwrap();
    assert_eq!(
        f,
        Filter {
            method: Some("POST".into()),
            path: Some("/hooks/*".into()),
            provider: Some("stripe".into()),
            verdicts: vec![Verdict::Invalid, Verdict::Expired],
        }
    );
    assert_eq!(app::parse_filter("").unwrap(), Filter::default());
    assert_eq!(
        app::parse_filter("stripe").unwrap().path.as_deref(),
        Some("*stripe*")
    );
    assert_eq!(
        app::parse_filter("path:/a:b").unwrap().path.as_deref(),
        Some("*/a:b*")
    );
    assert_eq!(
        app::parse_filter("/a:b/*").unwrap().path.as_deref(),
        Some("/a:b/*")
    );
    assert!(
        app::parse_filter("verdict:bogus")
            .unwrap_err()
            .contains("unknown verdict")
    );
    assert!(
        app::parse_filter("colour:red")
            .unwrap_err()
            .contains("unknown filter")
    );
    assert!(app::parse_filter("/a /b").is_err());
}

#[test]
fn typing_a_filter_reloads_the_list() {
    let store = FakeStore::with(30);
    let (mut app, _t) = started(&store);
    press(&mut app, &store, KeyCode::Char('/'));
    assert!(app.input.is_some());
    typed(&mut app, &store, "method:GET");
    // Keys go to the prompt while it is open.
    assert_eq!(app.selected, Some(30));
    press(&mut app, &store, KeyCode::Enter);
    assert!(app.input.is_none());
    assert_eq!(app.filter_text, "method:GET");
    assert!(app.rows.iter().all(|r| r.method == "GET"));
    assert_eq!(app.rows.len(), 10);
    assert_eq!((app.total, app.matching), (30, 10));
    // A bad filter keeps the prompt open and says why.
    press(&mut app, &store, KeyCode::Char('/'));
    typed(&mut app, &store, " verdict:nope");
    press(&mut app, &store, KeyCode::Enter);
    assert!(app.input.is_some());
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("unknown verdict")
    );
    press(&mut app, &store, KeyCode::Esc);
    assert!(app.input.is_none());
    assert_eq!(app.filter_text, "method:GET");
    // Live captures are filtered too.
    let mut store = store;
    store.arrive(&mut app, plain(31)); // POST
    store.arrive(&mut app, plain(33)); // GET
    store.settle(&mut app);
    assert_eq!(app.rows.last().unwrap().id, 33);
    assert!(app.rows.iter().all(|r| r.id != 31));
}

#[test]
fn stale_pages_are_dropped() {
    let store = FakeStore::with(10);
    let mut app = new_app();
    let stale: Vec<Load> = app.loads();
    app.set_filter(
        app::parse_filter("method:GET").unwrap(),
        "method:GET".into(),
    );
    for load in stale {
        app.handle(store.fetch(load));
    }
    assert!(!app.loaded, "the page for the old filter is ignored");
    store.settle(&mut app);
    assert!(app.rows.iter().all(|r| r.method == "GET"));
}

#[test]
fn attempts_and_notices_update_the_screen_state() {
    let mut store = FakeStore::with(2);
    let (mut app, _t) = started(&store);
    let attempt = forward_attempt(2, 9, Some(502), None);
    store.captures[1].attempts.push(attempt.clone());
    app.handle(Event::Feed(feed::Event::attempt(attempt)));
    assert_eq!(app.rows[1].last_attempt.as_ref().unwrap().status, Some(502));
    assert_eq!(app.current_detail().unwrap().capture.attempts.len(), 1);
    let mut replay = forward_attempt(2, 10, Some(200), None);
    replay.kind = AttemptKind::Replay;
    app.handle(Event::Feed(feed::Event::attempt(replay)));
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "replay of #2 → 200 in 3.1 ms"
    );
    app.handle(Event::Feed(feed::Event::error("cannot write to the store")));
    assert_eq!(
        app.status.as_ref().unwrap().text,
        "cannot write to the store"
    );
    // Errors stay; other messages expire with the ticks.
    for _ in 0..100 {
        app.handle(Event::Tick);
    }
    assert!(app.status.is_some());
    app.message(feed::Level::Info, "copied");
    for _ in 0..100 {
        app.handle(Event::Tick);
    }
    assert!(app.status.is_none());
    store.arrive(&mut app, plain(3));
}

#[test]
fn mouse_wheel_scrolls_and_click_selects() {
    let store = FakeStore::with(10);
    let (mut app, _t) = started(&store);
    let list = app.areas.list;
    let mouse = |kind, column, row| {
        Event::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.handle(mouse(MouseEventKind::ScrollUp, list.x + 2, list.y + 1));
    store.settle(&mut app);
    assert_eq!(app.selected, Some(7));
    assert!(!app.follow);
    app.handle(mouse(
        MouseEventKind::Down(MouseButton::Left),
        list.x + 2,
        list.y + 1,
    ));
    assert_eq!(app.selected, Some(2), "row 2 is the second row on screen");
    store.settle(&mut app);
    let detail = app.areas.detail;
    app.handle(mouse(
        MouseEventKind::Down(MouseButton::Left),
        detail.x + 1,
        detail.y + 1,
    ));
    assert_eq!(app.focus, Focus::Detail);
    let tabs = app.areas.tabs;
    // " Headers │ Body │": the Body title starts 11 columns in.
    app.handle(mouse(
        MouseEventKind::Down(MouseButton::Left),
        tabs.x + 12,
        tabs.y,
    ));
    assert_eq!(app.tab, Tab::Body);
    app.handle(mouse(
        MouseEventKind::ScrollDown,
        detail.x + 1,
        detail.y + 1,
    ));
    assert_eq!(
        app.selected,
        Some(2),
        "the wheel over the detail scrolls it"
    );
}

#[test]
fn osc52_carries_base64() {
    assert_eq!(super::osc52(b"hi"), "\x1b]52;c;aGk=\x07");
}

// ---- snapshots ------------------------------------------------------------

fn forward_attempt(capture_id: i64, id: i64, status: Option<u16>, error: Option<&str>) -> Attempt {
    Attempt {
        id,
        capture_id,
        kind: AttemptKind::Forward,
        target: format!("http://localhost:3000/hooks/{capture_id}"),
        started_at: EPOCH + capture_id * 1_250_000 + 2_000,
        duration: Duration::from_micros(3_100),
        status,
        response_headers: vec![(
            "content-type".into(),
            Bytes::from_static(b"application/json"),
        )],
        response_body: Bytes::from_static(br#"{"received":true}"#),
        response_body_size: 17,
        error: error.map(str::to_owned),
    }
}

/// A store with one capture of every kind the screen distinguishes.
fn showcase() -> FakeStore {
    let mut stripe = capture(
        40,
        "POST",
        "/hooks/stripe?x=1",
        &[
            ("host", b"127.0.0.1:7070"),
            ("user-agent", b"Stripe/1.0 (+https://stripe.com/docs/webhooks)"),
            ("content-type", b"application/json; charset=utf-8"),
            ("stripe-signature", b"t=1763904085,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"),
        ],
        br#"{"id":"evt_1NG8Du2eZvKYlo2C","object":"event","api_version":"2022-11-15","created":1686089970,"data":{"object":{"id":"pi_3MtwBwLkdIwHu7ix28a3tqPa","amount":2000,"currency":"usd","livemode":false,"metadata":{},"description":"A long description that is wider than the detail pane so that it has to wrap onto the next line"}},"pending_webhooks":1,"type":"payment_intent.succeeded"}"#,
    );
    stripe.request.verification = Some(Verification {
        provider: Some("stripe".into()),
        verdict: Verdict::Valid,
        reason: None,
    });
    stripe.attempts = vec![
        forward_attempt(40, 7, Some(200), None),
        Attempt {
            kind: AttemptKind::Replay,
            ..forward_attempt(
                40,
                8,
                None,
                Some("connection refused (is your app running on localhost:3000?)"),
            )
        },
    ];

    let mut github = capture(
        41,
        "POST",
        "/hooks/github",
        &[
            ("content-type", b"application/json"),
            ("x-github-event", b"push"),
            ("x-hub-signature-256", b"sha256=9bc1aa4f0c3e"),
        ],
        br#"{"ref":"refs/heads/main","forced":false,"size":3}"#,
    );
    github.request.verification = Some(Verification {
        provider: Some("github".into()),
        verdict: Verdict::Invalid,
        reason: Some(
            "X-Hub-Signature-256 does not match: expected sha256=3f2a…, received sha256=9bc1… (secret used as given; check for a trailing newline)".into(),
        ),
    });
    github.attempts = vec![forward_attempt(41, 9, Some(401), None)];

    let binary = capture(
        42,
        "PUT",
        "/upload/bin",
        &[("content-type", b"application/octet-stream")],
        &(0u8..40).map(|b| b.wrapping_mul(7)).collect::<Vec<_>>(),
    );

    let mut form = capture(
        43,
        "POST",
        "/twilio/sms",
        &[("content-type", b"application/x-www-form-urlencoded")],
        b"From=%2B15550001111&Body=hello+there&MessageSid=SM123",
    );
    form.request.verification = Some(Verification {
        provider: Some("twilio".into()),
        verdict: Verdict::Expired,
        reason: Some("signature matches but the timestamp is 412 s old (tolerance 300 s)".into()),
    });

    let mut refused = capture(44, "POST", "/big", &[("content-length", b"104857600")], b"");
    refused.request.status = 413;
    refused.request.body_size = 100 << 20;

    let mut unknown = capture(45, "GET", "/health?probe=1", &[], b"");
    unknown.request.verification = Some(Verification {
        provider: Some("slack".into()),
        verdict: Verdict::Unknown,
        reason: Some("no secret configured for slack".into()),
    });

    let mut captures: Vec<Capture> = (31..40).map(plain).collect();
    captures.extend([stripe, github, binary, form, refused, unknown]);
    FakeStore::new(captures)
}

/// Draws the showcase at `width`×`height` with capture `id` selected.
fn screen(width: u16, height: u16, id: Option<i64>, keys: &[KeyCode]) -> Terminal<TestBackend> {
    let store = showcase();
    let mut app = new_app();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    ui::draw(&mut terminal, &mut app).unwrap();
    store.settle(&mut app);
    ui::draw(&mut terminal, &mut app).unwrap();
    if let Some(id) = id {
        while app.selected.unwrap() > id {
            press(&mut app, &store, KeyCode::Up);
        }
    }
    for &code in keys {
        press(&mut app, &store, code);
    }
    ui::draw(&mut terminal, &mut app).unwrap();
    terminal
}

#[test]
fn snapshot_empty() {
    let store = FakeStore::with(0);
    let (_app, terminal) = started(&store);
    insta::assert_snapshot!("empty", terminal.backend());
}

#[test]
fn snapshot_json_capture_on_each_tab() {
    for (name, tabs) in [
        ("json_headers", 0),
        ("json_body", 1),
        ("json_verification", 2),
        ("json_attempts", 3),
    ] {
        let mut keys = vec![KeyCode::Enter];
        keys.extend(std::iter::repeat_n(KeyCode::Tab, tabs));
        let terminal = screen(120, 40, Some(40), &keys);
        insta::assert_snapshot!(name, terminal.backend());
    }
}

#[test]
fn snapshot_failed_verification() {
    let terminal = screen(120, 40, Some(41), &[KeyCode::Char('3')]);
    insta::assert_snapshot!("failed_verification", terminal.backend());
}

#[test]
fn snapshot_binary_body() {
    let terminal = screen(120, 40, Some(42), &[KeyCode::Char('2')]);
    insta::assert_snapshot!("binary_body", terminal.backend());
}

#[test]
fn snapshot_help() {
    let terminal = screen(120, 40, None, &[KeyCode::Char('?')]);
    insta::assert_snapshot!("help", terminal.backend());
}

#[test]
fn snapshot_small_terminal() {
    let terminal = screen(80, 24, Some(40), &[KeyCode::Char('2')]);
    insta::assert_snapshot!("small_80x24", terminal.backend());
}

#[test]
fn snapshot_large_terminal() {
    let terminal = screen(200, 50, Some(43), &[KeyCode::Char('2')]);
    insta::assert_snapshot!("large_200x50", terminal.backend());
}

#[test]
fn terminal_controls_in_request_data_are_shown_escaped() {
    let evil = capture(
        1,
        "POST",
        "/a\u{202e}gnp.exe",
        &[
            ("x-evil", b"\x1b[2J\x1b]52;c;aGk=\x07"),
            ("x-zero", "pay\u{200b}pal".as_bytes()),
        ],
        b"{\"k\":\"\\u001b[2J\",\"bidi\":\"\xe2\x80\xae\"}",
    );
    let store = FakeStore::new(vec![evil]);
    let (mut app, mut terminal) = started(&store);
    let mut screens = String::new();
    for tab in ['2', '1'] {
        press(&mut app, &store, KeyCode::Char(tab));
        ui::draw(&mut terminal, &mut app).unwrap();
        let buffer = terminal.backend().buffer();
        for cell in buffer.content() {
            let symbol = cell.symbol();
            assert!(
                !symbol.chars().any(|c| c.is_control()
                    || ('\u{202a}'..='\u{202e}').contains(&c)
                    || c == '\u{200b}'),
                "a control character reached the screen: {symbol:?}"
            );
        }
        screens.push_str(&terminal.backend().to_string());
    }
    assert!(
        screens.contains(r"x-evil: \e[2J\e]52;c;aGk=\x07"),
        "{screens}"
    );
    assert!(screens.contains(r"pay\u{200b}pal"), "{screens}");
    assert!(screens.contains(r"/a\u{202e}gnp.exe"), "{screens}");
    assert!(screens.contains(r#""bidi": "\u{202e}""#), "{screens}");
    insta::assert_snapshot!("escaped_controls", terminal.backend());
}

#[test]
fn the_count_is_read_again_while_captures_arrive() {
    let mut store = FakeStore::with(3);
    let (mut app, _t) = started(&store);
    for _ in 0..40 {
        app.handle(Event::Tick);
    }
    assert!(app.loads().is_empty(), "nothing arrived, nothing to count");
    store.arrive(&mut app, plain(4));
    store.settle(&mut app);
    // Captures deleted by --retain do not show in the live count...
    store.captures.remove(0);
    assert_eq!(app.total, 4);
    for _ in 0..20 {
        app.handle(Event::Tick);
    }
    // ...but the next count from the store corrects it.
    assert!(app.loads().iter().any(|l| matches!(l, Load::Count { .. })));
    app.handle(store.fetch(Load::Count {
        generation: 0,
        filter: Filter::default(),
    }));
    assert_eq!(app.total, 3);
}

#[test]
fn the_relays_state_shows_in_the_header() {
    let store = FakeStore::with(1);
    let (mut app, mut terminal) = started(&store);
    let event = |state| {
        Event::Feed(feed::Event::Source(Arc::new(feed::SourceEvent {
            url: "https://smee.example/abc".into(),
            state,
            at: EPOCH,
        })))
    };
    app.handle(event(crate::relay::State::Reconnecting {
        reason: "connection refused".into(),
        retry_in: Duration::from_secs(2),
    }));
    ui::draw(&mut terminal, &mut app).unwrap();
    let screen = terminal.backend().to_string();
    assert!(
        screen.contains("source https://smee.example/abc reconnecting"),
        "{screen}"
    );
    assert!(
        screen.contains("relay: connection refused; reconnecting"),
        "{screen}"
    );
    app.handle(event(crate::relay::State::Connected {
        resumed_after: None,
    }));
    ui::draw(&mut terminal, &mut app).unwrap();
    let screen = terminal.backend().to_string();
    assert!(
        screen.contains("source https://smee.example/abc connected"),
        "{screen}"
    );
}
