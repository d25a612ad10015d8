//! The one operation type: every change vmdeck makes to a VM is an `OpKind`. The question
//! that asks for it, the operation record, the backend command and the audit line all carry
//! the same value, so an action is spelled out once.

use super::action::{CloneRequest, MigrateOptions, PowerAction, SnapshotAction};
use super::compose::ComposeSpec;

/// Identifies one operation (an action on one VM) for the lifetime of the process.
pub type OpId = u64;

/// Where a VM migrates to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationTarget {
    /// The destination's index in its pool (the app's), and its name.
    pub host: usize,
    pub host_name: String,
    /// The destination's URI, as the source host reaches it.
    pub uri: String,
    /// Where the migration data goes (`tcp://host`), when the hypervisor should not pick.
    pub migration_uri: Option<String>,
}

/// How a move really happens, decided when it is asked for and written to the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveHow {
    /// A running VM keeps running.
    Live,
    /// A shut-off VM's definition (and disks with copy-storage) moves.
    Offline,
    /// Incus: a running container is stopped, moved and started again.
    Cold,
}

impl MoveHow {
    pub fn word(self) -> &'static str {
        match self {
            MoveHow::Live => "live",
            MoveHow::Offline => "offline",
            MoveHow::Cold => "cold (stop, move, start)",
        }
    }
}

/// What an operation does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpKind {
    Power(PowerAction),
    Migrate {
        to: MigrationTarget,
        options: MigrateOptions,
        how: MoveHow,
    },
    /// Undefine (with its disks); `force` pulls the plug of a running VM first.
    Delete {
        with_storage: bool,
        force: bool,
    },
    Snapshot(SnapshotAction),
    Clone(CloneRequest),
    /// Make a new VM on the host (an Incus cluster: on `spec.member`) and start it.
    Compose(Box<ComposeSpec>),
    /// Cancel the VM's running job (a libvirt migration, an Incus operation): operation `of`.
    Abort {
        of: OpId,
    },
    /// A job vmdeck did not start (or started before it was restarted), found running on
    /// the VM when the host connected: it is watched, and can be aborted, not started.
    /// `job` says what it is in words ("outgoing migration", an Incus operation's text).
    Adopted {
        job: String,
    },
    /// Rewrite the set spec stamped on a member (after a scale or a spec change), keeping
    /// the rest of its stamp.
    Restamp(Box<crate::model::set::SetSpec>),
}

impl OpKind {
    /// The `:` command and audit name.
    pub fn command(&self) -> &'static str {
        match self {
            OpKind::Power(action) => action.command(),
            OpKind::Migrate { .. } => "migrate",
            OpKind::Delete { .. } => "delete",
            OpKind::Snapshot(action) => action.command(),
            OpKind::Clone(_) => "clone",
            OpKind::Compose(_) => "compose",
            OpKind::Abort { .. } => "abort",
            OpKind::Adopted { .. } => "found job",
            OpKind::Restamp(_) => "restamp",
        }
    }

    /// Whether the operation destroys a VM or what it holds (never asked without a typed
    /// confirmation when in bulk, never without a question at all).
    pub fn destroys(&self) -> bool {
        matches!(
            self,
            OpKind::Delete { .. } | OpKind::Power(PowerAction::PowerOff | PowerAction::Reset)
        )
    }

    /// The parameters, for the audit log.
    pub fn params(&self) -> String {
        match self {
            OpKind::Migrate { to, options, how } => migrate_params(to, options, *how),
            OpKind::Delete {
                with_storage,
                force,
            } => {
                let words = [(*with_storage, "with-storage"), (*force, "force")];
                let set: Vec<&str> = words.iter().filter(|w| w.0).map(|w| w.1).collect();
                set.join(" ")
            }
            OpKind::Snapshot(SnapshotAction::Create {
                name,
                with_memory: Some(memory),
                ..
            }) => format!(
                "name={name} {}",
                if *memory { "with-memory" } else { "disk-only" }
            ),
            OpKind::Snapshot(action) => format!("name={}", action.name()),
            OpKind::Clone(request) => request.params(),
            OpKind::Compose(spec) => spec.params(),
            OpKind::Abort { of } => format!("operation={of}"),
            OpKind::Adopted { job } => format!("job={job:?} found running when vmdeck started"),
            OpKind::Restamp(spec) => {
                format!("replicas={} generation={}", spec.replicas, spec.generation)
            }
            OpKind::Power(_) => String::new(),
        }
    }
}

fn migrate_params(to: &MigrationTarget, options: &MigrateOptions, how: MoveHow) -> String {
    let mut words = vec![format!("to={}", to.host_name), how.word().to_string()];
    if options.copy_storage {
        words.push("copy-storage".into());
    }
    if options.auto_converge {
        words.push("auto-converge".into());
    }
    if let Some(ms) = options.max_downtime_ms {
        words.push(format!("max-downtime={ms}ms"));
    }
    if let Some(bw) = options.bandwidth_mib {
        words.push(format!("bandwidth={bw}MiB/s"));
    }
    words.join(" ")
}
