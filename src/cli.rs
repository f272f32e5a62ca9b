//! The command line, declared with clap's derive API. Doc comments are the help
//! text; every flag that makes sense in the environment also reads `WHISPER_*`.
//! Values are only parsed here; [`crate::config`] resolves them against the
//! config file and the defaults.

use std::path::PathBuf;
use std::time::Duration;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::units;

/// Capture, verify, forward and replay webhooks on your own machine.
///
/// `whisper listen` starts a receiver on localhost that stores every request byte
/// for byte; `list`, `show` and the other commands read that store, also while the
/// listener runs.
#[derive(Debug, Parser)]
#[command(
    name = "whisper",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every command.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The store [default: $XDG_DATA_HOME/whisper/whisper.db]
    #[arg(long, global = true, env = "WHISPER_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Configuration file [default: ./whisper.toml, then $XDG_CONFIG_HOME/whisper/config.toml]
    #[arg(long, global = true, env = "WHISPER_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Say more (-vv for debug detail)
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,

    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// When to use colours (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, env = "WHISPER_COLOR", value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When writing to a terminal and NO_COLOR is not set
    Auto,
    /// Always
    Always,
    /// Never
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Receive webhooks: store every request, verify, forward, show them live
    Listen(ListenArgs),
    /// List the newest captures
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Show one capture: headers, body, verdict, attempts
    Show(ShowArgs),
    /// Send captures again: to a URL, edited, or re-signed with a fresh timestamp
    Replay(ReplayArgs),
    /// Build a correctly signed request for a provider (and send it)
    Sign(SignArgs),
    /// Check a signature: of a stored capture, or of a request given here
    Verify(VerifyArgs),
    /// Delete captures from the store
    Clear(ClearArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Print the man page
    Man(ManArgs),
}

/// `whisper listen`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Address the receiver binds [default: 127.0.0.1]
    #[arg(
        long,
        env = "WHISPER_HOST",
        value_name = "ADDR",
        help_heading = "Receiver"
    )]
    pub host: Option<String>,

    /// Port of the receiver; 0 picks a free one [default: 7070]
    #[arg(short, long, env = "WHISPER_PORT", help_heading = "Receiver")]
    pub port: Option<u16>,

    /// Status code of the answer [default: 200]
    #[arg(long, value_name = "CODE", value_parser = clap::value_parser!(u16).range(100..600), help_heading = "Receiver")]
    pub status: Option<u16>,

    /// Body of the answer, as text or @file [default: {"id":N}]
    #[arg(long, value_name = "TEXT|@FILE", help_heading = "Receiver")]
    pub response_body: Option<String>,

    /// Extra header of the answer, 'Name: value' (repeatable)
    #[arg(long, value_name = "HEADER", help_heading = "Receiver")]
    pub response_header: Vec<String>,

    /// Wait this long (after storing) before answering, e.g. 2s
    #[arg(long, value_name = "DURATION", value_parser = units::parse_duration, help_heading = "Receiver")]
    pub delay: Option<Duration>,

    /// Largest body accepted; larger ones get 413 unread [default: 25MiB]
    #[arg(long, env = "WHISPER_MAX_BODY_SIZE", value_name = "SIZE", value_parser = units::parse_size, help_heading = "Receiver")]
    pub max_body_size: Option<u64>,

    /// Largest the store may grow; when full, senders get 503 until room is made [default: no limit]
    #[arg(long, env = "WHISPER_MAX_STORE_SIZE", value_name = "SIZE", value_parser = units::parse_size, help_heading = "Store")]
    pub max_store_size: Option<u64>,

    /// Keep only the newest N captures [default: keep all]
    #[arg(long, env = "WHISPER_RETAIN", value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Store")]
    pub retain: Option<u64>,

    /// Forward every capture to this URL (repeatable); the captured path is appended when the URL's path is /
    #[arg(short, long, value_name = "URL", help_heading = "Forwarding")]
    pub forward: Vec<String>,

    /// Answer each sender with the first target's response (status, headers, body)
    #[arg(long, env = "WHISPER_PROXY", help_heading = "Forwarding")]
    pub proxy: bool,

    /// Give up on a target after this long [default: 30s]
    #[arg(long, env = "WHISPER_FORWARD_TIMEOUT", value_name = "DURATION", value_parser = units::parse_duration, help_heading = "Forwarding")]
    pub forward_timeout: Option<Duration>,

    /// Retry a target that refuses the connection N times, with backoff [default: 0]
    #[arg(
        long,
        env = "WHISPER_RETRY",
        value_name = "N",
        help_heading = "Forwarding"
    )]
    pub retry: Option<u32>,

    /// A signing secret, PROVIDER=SECRET; SECRET may be @file or env:VAR (repeatable)
    #[arg(long, value_name = "PROVIDER=SECRET", help_heading = "Signatures")]
    pub secret: Vec<String>,

    /// Replay window for signed timestamps, e.g. 300s, or `none` [default: each provider's own]
    #[arg(long, env = "WHISPER_TOLERANCE", value_name = "DURATION|none", value_parser = crate::config::parse_tolerance_text, help_heading = "Signatures")]
    pub tolerance: Option<String>,

    /// The URL providers call (your tunnel); Twilio and Square sign it [default: http://HOST]
    #[arg(
        long,
        env = "WHISPER_PUBLIC_URL",
        value_name = "URL",
        help_heading = "Signatures"
    )]
    pub public_url: Option<String>,

    /// Address the inspector (feed, API, web page) binds [default: 127.0.0.1]
    #[arg(
        long,
        env = "WHISPER_INSPECT_HOST",
        value_name = "ADDR",
        help_heading = "Inspector"
    )]
    pub inspect_host: Option<String>,

    /// Port of the inspector; 0 picks a free one [default: 7071]
    #[arg(
        long,
        env = "WHISPER_INSPECT_PORT",
        value_name = "PORT",
        help_heading = "Inspector"
    )]
    pub inspect_port: Option<u16>,

    /// Require this token on every inspector request (`Authorization: Bearer`
    /// or `?token=`), given as text, @file or env:VAR; needed to bind a
    /// non-loopback --inspect-host
    #[arg(
        long,
        env = "WHISPER_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        help_heading = "Inspector"
    )]
    pub token: Option<String>,

    /// Let web pages of this origin read the feed and the API (CORS), e.g.
    /// http://localhost:3000
    #[arg(
        long,
        env = "WHISPER_CORS",
        value_name = "ORIGIN",
        help_heading = "Inspector"
    )]
    pub cors: Option<String>,

    /// Also receive from this SSE feed: another whisper's /events, or a smee.io or gosmee channel
    #[arg(
        long,
        env = "WHISPER_SOURCE",
        value_name = "URL",
        help_heading = "Relay"
    )]
    pub source: Option<String>,

    /// Bearer token for a protected --source (another whisper's --token)
    #[arg(
        long,
        env = "WHISPER_SOURCE_TOKEN",
        value_name = "TOKEN",
        help_heading = "Relay"
    )]
    pub source_token: Option<String>,

    /// Print NDJSON events instead of the terminal UI
    #[arg(long, env = "WHISPER_JSON", help_heading = "Output")]
    pub json: bool,

    /// Print one line per capture instead of the terminal UI
    #[arg(long, env = "WHISPER_NO_TUI", help_heading = "Output")]
    pub no_tui: bool,
}

/// `whisper list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// How many captures to show
    #[arg(short = 'n', long, default_value_t = 20)]
    pub limit: u32,

    /// Only captures signed by this provider
    #[arg(long, value_name = "PROVIDER")]
    pub provider: Option<String>,

    /// Only captures whose signature failed (invalid, expired, unsigned)
    #[arg(long)]
    pub invalid: bool,

    /// Only this method (GET, POST, …)
    #[arg(long, value_name = "METHOD")]
    pub method: Option<String>,

    /// Only paths matching this glob (`*` matches anything, `?` one character)
    #[arg(long, value_name = "GLOB")]
    pub path: Option<String>,

    /// Print a JSON array of capture summaries, newest first
    #[arg(long)]
    pub json: bool,
}

/// `whisper show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Capture id, or `last`
    #[arg(value_name = "ID", default_value = "last")]
    pub id: String,

    /// Print the capture as JSON
    #[arg(long, group = "format")]
    pub json: bool,

    /// Print the HTTP request as received
    #[arg(long, group = "format")]
    pub raw: bool,

    /// Write the exact body bytes
    #[arg(long, group = "format")]
    pub body: bool,

    /// Print a curl command that sends the same request
    #[arg(long, group = "format")]
    pub curl: bool,
}

/// `whisper replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Capture ids: numbers, `last`, or ranges like `3..7` (replayed in order)
    #[arg(value_name = "ID", required = true)]
    pub ids: Vec<String>,

    /// Where to send [default: the capture's route targets, or listen.forward]
    #[arg(long, value_name = "URL")]
    pub to: Vec<String>,

    /// Re-sign with a fresh timestamp and id (secret from --secret or the config)
    #[arg(long, help_heading = "Changes")]
    pub resign: bool,

    /// Secret for --resign, PROVIDER=SECRET (@file, env:VAR) (repeatable)
    #[arg(long, value_name = "PROVIDER=SECRET", help_heading = "Changes")]
    pub secret: Vec<String>,

    /// Set a header, replacing its values: 'Name: value' (repeatable)
    #[arg(long, value_name = "HEADER", help_heading = "Changes")]
    pub set_header: Vec<String>,

    /// Remove a header (repeatable)
    #[arg(long, value_name = "NAME", help_heading = "Changes")]
    pub remove_header: Vec<String>,

    /// Replace the body: text, or @file
    #[arg(long, value_name = "TEXT|@FILE", help_heading = "Changes")]
    pub body: Option<String>,

    /// Edit the request in $EDITOR before sending (needs a terminal)
    #[arg(long, help_heading = "Changes")]
    pub edit: bool,

    /// Exit 1 when a target answers with 400 or more
    #[arg(long)]
    pub fail: bool,

    /// Print each result as JSON (an attempt object per line)
    #[arg(long)]
    pub json: bool,

    /// Give up on a target after this long
    #[arg(long, value_name = "DURATION", value_parser = units::parse_duration, default_value = "30s")]
    pub timeout: Duration,
}

/// What `whisper sign` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SignFormat {
    /// The header lines
    Headers,
    /// {"provider","method","url","headers","body","body_base64"}
    Json,
    /// A curl command
    Curl,
    /// The whole HTTP request
    Http,
}

/// `whisper sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The provider, or a [[scheme]] from the config
    #[arg(value_name = "PROVIDER")]
    pub provider: String,

    /// The secret (@file, env:VAR); repeat for one signature per secret where the provider allows several [default: from [secrets]]
    #[arg(long, value_name = "SECRET")]
    pub secret: Vec<String>,

    /// The body, as text
    #[arg(short, long, value_name = "TEXT", conflicts_with = "file")]
    pub data: Option<String>,

    /// The body, from a file (`-` for standard input); without --data or --file, standard input is read
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// Unix time to sign with [default: now]
    #[arg(long, value_name = "UNIX")]
    pub timestamp: Option<i64>,

    /// Message or delivery id (Mailgun: the token) [default: a fresh one]
    #[arg(long)]
    pub id: Option<String>,

    /// The URL the provider calls; Twilio and Square sign it [default: the --send URL]
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// Content-Type of the body [default: JSON, or a form when the body is one]
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,

    /// What to print
    #[arg(long, value_enum, default_value_t = SignFormat::Headers)]
    pub format: SignFormat,

    /// Send the signed request to this URL and print the response
    #[arg(long, value_name = "URL")]
    pub send: Option<String>,
}

/// `whisper verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Capture id or `last`; without it, the request is given with --header and --data/--file/stdin
    #[arg(value_name = "ID")]
    pub id: Option<String>,

    /// The provider [default: detected from the headers]
    #[arg(long, value_name = "PROVIDER")]
    pub provider: Option<String>,

    /// PROVIDER=SECRET, or SECRET with --provider (@file, env:VAR) (repeatable) [default: from [secrets]]
    #[arg(long, value_name = "SECRET")]
    pub secret: Vec<String>,

    /// A request header, 'Name: value' (repeatable)
    #[arg(
        short = 'H',
        long = "header",
        value_name = "HEADER",
        conflicts_with = "id"
    )]
    pub headers: Vec<String>,

    /// The body, as text
    #[arg(short, long, value_name = "TEXT", conflicts_with_all = ["file", "id"])]
    pub data: Option<String>,

    /// The body, from a file (`-` for standard input)
    #[arg(long, value_name = "PATH", conflicts_with = "id")]
    pub file: Option<PathBuf>,

    /// The URL the provider called (Twilio, Square) [default: http://HOST/TARGET of the capture]
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,

    /// Replay window, e.g. 300s, or `none` [default: the provider's own]
    #[arg(long, value_name = "DURATION|none", value_parser = crate::config::parse_tolerance_text)]
    pub tolerance: Option<String>,

    /// Check as of this Unix time [default: now]
    #[arg(long, value_name = "UNIX")]
    pub now: Option<i64>,

    /// Print {"provider","verdict","reason"}
    #[arg(long)]
    pub json: bool,
}

/// `whisper clear`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true))]
pub struct ClearArgs {
    /// Delete every capture
    #[arg(long, group = "which")]
    pub all: bool,

    /// Delete the captures older than this id
    #[arg(long, value_name = "ID", group = "which")]
    pub before: Option<i64>,

    /// Do not ask for confirmation (never asked when not on a terminal)
    #[arg(short, long)]
    pub yes: bool,
}

/// `whisper completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `whisper man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command's own page (e.g. `listen`) instead of the main one
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
