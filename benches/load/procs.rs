//! The processes of a run: the servers (the baseline, and `whisper listen`)
//! pinned to one CPU, the load client pinned to the other, what `/proc` says
//! about their CPU time and memory, and the machine they run on. Every child
//! is killed when its handle is dropped, and the bench's own children also
//! exit when the driver's end of their standard input closes, so nothing
//! outlives a run.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use serde_json::Value;

/// The CPU the servers run on.
pub const SERVER_CPU: usize = 1;
/// The CPU the load client (and the timed `whisper` commands) run on.
pub const CLIENT_CPU: usize = 0;

/// The release binary under test.
pub const WHISPER: &str = env!("CARGO_BIN_EXE_whisper");

/// How long a server may take to say where it listens.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether and how processes are pinned to a CPU.
pub struct Pinning {
    taskset: Option<PathBuf>,
}

impl Pinning {
    /// Pins with `taskset` when it is installed and there are two CPUs or
    /// more, unless `wanted` is false.
    pub fn detect(wanted: bool) -> Pinning {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let taskset = (wanted && cpus >= 2)
            .then(|| find_in_path("taskset"))
            .flatten();
        Pinning { taskset }
    }

    /// `program`, to be run on `cpu` when pinning.
    pub fn command(&self, cpu: usize, program: impl AsRef<OsStr>) -> Command {
        match &self.taskset {
            Some(taskset) => {
                let mut cmd = Command::new(taskset);
                cmd.arg("-c").arg(cpu.to_string()).arg(program);
                cmd
            }
            None => Command::new(program),
        }
    }

    /// One line for the report.
    pub fn describe(&self) -> String {
        match &self.taskset {
            Some(_) => {
                format!("servers pinned to CPU {SERVER_CPU}, client to CPU {CLIENT_CPU} (taskset)")
            }
            None => {
                "not pinned (--no-pin, or no taskset, or 1 CPU): client and servers share the CPUs"
                    .into()
            }
        }
    }
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|path| path.is_file())
}

/// The children alive now and the scratch directories, for [`on_interrupt`].
static LIVE: Mutex<Vec<u32>> = Mutex::new(Vec::new());
static SCRATCH: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn track(pid: u32) {
    if let Ok(mut live) = LIVE.lock() {
        live.push(pid);
    }
}

fn untrack(pid: u32) {
    if let Ok(mut live) = LIVE.lock() {
        live.retain(|&p| p != pid);
    }
}

/// Removes `dir` too when the run is interrupted (it may hold gigabytes).
pub fn scratch(dir: &Path) {
    if let Ok(mut dirs) = SCRATCH.lock() {
        dirs.push(dir.to_path_buf());
    }
}

/// In the driver: on Ctrl-C or SIGTERM, kill the children (a terminal sends
/// Ctrl-C to them as well, a `kill` does not), remove the scratch
/// directories and exit with status 130.
pub fn on_interrupt() {
    std::thread::spawn(|| {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(interrupted());
        let pids: Vec<String> = LIVE
            .lock()
            .map(|live| live.iter().map(ToString::to_string).collect())
            .unwrap_or_default();
        if !pids.is_empty() {
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(&pids)
                .stderr(Stdio::null())
                .status();
        }
        if let Ok(dirs) = SCRATCH.lock() {
            for dir in dirs.iter() {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
        eprintln!("load: interrupted");
        std::process::exit(130);
    });
}

#[cfg(unix)]
async fn interrupted() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn interrupted() {
    let _ = tokio::signal::ctrl_c().await;
}

/// In a child of the driver: exit when the driver goes away (its end of our
/// standard input closes), so that a killed driver leaves nothing running.
pub fn exit_with_parent() {
    std::thread::spawn(|| {
        let mut stdin = std::io::stdin().lock();
        let mut buf = [0u8; 64];
        while matches!(stdin.read(&mut buf), Ok(n) if n > 0) {}
        std::process::exit(0);
    });
}

/// What a server printed after its first line, as far as it matters here.
#[derive(Default)]
pub struct Output {
    /// Lines that report an error (`{"event":"error",…}` from whisper).
    pub errors: u64,
    /// The first of them.
    pub first_error: Option<String>,
}

/// A running server; killed when dropped.
pub struct Server {
    child: Child,
    /// Held so that the bench's own servers notice when the driver ends.
    _stdin: Option<ChildStdin>,
    /// Its process id (taskset execs it, so this is the server itself).
    pub pid: u32,
    /// Where requests go, `http://127.0.0.1:PORT`.
    pub receiver: String,
    /// whisper's inspector, `http://127.0.0.1:PORT`.
    pub inspector: Option<String>,
    /// What it printed.
    pub output: Arc<Mutex<Output>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        untrack(self.pid);
        let _ = self.child.wait();
    }
}

impl Server {
    /// The bench binary itself as the bare-hyper baseline (`--sse` for fan-out).
    pub fn baseline(pin: &Pinning, sse: bool) -> anyhow::Result<Server> {
        let exe = std::env::current_exe().context("cannot find the bench binary")?;
        let mut cmd = pin.command(SERVER_CPU, exe);
        cmd.arg("--serve-baseline");
        if sse {
            cmd.arg("--sse");
        }
        cmd.stdin(Stdio::piped());
        let (mut server, first) = Server::spawn(cmd, "the baseline")?;
        server.receiver = first
            .strip_prefix("listening ")
            .with_context(|| format!("the baseline said {first:?}"))?
            .to_owned();
        Ok(server)
    }

    /// `whisper listen` on port 0 with its store in `dir`, in an environment
    /// of its own (no `WHISPER_*` variables, no configuration file).
    pub fn whisper(pin: &Pinning, dir: &Path) -> anyhow::Result<Server> {
        let mut cmd = whisper_command(pin, SERVER_CPU, dir)?;
        cmd.args([
            "listen",
            "--port",
            "0",
            "--inspect-port",
            "0",
            "--json",
            "--db",
        ])
        .arg(dir.join("w.db"))
        .stdin(Stdio::null());
        let (mut server, first) = Server::spawn(cmd, "whisper listen")?;
        let event: Value = serde_json::from_str(&first)
            .with_context(|| format!("whisper listen said {first:?}"))?;
        let url = |key: &str| {
            event[key]
                .as_str()
                .map(str::to_owned)
                .with_context(|| format!("no {key:?} in whisper's first line {first:?}"))
        };
        server.receiver = url("receiver")?;
        server.inspector = Some(url("inspector")?);
        Ok(server)
    }

    fn spawn(mut cmd: Command, name: &str) -> anyhow::Result<(Server, String)> {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot start {name}"))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().context("no stdout")?;
        let output = Arc::new(Mutex::new(Output::default()));
        let (first_tx, first_rx) = mpsc::channel();
        let sink = output.clone();
        std::thread::spawn(move || drain(stdout, &first_tx, &sink));
        let pid = child.id();
        track(pid);
        let server = Server {
            child,
            _stdin: stdin,
            pid,
            receiver: String::new(),
            inspector: None,
            output,
        };
        let first = match first_rx.recv_timeout(START_TIMEOUT) {
            Ok(line) => line,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                bail!("{name} did not say where it listens within {START_TIMEOUT:?}")
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                bail!("{name} ended before saying where it listens")
            }
        };
        Ok((server, first))
    }

    /// Resident and peak resident memory, in bytes.
    pub fn memory(&self) -> anyhow::Result<(u64, u64)> {
        memory(self.pid)
    }

    /// CPU time used so far, in clock ticks.
    pub fn cpu_ticks(&self) -> anyhow::Result<u64> {
        cpu_ticks(self.pid)
    }

    /// CPU time used so far per thread name, in clock ticks.
    pub fn thread_ticks(&self) -> anyhow::Result<BTreeMap<String, u64>> {
        thread_ticks(self.pid)
    }
}

/// Reads the server's output to the end so it never blocks on a full pipe
/// (whisper prints a line per capture): the first line goes to `first`, error
/// lines are counted.
fn drain(stdout: ChildStdout, first: &mpsc::Sender<String>, output: &Mutex<Output>) {
    let mut reader = BufReader::with_capacity(1 << 16, stdout);
    let mut line = Vec::with_capacity(4096);
    let mut is_first = true;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if is_first {
            is_first = false;
            let _ = first.send(String::from_utf8_lossy(&line).trim_end().to_owned());
        } else if line.starts_with(b"{\"event\":\"error\"")
            && let Ok(mut output) = output.lock()
        {
            output.errors += 1;
            if output.first_error.is_none() {
                output.first_error = Some(String::from_utf8_lossy(&line).trim_end().to_owned());
            }
        }
    }
}

/// `whisper` on `cpu`, in the isolated environment under `dir`.
pub fn whisper_command(pin: &Pinning, cpu: usize, dir: &Path) -> anyhow::Result<Command> {
    let mut cmd = pin.command(cpu, WHISPER);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("WHISPER_") {
            cmd.env_remove(key);
        }
    }
    for sub in ["home", "data", "config"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    cmd.env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("NO_COLOR", "1")
        .current_dir(dir);
    Ok(cmd)
}

/// Runs the bench binary as the load client with `args`, on the client CPU,
/// and returns the JSON object it prints, with its wall time added.
pub fn run_client(pin: &Pinning, args: &[String]) -> anyhow::Result<Value> {
    let exe = std::env::current_exe().context("cannot find the bench binary")?;
    let mut child = pin
        .command(CLIENT_CPU, exe)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start the load client")?;
    let pid = child.id();
    track(pid);
    // `wait_with_output` would close it first; the client must keep it.
    let stdin = child.stdin.take();
    let out = child.wait_with_output();
    untrack(pid);
    drop(stdin);
    let out = out?;
    if !out.status.success() {
        bail!("the load client failed ({})", out.status);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text
        .lines()
        .last()
        .context("the load client printed nothing")?;
    serde_json::from_str(last).with_context(|| format!("the load client printed {last:?}"))
}

/// The wall times of `runs` runs of `cmd` to its end (after one run that is
/// not counted), and the size of its output.
pub fn time_command(mut cmd: Command, runs: usize) -> anyhow::Result<(Vec<Duration>, usize)> {
    cmd.stdin(Stdio::null());
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for i in 0..=runs {
        let started = Instant::now();
        let out = cmd.output()?;
        let took = started.elapsed();
        if !out.status.success() {
            bail!(
                "{cmd:?} failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        size = out.stdout.len();
        if i > 0 {
            times.push(took);
        }
    }
    Ok((times, size))
}

/// User + system CPU time of a process (all its threads), in clock ticks.
pub fn cpu_ticks(pid: u32) -> anyhow::Result<u64> {
    stat_ticks(&format!("/proc/{pid}/stat"))
}

/// CPU time per thread name of a process, in clock ticks (threads of the
/// same name added up; threads that have ended are not counted).
pub fn thread_ticks(pid: u32) -> anyhow::Result<BTreeMap<String, u64>> {
    let mut by_name = BTreeMap::new();
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let dir = task?.path();
        // A thread may end between the listing and the reads.
        let (Ok(name), Ok(ticks)) = (
            std::fs::read_to_string(dir.join("comm")),
            stat_ticks(&dir.join("stat").to_string_lossy()),
        ) else {
            continue;
        };
        *by_name.entry(name.trim().to_owned()).or_insert(0) += ticks;
    }
    Ok(by_name)
}

fn stat_ticks(path: &str) -> anyhow::Result<u64> {
    let stat = std::fs::read_to_string(path)?;
    // Fields after the command name, which may itself hold spaces and ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .context("unexpected /proc stat file")?
        .1
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15; the list starts at field 3.
    let field = |n: usize| -> anyhow::Result<u64> {
        Ok(fields
            .get(n - 3)
            .context("short /proc stat file")?
            .parse()?)
    };
    Ok(field(14)? + field(15)?)
}

/// Clock ticks per second (for [`cpu_ticks`]).
pub fn ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

/// VmRSS and VmHWM of a process, in bytes.
pub fn memory(pid: u32) -> anyhow::Result<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib = |key: &str| -> anyhow::Result<u64> {
        let line = status
            .lines()
            .find(|l| l.starts_with(key))
            .with_context(|| format!("no {key} in /proc/{pid}/status"))?;
        let n: u64 = line[key.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()?;
        Ok(n * 1024)
    };
    Ok((kib("VmRSS:")?, kib("VmHWM:")?))
}

/// The CPU model, CPU count, memory and kernel, for the report.
pub fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU", |(_, v)| v.trim());
    let cpus = cpuinfo
        .lines()
        .filter(|l| l.starts_with("processor"))
        .count();
    let usable = std::thread::available_parallelism().map_or(1, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or_else(
            || "? GiB".into(),
            |kib| format!("{:.1} GiB", kib as f64 / 1024.0 / 1024.0),
        );
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map_or_else(|_| "?".into(), |k| k.trim().to_owned());
    format!(
        "{model}, {cpus} logical CPUs ({usable} usable), {memory} RAM, {} Linux {kernel}",
        std::env::consts::ARCH
    )
}

/// Size of a file in bytes, 0 when it does not exist.
pub fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}
