//! The inspector page in a real headless Chromium, driven by
//! `tests/browser/inspector.mjs` (playwright-core): captures appear live, the
//! detail view renders JSON, forms and binary, request data stays text, the
//! token the page was opened with reaches the API and the feed, and
//! when the listener restarts on the same store and port the page reconnects
//! by itself and goes on without a reload.
//!
//! Needs `/usr/bin/chromium` (or `WHISPER_CHROMIUM`), `node`, and
//! `npm ci` in `tests/browser`; `.ci/run` installs them. Without them the test
//! is skipped with a message, except under CI (`CI` set), where it fails.
//! `WHISPER_SCREENSHOT=docs/inspector.png` also refreshes the README's
//! screenshot.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::util::{Env, Listener, post_json};

/// Why the browser test cannot run here, if it cannot.
fn missing_tools(dir: &Path) -> Option<String> {
    let chromium = std::env::var_os("WHISPER_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if !chromium.exists() {
        return Some(format!("{} is missing", chromium.display()));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is missing".into());
    }
    if !dir.join("node_modules/playwright-core").is_dir() {
        return Some(format!("run `npm ci` in {}", dir.display()));
    }
    None
}

#[test]
fn page_shows_captures_live_and_survives_a_restart() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if let Some(reason) = missing_tools(&dir) {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
        assert!(!ci, "the browser test must run in CI, but {reason}");
        eprintln!("skipping the browser test: {reason}");
        return;
    }

    let env = Env::new();
    // The page passes the token it was opened with on to the API and the feed.
    const TOKEN: &str = "browser-test-token";
    // The secrets the script signs with (the GitHub one on purpose not).
    let first = env.listen(&[
        "--token",
        TOKEN,
        "--secret",
        "stripe=whsec_whisperDemoSecret",
        "--secret",
        "github=the-configured-secret",
    ]);
    let port = first.inspector.port().to_string();
    let mut node = Command::new("node");
    node.arg(dir.join("inspector.mjs"))
        .arg(format!("http://{}/?token={TOKEN}", first.inspector))
        .arg(format!("http://{}", first.receiver))
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(path) = std::env::var_os("WHISPER_SCREENSHOT") {
        node.env(
            "WHISPER_SCREENSHOT",
            Path::new(env!("CARGO_MANIFEST_DIR")).join(path),
        );
    }
    let mut node = node.spawn().expect("node starts");
    let mut stdin = node.stdin.take().unwrap();
    let (tx, steps) = mpsc::channel::<Value>();
    let stdout = node.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let value = serde_json::from_str(&line).unwrap_or_else(|_| json!({ "noise": line }));
            if tx.send(value).is_err() {
                break;
            }
        }
    });
    let stderr = node.stderr.take().unwrap();
    let node_errors = std::thread::spawn(move || {
        let mut text = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            text.push_str(&line);
            text.push('\n');
        }
        text
    });
    let step = |name: &str| -> Value {
        loop {
            let value = steps
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| panic!("the browser script did not reach step {name:?}"));
            assert!(
                value.get("error").is_none(),
                "browser script failed: {value:#}"
            );
            if value["step"] == name {
                return value;
            }
        }
    };

    let shown = step("first");
    assert_eq!(
        shown["injected"]["flag"],
        Value::Null,
        "no script from request data ran"
    );
    assert_eq!(
        shown["injected"]["elements"], 0,
        "no markup from request data"
    );
    let detail = shown["detail"].as_str().unwrap();
    assert!(
        detail.contains("/hooks/stripe?account=acct_1Nv0"),
        "{detail}"
    );
    assert!(detail.contains("stripe-signature"), "{detail}");
    assert!(detail.contains("✓ valid"), "{detail}");
    let replayed = shown["replayed"].as_str().unwrap();
    assert!(
        replayed.contains("replay") && replayed.contains("200"),
        "{replayed}"
    );
    assert_eq!(
        shown["visible"], 2,
        "the filter box leaves the Stripe capture and its replay"
    );
    assert_eq!(
        shown["stacked"], true,
        "a narrow window stacks list and detail"
    );

    // Stop the listener; the page notices.
    let status = first.interrupt();
    assert!(status.success());
    writeln!(stdin, "{}", json!({ "stopped": true })).unwrap();
    step("reconnecting");

    // Start it again on the same store and inspector port, and store a
    // capture before the page is back: it must arrive through the resume.
    let second = Listener::spawn(env.cmd(&[
        "listen",
        "--port",
        "0",
        "--inspect-port",
        &port,
        "--json",
        "--token",
        TOKEN,
    ]));
    assert_eq!(second.inspector.port().to_string(), port);
    let missed = post_json(second.receiver, "/hooks/while-away", "{}").json()["id"]
        .as_i64()
        .unwrap();
    writeln!(
        stdin,
        "{}",
        json!({ "receiver": format!("http://{}", second.receiver), "id": missed })
    )
    .unwrap();
    let done = step("done");
    assert_eq!(done["sameDocument"], true, "no reload");
    assert_eq!(done["reconnects"], 1);
    let rows: Vec<i64> = done["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let live = done["live"].as_i64().unwrap();
    assert_eq!(rows[..2], [live, missed], "newest first, nothing twice");
    let mut unique = rows.clone();
    unique.dedup();
    assert_eq!(unique, rows);
    let errors: Vec<&str> = done["log"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l.as_str())
        .filter(|l| l.starts_with("pageerror"))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    drop(stdin);
    let status = node.wait().unwrap();
    assert!(status.success(), "node: {}", node_errors.join().unwrap());
}
