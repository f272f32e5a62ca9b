//! Test harness: an isolated environment per test (own temp dir, HOME, XDG
//! dirs and store), the real `whisper` binary started on port 0, and a small
//! HTTP/1.1 client over `TcpStream` that sends exactly the bytes a test gives.
//! Not every test uses every helper.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_whisper");

/// `whisper listen` as tests run it: any free ports, NDJSON output.
pub const LISTEN: [&str; 6] = ["listen", "--port", "0", "--inspect-port", "0", "--json"];

/// One test's private world.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["home", "data", "config", "work"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        Env { dir }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// The default store path under this env's XDG_DATA_HOME.
    pub fn db(&self) -> PathBuf {
        self.path("data/whisper/whisper.db")
    }

    /// `whisper ARGS` in this env: no inherited WHISPER_* variables, HOME and
    /// XDG dirs inside the temp dir, working directory `work/`.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("WHISPER_") {
                cmd.env_remove(key);
            }
        }
        cmd.env_remove("NO_COLOR")
            .env("HOME", self.path("home"))
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .current_dir(self.path("work"))
            .args(args);
        cmd
    }

    /// Runs `whisper ARGS` to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// Runs `whisper ARGS`, asserts exit 0, returns stdout.
    pub fn ok(&self, args: &[&str]) -> Vec<u8> {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "whisper {args:?} failed: {:?}\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    /// Runs `whisper ARGS --json` style commands and parses stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_slice(&self.ok(args)).unwrap()
    }

    /// Starts `whisper listen --json` on given ports (a restart on the ports of
    /// an earlier run).
    pub fn listen_on(&self, port: u16, inspect_port: u16) -> Listener {
        let (port, inspect_port) = (port.to_string(), inspect_port.to_string());
        Listener::spawn(self.cmd(&[
            "listen",
            "--port",
            &port,
            "--inspect-port",
            &inspect_port,
            "--json",
        ]))
    }

    /// Starts [`LISTEN`] plus `extra`.
    pub fn listen(&self, extra: &[&str]) -> Listener {
        self.listen_env(extra, &[])
    }

    /// Starts [`LISTEN`] plus `extra`, with these environment variables set.
    pub fn listen_env(&self, extra: &[&str], vars: &[(&str, &str)]) -> Listener {
        let mut cmd = self.cmd(&[&LISTEN[..], extra].concat());
        cmd.envs(vars.iter().copied());
        Listener::spawn(cmd)
    }
}

/// A running `whisper listen`, killed on drop.
pub struct Listener {
    pub child: Child,
    pub receiver: SocketAddr,
    pub inspector: SocketAddr,
    pub db: PathBuf,
    lines: mpsc::Receiver<String>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Listener {
    pub fn spawn(mut cmd: Command) -> Listener {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let stderr_pipe = child.stderr.take().unwrap();
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr_pipe).lines() {
                let Ok(line) = line else { break };
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let first = match lines.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "listener printed no first line; stderr: {}",
                    stderr.lock().unwrap()
                );
            }
        };
        let hello: Value = serde_json::from_str(&first).unwrap();
        assert_eq!(hello["event"], "listening", "{first}");
        let addr = |key: &str| -> SocketAddr {
            hello[key]
                .as_str()
                .unwrap()
                .trim_start_matches("http://")
                .parse()
                .unwrap()
        };
        Listener {
            receiver: addr("receiver"),
            inspector: addr("inspector"),
            db: PathBuf::from(hello["db"].as_str().unwrap()),
            child,
            lines,
            stderr,
        }
    }

    /// The next NDJSON event whose `event` is `kind`, waiting up to `timeout`.
    pub fn next_event(&self, kind: &str, timeout: Duration) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let line = self.lines.recv_timeout(left).ok()?;
            let value: Value = serde_json::from_str(&line).unwrap();
            if value["event"] == kind {
                return Some(value);
            }
        }
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Sends SIGINT (Ctrl-C) and waits for the exit status.
    pub fn interrupt(mut self) -> std::process::ExitStatus {
        signal(self.pid(), "INT");
        wait_timeout(&mut self.child, Duration::from_secs(30)).expect("listener did not stop")
    }

    /// Resident memory of the listener, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn signal(pid: i32, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

pub fn wait_timeout(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Polls `f` until it returns `Some`, or panics after `timeout`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A keep-alive HTTP/1.1 connection.
pub struct Conn {
    reader: BufReader<TcpStream>,
    stream: TcpStream,
}

impl Conn {
    pub fn open(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream.set_nodelay(true).unwrap();
        Conn {
            reader: BufReader::new(stream.try_clone().unwrap()),
            stream,
        }
    }

    /// Opens a connection, or `None` when nothing listens.
    pub fn open_maybe(addr: SocketAddr) -> Option<Conn> {
        let stream = TcpStream::connect(addr).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .ok()?;
        Some(Conn {
            reader: BufReader::new(stream.try_clone().ok()?),
            stream,
        })
    }

    /// Writes raw bytes and reads one response.
    pub fn raw(&mut self, request: &[u8]) -> std::io::Result<Response> {
        self.stream.write_all(request)?;
        self.read_response()
    }

    /// Sends a request with the given extra headers (Content-Length, and a Host
    /// unless given, are added) and reads the response.
    pub fn send(
        &mut self,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Response> {
        let mut req = format!("{method} {target} HTTP/1.1\r\n");
        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            req.push_str("Host: test\r\n");
        }
        for (n, v) in headers {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        self.raw(&bytes)
    }

    pub fn read_response(&mut self) -> std::io::Result<Response> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed",
            ));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h)?;
            let h = h.trim_end_matches(['\r', '\n']);
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_owned(), v.trim().to_owned()));
            }
        }
        let mut response = Response {
            status,
            headers,
            body: Vec::new(),
        };
        if let Some(len) = response.header("content-length") {
            let len: usize = len.parse().unwrap();
            let mut body = vec![0; len];
            self.reader.read_exact(&mut body)?;
            response.body = body;
        } else if response
            .header("transfer-encoding")
            .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
        {
            loop {
                let mut size = String::new();
                self.reader.read_line(&mut size)?;
                let size = usize::from_str_radix(size.trim(), 16).unwrap();
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk)?;
                if size == 0 {
                    break;
                }
                response.body.extend_from_slice(&chunk[..size]);
            }
        }
        Ok(response)
    }

    pub fn stream(&mut self) -> &mut TcpStream {
        &mut self.stream
    }
}

/// One request on a fresh connection.
pub fn request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    Conn::open(addr)
        .send(method, target, headers, body)
        .unwrap()
}

/// POSTs a JSON body; returns the response.
pub fn post_json(addr: SocketAddr, target: &str, body: &str) -> Response {
    request(
        addr,
        "POST",
        target,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    )
}
