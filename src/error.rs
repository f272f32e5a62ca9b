//! The errors callers match on, and the one place that maps any error to the
//! documented exit code: 0 success, 1 a negative answer, 2 usage or
//! configuration, 3 runtime (cannot bind, store error, target unreachable).

use std::process::ExitCode;

/// An error whose exit code is not the runtime default (3).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A flag, argument or configuration value is wrong (exit 2).
    #[error("{0}")]
    Usage(String),
    /// The capture id names nothing in the store (exit 1).
    #[error("no capture {id} ({})", match newest {
        Some(newest) => format!("newest is {newest}"),
        None => "the store is empty".to_owned(),
    })]
    NoCapture {
        /// The id asked for, or 0 for `last`.
        id: i64,
        /// The newest id in the store, if any.
        newest: Option<i64>,
    },
    /// The store holds no capture at all, and `last` was asked for (exit 1).
    #[error("no capture yet (the store is empty); send one to `whisper listen` first")]
    Empty,
}

impl Error {
    /// A usage error built from anything printable.
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }
}

/// The exit code for an error that ended a command.
pub fn exit_code(err: &anyhow::Error) -> ExitCode {
    for cause in err.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return ExitCode::SUCCESS;
        }
        if let Some(known) = cause.downcast_ref::<Error>() {
            return match known {
                Error::Usage(_) => ExitCode::from(2),
                Error::NoCapture { .. } | Error::Empty => ExitCode::from(1),
            };
        }
    }
    ExitCode::from(3)
}

/// Whether the error is a closed output pipe (`whisper list | head`), which is
/// not worth a message.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
