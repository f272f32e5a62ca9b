//! The fault suite: a full, locked or read-only store, slow clients. Each has a
//! defined behaviour, and nothing acknowledged is ever lost.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::util::{Conn, Env, post_json};

#[test]
fn a_full_store_answers_503_and_recovers_when_room_is_made() {
    let env = Env::new();
    let listener = env.listen(&["--max-store-size", "256KiB"]);
    let pad = "x".repeat(8 * 1024);
    let mut acked = Vec::new();
    let mut refused = 0;
    for i in 0..200 {
        let r = post_json(
            listener.receiver,
            &format!("/fill/{i}"),
            &format!(r#"{{"n":{i},"pad":"{pad}"}}"#),
        );
        match r.status {
            200 => acked.push((r.json()["id"].as_i64().unwrap(), i)),
            503 => {
                refused += 1;
                if refused == 3 {
                    break;
                }
            }
            other => panic!("unexpected status {other}: {}", r.text()),
        }
    }
    assert!(
        refused == 3 && !acked.is_empty(),
        "acked {}, refused {refused}",
        acked.len()
    );
    let error = listener
        .next_event("error", Duration::from_secs(10))
        .expect("error event");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("the store is full"),
        "{error}"
    );
    // Everything acknowledged is there, byte for byte.
    for (id, i) in &acked {
        let c = env.json(&["show", &id.to_string(), "--json"]);
        assert_eq!(c["path"], format!("/fill/{i}"));
        assert_eq!(
            c["body_size"],
            pad.len() + format!(r#"{{"n":{i},"pad":""}}"#).len()
        );
    }
    // Room is made from another process; the listener takes requests again.
    env.ok(&["clear", "--before", &acked[acked.len() / 2].0.to_string()]);
    let r = post_json(listener.receiver, "/after", r#"{"room":true}"#);
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(env.json(&["show", "last", "--json"])["path"], "/after");
}

#[test]
fn a_locked_store_answers_503_then_recovers() {
    let env = Env::new();
    let listener = env.listen(&[]);
    assert_eq!(post_json(listener.receiver, "/before", "{}").status, 200);
    // Another process takes the write lock and holds it past the busy timeout.
    let locker = rusqlite::Connection::open(env.db()).unwrap();
    locker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let started = Instant::now();
    let r = post_json(listener.receiver, "/during", "{}");
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "gave up before the busy timeout"
    );
    let error = listener
        .next_event("error", Duration::from_secs(10))
        .unwrap();
    assert!(
        error["message"].as_str().unwrap().contains("locked"),
        "{error}"
    );
    locker.execute_batch("COMMIT").unwrap();
    drop(locker);
    assert_eq!(post_json(listener.receiver, "/after", "{}").status, 200);
    let paths: Vec<String> = env
        .json(&["list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths, ["/after", "/before"]);
}

#[test]
fn a_read_only_store_stops_start_up_with_a_clear_error() {
    let env = Env::new();
    // Create the store, then take write access away. Root ignores file modes,
    // so as root the listener runs as `nobody`.
    env.ok(&["list"]);
    let db = env.db();
    let root = effective_uid() == 0;
    let mut cmd = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args([
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            crate::util::BIN,
        ]);
        for dir in [
            env.dir.path().to_path_buf(),
            env.path("data"),
            env.path("data/whisper"),
            env.path("work"),
        ] {
            chmod(&dir, 0o755);
        }
        c
    } else {
        std::process::Command::new(crate::util::BIN)
    };
    chmod(&db, 0o444);
    chmod(db.parent().unwrap(), 0o555);
    let out = cmd
        .args(crate::util::LISTEN)
        .args(["--db", db.to_str().unwrap()])
        .current_dir(env.path("work"))
        .env("HOME", env.path("home"))
        .output()
        .unwrap();
    chmod(db.parent().unwrap(), 0o755);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("whisper: error: cannot"), "{stderr}");
    assert!(
        stderr.contains("readonly")
            || stderr.contains("read-only")
            || stderr.contains("Permission denied"),
        "{stderr}"
    );
    // Reading still works for everyone.
    assert!(env.run(&["list"]).status.success());
}

fn chmod(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn effective_uid() -> u32 {
    use std::os::unix::fs::MetadataExt as _;
    // The owner of a file this process just made is its effective uid.
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("uid");
    std::fs::write(&probe, "").unwrap();
    std::fs::metadata(&probe).unwrap().uid()
}

#[test]
fn slow_clients_do_not_block_others_and_are_cut_off() {
    let env = Env::new();
    let listener = env.listen(&[]);
    // 200 connections that send half a request head and stall (slowloris).
    let mut slow: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut s = TcpStream::connect(listener.receiver).unwrap();
            s.write_all(b"POST /slow HTTP/1.1\r\nHost: x\r\nX-Drip: ")
                .unwrap();
            s
        })
        .collect();
    // Normal requests still go through at once.
    let mut conn = Conn::open(listener.receiver);
    for i in 0..20 {
        assert_eq!(
            conn.send("POST", &format!("/normal/{i}"), &[], b"{}")
                .unwrap()
                .status,
            200
        );
    }
    // The stalled ones are closed after the header timeout (10 s).
    let first = &mut slow[0];
    first
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 512];
    let n = first.read(&mut buf).unwrap_or(0);
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(n == 0 || answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(15));
    assert_eq!(
        env.json(&["list", "--json", "--limit", "100"])
            .as_array()
            .unwrap()
            .len(),
        20
    );
}

#[test]
fn a_subscriber_that_never_reads_costs_bounded_memory() {
    const ROUND: usize = 3000;
    let env = Env::new();
    let listener = env.listen(&[]);
    // Subscribes, then never reads a byte.
    let mut stuck = TcpStream::connect(listener.inspector).unwrap();
    stuck
        .write_all(b"GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
        .unwrap();
    let mut reader = crate::sse::Sse::open(listener.inspector, "/events", &[]);
    let reading = std::thread::spawn(move || {
        reader.capture_ids_until(3 * ROUND, Instant::now() + Duration::from_secs(180))
    });
    // Three rounds of captures of 12 KiB (35 MiB a round). Were the stuck
    // subscriber's events kept for it, every round would add as much again;
    // bounded, memory levels off once caches are warm (after the first two).
    let pad = "y".repeat(12 * 1024);
    let mut conn = Conn::open(listener.receiver);
    let mut round = |from: usize| {
        for n in from..from + ROUND {
            let body = format!(r#"{{"n":{n},"pad":"{pad}"}}"#);
            let response = conn.send("POST", "/big", &[], body.as_bytes()).unwrap();
            assert_eq!(response.status, 200);
        }
        listener.rss_kib()
    };
    round(0);
    let second = round(ROUND);
    let third = round(2 * ROUND);
    assert!(
        third < second + 20 * 1024,
        "memory kept growing: {second} KiB after the second round, {third} KiB after the third"
    );
    let got = reading.join().unwrap();
    let expected: Vec<i64> = (1..=(3 * ROUND) as i64).collect();
    assert_eq!(
        got, expected,
        "the reading subscriber got every capture, in order"
    );
    drop(stuck);
}

#[test]
fn the_wal_stays_bounded_under_steady_load() {
    // One commit per request, none of them idle: the log must still start
    // over now and then instead of growing with every commit.
    let env = Env::new();
    let listener = env.listen(&[]);
    let wal = std::path::PathBuf::from(format!("{}-wal", listener.db.display()));
    let mut conn = Conn::open(listener.receiver);
    let mut largest = 0;
    for n in 0..8000 {
        let body = format!(r#"{{"n":{n},"pad":"{}"}}"#, "z".repeat(1024));
        assert_eq!(
            conn.send("POST", "/steady", &[], body.as_bytes())
                .unwrap()
                .status,
            200
        );
        if n % 500 == 0 {
            largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        }
    }
    largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
    // Unbounded, 8000 commits of ~5 pages each would be over 150 MiB.
    assert!(largest < 64 << 20, "the WAL grew to {} MiB", largest >> 20);
}
