//! Console tabs in the app state: each keeps its emulated screen and history whether or not
//! it is on screen, so re-attaching shows everything that happened.

use crate::backend::console::ConsoleId;
use crate::console::screen::ConsoleScreen;
use crate::keymap::Chord;

/// Lines of history kept per console unless the config says otherwise.
pub const DEFAULT_SCROLLBACK: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleStatus {
    Connecting,
    Attached,
    /// Someone else holds it; the user is asked before taking it over.
    Busy(String),
    Closed(String),
    Failed(String),
}

impl ConsoleStatus {
    pub fn label(&self) -> &'static str {
        match self {
            ConsoleStatus::Connecting => "connecting",
            ConsoleStatus::Attached => "attached",
            ConsoleStatus::Busy(_) => "busy",
            ConsoleStatus::Closed(_) => "closed",
            ConsoleStatus::Failed(_) => "failed",
        }
    }
}

/// Scrolling through history. Positions count lines up from the newest line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyMode {
    pub cursor: usize,
    pub mark: Option<usize>,
    pub last_search: String,
}

#[derive(Debug)]
pub struct ConsoleTab {
    pub id: ConsoleId,
    pub pool: usize,
    pub host: usize,
    pub uuid: String,
    pub vm_name: String,
    pub host_name: String,
    pub screen: ConsoleScreen,
    pub status: ConsoleStatus,
    pub watch_only: bool,
    /// Keys held back while they may be the start of an escape sequence (`~` after Enter).
    pub held: Vec<Chord>,
    /// The last key sent ended a line, so an escape sequence may start.
    pub at_line_start: bool,
    pub copy: Option<CopyMode>,
}

/// All consoles and how the pane shows them.
#[derive(Debug, Default)]
pub struct Consoles {
    pub tabs: Vec<ConsoleTab>,
    pub active: usize,
    /// The pane is on screen (split or zoomed).
    pub visible: bool,
    /// Keys go to the guest.
    pub focused: bool,
    pub zoomed: bool,
    pub next_id: ConsoleId,
    pub scrollback: usize,
}

impl Consoles {
    pub fn active(&self) -> Option<&ConsoleTab> {
        self.tabs.get(self.active)
    }

    pub fn active_mut(&mut self) -> Option<&mut ConsoleTab> {
        self.tabs.get_mut(self.active)
    }

    pub fn find(&self, id: ConsoleId) -> Option<usize> {
        self.tabs.iter().position(|t| t.id == id)
    }

    /// Where the pane is shown and focused, keys belong to it.
    pub fn has_focus(&self) -> bool {
        self.visible && self.focused && self.active().is_some()
    }
}
