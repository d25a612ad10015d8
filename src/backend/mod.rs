//! Backends talk to hypervisors and report [`HostEvent`]s. They never import ratatui; they
//! return domain types from `model`.

pub mod backoff;
pub mod console;
pub mod incus;
pub mod libvirt;

use crate::config::{HostConfig, PoolConfig};
use crate::model::{Driver, HostInventory, Vm, VmDetails, VmSample};

/// What a host supervisor reports about its host.
#[derive(Debug, Clone, PartialEq)]
pub enum HostEvent {
    /// A connection attempt started.
    Connecting,
    /// Connected; a fresh bulk inventory replaces whatever was known.
    Connected(HostInventory),
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
    /// Live numbers from the periodic stats pass.
    Samples(Vec<VmSample>),
    /// Disks, NICs and XML for the detail view.
    Details {
        uuid: String,
        result: Result<VmDetails, String>,
    },
}

/// What the app asks of a host supervisor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostCommand {
    LoadDetails {
        uuid: String,
    },
    /// Skip the rest of the back-off and try to connect now.
    ReconnectNow,
    Shutdown,
}

/// Where a supervisor sends its events; the app wraps its own channel in one of these.
pub type EventSink = Box<dyn Fn(HostEvent) + Send>;

/// Starts the supervisor of one host of `pool`; None (after an `Unsupported` event) for a
/// pool that cannot be used.
pub fn spawn_driver(
    pool: &PoolConfig,
    host: &HostConfig,
    sink: EventSink,
    stats_every: std::time::Duration,
) -> Option<Box<dyn HostDriver>> {
    match (pool.driver, &pool.incus) {
        (Driver::Libvirt, _) => Some(Box::new(libvirt::spawn_host(
            host.uri.clone(),
            sink,
            stats_every,
        ))),
        (Driver::Incus, Some(incus)) => Some(Box::new(incus::spawn_host(
            incus.clone(),
            sink,
            stats_every,
        ))),
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
