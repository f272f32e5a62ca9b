//! whisper: capture, verify, forward and replay webhooks on your own machine.
//!
//! Module map:
//! - [`cli`] the command line, [`config`] its resolution with `whisper.toml`,
//!   [`error`] exit codes;
//! - [`capture`] the model and its JSON, [`store`] the SQLite store and its
//!   single writer, [`feed`] the event bus and the never-missing consumer;
//! - [`server`] the receiver and inspector, [`report`] the listener's output,
//!   [`tui`] its live terminal UI;
//! - [`cmd`] one module per command; [`curl`], [`pretty`], [`sanitize`],
//!   [`paint`], [`units`], [`glob`] their shared pieces; [`generate`]
//!   completions and man pages; [`secret`] the redacted secret type.

pub mod capture;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod curl;
pub mod error;
pub mod feed;
pub mod forward;
pub mod generate;
pub mod glob;
pub mod paint;
pub mod pretty;
pub mod relay;
pub mod report;
pub mod sanitize;
pub mod secret;
pub mod server;
pub mod sign;
pub mod store;
pub mod tui;
pub mod units;
pub mod verify;

use std::process::ExitCode;

use anyhow::Context as _;

use crate::capture::Verdict;
use crate::cli::{Cli, Command};
use crate::config::{Context, ListenConfig};
use crate::store::Filter;

/// Runs a parsed command line and returns the process's exit code.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Completions(args) => {
            generate::completions(args.shell, &mut std::io::stdout().lock());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man(args) => {
            generate::man(args.command.as_deref(), &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Listen(args) => {
            let config = ListenConfig::resolve(Context::load(&cli.global)?, args)?;
            runtime()?.block_on(cmd::listen::run(config))
        }
        Command::List(args) => {
            let ctx = Context::load(&cli.global)?;
            cmd::list::run(
                &ctx.db,
                ctx.color,
                cmd::list::ListOptions {
                    limit: args.limit as usize,
                    filter: Filter {
                        method: args.method,
                        path: args.path,
                        provider: args.provider,
                        verdicts: if args.invalid {
                            vec![Verdict::Invalid, Verdict::Expired, Verdict::Unsigned]
                        } else {
                            Vec::new()
                        },
                    },
                    json: args.json,
                },
            )
        }
        Command::Show(args) => {
            let ctx = Context::load(&cli.global)?;
            let format = if args.json {
                cmd::show::Format::Json
            } else if args.raw {
                cmd::show::Format::Raw
            } else if args.body {
                cmd::show::Format::Body
            } else if args.curl {
                cmd::show::Format::Curl
            } else {
                cmd::show::Format::Text
            };
            cmd::show::run(&ctx.db, &args.id, format, ctx.color)
        }
        Command::Replay(args) => {
            let ctx = Context::load(&cli.global)?;
            runtime()?.block_on(cmd::replay::run(ctx, args))
        }
        Command::Sign(args) => {
            let ctx = Context::load(&cli.global)?;
            runtime()?.block_on(cmd::sign::run(ctx, args))
        }
        Command::Verify(args) => cmd::verify::run(Context::load(&cli.global)?, args),
        Command::Clear(args) => {
            let ctx = Context::load(&cli.global)?;
            let which = match args.before {
                Some(id) => cmd::clear::Which::Before(id),
                None => cmd::clear::Which::All,
            };
            cmd::clear::run(&ctx.db, which, args.yes)
        }
    }
}

/// The one runtime, for the commands that do network work.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("whisper")
        .build()
        .context("cannot start the async runtime")
}
