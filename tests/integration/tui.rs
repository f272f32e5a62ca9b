//! The terminal UI of `whisper listen`, driven in a real pseudo-terminal:
//! tmux runs the binary in a detached session (on a private server socket),
//! the test types keys with `send-keys` and reads the screen with
//! `capture-pane`. CI installs tmux; elsewhere the test skips without it.

use std::net::SocketAddr;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::util::{BIN, Env, post_json};

/// A tmux server of this test's own, killed on drop.
struct Tmux {
    socket: String,
    env: Vec<(String, String)>,
}

impl Tmux {
    /// `None` (with the reason printed) when tmux is missing outside CI.
    fn start(env: &Env) -> Option<Tmux> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "tmux is missing in CI; .ci/run installs it"
            );
            eprintln!("skipping the terminal UI test: tmux is not installed");
            return None;
        }
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "whisper-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = |rel: &str| env.path(rel).display().to_string();
        Some(Tmux {
            socket,
            env: vec![
                ("HOME".into(), path("home")),
                ("XDG_DATA_HOME".into(), path("data")),
                ("XDG_CONFIG_HOME".into(), path("config")),
                ("TERM".into(), "xterm-256color".into()),
            ],
        })
    }

    fn tmux(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new("tmux");
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy().into_owned();
            if key.starts_with("WHISPER_") || key == "TMUX" || key == "NO_COLOR" {
                cmd.env_remove(key);
            }
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)))
            .arg("-L")
            .arg(&self.socket)
            .arg("-f")
            .arg("/dev/null")
            .args(args)
            .output()
            .unwrap()
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-p", "-t", "tui"]).stdout)
            .into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "tui"];
        args.extend_from_slice(keys);
        assert!(self.tmux(&args).status.success());
    }

    /// Waits until the screen shows something `find` recognises.
    fn wait<T>(&self, what: &str, mut find: impl FnMut(&str) -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if let Some(found) = find(&screen) {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

fn quote(path: &std::path::Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

#[test]
fn listen_shows_captures_live_and_quits_with_q() {
    let env = Env::new();
    let Some(tmux) = Tmux::start(&env) else {
        return;
    };
    let script = format!(
        "cd {} && {} listen --port 0 --inspect-port 0 --db {}; echo EXIT=$?; exec sleep 600",
        quote(&env.path("work")),
        quote(std::path::Path::new(BIN)),
        quote(&env.path("tui.db")),
    );
    let started = tmux.tmux(&[
        "new-session",
        "-d",
        "-s",
        "tui",
        "-x",
        "120",
        "-y",
        "40",
        &script,
    ]);
    assert!(started.status.success(), "{started:?}");

    // The header line says where the receiver listens.
    let receiver: SocketAddr = tmux.wait("the receiver's address in the header", |screen| {
        let at = screen.find("receiver http://")? + "receiver http://".len();
        screen[at..].split_whitespace().next()?.parse().ok()
    });
    tmux.wait("the empty list", |s| {
        s.contains("Waiting for webhooks").then_some(())
    });

    let response = post_json(receiver, "/hooks/from-tmux?x=1", r#"{"hello":"terminal"}"#);
    assert_eq!(response.status, 200);
    tmux.wait("the capture in the list", |s| {
        s.contains("/hooks/from-tmux").then_some(())
    });

    // Open it and go to the Body tab.
    tmux.keys(&["Enter"]);
    tmux.keys(&["Tab"]);
    tmux.wait("the pretty body", |s| {
        s.contains(r#""hello": "terminal""#).then_some(())
    });

    // A narrower terminal stacks the detail below the list.
    let resized = tmux.tmux(&["resize-window", "-t", "tui", "-x", "80", "-y", "24"]);
    assert!(resized.status.success(), "{resized:?}");
    tmux.wait("the stacked layout", |s| {
        s.lines()
            .any(|l| l.starts_with("╭ #1 POST /hooks/from-tmux"))
            .then_some(())
    });

    tmux.keys(&["q"]);
    let screen = tmux.wait("the listener to exit", |s| {
        s.contains("EXIT=").then(|| s.to_owned())
    });
    assert!(screen.contains("EXIT=0"), "{screen}");
    // The capture was stored, and the terminal UI printed nothing once it left.
    assert!(!screen.contains("whisper: error"), "{screen}");
}
