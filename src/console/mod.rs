//! Console sessions: a terminal emulator per console (alacritty_terminal), answers to the guest's terminal
//! queries, scrollback, and key → byte encoding. No I/O here: bytes come in as messages and
//! replies go out as effects.

mod cells;
pub mod keys;
pub mod screen;
