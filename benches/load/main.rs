//! The load benchmark: `whisper listen` against a bare hyper server on the
//! same machine, in the same run, so that the ratios mean something on any
//! machine. Measured, never asserted: it prints the figures, the ratios and
//! how they compare with the targets, and exits 0 unless it could not measure.
//!
//! ```text
//! cargo bench --bench load                      # ingest + fan-out, 3 repetitions
//! cargo bench --bench load -- --fill 1000000    # a big store: memory, `whisper list`
//! ```
//!
//! One binary plays three roles. Without a role it is the driver: it starts
//! the servers, each a process pinned to CPU 1 (the baseline is this binary
//! again with `--serve-baseline`; whisper is the release binary of this
//! package), and runs every measurement as a client process pinned to CPU 0
//! (this binary with `--client ingest|fanout`). Everything binds and talks to
//! 127.0.0.1 only, and every process ends with the run.

mod baseline;
mod client;
mod opts;
mod procs;
mod report;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use serde_json::Value;

use crate::opts::Opts;
use crate::procs::{CLIENT_CPU, Pinning, Server};
use crate::report::{Spread, count, durations, met, mib, ms, percent, ratio};

const USAGE: &str = "\
usage: cargo bench --bench load -- [OPTIONS]

Compares `whisper listen` with a bare hyper server (same machine, same run):
  ingest   C keep-alive connections posting 1 KiB JSON bodies, closed loop
  fan-out  K SSE subscribers, N posts at R per second, open loop
Servers run pinned to CPU 1 and the client to CPU 0 when taskset is installed.

  --duration S       seconds of measured ingest per run         [10]
  --warmup S         unmeasured seconds before each ingest run  [1]
  --reps N           repetitions, servers interleaved in each   [3]
  --concurrency C    ingest connections                         [16]
  --subscribers K,…  fan-out subscriber counts                  [10,100]
  --count N          fan-out posts per run                      [2000]
  --rate R           fan-out posts per second                   [500]
  --body-bytes B     size of each JSON body                     [1024]
  --timeout S        fan-out: wait for late events at most      [10]
  --no-pin           run servers and client on any CPU

  --fill N           instead: post N captures to a fresh listener as fast as
                     it takes them, then report its memory and time
                     `whisper list`, `whisper list --limit 20 --json` and
                     `whisper show last` against that store
  --runs N           timed runs of each command with --fill     [20]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("load: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> anyhow::Result<()> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return Ok(());
    }
    let opts = Opts::parse(args, &["serve-baseline", "sse", "no-pin"])?;
    if opts.flag("serve-baseline") {
        return baseline::main(&opts);
    }
    if opts.flag("sse") {
        bail!("--sse goes with --serve-baseline");
    }
    if opts.str("client").is_some() {
        return client::main(&opts);
    }
    let settings = Settings::from(&opts)?;
    let pin = Pinning::detect(!opts.flag("no-pin"));
    procs::on_interrupt();
    print_header(args, &settings, &pin);
    match settings.fill {
        Some(n) => fill(&settings, &pin, n),
        None => compare(&settings, &pin),
    }
}

/// What the driver was asked to measure.
struct Settings {
    duration: Duration,
    warmup: Duration,
    reps: usize,
    concurrency: usize,
    subscribers: Vec<usize>,
    count: usize,
    rate: f64,
    body_bytes: usize,
    timeout: Duration,
    fill: Option<u64>,
    runs: usize,
    /// Clock ticks per second, for CPU times.
    ticks: f64,
}

impl Settings {
    fn from(opts: &Opts) -> anyhow::Result<Settings> {
        opts.only(&[
            "duration",
            "warmup",
            "reps",
            "concurrency",
            "subscribers",
            "count",
            "rate",
            "body-bytes",
            "timeout",
            "fill",
            "runs",
        ])?;
        let settings = Settings {
            duration: opts.secs("duration", 10.0)?,
            warmup: opts.secs("warmup", 1.0)?,
            reps: opts.num("reps", 3)?,
            concurrency: opts.num("concurrency", 16)?,
            subscribers: opts.list("subscribers", &[10, 100])?,
            count: opts.num("count", 2000)?,
            rate: opts.num("rate", 500.0)?,
            body_bytes: opts.num("body-bytes", 1024)?,
            timeout: opts.secs("timeout", 10.0)?,
            fill: opts.str("fill").map(str::parse).transpose()?,
            runs: opts.num("runs", 20)?,
            ticks: procs::ticks_per_second(),
        };
        if settings.reps == 0 || settings.concurrency == 0 || settings.duration.is_zero() {
            bail!("--reps, --concurrency and --duration must be positive");
        }
        if settings.count == 0
            || !settings.rate.is_finite()
            || settings.rate <= 0.0
            || settings.runs == 0
        {
            bail!("--count, --rate and --runs must be positive");
        }
        Ok(settings)
    }

    /// The settings the issue's targets are stated for.
    fn are_the_targets(&self) -> bool {
        self.concurrency == 16 && self.body_bytes == 1024 && self.rate == 500.0
    }
}

fn print_header(args: &[String], s: &Settings, pin: &Pinning) {
    let mut command = "cargo bench --bench load".to_owned();
    let passed: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "--bench")
        .collect();
    if !passed.is_empty() {
        command = format!("{command} -- {}", passed.join(" "));
    }
    println!("# whisper load benchmark\n");
    println!("command:  {command}");
    println!(
        "date:     {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC")
    );
    println!("machine:  {}", procs::machine());
    println!("pinning:  {}", pin.describe());
    println!(
        "whisper:  {} {}, the release build of this package",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION")
    );
    match s.fill {
        Some(n) => println!(
            "settings: fill with {} posts of {} B over {} connections, then {} timed runs of each command",
            count(n as f64),
            s.body_bytes,
            s.concurrency,
            s.runs
        ),
        None => println!(
            "settings: ingest {} connections, {} B JSON bodies, {} s warm-up + {} s; \
             fan-out {} subscribers, {} posts at {}/s; {} repetition(s)",
            s.concurrency,
            s.body_bytes,
            s.warmup.as_secs_f64(),
            s.duration.as_secs_f64(),
            s.subscribers
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" and "),
            s.count,
            s.rate,
            s.reps
        ),
    }
    println!();
}

// ------------------------------------------------------------- one run ----

/// One ingest measurement.
struct IngestRun {
    rps: f64,
    p50: f64,
    p99: f64,
    max: f64,
    errors: u64,
    first_error: Option<String>,
    load: Load,
}

/// One fan-out measurement.
struct FanoutRun {
    delivered: u64,
    expected: u64,
    lost: u64,
    dups: u64,
    p50: f64,
    p99: f64,
    max: f64,
    worst_subscriber_p99: f64,
    post_p50: f64,
    post_errors: u64,
    sub_errors: u64,
    send_rate: f64,
    first_error: Option<String>,
    load: Load,
}

fn f64_of(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

fn u64_of(v: &Value, key: &str) -> u64 {
    v[key].as_u64().unwrap_or(0)
}

/// Where the CPU time of a measurement went, as shares of one CPU over the
/// client's lifetime.
struct Load {
    server: f64,
    client: f64,
    /// The server's threads by name, busiest first.
    threads: Vec<(String, f64)>,
}

impl Load {
    fn describe(&self) -> String {
        let threads: Vec<String> = self
            .threads
            .iter()
            .filter(|(_, share)| *share >= 0.005)
            .map(|(name, share)| format!("{name} {}", percent(*share)))
            .collect();
        format!(
            "CPU server {} ({}) client {}",
            percent(self.server),
            threads.join(", "),
            percent(self.client)
        )
    }
}

/// Runs the client with `args` against `server`; returns what it printed and
/// the CPU time used meanwhile.
fn measure(
    s: &Settings,
    pin: &Pinning,
    server: &Server,
    args: &[String],
) -> anyhow::Result<(Value, Load)> {
    let before = server.cpu_ticks()?;
    let threads_before = server.thread_ticks()?;
    let started = Instant::now();
    let v = procs::run_client(pin, args)?;
    let wall = started.elapsed().as_secs_f64();
    let share = |ticks: u64| ticks as f64 / s.ticks / wall;
    let mut threads: Vec<(String, f64)> = server
        .thread_ticks()?
        .into_iter()
        .map(|(name, after)| {
            let before = threads_before.get(&name).copied().unwrap_or(0);
            let share = share(after.saturating_sub(before));
            (name, share)
        })
        .collect();
    threads.sort_by(|a, b| b.1.total_cmp(&a.1));
    let load = Load {
        server: share(server.cpu_ticks()?.saturating_sub(before)),
        client: f64_of(&v, "cpu_ticks") / s.ticks / f64_of(&v, "wall_s"),
        threads,
    };
    Ok((v, load))
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn ingest(
    s: &Settings,
    pin: &Pinning,
    server: &Server,
    path: &str,
    duration: Duration,
) -> anyhow::Result<IngestRun> {
    let mut args = strings(&["--client", "ingest", "--url"]);
    args.push(format!("{}{path}", server.receiver));
    args.extend(strings(&["--concurrency"]));
    args.push(s.concurrency.to_string());
    args.extend(strings(&["--duration"]));
    args.push(duration.as_secs_f64().to_string());
    args.extend(strings(&["--warmup"]));
    args.push(s.warmup.as_secs_f64().to_string());
    args.extend(strings(&["--body-bytes"]));
    args.push(s.body_bytes.to_string());
    let (v, load) = measure(s, pin, server, &args)?;
    Ok(IngestRun {
        rps: f64_of(&v, "rps"),
        p50: f64_of(&v, "p50_ms"),
        p99: f64_of(&v, "p99_ms"),
        max: f64_of(&v, "max_ms"),
        errors: u64_of(&v, "errors"),
        first_error: v["first_error"].as_str().map(str::to_owned),
        load,
    })
}

fn fanout(
    s: &Settings,
    pin: &Pinning,
    server: &Server,
    post_path: &str,
    subscribers: usize,
    posts: usize,
) -> anyhow::Result<FanoutRun> {
    let sse = server.inspector.as_deref().unwrap_or(&server.receiver);
    let args = vec![
        "--client".to_owned(),
        "fanout".to_owned(),
        "--post-url".to_owned(),
        format!("{}{post_path}", server.receiver),
        "--sse-url".to_owned(),
        format!("{sse}/events"),
        "--subscribers".to_owned(),
        subscribers.to_string(),
        "--count".to_owned(),
        posts.to_string(),
        "--rate".to_owned(),
        s.rate.to_string(),
        "--body-bytes".to_owned(),
        s.body_bytes.to_string(),
        "--timeout".to_owned(),
        s.timeout.as_secs_f64().to_string(),
    ];
    let (v, load) = measure(s, pin, server, &args)?;
    Ok(FanoutRun {
        delivered: u64_of(&v, "delivered"),
        expected: u64_of(&v, "expected"),
        lost: u64_of(&v, "lost"),
        dups: u64_of(&v, "dups"),
        p50: f64_of(&v, "p50_ms"),
        p99: f64_of(&v, "p99_ms"),
        max: f64_of(&v, "max_ms"),
        worst_subscriber_p99: f64_of(&v, "worst_subscriber_p99_ms"),
        post_p50: f64_of(&v, "post_p50_ms"),
        post_errors: u64_of(&v, "post_errors"),
        sub_errors: u64_of(&v, "sub_errors"),
        send_rate: f64_of(&v, "send_rate"),
        first_error: v["first_post_error"]
            .as_str()
            .or(v["first_sub_error"].as_str())
            .map(str::to_owned),
        load,
    })
}

/// Below this share of a CPU for both the server and the client, a closed-loop
/// run was held back by something else on the machine.
const BUSY: f64 = 0.75;

impl IngestRun {
    /// Neither side kept its CPU busy: other work on the machine took it.
    fn disturbed(&self) -> bool {
        self.load.server.max(self.load.client) < BUSY
    }
}

fn print_ingest(label: &str, name: &str, r: &IngestRun) {
    println!(
        "{label:<8} ingest        {name:<8}  {:>7} req/s  p50 {} p99 {} max {} ms  errors {}  {}{}{}",
        count(r.rps),
        ms(r.p50),
        ms(r.p99),
        ms(r.max),
        r.errors,
        r.load.describe(),
        r.first_error
            .as_deref()
            .map(|e| format!("  first error: {e}"))
            .unwrap_or_default(),
        if r.disturbed() {
            "  DISTURBED: neither server nor client kept its CPU busy"
        } else {
            ""
        }
    );
}

fn print_fanout(label: &str, subscribers: usize, name: &str, r: &FanoutRun) {
    println!(
        "{label:<8} fan-out {subscribers:>3}   {name:<8}  {}/{} delivered, lost {} dups {}  p50 {} p99 {} max {} ms  \
         (worst subscriber p99 {})  post p50 {} ms at {:.0}/s, errors {}/{}  {}{}",
        r.delivered,
        r.expected,
        r.lost,
        r.dups,
        ms(r.p50),
        ms(r.p99),
        ms(r.max),
        ms(r.worst_subscriber_p99),
        ms(r.post_p50),
        r.send_rate,
        r.post_errors,
        r.sub_errors,
        r.load.describe(),
        r.first_error
            .as_deref()
            .map(|e| format!("  first error: {e}"))
            .unwrap_or_default()
    );
}

// ------------------------------------------------------------- compare ----

/// Ingest and fan-out, baseline and whisper interleaved in each repetition.
fn compare(s: &Settings, pin: &Pinning) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    procs::scratch(dir.path());
    let base = Server::baseline(pin, false)?;
    let base_sse = Server::baseline(pin, true)?;
    let whisper = Server::whisper(pin, dir.path())?;
    let inspector = whisper.inspector.as_deref().unwrap_or("?");
    println!(
        "servers:  baseline {} (ingest), baseline --sse {} (fan-out), whisper {} (inspector {})\n",
        base.receiver, base_sse.receiver, whisper.receiver, inspector
    );

    // Every server once before anything counts: connections, caches, the store.
    let first_k = s.subscribers.first().copied().unwrap_or(10);
    let warm = Duration::from_secs(2);
    print_ingest(
        "warm-up",
        "baseline",
        &ingest(s, pin, &base, "/hook", warm)?,
    );
    print_ingest(
        "warm-up",
        "whisper",
        &ingest(s, pin, &whisper, "/hooks/load", warm)?,
    );
    print_fanout(
        "warm-up",
        first_k,
        "baseline",
        &fanout(s, pin, &base_sse, "/hook", first_k, 200)?,
    );
    print_fanout(
        "warm-up",
        first_k,
        "whisper",
        &fanout(s, pin, &whisper, "/hooks/fanout", first_k, 200)?,
    );
    println!();

    let mut ingests: Vec<(IngestRun, IngestRun)> = Vec::new();
    let mut fanouts: BTreeMap<usize, Vec<(FanoutRun, FanoutRun)>> = BTreeMap::new();
    for rep in 1..=s.reps {
        let label = format!("rep {rep}");
        let b = ingest(s, pin, &base, "/hook", s.duration)?;
        print_ingest(&label, "baseline", &b);
        let w = ingest(s, pin, &whisper, "/hooks/load", s.duration)?;
        print_ingest(&label, "whisper", &w);
        ingests.push((b, w));
        for &k in &s.subscribers {
            let b = fanout(s, pin, &base_sse, "/hook", k, s.count)?;
            print_fanout(&label, k, "baseline", &b);
            let w = fanout(s, pin, &whisper, "/hooks/fanout", k, s.count)?;
            print_fanout(&label, k, "whisper", &w);
            fanouts.entry(k).or_default().push((b, w));
        }
    }
    let (rss, peak) = whisper.memory()?;
    let store =
        procs::file_size(&dir.path().join("w.db")) + procs::file_size(&dir.path().join("w.db-wal"));
    let newest = newest_id(pin, dir.path())?;
    println!();
    summary(s, &ingests, &fanouts, (rss, peak), store, newest);
    report_output(&whisper);
    Ok(())
}

fn summary(
    s: &Settings,
    ingests: &[(IngestRun, IngestRun)],
    fanouts: &BTreeMap<usize, Vec<(FanoutRun, FanoutRun)>>,
    (rss, peak): (u64, u64),
    store: u64,
    newest: i64,
) {
    println!(
        "## Summary\n\nMedians of {} repetition(s), [min–max]; ratio = whisper ÷ the baseline measured in the same repetition.\n",
        s.reps
    );
    println!("| measure | baseline | whisper | ratio |");
    println!("|---|---|---|---|");
    let row = |name: &str, b: Spread, w: Spread, r: Spread, f: &dyn Fn(f64) -> String| {
        println!(
            "| {name} | {} | {} | {} |",
            b.show(f),
            w.show(f),
            r.show(ratio)
        );
    };
    let c = s.concurrency;
    let ig = |f: fn(&IngestRun) -> f64| {
        (
            Spread::of(ingests.iter().map(|(b, _)| f(b))),
            Spread::of(ingests.iter().map(|(_, w)| f(w))),
            Spread::of(ingests.iter().map(|(b, w)| f(w) / f(b))),
        )
    };
    let (b, w, r) = ig(|r| r.rps);
    row(&format!("ingest, {c} connections: req/s"), b, w, r, &count);
    let (b, w, r) = ig(|r| r.p50);
    row("ingest p50 ms", b, w, r, &ms);
    let (b, w, r) = ig(|r| r.p99);
    row("ingest p99 ms", b, w, r, &ms);
    let (b, w, r) = ig(|r| r.max);
    row("ingest max ms", b, w, r, &ms);
    let errors = |pick: fn(&(IngestRun, IngestRun)) -> &IngestRun| {
        ingests.iter().map(|p| pick(p).errors).sum::<u64>()
    };
    println!(
        "| ingest errors (all repetitions) | {} | {} | |",
        errors(|p| &p.0),
        errors(|p| &p.1)
    );
    let (b, w, _) = ig(|r| r.load.server);
    let (bc, wc, _) = ig(|r| r.load.client);
    println!(
        "| ingest CPU: server / client | {} / {} | {} / {} | |",
        percent(b.median),
        percent(bc.median),
        percent(w.median),
        percent(wc.median)
    );
    for (k, runs) in fanouts {
        let fo = |f: fn(&FanoutRun) -> f64| {
            (
                Spread::of(runs.iter().map(|(b, _)| f(b))),
                Spread::of(runs.iter().map(|(_, w)| f(w))),
                Spread::of(runs.iter().map(|(b, w)| f(w) / f(b))),
            )
        };
        let (b, w, r) = fo(|r| r.p50);
        row(&format!("fan-out {k} subscribers: p50 ms"), b, w, r, &ms);
        let (b, w, r) = fo(|r| r.p99);
        row(&format!("fan-out {k}: p99 ms"), b, w, r, &ms);
        let (b, w, r) = fo(|r| r.max);
        row(&format!("fan-out {k}: max ms"), b, w, r, &ms);
        let total = |pick: fn(&(FanoutRun, FanoutRun)) -> &FanoutRun| {
            let (mut d, mut e, mut l, mut dup, mut err) = (0, 0, 0, 0, 0);
            for p in runs {
                let r = pick(p);
                d += r.delivered;
                e += r.expected;
                l += r.lost;
                dup += r.dups;
                err += r.post_errors + r.sub_errors;
            }
            format!("{d}/{e}, lost {l}, dups {dup}, errors {err}")
        };
        println!(
            "| fan-out {k}: delivered (all repetitions) | {} | {} | |",
            total(|p| &p.0),
            total(|p| &p.1)
        );
        let (b, w, _) = fo(|r| r.load.server);
        let (bc, wc, _) = fo(|r| r.load.client);
        println!(
            "| fan-out {k}: CPU server / client | {} / {} | {} / {} | |",
            percent(b.median),
            percent(bc.median),
            percent(w.median),
            percent(wc.median)
        );
    }
    println!(
        "| whisper's memory after the runs | | RSS {}, peak {} | |",
        mib(rss),
        mib(peak)
    );
    println!(
        "| whisper's store after the runs | | {} captures, {} | |",
        count(newest as f64),
        mib(store)
    );

    let disturbed = ingests
        .iter()
        .filter(|(b, w)| b.disturbed() || w.disturbed())
        .count();
    if disturbed > 0 {
        println!(
            "\n{disturbed} repetition(s) had an ingest run held back by other work on the \
             machine (marked DISTURBED above): run the benchmark again on a quiet machine."
        );
    }

    println!("\n## Targets\n");
    if !s.are_the_targets() {
        println!(
            "(stated for 16 connections, 1 KiB bodies and 500 posts/s; these settings differ)\n"
        );
    }
    println!("| target | measured | met |");
    println!("|---|---|---|");
    let (_, _, r) = ig(|r| r.rps);
    println!(
        "| durable ingest, {c} connections ≥ 0.6 × bare hyper | {} × | {} |",
        ratio(r.median),
        met(r.median >= 0.6)
    );
    let (_, w, _) = ig(|r| r.p99);
    println!(
        "| ingest p99 ≤ 1 ms | {} ms | {} |",
        ms(w.median),
        met(w.median <= 1.0)
    );
    for (k, runs) in fanouts {
        let limit = match k {
            10 => 1.0,
            100 => 5.0,
            _ => continue,
        };
        let p99 = Spread::of(runs.iter().map(|(_, w)| w.p99));
        let lost: u64 = runs.iter().map(|(_, w)| w.lost).sum();
        println!(
            "| fan-out, {k} subscribers at {}/s: p99 ≤ {limit} ms, 0 lost | p99 {} ms (worst repetition {}), {lost} lost | {} |",
            s.rate,
            ms(p99.median),
            ms(p99.max),
            met(p99.median <= limit && lost == 0)
        );
    }
}

/// The newest capture's id (= how many there are: ids start at 1 and nothing
/// is deleted here), read with `whisper list` like a person would.
fn newest_id(pin: &Pinning, dir: &Path) -> anyhow::Result<i64> {
    let out = procs::whisper_command(pin, CLIENT_CPU, dir)?
        .args(["list", "--limit", "1", "--json", "--db"])
        .arg(dir.join("w.db"))
        .output()?;
    if !out.status.success() {
        bail!(
            "whisper list failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let list: Value = serde_json::from_slice(&out.stdout).context("whisper list --json")?;
    Ok(list[0]["id"].as_i64().unwrap_or(0))
}

fn report_output(whisper: &Server) {
    if let Ok(output) = whisper.output.lock()
        && output.errors > 0
    {
        println!(
            "\nwhisper reported {} error(s); the first: {}",
            output.errors,
            output.first_error.as_deref().unwrap_or("?")
        );
    }
}

// ---------------------------------------------------------------- fill ----

/// A store of `n` captures: how fast it fills, the listener's memory, and the
/// time of the reading commands against it.
fn fill(s: &Settings, pin: &Pinning, n: u64) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    procs::scratch(dir.path());
    let db = dir.path().join("w.db");
    let whisper = Server::whisper(pin, dir.path())?;
    println!("servers:  whisper {}\n", whisper.receiver);
    println!("filling the store with {} captures …", count(n as f64));
    let mut args = strings(&["--client", "ingest", "--url"]);
    args.push(format!("{}/hooks/fill", whisper.receiver));
    args.extend(strings(&["--concurrency"]));
    args.push(s.concurrency.to_string());
    args.extend(strings(&["--total"]));
    args.push(n.to_string());
    args.extend(strings(&["--warmup", "0", "--body-bytes"]));
    args.push(s.body_bytes.to_string());
    let (v, load) = measure(s, pin, &whisper, &args)?;
    let acked = u64_of(&v, "acked");
    let seconds = f64_of(&v, "seconds");
    println!(
        "filled:   {} answered in {:.1} s ({} req/s; p50 {} p99 {} max {} ms), errors {}, {}",
        count(acked as f64),
        seconds,
        count(f64_of(&v, "rps")),
        ms(f64_of(&v, "p50_ms")),
        ms(f64_of(&v, "p99_ms")),
        ms(f64_of(&v, "max_ms")),
        u64_of(&v, "errors"),
        load.describe()
    );
    if acked < n {
        bail!(
            "only {acked} of {n} posts were answered: {}",
            v["first_error"].as_str().unwrap_or("?")
        );
    }
    // Let the listener settle (its checkpointer runs twice a second).
    std::thread::sleep(Duration::from_secs(3));
    let (rss, peak) = whisper.memory()?;
    let newest = newest_id(pin, dir.path())?;
    let sizes = (
        procs::file_size(&db),
        procs::file_size(&dir.path().join("w.db-wal")),
    );
    println!(
        "listener: RSS {} (peak {}) with {} captures stored; store {} + WAL {}\n",
        mib(rss),
        mib(peak),
        count(newest as f64),
        mib(sizes.0),
        mib(sizes.1)
    );

    println!(
        "Each command {} times (after one run not counted), on CPU {CLIENT_CPU}, the listener still running:\n",
        s.runs
    );
    println!("| command | median [min–max] ms | output |");
    println!("|---|---|---|");
    let mut list_ms = f64::NAN;
    for args in [
        &["list"][..],
        &["list", "--limit", "20", "--json"][..],
        &["show", "last"][..],
    ] {
        let mut cmd = procs::whisper_command(pin, CLIENT_CPU, dir.path())?;
        cmd.args(args).arg("--db").arg(&db);
        let (times, size) = procs::time_command(cmd, s.runs)?;
        let spread = durations(&times);
        if args == ["list"] {
            list_ms = spread.median;
        }
        println!(
            "| `whisper {}` | {} | {} B |",
            args.join(" "),
            spread.show(ms),
            size
        );
    }

    println!("\n## Targets\n");
    println!("| target | measured | met |");
    println!("|---|---|---|");
    println!(
        "| `whisper list` on {} captures < 100 ms | {} ms | {} |",
        count(newest as f64),
        ms(list_ms),
        met(list_ms < 100.0)
    );
    println!(
        "| listener RSS after {} captures < 64 MiB | {} (peak {}) | {} |",
        count(newest as f64),
        mib(rss),
        mib(peak),
        met(rss < 64 << 20)
    );
    report_output(&whisper);
    Ok(())
}
