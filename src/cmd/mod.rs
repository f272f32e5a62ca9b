//! One module per command; each takes its resolved settings and returns the
//! exit code.

pub mod clear;
mod io;
pub mod list;
pub mod listen;
pub mod replay;
pub mod show;
pub mod sign;
pub mod verify;
