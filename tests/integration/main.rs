//! Integration tests: the real binary, real HTTP over loopback, a real SQLite
//! file. Each test has its own temp dir and binds port 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod commands;
mod generated;
mod interop;
mod listen;
mod signatures;
mod store;
mod tui;
mod util;
