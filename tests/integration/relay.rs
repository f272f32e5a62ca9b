//! The relay (`listen --source`): from another whisper, with restarts on both
//! sides and nothing lost or stored twice; and the smee format, both ways.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::target::{Recorded, Reply, Target};
use crate::util::{Env, Listener, post_json, wait_for};

const WAIT: Duration = Duration::from_secs(30);

fn events_url(upstream: &Listener) -> String {
    format!("http://{}/events", upstream.inspector)
}

/// Waits for the relay's `source` event in a given state.
fn source_state(listener: &Listener, state: &str) -> Value {
    loop {
        let event = listener
            .next_event("source", WAIT)
            .unwrap_or_else(|| panic!("no source event `{state}`"));
        if event["state"] == state {
            return event;
        }
    }
}

/// The `n` of each JSON body a target got, in arrival order.
fn numbers(got: &[Recorded]) -> Vec<i64> {
    got.iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["n"]
                .as_i64()
                .unwrap()
        })
        .collect()
}

/// (upstream id, n) of every capture in a store, in id order.
fn relayed(env: &Env) -> Vec<(String, i64)> {
    let mut rows: Vec<(String, i64)> = env
        .json(&["list", "--json", "--limit", "1000"])
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|s| {
            let c = env.json(&["show", &s["id"].to_string(), "--json"]);
            assert_eq!(c["source"], "relay");
            let body: Value = serde_json::from_str(c["body"].as_str().unwrap()).unwrap();
            (
                c["upstream"]["id"].as_str().unwrap().to_owned(),
                body["n"].as_i64().unwrap(),
            )
        })
        .collect();
    rows.dedup();
    rows
}

#[test]
fn relay_resumes_after_a_restart_with_nothing_lost_or_twice() {
    let upstream_env = Env::new();
    let upstream = upstream_env.listen(&[]);
    let target = Target::start(Reply::default());
    let env = Env::new();
    let args = [
        "--source",
        &events_url(&upstream),
        "--forward",
        &target.url(),
    ];
    let relay = env.listen(&args);
    let connected = source_state(&relay, "connected");
    assert_eq!(connected["resumed_after"], Value::Null);

    for n in 1..=3 {
        let r = post_json(
            upstream.receiver,
            &format!("/hooks/{n}?q={n}"),
            &format!(r#"{{"n":{n}}}"#),
        );
        assert_eq!(r.status, 200);
    }
    assert_eq!(numbers(&target.wait_for(3, WAIT)), [1, 2, 3]);
    // Full fidelity: method, target, headers and body as the upstream got them.
    let first = env.json(&["show", "1", "--json"]);
    let original = upstream_env.json(&["show", "1", "--json"]);
    for key in ["method", "target", "headers", "body_base64", "received_at"] {
        assert_eq!(first[key], original[key], "{key}");
    }
    assert_eq!(first["upstream"]["url"], events_url(&upstream));

    // The relay stops; the upstream goes on receiving.
    assert!(relay.interrupt().success());
    for n in 4..=6 {
        post_json(
            upstream.receiver,
            &format!("/hooks/{n}"),
            &format!(r#"{{"n":{n}}}"#),
        );
    }
    // Back on the same store: it resumes after the last event it has.
    let relay = env.listen(&args);
    let connected = source_state(&relay, "connected");
    assert_eq!(connected["resumed_after"], "3");
    let got = target.wait_for(6, WAIT);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        numbers(&target.received()),
        [1, 2, 3, 4, 5, 6],
        "the target got {got:?}"
    );
    let rows = relayed(&env);
    assert_eq!(
        rows,
        (1..=6).map(|n| (n.to_string(), n)).collect::<Vec<_>>()
    );
}

#[test]
fn relay_survives_the_upstream_being_killed_while_events_flow() {
    let upstream_env = Env::new();
    let mut upstream = upstream_env.listen(&[]);
    let (receiver, inspector) = (upstream.receiver, upstream.inspector);
    let env = Env::new();
    let relay = env.listen(&["--source", &events_url(&upstream)]);
    source_state(&relay, "connected");

    let sender = std::thread::spawn(move || {
        let mut acked = 0;
        let mut n = 0;
        while acked < 150 {
            n += 1;
            let body = format!(r#"{{"n":{n}}}"#);
            match crate::util::Conn::open_maybe(receiver)
                .and_then(|mut c| c.send("POST", "/flow", &[], body.as_bytes()).ok())
            {
                Some(r) if r.status == 200 => acked += 1,
                _ => std::thread::sleep(Duration::from_millis(20)), // upstream down
            }
        }
    });
    // Kill the upstream mid-stream, then bring it back on the same ports and store.
    wait_for("some events relayed", WAIT, || {
        let n = env
            .json(&["list", "--json", "--limit", "100"])
            .as_array()
            .unwrap()
            .len();
        (n >= 30).then_some(())
    });
    upstream.child.kill().unwrap();
    upstream.child.wait().unwrap();
    source_state(&relay, "reconnecting");
    let upstream = upstream_env.listen_on(receiver.port(), inspector.port());
    sender.join().unwrap();

    // Everything the upstream stored reaches the relay, once, in order.
    let expected: Vec<i64> = upstream_env
        .json(&["list", "--json", "--limit", "1000"])
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(expected.len() >= 150);
    let got = wait_for("the relay to catch up", WAIT, || {
        let ids: Vec<i64> = env
            .json(&["list", "--json", "--limit", "1000"])
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .map(|c| c["id"].as_i64().unwrap())
            .collect();
        (ids.len() >= expected.len()).then_some(ids)
    });
    assert_eq!(got.len(), expected.len(), "nothing stored twice");
    let upstream_ids: Vec<i64> = relayed(&env)
        .iter()
        .map(|(id, _)| id.parse().unwrap())
        .collect();
    assert_eq!(upstream_ids, expected);
    drop(upstream);
}

#[test]
fn a_protected_upstream_needs_the_source_token() {
    let upstream_env = Env::new();
    let upstream = upstream_env.listen(&["--token", "relay-secret-token"]);
    let env = Env::new();
    let refused = env.listen(&["--source", &events_url(&upstream)]);
    let state = source_state(&refused, "reconnecting");
    assert!(state["reason"].as_str().unwrap().contains("401"), "{state}");
    drop(refused);
    let relay = env.listen(&[
        "--source",
        &events_url(&upstream),
        "--source-token",
        "relay-secret-token",
    ]);
    source_state(&relay, "connected");
    post_json(upstream.receiver, "/p", r#"{"n":1}"#);
    wait_for("the relayed capture", WAIT, || {
        (env.json(&["list", "--json"]).as_array().unwrap().len() == 1).then_some(())
    });
    assert!(!relay.stderr().contains("relay-secret-token"));
}

#[test]
fn relay_reads_a_recorded_smee_stream_and_drops_repeats() {
    // A channel as smee.io and gosmee publish it, served again on every
    // connection (these feeds keep no ids): the relay stores each event once.
    let stream = concat!(
        "id: 0\nevent: ready\ndata: {}\n\n",
        "id: 1\ndata: {\"host\":\"smee.io\",\"x-github-event\":\"push\",\"content-type\":\"application/json\",",
        "\"body\":{\"ref\":\"refs/heads/main\",\"n\":1},\"query\":{\"a\":\"1\"},\"timestamp\":1700000000000}\n\n",
        "id: 2\nevent: ping\ndata: {}\n\n",
        "data: {\"content-type\":\"application/json\",\"x-gitlab-event\":\"Push Hook\",\"timestamp\":1700000001000,",
        "\"bodyB\":\"eyJuIjogMiwgICJleGFjdCI6IHRydWV9\"}\n\n",
    );
    let channel = Target::start(Reply {
        status: 200,
        body: stream,
        headers: vec![("content-type", "text/event-stream")],
        hang: false,
    });
    let env = Env::new();
    let relay = env.listen(&["--source", &format!("{}/abc123", channel.url())]);
    // Two connections at least (the channel closes after each).
    source_state(&relay, "connected");
    source_state(&relay, "reconnecting");
    source_state(&relay, "connected");
    let list = wait_for("two captures", WAIT, || {
        let list = env.json(&["list", "--json"]);
        (list.as_array().unwrap().len() == 2).then_some(list)
    });
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(
        env.json(&["list", "--json"]).as_array().unwrap().len(),
        2,
        "a repeat was stored"
    );
    let smee = env.json(&["show", &list[1]["id"].to_string(), "--json"]);
    assert_eq!(smee["body"], r#"{"ref":"refs/heads/main","n":1}"#);
    assert_eq!(smee["target"], "/?a=1");
    assert_eq!(smee["received_at"], "2023-11-14T22:13:20.000000Z");
    assert!(
        smee["headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h[0] == "x-github-event" && h[1] == "push")
    );
    let gosmee = env.json(&["show", &list[0]["id"].to_string(), "--json"]);
    assert_eq!(
        gosmee["body"], r#"{"n": 2,  "exact": true}"#,
        "gosmee bodies are exact"
    );
    // These feeds have no resumable ids: no Last-Event-ID is sent.
    assert!(
        channel
            .received()
            .iter()
            .all(|r| r.header("last-event-id").is_none())
    );
    assert!(
        channel
            .received()
            .iter()
            .all(|r| r.header("accept").as_deref() == Some("text/event-stream"))
    );
}

#[test]
fn smee_client_consumes_the_smee_format() {
    let smee = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop/node/node_modules/smee-client/bin/smee.js");
    if !smee.exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "smee-client must be installed in CI (tests/interop/install.sh)"
        );
        eprintln!("skipping: smee-client is not installed; run tests/interop/install.sh");
        return;
    }
    let env = Env::new();
    let upstream = env.listen(&[]);
    let target = Target::start(Reply::default());
    let mut client = KillOnDrop(
        Command::new("node")
            .arg(&smee)
            .args([
                "-u",
                &format!("{}?format=smee", events_url(&upstream)),
                "-t",
                &format!("{}/hook", target.url()),
            ])
            .env_remove("HTTP_PROXY")
            .env_remove("HTTPS_PROXY")
            .env_remove("http_proxy")
            .env_remove("https_proxy")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let stdout = client.0.stdout.take().unwrap();
    std::thread::spawn(move || for _ in BufReader::new(stdout).lines() {});
    // The feed starts live: knock until the client is listening.
    wait_for("smee-client to connect", WAIT, || {
        post_json(upstream.receiver, "/knock", r#"{"n":0}"#);
        std::thread::sleep(Duration::from_millis(200));
        (!target.received().is_empty()).then_some(())
    });
    let before = target.received().len();
    for n in 1..=3 {
        crate::util::request(
            upstream.receiver,
            "POST",
            &format!("/github?delivery={n}"),
            &[
                ("Content-Type", "application/json"),
                ("X-GitHub-Event", "push"),
            ],
            format!(r#"{{"n":{n},"ref":"refs/heads/main"}}"#).as_bytes(),
        );
    }
    let got = target.wait_for(before + 3, WAIT);
    let mut got: Vec<&Recorded> = got
        .iter()
        .filter(|r| r.header("x-github-event").is_some())
        .collect();
    assert_eq!(got.len(), 3);
    // smee-client posts each message without waiting for the last one, so
    // they may arrive in any order.
    got.sort_by_key(|r| r.target.clone());
    for (i, r) in got.iter().enumerate() {
        let n = i + 1;
        assert_eq!(r.method, "POST");
        assert_eq!(r.target, format!("/hook?delivery={n}"));
        assert_eq!(
            r.body,
            format!(r#"{{"n":{n},"ref":"refs/heads/main"}}"#).as_bytes()
        );
        assert_eq!(r.header("x-github-event").as_deref(), Some("push"));
    }
}

/// A child process that is killed when the test ends, passed or not.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
