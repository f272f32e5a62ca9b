//! Shell completions and man pages, generated from the command-line definition
//! so they can never disagree with it. The generated files are also committed
//! under `completions/` and `man/` (a test keeps them fresh).

use std::io::Write;

use clap::CommandFactory as _;
use clap_complete::Shell;

use crate::cli::Cli;
use crate::error::Error;

/// Writes the completion script for `shell`.
pub fn completions(shell: Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Cli::command(), "whisper", out);
}

/// The file name a shell's completion script is installed under.
pub fn completion_file(shell: Shell) -> String {
    match shell {
        Shell::Bash => "whisper.bash".into(),
        Shell::Zsh => "_whisper".into(),
        Shell::Fish => "whisper.fish".into(),
        Shell::Elvish => "whisper.elv".into(),
        Shell::PowerShell => "_whisper.ps1".into(),
        other => format!("whisper.{other}"),
    }
}

/// Every man page: `whisper.1` and one `whisper-COMMAND.1` per command, as
/// (file name, contents).
pub fn man_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    for page in std::iter::once(&cmd).chain(cmd.get_subcommands()) {
        let man = clap_mangen::Man::new(page.clone());
        let mut text = Vec::new();
        man.render(&mut text)?;
        pages.push((man.get_filename(), text));
    }
    Ok(pages)
}

/// Writes the man page of `whisper`, or of one of its commands.
pub fn man(command: Option<&str>, out: &mut dyn Write) -> anyhow::Result<()> {
    let wanted = match command {
        Some(name) => format!("whisper-{name}.1"),
        None => "whisper.1".to_owned(),
    };
    let (_, text) = man_pages()?
        .into_iter()
        .find(|(file, _)| *file == wanted)
        .ok_or_else(|| Error::usage(format!("no man page for {wanted:?}; try `whisper man`")))?;
    out.write_all(&text)?;
    Ok(())
}
