//! What admins do to VMs, as values: the UI confirms them, the backends carry them out, the
//! audit log records them.

use serde::Serialize;

/// Power actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PowerAction {
    Start,
    /// ACPI power button: the guest shuts down cleanly.
    Shutdown,
    Reboot,
    /// Hard reset: like pressing the reset button.
    Reset,
    /// Pull the plug.
    PowerOff,
    Suspend,
    Resume,
}

impl PowerAction {
    pub const ALL: [PowerAction; 7] = [
        PowerAction::Start,
        PowerAction::Shutdown,
        PowerAction::Reboot,
        PowerAction::Reset,
        PowerAction::PowerOff,
        PowerAction::Suspend,
        PowerAction::Resume,
    ];

    /// The `:` command (and audit name).
    pub fn command(self) -> &'static str {
        match self {
            PowerAction::Start => "start",
            PowerAction::Shutdown => "shutdown",
            PowerAction::Reboot => "reboot",
            PowerAction::Reset => "reset",
            PowerAction::PowerOff => "off",
            PowerAction::Suspend => "suspend",
            PowerAction::Resume => "resume",
        }
    }

    /// How a confirmation names it.
    pub fn verb(self) -> &'static str {
        match self {
            PowerAction::Start => "Start",
            PowerAction::Shutdown => "Shut down (ACPI)",
            PowerAction::Reboot => "Reboot",
            PowerAction::Reset => "Hard-reset",
            PowerAction::PowerOff => "Force off",
            PowerAction::Suspend => "Suspend",
            PowerAction::Resume => "Resume",
        }
    }

    pub fn from_command(word: &str) -> Option<PowerAction> {
        PowerAction::ALL.into_iter().find(|a| a.command() == word)
    }

    /// Actions that interrupt what the guest is doing ask first; starting and resuming do not.
    pub fn needs_confirmation(self) -> bool {
        !matches!(self, PowerAction::Start | PowerAction::Resume)
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AuditRecord {
    /// Seconds since the Unix epoch.
    pub time: u64,
    pub user: String,
    pub pool: String,
    pub host: String,
    pub vm: String,
    pub action: String,
    pub params: String,
    pub result: String,
    /// SHA-256 (hex) of the line before this one in the file: the audit log's chain
    /// (`vmdeck audit verify`). Absent in lines of older vmdeck versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
}

/// How to migrate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MigrateOptions {
    /// Move a shut-off VM's definition (and disks with `copy_storage`) instead of a live move.
    pub offline: bool,
    /// Mirror the disks too (no shared storage).
    pub copy_storage: bool,
    pub auto_converge: bool,
    /// Bandwidth limit in MiB/s.
    pub bandwidth_mib: Option<u64>,
    /// The longest pause the guest may see when the move completes, in milliseconds.
    pub max_downtime_ms: Option<u64>,
}

/// Figures of a running migration, as the hypervisor reports them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MigrationProgress {
    pub total_bytes: u64,
    pub processed_bytes: u64,
    pub remaining_bytes: u64,
    pub bytes_per_sec: u64,
    pub dirty_pages_per_sec: u64,
    pub iteration: u64,
    pub expected_downtime_ms: u64,
    pub elapsed_ms: u64,
}

impl MigrationProgress {
    pub fn percent(&self) -> f64 {
        super::units::percent(self.processed_bytes as f64, self.total_bytes as f64)
    }
}

/// What to do with a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotAction {
    Create {
        name: String,
        description: String,
        /// A running VM's memory too (reverting resumes it where it was), or disks only;
        /// None: as the hypervisor does by default (libvirt: with memory when running;
        /// Incus: disks only).
        with_memory: Option<bool>,
    },
    Revert {
        name: String,
    },
    Delete {
        name: String,
    },
}

impl SnapshotAction {
    pub fn command(&self) -> &'static str {
        match self {
            SnapshotAction::Create { .. } => "snapshot",
            SnapshotAction::Revert { .. } => "revert",
            SnapshotAction::Delete { .. } => "snapshot-delete",
        }
    }

    pub fn name(&self) -> &str {
        match self {
            SnapshotAction::Create { name, .. }
            | SnapshotAction::Revert { name }
            | SnapshotAction::Delete { name } => name,
        }
    }
}

/// A clone to make: its name, how it gets its disks and, for Incus, where it goes and whether
/// the source's snapshots come along.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloneRequest {
    pub name: String,
    pub mode: CloneMode,
    /// Another cluster member (Incus); None: the source's host.
    pub to_host: Option<String>,
    /// Incus: copy the source's snapshots too.
    pub with_snapshots: bool,
}

impl CloneRequest {
    /// The parameters, for the audit log.
    pub fn params(&self) -> String {
        let mut words = vec![format!("name={}", self.name), self.mode.flag().to_string()];
        if let Some(host) = &self.to_host {
            words.push(format!("host={host}"));
        }
        if self.with_snapshots {
            words.push("with-snapshots".into());
        }
        words.join(" ")
    }
}

/// How a clone gets its disks (the ZStack model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CloneMode {
    /// A qcow2 overlay whose backing file is the source disk: instant and tiny.
    Linked,
    /// An independent copy of every disk.
    Full,
    /// Linked first, so the clone boots at once, then flattened with a block pull.
    InstantFull,
}

impl CloneMode {
    pub fn flag(self) -> &'static str {
        match self {
            CloneMode::Linked => "--linked",
            CloneMode::Full => "--full",
            CloneMode::InstantFull => "--instant-full",
        }
    }

    pub fn from_flag(flag: &str) -> Option<CloneMode> {
        [CloneMode::Linked, CloneMode::Full, CloneMode::InstantFull]
            .into_iter()
            .find(|m| m.flag() == flag)
    }
}
