//! One module per command; each takes its resolved settings and returns the
//! exit code.

pub mod clear;
pub mod list;
pub mod listen;
pub mod show;
