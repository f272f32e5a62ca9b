//! How the terminal UI behaves with a large store: fills a temporary store
//! with 100,000 captures through the store's writer, then measures the time
//! from start to the first frame with rows (on ratatui's `TestBackend`, with
//! the same store reads the real loop makes) and the time of a key press and
//! its redraw. Prints the figures; asserts nothing about them.
//!
//! Run with `cargo bench --bench tui` (optionally `-- 20000` for another size).

use std::time::{Duration, Instant};

use bytes::Bytes;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use whisper::capture::{NewCapture, Source, Verdict, Verification};
use whisper::store::{self, Writer};
use whisper::tui::{App, Event, Header, Theme, fetch, ui};

fn main() -> anyhow::Result<()> {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("bench.db");

    let started = Instant::now();
    fill(&db, count)?;
    println!(
        "filled a store with {count} captures in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // Start-up: a fresh connection, the first page, the count and the
    // selected capture read, and the frame drawn.
    let started = Instant::now();
    let conn = store::open(&db)?;
    let mut app = App::new(
        Header {
            receiver: "http://127.0.0.1:7070".into(),
            inspector: "http://127.0.0.1:7071".into(),
            forward: vec!["http://localhost:3000".into()],
            secrets: vec!["stripe".into()],
        },
        whisper::tui::local_time(),
        Theme { color: true },
    );
    let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
    ui::draw(&mut terminal, &mut app)?;
    let first_frame = started.elapsed();
    settle(&conn, &mut app);
    ui::draw(&mut terminal, &mut app)?;
    let startup = started.elapsed();
    assert_eq!(app.rows.len(), whisper::tui::app::PAGE.min(count));
    println!(
        "start-up: first frame {}, first frame with rows and detail {} (store holds {} captures)",
        ms(first_frame),
        ms(startup),
        app.total
    );

    // Key presses: each handled, its store reads done, the screen redrawn.
    let mut press = |app: &mut App, code: KeyCode| -> anyhow::Result<Duration> {
        let t = Instant::now();
        app.handle(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        settle(&conn, app);
        ui::draw(&mut terminal, app)?;
        Ok(t.elapsed())
    };
    let mut times = Vec::new();
    for _ in 0..3_000.min(count.saturating_sub(1)) {
        times.push(press(&mut app, KeyCode::Char('k'))?);
    }
    report("k (one row up, pages read as needed)", &mut times);
    let mut times = Vec::new();
    for _ in 0..200 {
        times.push(press(&mut app, KeyCode::PageUp)?);
    }
    report("PgUp", &mut times);
    for (name, code) in [
        ("g (jump to the oldest)", KeyCode::Char('g')),
        ("G (jump to the newest)", KeyCode::Char('G')),
        ("Tab (detail: next tab)", KeyCode::Tab),
    ] {
        let mut times = vec![press(&mut app, code)?];
        report(name, &mut times);
    }
    Ok(())
}

/// Answers the app's store reads until it wants none (what the loop does
/// with its background reads).
fn settle(conn: &rusqlite::Connection, app: &mut App) {
    loop {
        let loads = app.loads();
        if loads.is_empty() {
            return;
        }
        for load in loads {
            app.handle(fetch(conn, load));
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn report(what: &str, times: &mut [Duration]) {
    times.sort();
    let n = times.len();
    let mean = times.iter().sum::<Duration>() / n as u32;
    println!(
        "{what}: {n} presses, mean {}, median {}, p99 {}, max {}",
        ms(mean),
        ms(times[n / 2]),
        ms(times[(n * 99 / 100).min(n - 1)]),
        ms(times[n - 1])
    );
}

/// Stores `count` captures of mixed shapes through the writer, many at once
/// (as a busy listener would, so they commit in groups).
fn fill(db: &std::path::Path, count: usize) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let (bus, _) = tokio::sync::broadcast::channel(16);
        let writer = Writer::start(db, store::Limits::default(), bus)?;
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..count {
            if tasks.len() >= 1024
                && let Some(done) = tasks.join_next().await
            {
                done??;
            }
            let writer = writer.clone();
            tasks.spawn(async move {
                writer
                    .insert(sample(i))
                    .await
                    .map(|_| ())
                    .map_err(anyhow::Error::from)
            });
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        let finish = writer.clone();
        tokio::task::spawn_blocking(move || finish.finish()).await?;
        anyhow::Ok(())
    })
}

fn sample(i: usize) -> NewCapture {
    let body = format!(
        r#"{{"id":"evt_{i}","type":"payment_intent.succeeded","data":{{"object":{{"amount":{},"currency":"usd","metadata":{{"order":"{i}"}}}}}}}}"#,
        i * 7 % 10_000
    );
    let verdict = [
        Verdict::Valid,
        Verdict::Invalid,
        Verdict::Expired,
        Verdict::Unknown,
    ][i % 4];
    NewCapture {
        received_at: 1_763_904_035_000_000 + i as i64 * 1_000,
        method: if i.is_multiple_of(5) { "GET" } else { "POST" }.into(),
        target: format!(
            "/hooks/{}/{i}?attempt=1",
            ["stripe", "github", "slack"][i % 3]
        ),
        http_version: "HTTP/1.1".into(),
        remote_addr: "127.0.0.1:50000".into(),
        headers: vec![
            ("host".into(), Bytes::from_static(b"127.0.0.1:7070")),
            (
                "content-type".into(),
                Bytes::from_static(b"application/json"),
            ),
            (
                "stripe-signature".into(),
                Bytes::from(format!("t=1763904035,v1={i:064x}")),
            ),
        ],
        body_size: body.len() as u64,
        body: Bytes::from(body),
        status: 200,
        source: Source::Listen,
        verification: Some(Verification {
            provider: Some("stripe".into()),
            verdict,
            reason: (verdict != Verdict::Valid).then(|| "a reason".to_owned()),
        }),
        upstream: None,
    }
}
