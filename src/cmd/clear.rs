//! `whisper clear`: deletes captures (and their attempts). Asks first on a
//! terminal; never asks when input or output is not a terminal.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::process::ExitCode;

use crate::store;

/// Which captures to delete.
#[derive(Debug, Clone, Copy)]
pub enum Which {
    /// All of them.
    All,
    /// Those with an id below this one.
    Before(i64),
}

/// Deletes the captures.
pub fn run(db: &std::path::Path, which: Which, yes: bool) -> anyhow::Result<ExitCode> {
    let conn = store::open(db)?;
    let count: i64 = match which {
        Which::All => conn.query_row("SELECT count(*) FROM captures", [], |r| r.get(0))?,
        Which::Before(id) => {
            conn.query_row("SELECT count(*) FROM captures WHERE id < ?1", [id], |r| {
                r.get(0)
            })?
        }
    };
    if count == 0 {
        eprintln!("nothing to delete");
        return Ok(ExitCode::SUCCESS);
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if interactive && !yes {
        eprint!("delete {count} capture(s) from {}? [y/N] ", db.display());
        std::io::stderr().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("nothing deleted");
            return Ok(ExitCode::SUCCESS);
        }
    }
    let deleted = match which {
        Which::All => store::clear_all(&conn)?,
        Which::Before(id) => store::clear_before(&conn, id)?,
    };
    eprintln!("deleted {deleted} capture(s)");
    Ok(ExitCode::SUCCESS)
}
