//! Configuration: the file model (`file.rs`), validation into [`Config`] (`validate.rs`), and
//! where files live plus what to do when there is none (`discover.rs`).

mod allocation;
mod compose;
mod confirm;
mod deadlines;
mod discover;
mod file;
mod incus_remote;
mod limits;
mod partition;
mod rt;
mod validate;
mod vm_types;

pub use allocation::Allocation;
pub use compose::ComposeSettings;
pub use deadlines::Deadlines;
pub use discover::{ConfigSource, Paths, discover_local, load};
pub use partition::{Partition, SliceCpus};
pub use rt::{Emulator, RtSettings, Scheduler};
pub use validate::parse_config;

use std::path::PathBuf;

use crate::model::Driver;

/// A validated configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub pools: Vec<PoolConfig>,
    pub vm_types: Vec<VmType>,
    /// Global read-only mode: no mutation is offered or performed.
    pub read_only: bool,
    /// Name of the theme used where a pool sets none.
    pub theme: String,
    /// Seconds between stats passes (CPU %, memory use).
    pub stats_interval_secs: u64,
    /// Lines of history kept per console.
    pub console_scrollback: usize,
    /// Write every console session to a file in the data dir.
    pub console_log: bool,
    /// The operations (by `:` command) that start without a question.
    pub unasked: std::collections::BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PoolConfig {
    pub name: String,
    pub driver: Driver,
    pub hosts: Vec<HostConfig>,
    pub read_only: bool,
    pub theme: Option<String>,
    pub overcommit: Overcommit,
    /// Which VMs count against capacity, where a host does not say otherwise.
    pub allocation: Allocation,
    /// How to reach an Incus server; None for libvirt pools.
    pub incus: Option<IncusConfig>,
    /// What new VMs are made of and where they may go.
    pub compose: ComposeSettings,
    /// How long its hosts may take to connect and to answer a call.
    pub deadlines: Deadlines,
}

/// Where an Incus server is and how vmdeck proves who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncusConfig {
    /// `unix:///path/unix.socket` or `https://host:8443`.
    pub url: String,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    /// The server certificate to pin (required for https:// URLs).
    pub server_cert: Option<PathBuf>,
    /// Only this project; None means all projects.
    pub project: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostConfig {
    /// The name shown and used in commands.
    pub name: String,
    /// A libvirt URI, or an Incus URL.
    pub uri: String,
    /// Where migration data to this host goes (`tcp://10.0.0.2`), when libvirt should not
    /// pick the address itself.
    pub migration_uri: Option<String>,
    /// This host's own `allocation`, overriding the pool's.
    pub allocation: Option<Allocation>,
}

impl PoolConfig {
    /// The allocation policy that holds for `host`: its own, else the pool's.
    pub fn allocation_of(&self, host: &HostConfig) -> Allocation {
        host.allocation.unwrap_or(self.allocation)
    }

    /// The policy for the host named `name`; the pool's for hosts not in the config (Incus
    /// cluster members, found once connected).
    pub fn allocation_for(&self, name: &str) -> Allocation {
        self.hosts
            .iter()
            .find(|h| h.name == name)
            .map_or(self.allocation, |h| self.allocation_of(h))
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Overcommit {
    pub cpu: f64,
    pub memory: f64,
}

impl Default for Overcommit {
    fn default() -> Self {
        Overcommit {
            cpu: 4.0,
            memory: 1.0,
        }
    }
}

/// A fixed VM size offering.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VmType {
    pub name: String,
    pub vcpus: u32,
    pub memory_bytes: u64,
    pub disk_bytes: u64,
    /// Its vCPUs and memory must fit in one NUMA node.
    pub single_numa_node: bool,
    /// Hugepage size in KiB backing its memory, when it asks for hugepages.
    pub hugepage_kib: Option<u64>,
    /// Pin its vCPUs to the CPUs of the NUMA node it is placed on.
    pub cpu_pinning: bool,
    /// The resource partition (cgroup slice) it runs in, for real-time slices.
    pub partition: Option<String>,
    /// Its root disk is a full copy of the image rather than a linked overlay.
    pub full_copy: bool,
    /// Real-time vCPU scheduling, emulator pinning and core isolation.
    pub rt: RtSettings,
}

impl VmType {
    /// Whether the type needs all its vCPUs and memory on one NUMA node: asked for, or
    /// implied by pinning (vCPUs pinned to one node's CPUs).
    pub fn needs_one_node(&self) -> bool {
        self.single_numa_node || self.cpu_pinning || self.rt.needs_cores()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            pools: Vec::new(),
            vm_types: Vec::new(),
            read_only: false,
            theme: "default".into(),
            stats_interval_secs: 5,
            console_scrollback: crate::app::console::DEFAULT_SCROLLBACK,
            console_log: false,
            unasked: Default::default(),
        }
    }
}
