//! Integration tests: the real binary, real HTTP over loopback, a real SQLite
//! file. Each test has its own temp dir and binds port 0.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod browser;
mod commands;
mod faults;
mod forward;
mod generated;
mod inspector;
mod interop;
mod listen;
mod relay;
mod signatures;
mod sse;
mod store;
mod target;
mod tui;
mod util;
