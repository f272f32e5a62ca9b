//! The `whisper` binary: parse, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser as _;

fn main() -> ExitCode {
    let cli = whisper::cli::Cli::parse();
    match whisper::run(cli) {
        Ok(code) => code,
        Err(err) if whisper::error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("whisper: error: {err:#}");
            whisper::error::exit_code(&err)
        }
    }
}
