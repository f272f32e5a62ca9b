//! Resolution of the command line, the environment and `whisper.toml` into the
//! validated settings a command runs with. Precedence: flags, then `WHISPER_*`
//! variables (both through clap), then the config file, then the defaults below.
//! Nothing past this module sees a clap type.

use std::io::IsTerminal;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};
use serde::Deserialize;

use crate::cli::{ColorChoice, GlobalArgs, ListenArgs};
use crate::error::Error;
use crate::units;

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
}

impl ListenConfig {
    /// Resolves `whisper listen`'s flags against the config file and defaults.
    pub fn resolve(ctx: Context, args: ListenArgs) -> anyhow::Result<ListenConfig> {
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
    fn headers_parse() {
        let (name, value) = parse_header("X-Test:  yes ").unwrap();
        assert_eq!((name.as_str(), value.to_str().unwrap()), ("x-test", "yes"));
        assert!(parse_header("nocolon").is_err());
        assert!(parse_header("bad name: v").is_err());
    }
}
