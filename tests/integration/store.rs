//! Durability: what was acknowledged survives a SIGKILL; other processes read
//! the store while the listener writes; retention.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::util::{Conn, Env, post_json, wait_for};

#[test]
fn sigkill_under_load_keeps_exactly_what_was_acknowledged() {
    let env = Env::new();
    let mut listener = env.listen(&[]);
    let addr = listener.receiver;
    let acked = Arc::new(Mutex::new(BTreeMap::<i64, String>::new()));
    let unanswered = Arc::new(Mutex::new(BTreeSet::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..4)
        .map(|worker| {
            let (acked, unanswered, stop) = (acked.clone(), unanswered.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut conn = Conn::open(addr);
                for seq in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let marker = format!("w{worker}-{seq}");
                    let body = format!(r#"{{"marker":"{marker}"}}"#);
                    unanswered.lock().unwrap().insert(marker.clone());
                    match conn.send("POST", "/load", &[], body.as_bytes()) {
                        Ok(r) if r.status == 200 => {
                            let id = r.json()["id"].as_i64().unwrap();
                            unanswered.lock().unwrap().remove(&marker);
                            acked.lock().unwrap().insert(id, marker);
                        }
                        _ => break, // the listener is gone
                    }
                }
            })
        })
        .collect();
    wait_for("300 acknowledged requests", Duration::from_secs(60), || {
        (acked.lock().unwrap().len() >= 300).then_some(())
    });
    listener.child.kill().unwrap(); // SIGKILL, mid-stream
    listener.child.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    let unanswered = unanswered.lock().unwrap().clone();

    // Restart on the same file: it opens cleanly.
    let restarted = env.listen(&[]);
    drop(restarted);

    let conn = rusqlite::Connection::open(env.db()).unwrap();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let mut stored = BTreeMap::new();
    let mut stmt = conn
        .prepare("SELECT c.id, p.body FROM captures c JOIN payloads p ON p.capture_id = c.id")
        .unwrap();
    for row in stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .unwrap()
    {
        let (id, body) = row.unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        stored.insert(id, body["marker"].as_str().unwrap().to_owned());
    }
    // Every acknowledged request is there, under the id it was given.
    for (id, marker) in &acked {
        assert_eq!(
            stored.get(id),
            Some(marker),
            "acknowledged #{id} is missing"
        );
    }
    // Anything else stored was in flight when the process died.
    for (id, marker) in &stored {
        if !acked.contains_key(id) {
            assert!(unanswered.contains(marker), "#{id} {marker} was never sent");
        }
    }
}

#[test]
fn other_processes_read_while_the_listener_writes() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let addr = listener.receiver;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut conn = Conn::open(addr);
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                match conn.send("POST", "/busy", &[], b"{}") {
                    Ok(r) => assert_eq!(r.status, 200),
                    Err(_) => break, // the test is over and the listener gone
                }
                n += 1;
            }
            n
        })
    };
    wait_for("the first capture", Duration::from_secs(10), || {
        env.json(&["list", "--json"])
            .as_array()
            .unwrap()
            .first()
            .map(|_| ())
    });
    let mut last_seen = 0;
    for _ in 0..10 {
        let list = env.json(&["list", "--json", "--limit", "5"]);
        let newest = list[0]["id"].as_i64().unwrap_or(0);
        assert!(newest >= last_seen);
        last_seen = newest;
        let shown = env.json(&["show", "last", "--json"]);
        assert!(shown["id"].as_i64().unwrap() >= newest);
        assert_eq!(shown["path"], "/busy");
    }
    stop.store(true, Ordering::Relaxed);
    let sent = writer.join().unwrap();
    assert!(sent > 0 && last_seen > 0);
}

#[test]
fn retain_keeps_the_newest_n() {
    let env = Env::new();
    let listener = env.listen(&["--retain", "3"]);
    let mut last = 0;
    for i in 0..7 {
        last = post_json(listener.receiver, &format!("/r/{i}"), "{}").json()["id"]
            .as_i64()
            .unwrap();
    }
    let list = env.json(&["list", "--json"]);
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![last, last - 1, last - 2]);
}
