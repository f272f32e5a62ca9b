//! `--key value` options and bare `--flag`s, shared by the three roles of the
//! bench binary (the driver, the baseline server and the load client), so that
//! a typo is an error instead of a silently ignored setting.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context as _, bail};

/// Parsed options.
pub struct Opts {
    values: HashMap<String, String>,
    flags: HashSet<String>,
}

/// Added by `cargo bench` to every bench binary's arguments; means nothing here.
const CARGO_BENCH_FLAG: &str = "bench";

impl Opts {
    /// Parses `args`; the names in `flags` take no value.
    pub fn parse(args: &[String], flags: &[&str]) -> anyhow::Result<Opts> {
        let mut values = HashMap::new();
        let mut seen = HashSet::new();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let name = arg
                .strip_prefix("--")
                .with_context(|| format!("unexpected argument {arg:?}"))?;
            if name == CARGO_BENCH_FLAG {
                continue;
            }
            if flags.contains(&name) {
                seen.insert(name.to_owned());
                continue;
            }
            let value = it.next().with_context(|| format!("{arg} needs a value"))?;
            values.insert(name.to_owned(), value.clone());
        }
        Ok(Opts {
            values,
            flags: seen,
        })
    }

    /// Fails on an option outside `known` (flags are checked by `parse`).
    pub fn only(&self, known: &[&str]) -> anyhow::Result<()> {
        match self.values.keys().find(|k| !known.contains(&k.as_str())) {
            Some(k) => bail!("unknown option --{k} (see --help)"),
            None => Ok(()),
        }
    }

    /// Whether `--name` was given.
    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(name)
    }

    /// The value of `--name`, if given.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The value of `--name`, which must be given.
    pub fn required(&self, name: &str) -> anyhow::Result<&str> {
        self.str(name).with_context(|| format!("missing --{name}"))
    }

    /// `--name` parsed, or `default`.
    pub fn num<T: FromStr>(&self, name: &str, default: T) -> anyhow::Result<T> {
        match self.values.get(name) {
            Some(v) => v
                .parse()
                .ok()
                .with_context(|| format!("--{name}: cannot parse {v:?}")),
            None => Ok(default),
        }
    }

    /// `--name` as a non-negative number of seconds, or `default`.
    pub fn secs(&self, name: &str, default: f64) -> anyhow::Result<Duration> {
        let s: f64 = self.num(name, default)?;
        Duration::try_from_secs_f64(s)
            .ok()
            .with_context(|| format!("--{name} must be a non-negative number of seconds"))
    }

    /// `--name` as a comma-separated list of positive numbers, or `default`.
    pub fn list(&self, name: &str, default: &[usize]) -> anyhow::Result<Vec<usize>> {
        let Some(v) = self.values.get(name) else {
            return Ok(default.to_vec());
        };
        v.split(',')
            .map(|item| match item.trim().parse::<usize>() {
                Ok(n) if n > 0 => Ok(n),
                _ => bail!("--{name}: {item:?} is not a positive number"),
            })
            .collect()
    }
}
