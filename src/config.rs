//! Resolution of the command line, the environment and `whisper.toml` into the
//! validated settings a command runs with. Precedence: flags, then `WHISPER_*`
//! variables (both through clap), then the config file, then the defaults below.
//! Nothing past this module sees a clap type.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};
use serde::Deserialize;

use crate::capture::{Verdict, Verification};
use crate::cli::{ColorChoice, GlobalArgs, ListenArgs};
use crate::error::Error;
use crate::secret::{self, Secret};
use crate::units;
use crate::verify::{self, GenericScheme, Provider, Scheme, Tolerance};

/// Default port of the receiver.
pub const DEFAULT_PORT: u16 = 7070;
/// Default port of the inspector.
pub const DEFAULT_INSPECT_PORT: u16 = 7071;
/// Default largest body accepted.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 25 << 20;

/// `whisper.toml`, as written. Unknown keys are rejected by name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// The store.
    pub db: Option<PathBuf>,
    /// `[listen]`.
    #[serde(default)]
    pub listen: ListenFile,
    /// `[secrets]`: provider or scheme name → secret (or several, for rotation).
    #[serde(default)]
    pub secrets: BTreeMap<String, OneOrMany>,
    /// `[[scheme]]`: in-house signature schemes.
    #[serde(default)]
    pub scheme: Vec<GenericScheme>,
    /// `[[route]]`: forwarding rules, first match wins.
    #[serde(default)]
    pub route: Vec<RouteFile>,
}

/// A `[[route]]` rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteFile {
    /// Path glob the capture must match.
    pub path: String,
    /// Method it must have (any when absent).
    pub method: Option<String>,
    /// Provider its signature must be from (any when absent).
    pub provider: Option<String>,
    /// Where matching captures go.
    pub forward: Vec<String>,
}

/// One string or a list of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// A single value.
    One(String),
    /// Several values.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The values, in order.
    pub fn values(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(v) => vec![v.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// The `[listen]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ListenFile {
    /// `--host`.
    pub host: Option<String>,
    /// `--port`.
    pub port: Option<u16>,
    /// `--inspect-host`.
    pub inspect_host: Option<String>,
    /// `--inspect-port`.
    pub inspect_port: Option<u16>,
    /// `--status`.
    pub status: Option<u16>,
    /// `--response-body`.
    pub response_body: Option<String>,
    /// `--response-header`, several.
    #[serde(default)]
    pub response_headers: Vec<String>,
    /// `--delay`.
    pub delay: Option<Text<Duration>>,
    /// `--max-body-size`.
    pub max_body_size: Option<SizeValue>,
    /// `--retain`.
    pub retain: Option<u64>,
    /// `--max-store-size`.
    pub max_store_size: Option<SizeValue>,
    /// `--tolerance`.
    pub tolerance: Option<String>,
    /// `--public-url`.
    pub public_url: Option<String>,
    /// `--forward`, several.
    #[serde(default)]
    pub forward: Vec<String>,
    /// `--proxy`.
    pub proxy: Option<bool>,
    /// `--forward-timeout`.
    pub forward_timeout: Option<Text<Duration>>,
    /// `--retry`.
    pub retry: Option<u32>,
    /// `--token` (text, `@file` relative to the config file, or `env:VAR`).
    pub token: Option<String>,
    /// `--cors`.
    pub cors: Option<String>,
    /// `--source`.
    pub source: Option<String>,
    /// `--source-token`.
    pub source_token: Option<String>,
}

/// A duration or other value written as text in the file (`"2s"`), or as a bare
/// number of seconds.
#[derive(Debug, Clone, Copy)]
pub struct Text<T>(pub T);

impl<'de> Deserialize<'de> for Text<Duration> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Seconds(f64),
            Text(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Seconds(s) => s.to_string(),
            Raw::Text(t) => t,
        };
        units::parse_duration(&text)
            .map(Text)
            .map_err(serde::de::Error::custom)
    }
}

/// A size written as bytes (`1048576`) or with a unit (`"25MiB"`).
#[derive(Debug, Clone, Copy)]
pub struct SizeValue(pub u64);

impl<'de> Deserialize<'de> for SizeValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Bytes(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bytes(b) => Ok(SizeValue(b)),
            Raw::Text(t) => units::parse_size(&t)
                .map(SizeValue)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// What every command needs: where the store is, how to print, and the config
/// file for the command's own settings.
#[derive(Debug)]
pub struct Context {
    /// The store's path.
    pub db: PathBuf,
    /// Whether to colour standard output.
    pub color: bool,
    /// -1 quiet, 0 normal, 1+ verbose.
    pub verbosity: i8,
    /// The config file's contents (empty when there is none).
    pub file: FileConfig,
    /// The directory relative paths in the config file start from.
    pub file_dir: PathBuf,
}

impl Context {
    /// Reads the config file and resolves the shared settings.
    pub fn load(global: &GlobalArgs) -> anyhow::Result<Context> {
        let (file, file_dir) = match config_path(global.config.as_deref())? {
            Some(path) => {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read config file {}", path.display()))?;
                let file: FileConfig = toml::from_str(&text).map_err(|e| {
                    Error::usage(format!(
                        "config file {}: {}",
                        path.display(),
                        e.message().trim_end()
                    ))
                })?;
                let dir = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
                (file, dir)
            }
            None => (FileConfig::default(), PathBuf::from(".")),
        };
        let db = match (&global.db, &file.db) {
            (Some(db), _) => db.clone(),
            (None, Some(db)) => file_dir.join(db),
            (None, None) => default_db()?,
        };
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let verbosity = if global.quiet {
            -1
        } else {
            global.verbose.min(3) as i8
        };
        Ok(Context {
            db,
            color,
            verbosity,
            file,
            file_dir,
        })
    }

    /// Reads `@path` values relative to the config file's directory.
    fn file_text(&self, value: &str) -> anyhow::Result<Bytes> {
        text_or_file(value, &self.file_dir)
    }
}

/// The config file to read: the one named, or the first of `./whisper.toml` and
/// `$XDG_CONFIG_HOME/whisper/config.toml` that exists.
fn config_path(explicit: Option<&Path>) -> anyhow::Result<Option<PathBuf>> {
    if let Some(path) = explicit {
        if !path.is_file() {
            return Err(
                Error::usage(format!("config file {} does not exist", path.display())).into(),
            );
        }
        return Ok(Some(path.to_path_buf()));
    }
    let local = PathBuf::from("whisper.toml");
    if local.is_file() {
        return Ok(Some(local));
    }
    Ok(xdg_dir("XDG_CONFIG_HOME", ".config")
        .map(|dir| dir.join("whisper").join("config.toml"))
        .filter(|path| path.is_file()))
}

/// `$XDG_DATA_HOME/whisper/whisper.db`, or `~/.local/share/whisper/whisper.db`.
fn default_db() -> anyhow::Result<PathBuf> {
    xdg_dir("XDG_DATA_HOME", ".local/share")
        .map(|dir| dir.join("whisper").join("whisper.db"))
        .ok_or_else(|| {
            Error::usage(
                "cannot find a place for the store: set XDG_DATA_HOME or HOME, or pass --db",
            )
            .into()
        })
}

fn xdg_dir(var: &str, under_home: &str) -> Option<PathBuf> {
    match std::env::var_os(var) {
        Some(dir) if Path::new(&dir).is_absolute() => Some(PathBuf::from(dir)),
        _ => std::env::var_os("HOME")
            .filter(|home| !home.is_empty())
            .map(|home| PathBuf::from(home).join(under_home)),
    }
}

/// A value given as text, or as `@path` for a file's bytes.
pub fn text_or_file(value: &str, base: &Path) -> anyhow::Result<Bytes> {
    match value.strip_prefix('@') {
        Some(path) => {
            let path = base.join(path);
            std::fs::read(&path)
                .map(Bytes::from)
                .with_context(|| format!("cannot read {}", path.display()))
        }
        None => Ok(Bytes::copy_from_slice(value.as_bytes())),
    }
}

/// Parses `Name: value`.
pub fn parse_header(text: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| Error::usage(format!("header {text:?} is not 'Name: value'")))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| Error::usage(format!("{:?} is not a valid header name", name.trim())))?;
    let value = HeaderValue::from_str(value.trim())
        .map_err(|_| Error::usage(format!("the value of header {name} is not valid")))?;
    Ok((name, value))
}

/// The signing secrets by scheme name, and the configured generic schemes.
/// Secrets are wrapped at once and never printed.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    secrets: BTreeMap<String, Vec<Secret>>,
    /// In-house schemes from `[[scheme]]`.
    pub schemes: Vec<GenericScheme>,
}

impl Keyring {
    /// Resolves `[[scheme]]`, `[secrets]` and `--secret` flags. A provider named
    /// by a flag takes its secrets from the flags only. `default_provider` lets a
    /// flag be a bare secret (`--provider stripe --secret whsec_…`).
    pub fn resolve(
        ctx: &Context,
        flags: &[String],
        default_provider: Option<&str>,
    ) -> anyhow::Result<Keyring> {
        let mut keyring = Keyring {
            secrets: BTreeMap::new(),
            schemes: ctx.file.scheme.clone(),
        };
        for scheme in &keyring.schemes {
            scheme
                .validate()
                .map_err(|e| Error::usage(format!("config file: {e}")))?;
            if scheme.name.parse::<Provider>().is_ok() {
                return Err(Error::usage(format!(
                    "config file: [[scheme]] name `{}` is a built-in provider; choose another name",
                    scheme.name
                ))
                .into());
            }
        }
        for (name, values) in &ctx.file.secrets {
            keyring.check_name(name, "in [secrets]")?;
            for value in values.values() {
                let spec = match value.strip_prefix('@') {
                    Some(path) if Path::new(path).is_relative() => {
                        format!("@{}", ctx.file_dir.join(path).display())
                    }
                    _ => value.to_owned(),
                };
                let secret = secret::resolve(&spec)
                    .map_err(|e| Error::usage(format!("[secrets] {name}: {e}")))?;
                keyring
                    .secrets
                    .entry(name.clone())
                    .or_default()
                    .push(secret);
            }
        }
        let mut from_flags: BTreeMap<String, Vec<Secret>> = BTreeMap::new();
        for flag in flags {
            let (name, spec) = match flag.split_once('=') {
                Some((name, spec)) if keyring.knows(name) => (name.to_owned(), spec),
                _ => match default_provider {
                    Some(name) => (name.to_owned(), flag.as_str()),
                    None => {
                        return Err(Error::usage(format!(
                            "--secret needs PROVIDER=SECRET (known providers: {})",
                            keyring.known_names().join(", ")
                        ))
                        .into());
                    }
                },
            };
            keyring.check_name(&name, "in --secret")?;
            let secret =
                secret::resolve(spec).map_err(|e| Error::usage(format!("--secret {name}: {e}")))?;
            from_flags.entry(name).or_default().push(secret);
        }
        keyring.secrets.extend(from_flags);
        Ok(keyring)
    }

    fn knows(&self, name: &str) -> bool {
        self.scheme(name).is_some()
    }

    fn check_name(&self, name: &str, place: &str) -> Result<(), Error> {
        if self.knows(name) {
            Ok(())
        } else {
            Err(Error::usage(format!(
                "unknown provider `{name}` {place}; known: {}",
                self.known_names().join(", ")
            )))
        }
    }

    fn known_names(&self) -> Vec<String> {
        Provider::ALL
            .iter()
            .map(|p| p.as_str().to_owned())
            .chain(self.schemes.iter().map(|s| s.name.clone()))
            .collect()
    }

    /// The scheme a name stands for: a built-in provider or a configured scheme.
    pub fn scheme(&self, name: &str) -> Option<Scheme> {
        match name.parse::<Provider>() {
            Ok(provider) => Some(Scheme::Builtin(provider)),
            Err(_) => self
                .schemes
                .iter()
                .find(|s| s.name == name)
                .map(|s| Scheme::Generic(s.clone())),
        }
    }

    /// The scheme a name stands for, or a usage error listing the known ones.
    pub fn scheme_or_error(&self, name: &str) -> Result<Scheme, Error> {
        self.check_name(name, "")?;
        self.scheme(name)
            .ok_or_else(|| Error::usage(format!("unknown provider `{name}`")))
    }

    /// The secrets of a scheme (empty when none is configured).
    pub fn secrets(&self, name: &str) -> &[Secret] {
        self.secrets.get(name).map_or(&[], Vec::as_slice)
    }

    /// The names that have secrets (never the secrets).
    pub fn names(&self) -> Vec<String> {
        self.secrets.keys().cloned().collect()
    }

    /// Checks a request's signature: as the scheme its headers show, or, when
    /// they show none, as the one scheme that has secrets (then it is
    /// `unsigned`). `None` when nothing applies: no signature and no secrets.
    pub fn check(&self, req: &verify::Request, opts: &verify::Options) -> Option<Verification> {
        if let Some(scheme) = verify::detect(req, &self.schemes) {
            return Some(verify::verify(
                &scheme,
                req,
                self.secrets(scheme.name()),
                opts,
            ));
        }
        let names = self.names();
        match names.as_slice() {
            [] => None,
            [only] => {
                let scheme = self.scheme(only)?;
                Some(verify::verify(&scheme, req, self.secrets(only), opts))
            }
            several => Some(Verification {
                provider: None,
                verdict: Verdict::Unsigned,
                reason: Some(format!(
                    "no signature header of any configured provider ({})",
                    several.join(", ")
                )),
            }),
        }
    }
}

/// A forwarding rule.
#[derive(Debug, Clone)]
pub struct Route {
    /// Path glob.
    pub path: String,
    /// Method, upper case.
    pub method: Option<String>,
    /// Provider name.
    pub provider: Option<String>,
    /// Target URLs.
    pub forward: Vec<String>,
}

/// Where captures go and how: the default targets, the route rules, timeouts.
#[derive(Debug, Clone)]
pub struct Forwarding {
    /// Targets of captures no route matches.
    pub default: Vec<String>,
    /// Rules, first match wins.
    pub routes: Vec<Route>,
    /// Per-try timeout.
    pub timeout: Duration,
    /// Extra tries for connection failures.
    pub retries: u32,
    /// Answer senders with the first target's response.
    pub proxy: bool,
}

/// Default per-try forwarding timeout.
pub const DEFAULT_FORWARD_TIMEOUT: Duration = Duration::from_secs(30);

impl Forwarding {
    /// Resolves targets and routes: `--forward` flags replace `[listen] forward`;
    /// routes come from the file.
    pub fn resolve(
        ctx: &Context,
        forward: &[String],
        timeout: Option<Duration>,
        retries: Option<u32>,
        proxy: bool,
    ) -> anyhow::Result<Forwarding> {
        let file = &ctx.file.listen;
        let default = if forward.is_empty() {
            file.forward.clone()
        } else {
            forward.to_vec()
        };
        let routes: Vec<Route> = ctx
            .file
            .route
            .iter()
            .map(|r| Route {
                path: r.path.clone(),
                method: r.method.as_ref().map(|m| m.to_ascii_uppercase()),
                provider: r.provider.clone(),
                forward: r.forward.clone(),
            })
            .collect();
        for url in default
            .iter()
            .chain(routes.iter().flat_map(|r| r.forward.iter()))
        {
            crate::forward::target_url(url, "/")
                .map_err(|e| Error::usage(format!("forward target {e}")))?;
        }
        Ok(Forwarding {
            default,
            routes,
            timeout: timeout
                .or(file.forward_timeout.map(|t| t.0))
                .unwrap_or(DEFAULT_FORWARD_TIMEOUT),
            retries: retries.or(file.retry).unwrap_or(0),
            proxy: proxy || file.proxy.unwrap_or(false),
        })
    }

    /// The targets of a capture: the first matching route's, else the default.
    pub fn targets(&self, capture: &crate::capture::NewCapture) -> &[String] {
        let provider = capture
            .verification
            .as_ref()
            .and_then(|v| v.provider.as_deref());
        self.routes
            .iter()
            .find(|r| {
                crate::glob::matches(&r.path, capture.path())
                    && r.method
                        .as_deref()
                        .is_none_or(|m| m.eq_ignore_ascii_case(&capture.method))
                    && r.provider
                        .as_deref()
                        .is_none_or(|p| provider.is_some_and(|q| q.eq_ignore_ascii_case(p)))
            })
            .map_or(&self.default, |r| &r.forward)
    }

    /// Every target named anywhere (for the TUI header).
    pub fn all_targets(&self) -> Vec<String> {
        let mut all = self.default.clone();
        for route in &self.routes {
            for target in &route.forward {
                if !all.contains(target) {
                    all.push(target.clone());
                }
            }
        }
        all
    }
}

/// Parses `--tolerance`: a duration (`300s`) or `none`.
pub fn parse_tolerance(text: &str) -> Result<Tolerance, String> {
    if text.eq_ignore_ascii_case("none") || text.eq_ignore_ascii_case("off") {
        return Ok(Tolerance::Disabled);
    }
    units::parse_duration(text).map(Tolerance::Window)
}

/// Checks `--tolerance` text at parse time (clap), keeping it as text.
pub fn parse_tolerance_text(text: &str) -> Result<String, String> {
    parse_tolerance(text).map(|_| text.to_owned())
}

/// Parses a listen address: an IP address or `localhost`.
fn parse_host(text: &str, flag: &str) -> Result<IpAddr, Error> {
    let trimmed = text.trim_start_matches('[').trim_end_matches(']');
    if trimmed.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    trimmed
        .parse()
        .map_err(|_| Error::usage(format!("{flag} {text:?} is not an IP address")))
}

/// Parses a web origin for `--cors`: `http(s)://host[:port]`, a trailing `/`
/// allowed, returned in the form browsers send in `Origin` (lower case, no `/`).
fn parse_origin(text: &str) -> Result<String, Error> {
    let bad = || {
        Error::usage(format!(
            "--cors {text:?} is not an origin; give scheme, host and port, e.g. http://localhost:3000"
        ))
    };
    let origin = text.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, authority) = origin.split_once("://").ok_or_else(bad)?;
    let valid = matches!(scheme, "http" | "https")
        && !authority.is_empty()
        && authority
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]_".contains(&b));
    if valid { Ok(origin) } else { Err(bad()) }
}

/// How `whisper listen` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// One human line per event.
    Lines,
    /// NDJSON on stdout.
    Json,
    /// The live terminal UI (stdout is a terminal, no `--no-tui`/`--json`).
    Tui,
}

/// What the receiver answers to every capture.
#[derive(Debug, Clone)]
pub struct ResponseSpec {
    /// Status code.
    pub status: StatusCode,
    /// Body; `None` means the default `{"id":N}`.
    pub body: Option<Bytes>,
    /// Extra headers.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Wait after storing, before answering.
    pub delay: Duration,
}

/// The settings of `whisper listen`.
#[derive(Debug)]
pub struct ListenConfig {
    /// The store.
    pub db: PathBuf,
    /// Receiver address (port may be 0).
    pub receiver: SocketAddr,
    /// Inspector address (port may be 0).
    pub inspector: SocketAddr,
    /// How to report.
    pub output: OutputMode,
    /// Colour the human lines.
    pub color: bool,
    /// -1 quiet, 0 normal, 1+ verbose.
    pub verbosity: i8,
    /// The answer.
    pub response: ResponseSpec,
    /// Bodies above this get 413.
    pub max_body_size: u64,
    /// Keep only the newest N captures.
    pub retain: Option<u64>,
    /// Largest size of the store file.
    pub max_store_size: Option<u64>,
    /// Signing secrets and schemes.
    pub keyring: Keyring,
    /// The replay window for timestamps.
    pub tolerance: Tolerance,
    /// The URL providers call (a tunnel), for schemes that sign the URL.
    pub public_url: Option<String>,
    /// Where captures are forwarded.
    pub forwarding: Forwarding,
    /// The inspector's access token, if it has one.
    pub token: Option<Secret>,
    /// The origin (`scheme://host[:port]`) allowed to use the inspector from
    /// its own pages.
    pub cors: Option<String>,
    /// The feed to relay from, and its token.
    pub source: Option<(String, Option<Secret>)>,
}

impl ListenConfig {
    /// Resolves `whisper listen`'s flags against the config file and defaults.
    pub fn resolve(ctx: Context, args: ListenArgs) -> anyhow::Result<ListenConfig> {
        let keyring = Keyring::resolve(&ctx, &args.secret, None)?;
        let forwarding = Forwarding::resolve(
            &ctx,
            &args.forward,
            args.forward_timeout,
            args.retry,
            args.proxy,
        )?;
        let file = &ctx.file.listen;
        let host = parse_host(
            args.host
                .as_deref()
                .or(file.host.as_deref())
                .unwrap_or("127.0.0.1"),
            "--host",
        )?;
        let inspect_host = parse_host(
            args.inspect_host
                .as_deref()
                .or(file.inspect_host.as_deref())
                .unwrap_or("127.0.0.1"),
            "--inspect-host",
        )?;
        let port = args.port.or(file.port).unwrap_or(DEFAULT_PORT);
        let inspect_port = args
            .inspect_port
            .or(file.inspect_port)
            .unwrap_or(DEFAULT_INSPECT_PORT);

        let status = args.status.or(file.status).unwrap_or(200);
        let status = StatusCode::from_u16(status)
            .ok()
            .filter(|s| (100..600).contains(&s.as_u16()) && !s.is_informational())
            .ok_or_else(|| {
                Error::usage(format!(
                    "--status {status} is not a final HTTP status code (200-599)"
                ))
            })?;
        let body = match args
            .response_body
            .as_deref()
            .or(file.response_body.as_deref())
        {
            Some(value) => Some(ctx.file_text(value)?),
            None => None,
        };
        let header_texts = if args.response_header.is_empty() {
            &file.response_headers
        } else {
            &args.response_header
        };
        let headers = header_texts
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>, _>>()?;
        let delay = args
            .delay
            .or(file.delay.map(|t| t.0))
            .unwrap_or(Duration::ZERO);

        let token = match (&args.token, &file.token) {
            (Some(spec), _) => Some(spec.clone()),
            (None, Some(spec)) => Some(match spec.strip_prefix('@') {
                Some(path) => format!("@{}", ctx.file_dir.join(path).display()),
                None => spec.clone(),
            }),
            (None, None) => None,
        };
        let token = token
            .map(|spec| secret::resolve(&spec))
            .transpose()
            .map_err(|e| Error::usage(format!("--token: {e}")))?;
        if token.is_none() && !inspect_host.is_loopback() {
            return Err(Error::usage(format!(
                "--inspect-host {inspect_host} is not a loopback address, and the inspector shows every \
                 captured request: give it a --token TOKEN (or WHISPER_TOKEN), or bind 127.0.0.1"
            ))
            .into());
        }
        let cors = args
            .cors
            .as_deref()
            .or(file.cors.as_deref())
            .map(parse_origin)
            .transpose()?;

        let output = if args.json {
            OutputMode::Json
        } else if !args.no_tui && std::io::stdout().is_terminal() {
            OutputMode::Tui
        } else {
            OutputMode::Lines
        };
        Ok(ListenConfig {
            db: ctx.db,
            receiver: SocketAddr::new(host, port),
            inspector: SocketAddr::new(inspect_host, inspect_port),
            output,
            color: ctx.color,
            verbosity: ctx.verbosity,
            response: ResponseSpec {
                status,
                body,
                headers,
                delay,
            },
            max_body_size: args
                .max_body_size
                .or(file.max_body_size.map(|s| s.0))
                .unwrap_or(DEFAULT_MAX_BODY_SIZE),
            retain: args.retain.or(file.retain).filter(|&n| n > 0),
            max_store_size: args.max_store_size.or(file.max_store_size.map(|s| s.0)),
            tolerance: match args.tolerance.as_deref().or(file.tolerance.as_deref()) {
                Some(text) => parse_tolerance(text).map_err(Error::usage)?,
                None => Tolerance::ProviderDefault,
            },
            public_url: args
                .public_url
                .or_else(|| file.public_url.clone())
                .map(|u| u.trim_end_matches('/').to_owned()),
            source: match args.source.or_else(|| file.source.clone()) {
                Some(url) => {
                    crate::forward::target_url(&url, "/")
                        .map_err(|e| Error::usage(format!("--source {e}")))?;
                    let token = match args.source_token.or_else(|| file.source_token.clone()) {
                        Some(spec) => Some(
                            secret::resolve(&spec)
                                .map_err(|e| Error::usage(format!("--source-token: {e}")))?,
                        ),
                        None => None,
                    };
                    Some((url, token))
                }
                None => None,
            },
            keyring,
            forwarding,
            token,
            cors,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named() {
        let err = toml::from_str::<FileConfig>("[listen]\nprot = 1\n").unwrap_err();
        assert!(err.message().contains("prot"), "{}", err.message());
        let err = toml::from_str::<FileConfig>("[lisen]\n").unwrap_err();
        assert!(err.message().contains("lisen"), "{}", err.message());
    }

    #[test]
    fn file_values_parse() {
        let file: FileConfig = toml::from_str(
            "db = 'x.db'\n[listen]\nport = 9000\ndelay = '250ms'\nmax-body-size = '1MiB'\nresponse-headers = ['X-A: 1']\n",
        )
        .unwrap();
        assert_eq!(file.listen.port, Some(9000));
        assert_eq!(file.listen.delay.unwrap().0, Duration::from_millis(250));
        assert_eq!(file.listen.max_body_size.unwrap().0, 1 << 20);
        assert_eq!(file.db.unwrap(), PathBuf::from("x.db"));
    }

    #[test]
    fn origins_parse() {
        assert_eq!(
            parse_origin("http://LocalHost:3000/").unwrap(),
            "http://localhost:3000"
        );
        assert_eq!(
            parse_origin("https://app.test").unwrap(),
            "https://app.test"
        );
        assert!(parse_origin("localhost:3000").is_err());
        assert!(parse_origin("http://a.test/path").is_err());
        assert!(parse_origin("ftp://a.test").is_err());
        assert!(parse_origin("http://").is_err());
    }

    #[test]
    fn headers_parse() {
        let (name, value) = parse_header("X-Test:  yes ").unwrap();
        assert_eq!((name.as_str(), value.to_str().unwrap()), ("x-test", "yes"));
        assert!(parse_header("nocolon").is_err());
        assert!(parse_header("bad name: v").is_err());
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any text given as a config file is parsed or refused, never a panic.
        #[test]
        fn any_config_text_parses_or_fails_cleanly(text in "\\PC{0,300}") {
            let _ = toml::from_str::<FileConfig>(&text);
        }

        /// Config-shaped text with arbitrary values: still no panic.
        #[test]
        fn listen_tables_with_any_values(key in "(port|delay|max-body-size|retain|tolerance|forward|status|proxy|retry|forward-timeout|max-store-size)", value in "(\"\\PC{0,20}\"|-?[0-9]{1,25}|true|\\[\"\\PC{0,10}\"\\]|[0-9.e+-]{1,12})") {
            let _ = toml::from_str::<FileConfig>(&format!("[listen]\n{key} = {value}\n"));
            let _ = toml::from_str::<FileConfig>(&format!("[[route]]\npath = {value}\nforward = []\n[secrets]\nstripe = {value}\n"));
        }

        /// Sizes, durations, tolerances and headers from the command line.
        #[test]
        fn unit_parsers_never_panic(text in "\\PC{0,40}") {
            let _ = units::parse_size(&text);
            let _ = units::parse_duration(&text);
            let _ = parse_tolerance(&text);
            let _ = parse_header(&text);
            let _ = parse_host(&text, "--host");
        }

        /// Globs match in linear time and never panic.
        #[test]
        fn globs_never_panic(pattern in "[a-z*?/]{0,30}", text in "[a-z/]{0,60}") {
            let _ = crate::glob::matches(&pattern, &text);
        }
    }
}
