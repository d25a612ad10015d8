//! Messages into the app loop and effects out of it.

use crossterm::event::KeyEvent;

use crate::backend::{HostCommand, HostEvent};

/// Everything that can happen to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    Resize {
        width: u16,
        height: u16,
    },
    Host {
        pool: usize,
        host: usize,
        event: HostEvent,
    },
    /// SIGTERM, SIGHUP (the SSH session dropped), …
    Terminate,
}

/// I/O the app asks for; the effect runner carries it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Host {
        pool: usize,
        host: usize,
        command: HostCommand,
    },
}
