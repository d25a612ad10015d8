//! Messages into the app loop and effects out of it.

use crossterm::event::KeyEvent;

use crate::backend::console::{ConsoleEvent, ConsoleId};
use crate::backend::{HostCommand, HostEvent};

/// Everything that can happen to the app.
// Host events are large (a whole inventory); each message is moved once through a channel,
// so boxing would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    /// The mouse wheel (scrolls a console's history, or the list).
    Wheel {
        up: bool,
    },

    Resize {
        width: u16,
        height: u16,
    },
    Host {
        pool: usize,
        host: usize,
        event: HostEvent,
    },
    Console {
        id: ConsoleId,
        event: ConsoleEvent,
    },
    /// The audit log's last lines, read for `:audit`.
    AuditLoaded(Result<Vec<String>, String>),
    /// The `--user-data` file of a `:compose`, read (or why not), with the rest of its words.
    UserData {
        args: crate::compose::ComposeArgs,
        text: Result<crate::compose::UserData, String>,
    },
    /// Problems found at start-up (bad user files), for the status line.
    Warnings(Vec<String>),
    /// The wall clock, once a second from the app loop (`update` reads no clock): when
    /// operations start and end, and how long a running one has taken.
    Clock(std::time::SystemTime),
    /// SIGTERM, SIGHUP (the SSH session dropped), …: its name, for the audit log.
    Terminate {
        signal: &'static str,
    },
}

/// I/O the app asks for; the effect runner carries it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Host {
        pool: usize,
        host: usize,
        command: HostCommand,
    },
    OpenConsole {
        pool: usize,
        host: usize,
        uuid: String,
        id: ConsoleId,
        force: bool,
    },
    ConsoleSend {
        id: ConsoleId,
        bytes: Vec<u8>,
    },
    ConsoleResize {
        id: ConsoleId,
        cols: u16,
        rows: u16,
    },
    /// Detach: drop the connection; the tab (screen and history) may stay.
    ConsoleClose {
        id: ConsoleId,
    },
    /// Read a `:compose --user-data FILE` (answered with `Msg::UserData`).
    ReadUserData(crate::compose::ComposeArgs),
    /// Read the audit log's last lines (answered with `Msg::AuditLoaded`).
    LoadAudit,
    /// Put text on the user's clipboard (OSC 52, which works over SSH).
    Clipboard(String),
    /// Keep a table's chosen columns in the config's `[columns]` (None: all, the entry goes).
    SaveColumns {
        table: String,
        columns: Option<Vec<String>>,
    },
    /// Append a line to the audit log (the runner adds the time and the local user).
    Audit {
        pool: String,
        host: String,
        vm: String,
        action: String,
        params: String,
        result: String,
    },
}
