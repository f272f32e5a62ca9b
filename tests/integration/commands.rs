//! The everyday commands: list, show, clear, their errors and the configuration.

use std::process::Stdio;

use crate::util::{Env, post_json, request};

#[test]
fn unknown_id_is_exit_1_with_the_newest_id() {
    let env = Env::new();
    let out = env.run(&["show", "42"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "whisper: error: no capture 42 (the store is empty)\n"
    );
    let out = env.run(&["show", "last"]);
    assert_eq!(out.status.code(), Some(1));

    let listener = env.listen(&[]);
    for _ in 0..17 {
        post_json(listener.receiver, "/x", "{}");
    }
    let out = env.run(&["show", "42"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "whisper: error: no capture 42 (newest is 17)\n"
    );
    let out = env.run(&["show", "banana"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn list_filters_and_limits() {
    let env = Env::new();
    let listener = env.listen(&[]);
    for (method, path) in [
        ("POST", "/stripe/a"),
        ("GET", "/stripe/b"),
        ("POST", "/github/c"),
        ("POST", "/stripe/d?x=1"),
    ] {
        request(listener.receiver, method, path, &[], b"");
    }
    let targets = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["list", "--json"];
        all.extend_from_slice(args);
        env.json(&all)
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["target"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        targets(&[]),
        ["/stripe/d?x=1", "/github/c", "/stripe/b", "/stripe/a"]
    );
    assert_eq!(targets(&["--limit", "2"]), ["/stripe/d?x=1", "/github/c"]);
    assert_eq!(targets(&["--method", "get"]), ["/stripe/b"]);
    assert_eq!(
        targets(&["--path", "/stripe/*"]),
        ["/stripe/d?x=1", "/stripe/b", "/stripe/a"]
    );
    assert_eq!(
        targets(&["--path", "/stripe/*", "--method", "POST"]),
        ["/stripe/d?x=1", "/stripe/a"]
    );

    let table = String::from_utf8(env.ok(&["list"])).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("ID"), "{table}");
    assert_eq!(lines.len(), 5);
    assert!(
        lines[1].trim_start().starts_with('4') && lines[1].ends_with("/stripe/d?x=1"),
        "{table}"
    );
    assert!(!table.contains('\x1b'), "no colours into a pipe");
}

#[test]
fn show_escapes_terminal_controls_but_exact_forms_stay_exact() {
    let env = Env::new();
    let listener = env.listen(&[]);
    // HTTP itself refuses raw control bytes in header fields, but not the C1
    // CSI (U+009B) or a right-to-left override sent as UTF-8; bodies carry anything.
    let r = request(
        listener.receiver,
        "POST",
        "/esc",
        &[
            ("X-Evil", "\u{9b}2J \u{202e}txt.exe"),
            ("Content-Type", "text/plain"),
        ],
        b"line\x1b[31m red\x07\n",
    );
    assert_eq!(r.status, 200);
    let text = String::from_utf8(env.ok(&["show", "last"])).unwrap();
    for bad in ['\x1b', '\x07', '\u{9b}', '\u{202e}'] {
        assert!(
            !text.contains(bad),
            "{bad:?} reached the terminal: {text:?}"
        );
    }
    assert!(
        text.contains("x-evil: \\u{9b}2J \\u{202e}txt.exe"),
        "{text}"
    );
    assert!(text.contains("line\\e[31m red\\x07"), "{text}");
    let list = String::from_utf8(env.ok(&["list"])).unwrap();
    assert!(!list.contains('\x1b'));
    // --raw is the request as received, byte for byte.
    let raw = String::from_utf8(env.ok(&["show", "last", "--raw"])).unwrap();
    assert!(
        raw.starts_with("POST /esc HTTP/1.1\r\nhost: test\r\n"),
        "{raw:?}"
    );
    assert!(raw.contains("x-evil: \u{9b}2J \u{202e}txt.exe\r\n"));
    assert!(raw.ends_with("\r\n\r\nline\x1b[31m red\x07\n"));
    // --json keeps it exact too.
    let json = env.json(&["show", "last", "--json"]);
    assert_eq!(json["body"], "line\x1b[31m red\x07\n");
}

#[test]
fn curl_command_reproduces_the_request() {
    let env = Env::new();
    let listener = env.listen(&[]);
    let body: Vec<u8> = b"{\"a\":\"it's\"}\x00\xff".to_vec();
    let host = listener.receiver.to_string();
    request(
        listener.receiver,
        "PATCH",
        "/c/url?q=a%20b&r=[1]",
        &[
            ("Host", &host),
            ("X-One", "1"),
            ("X-One", "2"),
            ("X-Empty", ""),
            ("Content-Type", "application/x-thing"),
        ],
        &body,
    );
    let command = String::from_utf8(env.ok(&["show", "last", "--curl"])).unwrap();
    let status = std::process::Command::new("bash")
        .args(["-c", command.trim()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("bash and curl");
    assert!(status.success(), "{command}");
    let first = env.json(&["show", "1", "--json"]);
    let second = env.json(&["show", "2", "--json"]);
    for key in ["method", "target", "body_base64"] {
        assert_eq!(first[key], second[key], "{key} differs; command: {command}");
    }
    let names = |c: &serde_json::Value| -> Vec<serde_json::Value> {
        c["headers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h[0] != "host" && h[0] != "content-length")
            .cloned()
            .collect()
    };
    assert_eq!(names(&first), names(&second), "command: {command}");
}

#[test]
fn clear_deletes_without_asking_off_a_terminal() {
    let env = Env::new();
    let listener = env.listen(&[]);
    for _ in 0..5 {
        post_json(listener.receiver, "/c", "{}");
    }
    let out = env.run(&["clear"]);
    assert_eq!(out.status.code(), Some(2), "clear needs --all or --before");
    env.ok(&["clear", "--before", "3"]);
    let ids: Vec<i64> = env
        .json(&["list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [5, 4, 3]);
    env.ok(&["clear", "--all"]);
    assert_eq!(env.json(&["list", "--json"]), serde_json::json!([]));
    // Ids are never reused.
    assert_eq!(post_json(listener.receiver, "/c", "{}").json()["id"], 6);
}

#[test]
fn configuration_precedence_flag_env_file_default() {
    let env = Env::new();
    std::fs::write(
        env.path("work/whisper.toml"),
        "[listen]\nstatus = 201\nresponse-body = 'from file'\n",
    )
    .unwrap();
    // File over default.
    let listener = env.listen(&[]);
    let r = post_json(listener.receiver, "/p", "{}");
    assert_eq!((r.status, r.text().as_str()), (201, "from file"));
    drop(listener);
    // Flag over file.
    let listener = env.listen(&["--status", "204"]);
    assert_eq!(post_json(listener.receiver, "/p", "{}").status, 204);
    drop(listener);
    // Env over file, flag over env.
    let listener = env.listen_env(&[], &[("WHISPER_MAX_BODY_SIZE", "10")]);
    assert_eq!(
        post_json(listener.receiver, "/p", "{\"too\":\"long\"}").status,
        413
    );
    drop(listener);
    let listener = env.listen_env(
        &["--max-body-size", "1KiB"],
        &[("WHISPER_MAX_BODY_SIZE", "10")],
    );
    assert_eq!(
        post_json(listener.receiver, "/p", "{\"too\":\"long\"}").status,
        201
    );
}

#[test]
fn unknown_config_keys_are_rejected_by_name() {
    let env = Env::new();
    std::fs::write(env.path("work/whisper.toml"), "[listen]\nprot = 7070\n").unwrap();
    let out = env.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown field `prot`"), "{stderr}");
    assert!(stderr.contains("whisper.toml"), "{stderr}");

    let out = env.run(&["--config", "missing.toml", "list"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn config_file_under_xdg_config_home_and_db_default() {
    let env = Env::new();
    std::fs::create_dir_all(env.path("config/whisper")).unwrap();
    std::fs::write(
        env.path("config/whisper/config.toml"),
        "db = 'elsewhere.db'\n",
    )
    .unwrap();
    let listener = env.listen(&[]);
    assert_eq!(listener.db, env.path("config/whisper/elsewhere.db"));
}

#[test]
fn usage_errors_exit_2() {
    let env = Env::new();
    for args in [
        &["listen", "--status", "99"][..],
        &["listen", "--max-body-size", "lots"],
        &["listen", "--delay", "soon"],
        &["listen", "--host", "not an address"],
        &["frobnicate"],
    ] {
        assert_eq!(env.run(args).status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn broken_pipe_is_not_an_error() {
    let env = Env::new();
    let listener = env.listen(&[]);
    for _ in 0..50 {
        post_json(listener.receiver, "/p", "{}");
    }
    let status = std::process::Command::new("bash")
        .args([
            "-c",
            &format!(
                "set -o pipefail; '{}' list --limit 50 | head -1 >/dev/null",
                crate::util::BIN
            ),
        ])
        .env("HOME", env.path("home"))
        .env("XDG_DATA_HOME", env.path("data"))
        .current_dir(env.path("work"))
        .status()
        .unwrap();
    assert!(status.success());
}
