//! Forwarding and replay, against in-process targets on port 0.

use std::time::Duration;

use crate::target::{Reply, Target};
use crate::util::{Conn, Env, post_json, request};

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn forwarded_requests_arrive_identical_without_hop_by_hop_fields() {
    let env = Env::new();
    let target = Target::start(Reply::default());
    let listener = env.listen(&["--forward", &target.url()]);
    let body: Vec<u8> = (0..=255u8).rev().collect();
    let r = request(
        listener.receiver,
        "PATCH",
        "/hooks/a/b?x=1&y=%20two",
        &[
            ("Host", "hooks.example.test"),
            ("Content-Type", "application/octet-stream"),
            ("X-Custom", "one"),
            ("X-Custom", "two"),
            ("Authorization", "Bearer app-token"),
            ("Connection", "keep-alive, X-Hop-Only"),
            ("X-Hop-Only", "drop me"),
            ("Keep-Alive", "timeout=5"),
            ("TE", "trailers"),
            ("Proxy-Authorization", "Basic Zm9vOmJhcg=="),
        ],
        &body,
    );
    assert_eq!(r.status, 200);
    let got = &target.wait_for(1, WAIT)[0];
    assert_eq!(got.method, "PATCH");
    assert_eq!(got.target, "/hooks/a/b?x=1&y=%20two");
    assert_eq!(got.body, body);
    assert_eq!(got.all("x-custom"), ["one", "two"]);
    assert_eq!(
        got.header("content-type").as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(
        got.header("authorization").as_deref(),
        Some("Bearer app-token")
    );
    for hop in [
        "connection",
        "x-hop-only",
        "keep-alive",
        "te",
        "proxy-authorization",
    ] {
        assert_eq!(got.header(hop), None, "{hop} was forwarded");
    }
    assert_eq!(got.header("host"), Some(target.addr.to_string()));
    assert_eq!(got.header("x-forwarded-for").as_deref(), Some("127.0.0.1"));
    assert_eq!(
        got.header("x-forwarded-host").as_deref(),
        Some("hooks.example.test")
    );
    assert_eq!(got.header("x-forwarded-proto").as_deref(), Some("http"));
    // Nothing the capture lacked was added (reqwest's own defaults stay out).
    for extra in ["accept", "user-agent", "accept-encoding"] {
        assert_eq!(got.header(extra), None, "{extra} was added");
    }
}

#[test]
fn the_targets_answer_is_recorded_and_a_dead_target_loses_nothing() {
    let env = Env::new();
    let target = Target::start(Reply {
        status: 201,
        body: r#"{"created":true}"#,
        headers: vec![("content-type", "application/json"), ("x-app", "1")],
        hang: false,
    });
    let dead = Target::start(Reply::default()).stop();
    let listener = env.listen(&[
        "--forward",
        &target.url(),
        "--forward",
        &format!("http://{dead}/"),
    ]);
    let r = post_json(listener.receiver, "/orders?n=1", r#"{"order":1}"#);
    assert_eq!(
        r.status, 200,
        "the sender is answered whatever the targets do"
    );
    target.wait_for(1, WAIT);
    let attempts = crate::util::wait_for("two attempts", WAIT, || {
        let c = env.json(&["show", "last", "--json"]);
        let a = c["attempts"].as_array().unwrap().clone();
        (a.len() == 2).then_some(a)
    });
    let ok = attempts
        .iter()
        .find(|a| a["status"] == 201)
        .expect("the good target's attempt");
    assert_eq!(ok["kind"], "forward");
    assert_eq!(ok["target"], format!("{}/orders?n=1", target.url()));
    assert_eq!(ok["response_body"], r#"{"created":true}"#);
    assert_eq!(ok["error"], serde_json::Value::Null);
    assert!(ok["duration_ms"].as_f64().unwrap() > 0.0);
    assert!(
        ok["response_headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h[0] == "x-app")
    );
    let failed = attempts
        .iter()
        .find(|a| a["status"].is_null())
        .expect("the dead target's attempt");
    assert_eq!(failed["error"], "connection refused");
    // The NDJSON stream reports both.
    let mut seen = Vec::new();
    while let Some(e) = listener.next_event("attempt", Duration::from_secs(5)) {
        seen.push(e);
        if seen.len() == 2 {
            break;
        }
    }
    assert_eq!(seen.len(), 2);
    // And the list shows the latest outcome.
    let list = env.json(&["list", "--json"]);
    assert!(list[0]["last_attempt"].is_object());
}

#[test]
fn retry_delivers_exactly_once_to_a_target_that_comes_up_late() {
    let env = Env::new();
    let target = Target::start_after(Reply::default(), Duration::from_secs(1));
    let listener = env.listen(&["--forward", &target.url(), "--retry", "3"]);
    let r = post_json(listener.receiver, "/late", r#"{"n":1}"#);
    assert_eq!(r.status, 200);
    let got = target.wait_for(1, WAIT);
    assert_eq!(got[0].target, "/late");
    let attempt = listener.next_event("attempt", WAIT).expect("attempt event");
    assert_eq!(attempt["status"], 200);
    // No second delivery follows.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(target.received().len(), 1);
}

#[test]
fn forward_timeout_ends_a_delivery_that_never_answers() {
    let env = Env::new();
    let target = Target::start(Reply {
        hang: true,
        ..Reply::default()
    });
    let listener = env.listen(&["--forward", &target.url(), "--forward-timeout", "500ms"]);
    assert_eq!(post_json(listener.receiver, "/hang", "{}").status, 200);
    let attempt = listener.next_event("attempt", WAIT).expect("attempt event");
    assert_eq!(attempt["error"], "timed out after 500.0 ms");
}

#[test]
fn proxy_answers_with_the_targets_response() {
    let env = Env::new();
    let target = Target::start(Reply {
        status: 418,
        body: r#"{"type":4,"data":{"content":"pong"}}"#,
        headers: vec![("content-type", "application/json"), ("x-from-app", "yes")],
        hang: false,
    });
    let listener = env.listen(&["--forward", &target.url(), "--proxy"]);
    let r = post_json(listener.receiver, "/interactions", r#"{"type":1}"#);
    assert_eq!(r.status, 418);
    assert_eq!(r.text(), r#"{"type":4,"data":{"content":"pong"}}"#);
    assert_eq!(r.header("x-from-app"), Some("yes"));
    let id = r.header("x-whisper-id").unwrap().to_owned();
    let stored = crate::util::wait_for("the stored answer", WAIT, || {
        let c = env.json(&["show", &id, "--json"]);
        (c["response"]["status"] == 418).then_some(c)
    });
    assert_eq!(stored["attempts"][0]["status"], 418);
    drop(listener);

    // A target that is down: 502 with a clear body, and the capture is kept.
    let dead = target.stop();
    let listener = env.listen(&["--forward", &format!("http://{dead}"), "--proxy"]);
    let r = post_json(listener.receiver, "/interactions", r#"{"type":1}"#);
    assert_eq!(r.status, 502);
    let error = r.json()["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains("could not reach") && error.contains("connection refused"),
        "{error}"
    );
    assert_eq!(
        env.json(&["show", "last", "--json"])["response"]["status"],
        502
    );
}

#[test]
fn routes_send_paths_to_their_own_targets() {
    let env = Env::new();
    let stripe = Target::start(Reply::default());
    let github = Target::start(Reply::default());
    let other = Target::start(Reply::default());
    std::fs::write(
        env.path("work/whisper.toml"),
        format!(
            "[listen]\nforward = [\"{}\"]\n\n[[route]]\npath = \"/stripe/*\"\nforward = [\"{}/webhooks/stripe\"]\n\n[[route]]\npath = \"/github/*\"\nmethod = \"POST\"\nforward = [\"{}\"]\n",
            other.url(),
            stripe.url(),
            github.url()
        ),
    )
    .unwrap();
    let listener = env.listen(&[]);
    post_json(listener.receiver, "/stripe/events?live=0", "{}");
    post_json(listener.receiver, "/github/push", "{}");
    request(listener.receiver, "GET", "/github/ping", &[], b"");
    assert_eq!(
        stripe.wait_for(1, WAIT)[0].target,
        "/webhooks/stripe?live=0"
    );
    assert_eq!(github.wait_for(1, WAIT)[0].target, "/github/push");
    assert_eq!(
        other.wait_for(1, WAIT)[0].target,
        "/github/ping",
        "GET matched no route"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        (
            stripe.received().len(),
            github.received().len(),
            other.received().len()
        ),
        (1, 1, 1)
    );
}

#[test]
fn replay_resigns_a_stripe_capture_with_a_fresh_timestamp() {
    let env = Env::new();
    let listener = env.listen(&["--secret", "stripe=whsec_replay"]);
    let url = format!("http://{}/hooks/stripe", listener.receiver);
    let body = r#"{"id":"evt_1","type":"invoice.paid"}"#;
    env.ok(&[
        "sign",
        "stripe",
        "--secret",
        "whsec_replay",
        "--timestamp",
        "1600000000",
        "--data",
        body,
        "--send",
        &url,
    ]);
    assert_eq!(
        env.json(&["show", "1", "--json"])["verification"]["verdict"],
        "expired"
    );

    let target = Target::start(Reply::default());
    // As captured, the old signature is still expired at the target.
    env.ok(&["replay", "1", "--to", &target.url()]);
    // Re-signed: fresh timestamp and signature, same body.
    env.ok(&[
        "replay",
        "last",
        "--to",
        &target.url(),
        "--resign",
        "--secret",
        "stripe=whsec_replay",
    ]);
    let got = target.wait_for(2, WAIT);
    let (old, fresh) = (&got[0], &got[1]);
    assert_eq!(
        old.header("stripe-signature").unwrap(),
        got[0].header("stripe-signature").unwrap()
    );
    assert!(
        old.header("stripe-signature")
            .unwrap()
            .starts_with("t=1600000000,")
    );
    let sig = fresh.header("stripe-signature").unwrap();
    assert!(!sig.starts_with("t=1600000000,"), "{sig}");
    assert_eq!(fresh.body, body.as_bytes());
    assert_eq!(fresh.target, "/hooks/stripe");
    // The verify module accepts it now, with the default 300 s tolerance.
    let out = env.run(&[
        "verify",
        "--provider",
        "stripe",
        "--secret",
        "whsec_replay",
        "-H",
        &format!("Stripe-Signature: {sig}"),
        "--data",
        body,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Both replays are attempts of the original capture.
    let attempts = env.json(&["show", "1", "--json"])["attempts"].clone();
    let kinds: Vec<&str> = attempts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["replay", "replay"]);
}

#[test]
fn replay_is_byte_exact_edits_and_reports_like_a_cli_should() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let binary: Vec<u8> = vec![0xff, 0x00, 0xfe, b'\n', 0x80];
    request(
        listener.receiver,
        "POST",
        "/bin?q=1",
        &[
            ("Content-Type", "application/octet-stream"),
            ("X-Drop", "1"),
        ],
        &binary,
    );
    for i in 2..=4 {
        post_json(
            listener.receiver,
            &format!("/n/{i}"),
            &format!("{{\"n\":{i}}}"),
        );
    }
    let target = Target::start(Reply {
        status: 404,
        body: "nope",
        ..Reply::default()
    });

    // Byte-exact binary replay, with header edits.
    env.ok(&[
        "replay",
        "1",
        "--to",
        &target.url(),
        "--set-header",
        "X-Added: yes",
        "--remove-header",
        "x-drop",
    ]);
    let got = &target.wait_for(1, WAIT)[0];
    assert_eq!(got.body, binary);
    assert_eq!(got.target, "/bin?q=1");
    assert_eq!(got.header("x-added").as_deref(), Some("yes"));
    assert_eq!(got.header("x-drop"), None);

    // A range, in order, with a new body; --json prints attempts.
    let out = env.ok(&[
        "replay",
        "2..4",
        "--to",
        &target.url(),
        "--body",
        "replaced",
        "--json",
    ]);
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        lines
            .iter()
            .map(|a| a["capture_id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [2, 3, 4]
    );
    assert!(
        lines
            .iter()
            .all(|a| a["status"] == 404 && a["kind"] == "replay")
    );
    let got = target.wait_for(4, WAIT);
    assert_eq!(
        got[1..]
            .iter()
            .map(|r| r.target.as_str())
            .collect::<Vec<_>>(),
        ["/n/2", "/n/3", "/n/4"]
    );
    assert!(got[1..].iter().all(|r| r.body == b"replaced"));

    // --fail turns a 4xx answer into exit 1; an unreachable target is exit 3.
    assert_eq!(
        env.run(&["replay", "2", "--to", &target.url(), "--fail"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        env.run(&["replay", "2", "--to", &target.url()])
            .status
            .code(),
        Some(0)
    );
    let dead = target.stop();
    let out = env.run(&["replay", "2", "--to", &format!("http://{dead}")]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("connection refused"));
    // Unknown id: exit 1, nothing sent. No target at all: exit 2. --edit off a terminal: exit 2.
    let out = env.run(&["replay", "99", "--to", "http://127.0.0.1:9/"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "whisper: error: no capture 99 (newest is 4)\n"
    );
    assert_eq!(env.run(&["replay", "2"]).status.code(), Some(2));
    assert_eq!(
        env.run(&["replay", "2", "--to", "http://127.0.0.1:9/", "--edit"])
            .status
            .code(),
        Some(2)
    );
    drop(listener);
}

#[test]
fn forwarding_never_delays_capture() {
    // A target that never answers must not hold up the senders.
    let env = Env::new();
    let target = Target::start(Reply {
        hang: true,
        ..Reply::default()
    });
    let listener = env.listen(&["--forward", &target.url()]);
    let mut conn = Conn::open(listener.receiver);
    let started = std::time::Instant::now();
    for i in 0..50 {
        assert_eq!(
            conn.send("POST", &format!("/q/{i}"), &[], b"{}")
                .unwrap()
                .status,
            200
        );
    }
    // Generous bound: 50 stored requests, not 50 forward timeouts (30 s each).
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(
        env.json(&["list", "--json", "--limit", "100"])
            .as_array()
            .unwrap()
            .len(),
        50
    );
}

#[test]
fn replays_from_another_terminal_show_up_live_once() {
    let env = Env::new();
    let target = Target::start(Reply::default());
    let listener = env.listen(&["--forward", &target.url()]);
    post_json(listener.receiver, "/live", r#"{"n":1}"#);
    let forward = listener
        .next_event("attempt", WAIT)
        .expect("the forward's attempt");
    assert_eq!(forward["kind"], "forward");
    // Another process replays it; the listener's stream announces that too.
    env.ok(&["replay", "1", "--to", &target.url()]);
    let replay = listener
        .next_event("attempt", WAIT)
        .expect("the replay's attempt");
    assert_eq!(replay["kind"], "replay");
    assert_eq!(replay["capture_id"], 1);
    assert_ne!(replay["id"], forward["id"]);
    // Nothing is announced twice.
    assert!(
        listener
            .next_event("attempt", Duration::from_millis(1500))
            .is_none()
    );
}
