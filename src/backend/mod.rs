//! Backends talk to hypervisors and report [`HostEvent`]s. They never import ratatui; they
//! return domain types from `model`.

pub mod backoff;
pub mod console;
pub mod contain;
pub mod incus;
pub mod libvirt;

use crate::config::{HostConfig, PoolConfig};
use crate::model::action::MigrationProgress;
use crate::model::compose::Image;
use crate::model::devices::{HostDevices, VmDeviceUse};
use crate::model::live::LiveFigures;
pub use crate::model::op::{MigrationTarget, OpId, OpKind};
use crate::model::{
    Driver, HostInventory, MemberInventory, StorageVolume, Vm, VmDetails, VmPlacement, VmSample,
};

/// What a host supervisor reports about its host.
// Events are moved through the channel one at a time and the largest (a VM with its stamped
// set spec) is the most frequent: boxing it would add an allocation per update to save
// a few hundred bytes per queued event.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum HostEvent {
    /// A connection attempt started.
    Connecting,
    /// Connected; a fresh bulk inventory replaces whatever was known.
    Connected(HostInventory),
    /// Connected to an Incus cluster: the pool's hosts are its members, each with its
    /// inventory; replaces whatever was known of the pool.
    Members(Vec<MemberInventory>),
    /// The host can't be reached; the supervisor retries after `retry_in_secs`.
    Down { reason: String, retry_in_secs: u64 },
    /// The pool's driver can't be used (yet); nothing will be retried.
    Unsupported(String),
    /// A VM appeared or changed.
    VmUpdated(Vm),
    /// A VM was undefined or deleted.
    VmRemoved { uuid: String },
    /// Something worth a line in the status bar (a guest rebooted, …).
    Notice(String),
    /// Live numbers from the periodic stats pass, read at `taken_at` (the app's clock).
    Samples {
        samples: Vec<VmSample>,
        taken_at: std::time::SystemTime,
    },
    /// The answer to `LoadLiveFigures`: the host's NUMA and storage figures, or why they
    /// could not be read (the old ones stay, and grow old on screen).
    LiveFigures(Result<LiveFigures, String>),
    /// `LiveFigures` of one member of an Incus cluster.
    MemberFigures {
        member: String,
        result: Result<LiveFigures, String>,
    },
    /// A long operation's figures.
    OpProgress {
        op: OpId,
        progress: MigrationProgress,
    },
    /// A long operation's state in words, when there are no figures (Incus operations).
    OpNote { op: OpId, text: String },
    /// An operation ended.
    OpFinished {
        op: OpId,
        result: Result<(), String>,
    },
    /// Where the host's VMs are pinned.
    Placement(Vec<VmPlacement>),
    /// Where one VM is pinned, as its XML says after an event (libvirt).
    VmPlaced(VmPlacement),
    /// The host's storage volumes, with their users and backing chains.
    Volumes(Vec<StorageVolume>),
    /// The images new VMs can be composed from, or why they can't be read.
    Images(Result<Vec<Image>, String>),
    /// At connect: a job runs on the VM that no operation of this session started (one of a
    /// vmdeck that was stopped, or of another tool). The app makes it an operation and
    /// asks the host to watch it with `OpKind::Adopted`.
    JobFound { uuid: String, job: FoundJob },
    /// A host's (or, by name, an Incus cluster member's) devices and networks, read again;
    /// the VMs' uses the app knows stay (they come with `Connected` and `DeviceUse`).
    Devices {
        member: Option<String>,
        devices: HostDevices,
    },
    /// What one VM uses of its host's devices and networks, after it changed.
    DeviceUse(VmDeviceUse),
    /// Disks, NICs and XML for the detail view.
    Details {
        uuid: String,
        result: Result<VmDetails, String>,
    },
}

/// A job found running on a VM (see `HostEvent::JobFound`).
#[derive(Debug, Clone, PartialEq)]
pub struct FoundJob {
    /// What it is, in words ("outgoing migration", an Incus operation's description).
    pub what: String,
    /// Its figures, when the hypervisor gives them (libvirt).
    pub progress: Option<MigrationProgress>,
}

/// What the app asks of a host supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostCommand {
    LoadDetails {
        uuid: String,
    },
    /// Carries out operation `op` on the VM `uuid` (empty for a compose, whose VM does not
    /// exist yet): `OpProgress`/`OpNote` while it runs, then exactly one `OpFinished`.
    Op {
        op: OpId,
        uuid: String,
        kind: OpKind,
    },
    /// Lists the images (libvirt: the volumes of `image_pool`); answered with `Images`.
    LoadImages {
        image_pool: String,
    },
    /// What the host view shows beyond the inventory: where each VM is pinned, and the
    /// storage volumes; answered with `Placement` and `Volumes`.
    LoadHostView,
    /// NUMA free memory and hugepages and storage pool use, read again; answered with
    /// `LiveFigures`, or for a member of an Incus cluster (named, since the cluster's one
    /// supervisor serves them all) with `MemberFigures`.
    LoadLiveFigures {
        member: Option<String>,
    },
    /// Skip the rest of the back-off and try to connect now.
    ReconnectNow,
    Shutdown,
}

impl HostCommand {
    /// Whether the command changes anything on the host: every operation does.
    pub fn mutates(&self) -> bool {
        self.op().is_some()
    }

    /// The operation a command answers with `OpFinished`.
    pub fn op(&self) -> Option<OpId> {
        match self {
            HostCommand::Op { op, .. } => Some(*op),
            _ => None,
        }
    }
}

/// Answers a command that arrives while the host is down, so nothing waits forever.
pub fn answer_while_down(command: HostCommand, sink: &EventSink) {
    let down = || "the host is down".to_string();
    match command {
        HostCommand::LoadDetails { uuid } => sink(HostEvent::Details {
            uuid,
            result: Err(down()),
        }),
        HostCommand::LoadImages { .. } => sink(HostEvent::Images(Err(down()))),
        HostCommand::LoadLiveFigures { member: None } => sink(HostEvent::LiveFigures(Err(down()))),
        HostCommand::LoadLiveFigures {
            member: Some(member),
        } => sink(HostEvent::MemberFigures {
            member,
            result: Err(down()),
        }),
        other => {
            if let Some(op) = other.op() {
                sink(HostEvent::OpFinished {
                    op,
                    result: Err(down()),
                });
            }
        }
    }
}

/// Read-only mode's last line of defence, in every backend: an operation that got past the
/// UI is refused here, before any hypervisor call (every `HostCommand::Op` changes something).
pub fn refuse_in_read_only(read_only: bool) -> Result<(), String> {
    if read_only {
        Err("refused: this pool is read-only".into())
    } else {
        Ok(())
    }
}

/// Where a supervisor sends its events; the app wraps its own channel in one of these.
pub type EventSink = Box<dyn Fn(HostEvent) + Send>;

/// How a host supervisor is started.
#[derive(Debug, Clone, Copy)]
pub struct HostSettings {
    pub stats_every: std::time::Duration,
    pub read_only: bool,
    pub deadlines: crate::config::Deadlines,
}

/// Starts the supervisor of one host of `pool`; None (after an `Unsupported` event) for a
/// pool that cannot be used.
pub fn spawn_driver(
    pool: &PoolConfig,
    host: &HostConfig,
    sink: EventSink,
    settings: HostSettings,
) -> Option<Box<dyn HostDriver>> {
    match (pool.driver, &pool.incus) {
        (Driver::Libvirt, _) => Some(Box::new(libvirt::spawn_host(
            host.uri.clone(),
            sink,
            settings,
        ))),
        (Driver::Incus, Some(incus)) => {
            Some(Box::new(incus::spawn_host(incus.clone(), sink, settings)))
        }
        (Driver::Incus, None) => {
            sink(HostEvent::Unsupported(
                "the pool has no Incus settings".into(),
            ));
            None
        }
    }
}

/// The app's handle on one host's supervisor, whatever the driver. Dropping it stops the
/// supervisor.
pub trait HostDriver: Send {
    fn send(&self, command: HostCommand);
    fn open_console(&self, request: console::ConsoleRequest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_refuses_every_mutating_command() {
        let power = HostCommand::Op {
            uuid: "u".into(),
            kind: OpKind::Power(crate::model::action::PowerAction::PowerOff),
            op: 1,
        };
        assert!(power.mutates());
        assert!(refuse_in_read_only(true).is_err());
        assert!(refuse_in_read_only(false).is_ok());
        let look = HostCommand::LoadDetails { uuid: "u".into() };
        assert!(!look.mutates());
    }
}
