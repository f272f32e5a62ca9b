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

    /// Keep only the newest N captures [default: keep all]
    #[arg(long, env = "WHISPER_RETAIN", value_name = "N", value_parser = clap::value_parser!(u64).range(1..), help_heading = "Store")]
    pub retain: Option<u64>,

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
