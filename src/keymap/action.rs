//! What keys do (`Action`) and where (`Context`), as the keymap files name them.

use serde::Deserialize;

/// Where a binding applies. `Global` bindings apply in every context but text input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Context {
    Global,
    Table,
    Detail,
    Input,
    Help,
    /// The console pane with focus: everything else goes to the guest.
    Console,
    /// Scrolling and copying in a console's history.
    CopyMode,
    /// The compose form: keys not bound here go to the field that has focus.
    Form,
    /// A question: keys not bound here cancel it (while a word is typed, they type it).
    Confirm,
}

impl Context {
    /// Global bindings apply here too; not while typing, in the console (its keys go to
    /// the guest), in the form (its keys edit fields) or in a question.
    pub fn takes_global(self) -> bool {
        !matches!(
            self,
            Context::Input
                | Context::Console
                | Context::CopyMode
                | Context::Form
                | Context::Confirm
        )
    }

    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Table => "Lists",
            Context::Detail => "VM detail",
            Context::Input => "Filter and command input",
            Context::Help => "Help",
            Context::Console => "Console (focused: all other keys go to the guest)",
            Context::CopyMode => "Console history (copy mode)",
            Context::Form => "Compose form (other keys edit the field)",
            Context::Confirm => "Questions (any other key cancels)",
        }
    }
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Back,
    Open,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Filter,
    Command,
    Help,
    SortNext,
    SortReverse,
    ToggleXml,
    Reconnect,
    Pools,
    Hosts,
    Vms,
    Submit,
    Cancel,
    /// Open the selected VM's console.
    Console,
    /// Open it watch-only.
    WatchConsole,
    Detach,
    Zoom,
    NextTab,
    PrevTab,
    CloseTab,
    CopyMode,
    Search,
    SearchNext,
    SearchPrev,
    Mark,
    Yank,
    StartVm,
    ShutdownVm,
    RebootVm,
    ResetVm,
    PowerOffVm,
    SuspendVm,
    ResumeVm,
    /// The operations view.
    Ops,
    /// Opens the command line with `:migrate `.
    MigrateVm,
    /// Aborts a running migration.
    AbortJob,
    /// Deletes the selected VM (its name must be typed).
    DeleteVm,
    /// The selected host's (or VM's host's) capacity, NUMA nodes and storage.
    HostInfo,
    /// The pool dashboard of the pool in view or selected.
    Dashboard,
    /// The compose form of the pool in view or selected (read-only pools: a preview only,
    /// so it is not an action that `mutates`).
    ComposeVm,
    /// The form's next / previous field.
    NextField,
    PrevField,
    /// The next / previous value of a choice field.
    ChooseNext,
    ChoosePrev,
    /// Ask to compose what the form says.
    SubmitForm,
    /// Yes to a `[y/N]` question.
    Yes,
    /// The binding's `:` command (`run = ":snapshot before-upgrade"`).
    Run,
}

impl Action {
    /// Actions that change a VM: absent from hints and help in read-only mode (a `Run`
    /// binding mutates when its command does: see `Binding::mutates`).
    pub fn mutates(self) -> bool {
        self.power().is_some()
            || matches!(
                self,
                Action::MigrateVm | Action::AbortJob | Action::DeleteVm
            )
    }

    /// The power action this key stands for.
    pub fn power(self) -> Option<crate::model::action::PowerAction> {
        use crate::model::action::PowerAction as P;
        Some(match self {
            Action::StartVm => P::Start,
            Action::ShutdownVm => P::Shutdown,
            Action::RebootVm => P::Reboot,
            Action::ResetVm => P::Reset,
            Action::PowerOffVm => P::PowerOff,
            Action::SuspendVm => P::Suspend,
            Action::ResumeVm => P::Resume,
            _ => return None,
        })
    }
}

/// The `:` commands that start an operation (a keymap entry running one is hidden in
/// read-only pools, like the keys of the actions).
const MUTATING_COMMANDS: [&str; 8] = [
    "migrate",
    "delete",
    "snapshot",
    "revert",
    "snapshot-delete",
    "clone",
    "scale",
    "abort",
];

/// Whether a `:` command line changes anything.
pub fn command_mutates(line: &str) -> bool {
    let word = line
        .trim_start_matches(':')
        .split_whitespace()
        .next()
        .unwrap_or("");
    MUTATING_COMMANDS.contains(&word)
        || crate::model::action::PowerAction::from_command(word).is_some()
}
