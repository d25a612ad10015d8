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
    /// Lines of history plus the screen, kept by `update` for the position shown.
    pub lines: usize,
}

impl CopyMode {
    /// The cursor's line counted from the oldest, as the pane shows it: `line 1 234 of 10 000`.
    pub fn position(&self) -> String {
        let line = self.lines.saturating_sub(self.cursor).max(1);
        format!("line {} of {}", grouped(line), grouped(self.lines.max(1)))
    }
}

/// `10000` → `10 000`: digits in groups of three, as admins read long counts.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(d);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::CopyMode;

    #[test]
    fn the_position_counts_from_the_oldest_line_in_groups_of_three() {
        let copy = |cursor, lines| CopyMode {
            cursor,
            lines,
            ..CopyMode::default()
        };
        assert_eq!(copy(8_809, 10_043).position(), "line 1 234 of 10 043");
        assert_eq!(copy(0, 24).position(), "line 24 of 24");
        assert_eq!(copy(0, 1_000_000).position(), "line 1 000 000 of 1 000 000");
    }
}
