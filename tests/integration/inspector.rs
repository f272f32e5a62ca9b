//! The inspector's JSON API, its page, and its access rules: token, Host,
//! Origin, CORS, and the refusal to listen beyond loopback without a token.

use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::sse::{Sse, call, inspect};
use crate::target::{Reply, Target};
use crate::util::{Env, Listener, post_json, request};

#[test]
fn api_lists_pages_filters_and_shows_captures() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let r = listener.receiver;
    let mut ids = Vec::new();
    for n in 0..7 {
        let path = if n % 2 == 0 {
            "/stripe/events"
        } else {
            "/github/push"
        };
        ids.push(
            post_json(r, path, &format!(r#"{{"n":{n}}}"#)).json()["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let binary: Vec<u8> = (0..=255u8).rev().collect();
    let upload = request(
        r,
        "PUT",
        "/upload",
        &[("Content-Type", "image/x-test; q=1")],
        &binary,
    );
    let upload_id = upload.json()["id"].as_i64().unwrap();

    let all = inspect(listener.inspector, "/api/requests", &[]);
    assert_eq!(all.status, 200);
    assert_eq!(all.header("content-type"), Some("application/json"));
    let all = all.json();
    let listed: Vec<i64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    let mut newest_first: Vec<i64> = ids.iter().copied().chain([upload_id]).collect();
    newest_first.reverse();
    assert_eq!(listed, newest_first);
    // The same summaries as `list --json`.
    assert_eq!(all, env.json(&["list", "--json"]));

    let page = inspect(listener.inspector, "/api/requests?limit=3", &[]).json();
    assert_eq!(page.as_array().unwrap().len(), 3);
    let next = inspect(
        listener.inspector,
        &format!("/api/requests?limit=3&before={}", page[2]["id"]),
        &[],
    )
    .json();
    assert_eq!(next[0]["id"], newest_first[3]);
    let stripe = inspect(
        listener.inspector,
        "/api/requests?path=/stripe/*&method=POST",
        &[],
    )
    .json();
    assert_eq!(stripe.as_array().unwrap().len(), 4);
    assert!(
        stripe
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["path"] == "/stripe/events")
    );
    assert_eq!(
        inspect(listener.inspector, "/api/requests?verdict=valid", &[]).json(),
        serde_json::json!([])
    );
    assert_eq!(
        inspect(listener.inspector, "/api/requests?limit=ten", &[]).status,
        400
    );

    let one = inspect(
        listener.inspector,
        &format!("/api/requests/{}", ids[1]),
        &[],
    );
    assert_eq!(one.status, 200);
    assert_eq!(
        one.json(),
        env.json(&["show", &ids[1].to_string(), "--json"])
    );
    let last = inspect(listener.inspector, "/api/requests/last", &[]).json();
    assert_eq!(last["id"], upload_id);
    assert_eq!(last["body_base64"], BASE64.encode(&binary));

    let body = inspect(
        listener.inspector,
        &format!("/api/requests/{upload_id}/body"),
        &[],
    );
    assert_eq!(body.status, 200);
    assert_eq!(body.body, binary, "exact bytes");
    assert_eq!(body.header("content-type"), Some("image/x-test; q=1"));
    assert_eq!(body.header("x-content-type-options"), Some("nosniff"));
    assert!(
        body.header("content-security-policy")
            .unwrap()
            .contains("sandbox")
    );

    let missing = inspect(listener.inspector, "/api/requests/999", &[]);
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json()["error"],
        format!("no capture 999 (newest is {upload_id})")
    );
    assert_eq!(
        inspect(listener.inspector, "/api/requests/999/body", &[]).status,
        404
    );
    assert_eq!(
        inspect(listener.inspector, "/api/requests/abc", &[]).status,
        400
    );
    let nowhere = inspect(listener.inspector, "/nowhere", &[]);
    assert_eq!(nowhere.status, 404);
    assert!(nowhere.json()["error"].is_string());
    let own = format!("http://{}", listener.inspector);
    let wrong = call(
        listener.inspector,
        "DELETE",
        "/api/requests",
        &[("Origin", &own)],
        b"",
    );
    assert_eq!(wrong.status, 405);
}

#[test]
fn page_is_served_self_contained() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let page = inspect(listener.inspector, "/", &[]);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    let html = page.text();
    assert!(html.contains("EventSource"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no external resources"
    );
    let health = request(listener.inspector, "GET", "/healthz", &[], b"");
    assert_eq!(health.status, 200);
}

#[test]
fn token_is_required_everywhere_but_healthz() {
    let env = Env::new();
    let token = "tok-3f9a7c1e";
    let listener = env.listen(&["--token", token]);
    let i = listener.inspector;
    for target in ["/", "/api/requests", "/api/requests/last", "/events"] {
        let denied = inspect(i, target, &[]);
        assert_eq!(denied.status, 401, "{target}");
        assert!(denied.json()["error"].as_str().unwrap().contains("token"));
        assert!(
            denied
                .header("www-authenticate")
                .unwrap()
                .starts_with("Bearer")
        );
        assert_eq!(
            inspect(i, target, &[("Authorization", "Bearer wrong")]).status,
            401
        );
    }
    assert_eq!(inspect(i, "/api/requests?token=wrong", &[]).status, 401);
    assert_eq!(inspect(i, "/api/requests?token=", &[]).status, 401);
    let bearer = format!("Bearer {token}");
    assert_eq!(
        inspect(i, "/api/requests", &[("Authorization", &bearer)]).status,
        200
    );
    assert_eq!(
        inspect(i, &format!("/api/requests?token={token}"), &[]).status,
        200
    );
    assert_eq!(inspect(i, &format!("/?token={token}"), &[]).status, 200);
    assert_eq!(inspect(i, "/healthz", &[]).status, 200);

    // EventSource cannot set headers: ?token= works for the feed.
    let mut sse = Sse::open(i, &format!("/events?token={token}"), &[]);
    assert_eq!(sse.status, 200);
    let id = post_json(listener.receiver, "/t", "{}").json()["id"]
        .as_i64()
        .unwrap();
    assert_eq!(sse.capture_ids(1), [id]);

    // With a token, other host names are fine (the token is the protection).
    let other_host = request(
        i,
        "GET",
        "/api/requests",
        &[("Host", "whisper.lan:7071"), ("Authorization", &bearer)],
        b"",
    );
    assert_eq!(other_host.status, 200);

    // The token is never printed.
    drop(sse);
    let stderr = listener.stderr();
    let status = listener.interrupt();
    assert!(status.success());
    assert!(!stderr.contains(token));
    let help = env.run(&["listen", "--help"]);
    assert!(!String::from_utf8_lossy(&help.stdout).contains(token));
}

#[test]
fn token_from_environment_and_help_hides_it() {
    let env = Env::new();
    let mut cmd = env.cmd(&["listen", "--port", "0", "--inspect-port", "0", "--json"]);
    cmd.env("WHISPER_TOKEN", "env-token-77");
    let listener = Listener::spawn(cmd);
    assert_eq!(
        inspect(listener.inspector, "/api/requests", &[]).status,
        401
    );
    assert_eq!(
        inspect(listener.inspector, "/api/requests?token=env-token-77", &[]).status,
        200
    );
    let help = env
        .cmd(&["listen", "--help"])
        .env("WHISPER_TOKEN", "env-token-77")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("WHISPER_TOKEN") && !help.contains("env-token-77"),
        "{help}"
    );
}

#[test]
fn without_a_token_only_loopback_names_are_answered() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let i = listener.inspector;
    for host in [
        "127.0.0.1:7071",
        "localhost:7071",
        "[::1]:7071",
        "app.localhost",
    ] {
        let ok = request(i, "GET", "/api/requests", &[("Host", host)], b"");
        assert_eq!(ok.status, 200, "{host}");
    }
    // What a page reaching the inspector through DNS rebinding would send.
    let rebound = request(
        i,
        "GET",
        "/api/requests",
        &[("Host", "evil.test:7071")],
        b"",
    );
    assert_eq!(rebound.status, 403);
    assert!(
        rebound.json()["error"]
            .as_str()
            .unwrap()
            .contains("--token")
    );
}

#[test]
fn changes_need_the_inspectors_own_origin() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let i = listener.inspector;
    let id = post_json(listener.receiver, "/o", "{}").json()["id"]
        .as_i64()
        .unwrap();
    let target = format!("/api/requests/{id}/replay");
    let own = format!("http://{i}");
    for origin in [
        None,
        Some("http://evil.test"),
        Some("null"),
        Some("http://localhost:1"),
    ] {
        let headers: Vec<(&str, &str)> = origin.iter().map(|o| ("Origin", *o)).collect();
        let denied = call(i, "POST", &target, &headers, b"{}");
        assert_eq!(denied.status, 403, "{origin:?}");
        assert!(denied.json()["error"].as_str().unwrap().contains("Origin"));
    }
    let allowed = call(i, "POST", &target, &[("Origin", &own)], b"{}");
    assert!(![401, 403].contains(&allowed.status), "{}", allowed.status);
    // With the right Origin, the usual answers follow.
    let unknown = call(
        i,
        "POST",
        "/api/requests/999/replay",
        &[("Origin", &own)],
        b"{}",
    );
    assert_eq!(unknown.status, 404);
    let bad = call(i, "POST", &target, &[("Origin", &own)], b"{\"to\": 5}");
    assert_eq!(bad.status, 400);
    // GET is not a change: no Origin needed.
    assert_eq!(call(i, "GET", "/api/requests", &[], b"").status, 200);
}

#[test]
fn cors_origin_may_subscribe_and_change() {
    let env = Env::new();
    let app = "http://localhost:3000";
    let listener = env.listen(&["--cors", "http://LOCALHOST:3000/"]);
    let i = listener.inspector;
    let list = inspect(i, "/api/requests", &[("Origin", app)]);
    assert_eq!(list.header("access-control-allow-origin"), Some(app));
    let sse = Sse::open(i, "/events", &[("Origin", app)]);
    assert_eq!(sse.header("access-control-allow-origin"), Some(app));

    let preflight = call(
        i,
        "OPTIONS",
        "/api/requests/1/replay",
        &[
            ("Origin", app),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        b"",
    );
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some(app));
    assert!(
        preflight
            .header("access-control-allow-methods")
            .unwrap()
            .contains("POST")
    );
    assert!(
        preflight
            .header("access-control-allow-headers")
            .unwrap()
            .contains("content-type")
    );

    let id = post_json(listener.receiver, "/c", "{}").json()["id"]
        .as_i64()
        .unwrap();
    let change = call(
        i,
        "POST",
        &format!("/api/requests/{id}/replay"),
        &[("Origin", app)],
        b"",
    );
    assert!(![401, 403].contains(&change.status), "{}", change.status);
    let other = call(
        i,
        "POST",
        &format!("/api/requests/{id}/replay"),
        &[("Origin", "http://localhost:4000")],
        b"",
    );
    assert_eq!(other.status, 403);

    // Without --cors there is no CORS header.
    let plain = env.listen(&[]);
    let list = inspect(plain.inspector, "/api/requests", &[("Origin", app)]);
    assert_eq!(list.header("access-control-allow-origin"), None);

    let out = env.run(&[
        "listen",
        "--port",
        "0",
        "--inspect-port",
        "0",
        "--cors",
        "localhost:3000",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--cors"));
}

#[test]
fn non_loopback_inspector_needs_a_token() {
    let env = Env::new();
    let out = env.run(&[
        "listen",
        "--port",
        "0",
        "--inspect-port",
        "0",
        "--inspect-host",
        "0.0.0.0",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("whisper: error:"), "{stderr}");
    assert!(
        stderr.contains("0.0.0.0") && stderr.contains("--token"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "nothing was started");

    let listener = env.listen(&["--inspect-host", "0.0.0.0", "--token", "t0ken-x"]);
    assert!(listener.inspector.ip().is_unspecified());
    let local = SocketAddr::from(([127, 0, 0, 1], listener.inspector.port()));
    assert_eq!(inspect(local, "/api/requests", &[]).status, 401);
    assert_eq!(
        inspect(local, "/api/requests?token=t0ken-x", &[]).status,
        200
    );
}

#[test]
fn token_and_cors_from_the_config_file() {
    let env = Env::new();
    std::fs::write(env.path("work/token.txt"), "file-token-5\n").unwrap();
    std::fs::write(
        env.path("work/whisper.toml"),
        "[listen]\ntoken = \"@token.txt\"\ncors = \"http://localhost:5173\"\n",
    )
    .unwrap();
    let listener = env.listen(&[]);
    let i = listener.inspector;
    assert_eq!(inspect(i, "/api/requests", &[]).status, 401);
    let ok = inspect(i, "/api/requests?token=file-token-5", &[]);
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("http://localhost:5173")
    );
}

#[test]
fn replay_sends_the_capture_and_reports_the_attempt() {
    let env = Env::new();
    let target = Target::start(Reply {
        body: "thanks",
        ..Reply::default()
    });
    let listener = env.listen(&[]);
    let i = listener.inspector;
    let own = format!("http://{i}");
    let body = r#"{"type":"invoice.paid"}"#;
    let id = post_json(listener.receiver, "/hooks/stripe?x=1", body).json()["id"]
        .as_i64()
        .unwrap();
    let mut all = Sse::open(i, "/events", &[]);
    let mut other = Sse::open(i, "/events?path=/other/*", &[]);
    let replay = format!("/api/requests/{id}/replay");

    let none = call(i, "POST", &replay, &[("Origin", &own)], b"{}");
    assert_eq!(none.status, 400, "no --forward and no `to`");
    assert!(none.json()["error"].as_str().unwrap().contains("target"));

    let to = format!(r#"{{"to":"{}"}}"#, target.url());
    let done = call(
        i,
        "POST",
        &replay,
        &[("Origin", &own), ("Content-Type", "application/json")],
        to.as_bytes(),
    );
    assert_eq!(done.status, 200, "{}", done.text());
    let attempts = done.json();
    let attempt = &attempts[0];
    assert_eq!(attempts.as_array().unwrap().len(), 1);
    assert_eq!(attempt["kind"], "replay");
    assert_eq!(attempt["capture_id"], id);
    assert_eq!(attempt["status"], 200);
    assert_eq!(attempt["response_body"], "thanks");
    assert_eq!(
        attempt["target"],
        format!("{}/hooks/stripe?x=1", target.url())
    );
    assert!(attempt["id"].is_i64());
    // The target got the same request.
    let got = target.wait_for(1, Duration::from_secs(10));
    assert_eq!(got[0].body, body.as_bytes());
    assert_eq!(got[0].target, "/hooks/stripe?x=1");

    // The feed announces it as an `attempt` event without an id: line.
    let event = all.next().unwrap();
    assert_eq!(event.event, "attempt");
    assert_eq!(event.id, None);
    assert_eq!(&event.json(), attempt);
    // A filtered stream leaves out attempts of captures it does not show.
    let later = post_json(listener.receiver, "/other/x", "{}").json()["id"]
        .as_i64()
        .unwrap();
    let next = other.next().unwrap();
    assert_eq!(
        (next.event.as_str(), next.id),
        ("capture", Some(later.to_string()))
    );
    // And the capture's JSON now lists the attempt.
    let shown = inspect(i, &format!("/api/requests/{id}"), &[]).json();
    assert_eq!(&shown["attempts"][0], attempt);

    // Nothing listens: 502 with the error, and the failed attempt is recorded.
    let gone = target.stop();
    let down = call(
        i,
        "POST",
        &replay,
        &[("Origin", &own)],
        format!(r#"{{"to":"http://{gone}/"}}"#).as_bytes(),
    );
    assert_eq!(down.status, 502, "{}", down.text());
    let down = down.json();
    assert!(
        down["error"].as_str().unwrap().contains("refused"),
        "{down}"
    );
    assert!(down["attempts"][0]["error"].is_string());

    let bad = call(
        i,
        "POST",
        &replay,
        &[("Origin", &own)],
        br#"{"to":"ftp://x"}"#,
    );
    assert_eq!(bad.status, 400);
    let unknown = call(
        i,
        "POST",
        "/api/requests/999/replay",
        &[("Origin", &own)],
        b"",
    );
    assert_eq!(unknown.status, 404);
}

#[test]
fn forward_results_arrive_as_attempt_events() {
    let env = Env::new();
    let target = Target::start(Reply::default());
    let listener = env.listen(&["--forward", &target.url()]);
    let mut sse = Sse::open(listener.inspector, "/events", &[]);
    let id = post_json(listener.receiver, "/fwd", "{}").json()["id"]
        .as_i64()
        .unwrap();
    let capture = sse.next().unwrap();
    assert_eq!(capture.event, "capture");
    let attempt = sse.next().unwrap();
    assert_eq!(attempt.event, "attempt");
    assert_eq!(attempt.id, None, "Last-Event-ID stays a capture id");
    let json = attempt.json();
    assert_eq!(json["capture_id"], id);
    assert_eq!(json["kind"], "forward");
    assert_eq!(json["status"], 200);
}
