//! The one table of `:` commands (k9s-style, with aliases): the parser, the help screen, Tab
//! completion and "did you mean" all read it, so they cannot disagree.

mod build;
mod complete;
mod parse;
mod suggest;
mod table;
mod table_vm;
mod values;

pub use complete::{Completion, complete};
pub use parse::{Parsed, parse};
pub use suggest::{did_you_mean, suggest};
pub use values::{column_key, values};

use crate::keymap::Action;
use crate::model::action::PowerAction;

use super::state::State;

/// What a command does; `update::command` routes each to its handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmd {
    Pools,
    Hosts,
    Host,
    Vms,
    Vm,
    Dashboard,
    Images,
    Rt,
    Sets,
    Ops,
    Audit,
    Help,
    Quit,
    QuitNow,
    Back,
    Open,
    Filter,
    Sort,
    Reverse,
    Columns,
    Mark,
    Unmark,
    Xml,
    Reconnect,
    Console { watch_only: bool },
    Zoom,
    TabNext,
    TabPrev,
    TabClose,
    History,
    Power(PowerAction),
    Migrate,
    Abort,
    Delete,
    Snapshot,
    Revert,
    SnapshotDelete,
    Clone,
    Scale,
    Heal,
    Compose,
}

/// What an argument (or an option's value) is, for completion and checking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Vm,
    Host,
    /// A host of the VM's pool: the command checks it, naming the pool's hosts.
    Member,
    /// A host, or a pool (`:host` of a pool lists its hosts).
    HostOrPool,
    Pool,
    /// A snapshot of the VM in view.
    Snapshot,
    VmType,
    Image,
    /// A column of the list in view.
    Column,
    Number,
    /// One of these words.
    Choice(&'static [&'static str]),
    /// A name that does not exist yet (a new VM, snapshot, set).
    NewName,
    /// Free text, e.g. a filter or a path.
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arg {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

/// A `--flag`, with the kind of the value that follows it if it takes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    pub flag: &'static str,
    pub value: Option<Kind>,
}

/// Where a command works (help groups commands by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Anywhere,
    /// A list (pools, hosts, VMs).
    Lists,
    /// The selected or marked VMs.
    Vms,
    /// One VM: the selected one or the one in view.
    OneVm,
    /// The VM detail view.
    Detail,
    /// The console tabs.
    Consoles,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Anywhere => "Commands",
            Scope::Lists => "Commands in lists",
            Scope::Vms => "Commands on the selected or marked VMs",
            Scope::OneVm => "Commands on one VM",
            Scope::Detail => "Commands in the VM detail",
            Scope::Consoles => "Commands for consoles",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Command {
    pub cmd: Cmd,
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub args: &'static [Arg],
    pub options: &'static [Opt],
    /// The last argument takes every word left (free text such as a description).
    pub rest: bool,
    /// What follows the name in the usage line.
    pub usage: &'static str,
    pub desc: &'static str,
    /// Changes a VM: hidden and refused in read-only mode.
    pub mutates: bool,
    pub scope: Scope,
}

impl Command {
    /// `:migrate HOST [--offline] …`
    pub fn usage_line(&self) -> String {
        match self.usage {
            "" => format!(":{}", self.name),
            args => format!(":{} {args}", self.name),
        }
    }

    fn answers_to(&self, word: &str) -> bool {
        self.name == word || self.aliases.contains(&word)
    }
}

/// Every command, in the order help lists them.
pub fn all() -> impl Iterator<Item = &'static Command> {
    table::NAVIGATION.iter().chain(table_vm::VM_COMMANDS)
}

/// The command named (or aliased) `word`.
pub fn find(word: &str) -> Option<&'static Command> {
    all().find(|c| c.answers_to(word))
}

/// The command that does what a key does. Keys that only move or edit inside what has focus
/// (arrows and paging, the input line's own keys, copy-mode search and yank, the console's
/// detach) have none: typing `:` already takes the focus from where they would apply.
pub fn command_of(action: Action) -> Option<&'static str> {
    use Action as A;
    let name = match action {
        A::Quit => "quit",
        A::Back => "back",
        A::Open => "open",
        A::Filter => "filter",
        A::Help => "help",
        A::SortNext => "sort",
        A::SortReverse => "reverse",
        A::ToggleXml => "xml",
        A::Reconnect => "reconnect",
        A::Pools => "pools",
        A::Hosts => "hosts",
        A::Vms => "vms",
        A::Console => "console",
        A::WatchConsole => "watch",
        A::Zoom => "zoom",
        A::NextTab => "tab-next",
        A::PrevTab => "tab-prev",
        A::CloseTab => "tab-close",
        A::CopyMode => "history",
        A::Mark => "mark",
        A::Ops => "ops",
        A::MigrateVm => "migrate",
        A::AbortJob => "abort",
        A::DeleteVm => "delete",
        A::HostInfo => "host",
        A::Dashboard => "dashboard",
        A::ComposeVm => "compose",
        _ => return action.power().map(PowerAction::command),
    };
    Some(name)
}

/// Whether what changes VMs is off where the admin is: read-only globally, in the pool in
/// view (help looks through itself to the screen below) or of the selected row, or in every
/// pool.
pub fn read_only_here(state: &State) -> bool {
    use super::table::RowId;
    let selected = match state.rows.get(state.screen().table.selected) {
        Some(RowId::Pool(p) | RowId::Host(p, _) | RowId::Vm(p, _, _)) => Some(*p),
        None => None,
    };
    let in_view = std::iter::once(&state.base)
        .chain(&state.nav)
        .rev()
        .map(|s| &s.view)
        .find(|v| **v != super::state::View::Help)
        .and_then(|v| v.pool())
        .or(selected)
        .and_then(|p| state.pools.get(p));
    let every = !state.pools.is_empty() && state.pools.iter().all(|p| p.read_only);
    state.read_only || every || in_view.is_some_and(|p| p.read_only)
}

/// The commands help offers here.
pub fn offered(state: &State) -> impl Iterator<Item = &'static Command> {
    let read_only = read_only_here(state);
    all().filter(move |c| !(read_only && c.mutates))
}
