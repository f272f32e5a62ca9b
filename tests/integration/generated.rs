//! The committed completions and man pages match what the binary generates
//! now. After a change to the command line, refresh them with
//! `WHISPER_BLESS=1 cargo test generated`.

use std::path::Path;

use clap::CommandFactory as _;
use clap_complete::Shell;

#[test]
fn cli_definition_is_consistent() {
    whisper::cli::Cli::command().debug_assert();
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bless = std::env::var_os("WHISPER_BLESS").is_some();
    let mut expected = Vec::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut text = Vec::new();
        whisper::generate::completions(shell, &mut text);
        expected.push((
            root.join("completions")
                .join(whisper::generate::completion_file(shell)),
            text,
        ));
    }
    for (file, text) in whisper::generate::man_pages().unwrap() {
        expected.push((root.join("man").join(file), text));
    }
    let mut stale = Vec::new();
    for (path, text) in &expected {
        if std::fs::read(path).ok().as_deref() != Some(text.as_slice()) {
            if bless {
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, text).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files (run `WHISPER_BLESS=1 cargo test generated`): {stale:?}"
    );
    // `whisper completions` and `whisper man` print the same.
    let out = std::process::Command::new(crate::util::BIN)
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert_eq!(out.stdout, expected[0].1);
    let out = std::process::Command::new(crate::util::BIN)
        .args(["man", "listen"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("max\\-body\\-size"));
}
