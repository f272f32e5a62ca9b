//! The receiver: what it stores, what it answers, how it starts and stops.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::util::{Conn, Env, post_json, request, wait_timeout};

#[test]
fn binary_body_query_and_repeated_header_round_trip() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let body: Vec<u8> = (0..=255u8).collect();
    let response = request(
        listener.receiver,
        "PUT",
        "/upload/bin?x=1&y=%20two",
        &[
            ("Content-Type", "application/octet-stream"),
            ("X-Repeat", "first"),
            ("X-Repeat", "second"),
        ],
        &body,
    );
    assert_eq!(response.status, 200);
    let id = response.json()["id"].as_i64().unwrap();
    assert_eq!(
        response.header("x-whisper-id"),
        Some(id.to_string().as_str())
    );

    assert_eq!(env.ok(&["show", &id.to_string(), "--body"]), body);
    let json = env.json(&["show", "last", "--json"]);
    assert_eq!(json["id"], id);
    assert_eq!(json["method"], "PUT");
    assert_eq!(json["target"], "/upload/bin?x=1&y=%20two");
    assert_eq!(json["path"], "/upload/bin");
    assert_eq!(json["query"], "x=1&y=%20two");
    assert_eq!(json["http_version"], "HTTP/1.1");
    assert!(json["body"].is_null(), "a non-UTF-8 body has body: null");
    assert_eq!(json["body_base64"], BASE64.encode(&body));
    assert_eq!(json["body_size"], 256);
    assert_eq!(json["source"], "listen");
    assert_eq!(json["response"]["status"], 200);
    let repeats: Vec<&str> = json["headers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h[0] == "x-repeat")
        .map(|h| h[1].as_str().unwrap())
        .collect();
    assert_eq!(repeats, ["first", "second"]);
    assert!(json["received_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(json["attempts"], serde_json::json!([]));
}

#[test]
fn json_stream_reports_each_capture() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let response = post_json(listener.receiver, "/hook?a=b", r#"{"n":1}"#);
    let event = listener
        .next_event("capture", Duration::from_secs(10))
        .expect("a capture event");
    assert_eq!(event["id"], response.json()["id"]);
    assert_eq!(event["method"], "POST");
    assert_eq!(event["target"], "/hook?a=b");
    assert_eq!(event["body_size"], 7);
    assert_eq!(event["content_type"], "application/json");
}

#[test]
fn answer_is_configurable() {
    let env = Env::new();
    std::fs::write(env.path("work/answer.txt"), "accepted, thanks").unwrap();
    let listener = env.listen(&[
        "--status",
        "202",
        "--response-body",
        "@answer.txt",
        "--response-header",
        "X-Custom: yes",
        "--delay",
        "300ms",
    ]);
    let started = std::time::Instant::now();
    let response = post_json(listener.receiver, "/x", "{}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status, 202);
    assert_eq!(response.text(), "accepted, thanks");
    assert_eq!(response.header("x-custom"), Some("yes"));
    assert_eq!(
        response.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(response.header("x-whisper-id").is_some());
    assert_eq!(
        env.json(&["show", "last", "--json"])["response"]["status"],
        202
    );
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let mut conn = Conn::open(listener.receiver);
    let mut ids = Vec::new();
    for i in 0..20 {
        let r = conn
            .send("POST", &format!("/k/{i}"), &[], format!("{i}").as_bytes())
            .unwrap();
        assert_eq!(r.status, 200);
        ids.push(r.json()["id"].as_i64().unwrap());
    }
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "ids are monotonic: {ids:?}"
    );
    let head = conn.send("GET", "/anything/at/all", &[], b"").unwrap();
    assert_eq!(head.status, 200);
}

#[test]
fn oversized_body_is_refused_unread_and_memory_stays_flat() {
    let env = Env::new();
    let listener = env.listen(&["--max-body-size", "1MiB"]);
    // Warm up so the baseline includes the runtime's own allocations.
    post_json(listener.receiver, "/warm", "{}");
    let before = listener.rss_kib();

    // A declared 512 MiB body is answered at once, before any body byte is sent.
    let mut conn = Conn::open(listener.receiver);
    let response = conn
        .raw(b"POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 536870912\r\n\r\n")
        .unwrap();
    assert_eq!(response.status, 413);
    assert!(
        response.text().contains("--max-body-size"),
        "{}",
        response.text()
    );

    // A chunked body with no declared size is cut off at the limit: keep
    // writing 64 MiB; the server stops reading and closes.
    use std::io::Write as _;
    let mut conn = Conn::open(listener.receiver);
    conn.stream()
        .write_all(b"POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut header = format!("{:x}\r\n", chunk.len()).into_bytes();
    header.extend_from_slice(&chunk);
    header.extend_from_slice(b"\r\n");
    let mut written = 0usize;
    for _ in 0..1024 {
        if conn.stream().write_all(&header).is_err() {
            break;
        }
        written += chunk.len();
    }
    let response = conn.read_response().unwrap();
    assert_eq!(response.status, 413);
    assert!(
        written < 64 << 20,
        "the server kept reading ({written} bytes)"
    );

    let after = listener.rss_kib();
    assert!(
        after < before + 16 * 1024,
        "memory grew from {before} KiB to {after} KiB"
    );
    // Both refusals are recorded, without a body.
    let list = env.json(&["list", "--json"]);
    let refused: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["response"]["status"] == 413)
        .collect();
    assert_eq!(refused.len(), 2, "{list}");
    assert_eq!(
        env.ok(&["show", refused[0]["id"].to_string().as_str(), "--body"]),
        b""
    );
}

#[test]
fn unwritable_store_gives_503_never_2xx() {
    let env = Env::new();
    let dir = env.path("store");
    let db = dir.join("w.db");
    let listener = env.listen(&["--db", db.to_str().unwrap()]);
    assert_eq!(post_json(listener.receiver, "/ok", "{}").status, 200);

    // The directory goes away, and a file takes its place.
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::write(&dir, "not a directory").unwrap();
    for _ in 0..3 {
        let response = post_json(listener.receiver, "/lost", "{}");
        assert_eq!(response.status, 503, "{}", response.text());
        assert!(response.text().contains("not acknowledged"));
    }
    let error = listener
        .next_event("error", Duration::from_secs(10))
        .expect("an error event");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("cannot write to the store"), "{message}");
    assert!(message.contains("removed or replaced"), "{message}");
}

#[test]
fn store_that_cannot_be_created_stops_start_up() {
    let env = Env::new();
    std::fs::write(env.path("blocker"), "a file").unwrap();
    let db = env.path("blocker/sub/w.db");
    let out = env.run(&[&crate::util::LISTEN[..], &["--db", db.to_str().unwrap()]].concat());
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("whisper: error: cannot create the store's directory"),
        "{stderr}"
    );
}

#[test]
fn busy_port_is_a_clear_runtime_error() {
    let env = Env::new();
    let first = env.listen(&[]);
    let port = first.receiver.port().to_string();
    let out = env.run(&["listen", "--port", &port, "--inspect-port", "0", "--json"]);
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot listen on"), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
}

#[test]
fn ctrl_c_lets_in_flight_requests_finish_and_be_stored() {
    let env = Env::new();
    let listener = env.listen(&["--delay", "1s"]);
    let addr = listener.receiver;
    let client = std::thread::spawn(move || post_json(addr, "/slow", r#"{"late":true}"#));
    // The request is stored before the delay starts: wait for its event.
    let event = listener
        .next_event("capture", Duration::from_secs(10))
        .expect("capture event");
    let status = listener.interrupt();
    assert!(status.success(), "exit status {status:?}");
    let response = client.join().unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["id"], event["id"]);
    assert_eq!(env.json(&["show", "last", "--json"])["path"], "/slow");
}

#[test]
fn defaults_start_without_any_configuration() {
    // The install-and-run command is `whisper listen` with embedded defaults;
    // here only the ports are freed (tests never take fixed ports).
    let env = Env::new();
    let mut child = env
        .cmd(&["listen", "--port", "0", "--inspect-port", "0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    assert!(
        first.starts_with("whisper is listening on http://127.0.0.1:"),
        "{first}"
    );
    let mut rest = String::new();
    for _ in 0..2 {
        std::io::BufRead::read_line(&mut stdout, &mut rest).unwrap();
    }
    assert!(rest.contains("inspector  http://127.0.0.1:"), "{rest}");
    assert!(rest.contains(env.db().to_str().unwrap()), "{rest}");
    crate::util::signal(child.id() as i32, "TERM");
    let status = wait_timeout(&mut child, Duration::from_secs(20)).unwrap();
    assert!(status.success());
    assert!(env.db().exists());
}

#[test]
fn inspector_answers_healthz() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let response = request(listener.inspector, "GET", "/healthz", &[], b"");
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["status"], "ok");
}

#[test]
fn malformed_http_gets_400_and_the_server_keeps_serving() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let bad: &[&[u8]] = &[
        b"THIS IS NOT HTTP\r\n\r\n",
        b"POST /x HTTP/1.1\r\nHost: t\r\nBad Header Line\r\n\r\n",
        b"POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
        b"POST /x HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
    ];
    for raw in bad {
        let mut conn = Conn::open(listener.receiver);
        let response = conn.raw(raw).unwrap();
        assert_eq!(
            response.status,
            400,
            "for {:?}",
            String::from_utf8_lossy(raw)
        );
    }
    assert_eq!(post_json(listener.receiver, "/fine", "{}").status, 200);
    // Only the good request was stored.
    let list = env.json(&["list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
}
