//! Domain types shared by backends, the app state and the views. No I/O, no ratatui.

pub mod action;
pub mod compose;
pub mod devices;
pub mod live;
pub mod names;
pub mod op;
pub mod set;
pub mod topology;
pub mod tuning;
pub mod units;

use serde::Serialize;

/// Which hypervisor API a pool talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Driver {
    Libvirt,
    Incus,
}

impl Driver {
    pub fn as_str(self) -> &'static str {
        match self {
            Driver::Libvirt => "libvirt",
            Driver::Incus => "incus",
        }
    }
}

/// The run state of a VM, normalised across libvirt and Incus.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VmState {
    Running,
    Paused,
    Blocked,
    ShuttingDown,
    Shutoff,
    Crashed,
    Suspended,
    /// libvirt: the paused destination half of a live migration (the VM itself still runs
    /// on its source), so it is not taken for a second copy.
    Incoming,
    #[default]
    Unknown,
}

impl VmState {
    pub fn as_str(self) -> &'static str {
        match self {
            VmState::Running => "running",
            VmState::Paused => "paused",
            VmState::Blocked => "blocked",
            VmState::ShuttingDown => "shutting-down",
            VmState::Shutoff => "shutoff",
            VmState::Crashed => "crashed",
            VmState::Suspended => "pmsuspended",
            VmState::Incoming => "incoming",
            VmState::Unknown => "unknown",
        }
    }

    /// Maps libvirt's `virDomainState` numbers.
    pub fn from_libvirt(state: u32) -> Self {
        match state {
            1 => VmState::Running,
            2 => VmState::Blocked,
            3 => VmState::Paused,
            4 => VmState::ShuttingDown,
            5 => VmState::Shutoff,
            6 => VmState::Crashed,
            7 => VmState::Suspended,
            _ => VmState::Unknown,
        }
    }

    pub fn is_active(self) -> bool {
        !matches!(self, VmState::Shutoff | VmState::Crashed | VmState::Unknown)
    }
}

/// Facts vmdeck stamps on the VM itself so every admin sees them alike (DESIGN.md §1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VmStamp {
    pub vm_type: Option<String>,
    pub group: Option<String>,
    pub set: Option<String>,
    pub image: Option<String>,
    /// The VM this one was cloned from.
    pub clone_of: Option<String>,
    /// The spec of its set, as written when this member was made.
    pub set_spec: Option<set::SetSpec>,
}

/// One VM as the inventory knows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Vm {
    pub name: String,
    pub uuid: String,
    pub state: VmState,
    pub vcpus: u32,
    pub memory_bytes: u64,
    pub autostart: bool,
    pub persistent: bool,
    pub stamp: VmStamp,
    /// Guest CPU use in percent of its vCPUs, from the last two stats samples.
    pub cpu_percent: Option<f64>,
    /// Memory the guest process uses (RSS), when the hypervisor reports it.
    pub memory_used_bytes: Option<u64>,
    /// What the guest itself says it uses (libvirt: the balloon driver's available minus
    /// unused memory), when its balloon reports statistics.
    pub guest_used_bytes: Option<u64>,
    /// Incus: "container" or "virtual-machine"; None for libvirt, where every VM is a VM.
    pub kind: Option<String>,
    /// Incus cluster: the member the instance is on; None elsewhere.
    pub location: Option<String>,
    /// Whether the running guest has booted, where the hypervisor can tell: libvirt when the
    /// domain has a QEMU guest agent channel (connected or not), Incus when the instance
    /// reports its processes (containers; VMs with the agent). None when it can't tell.
    pub booted: Option<bool>,
}

/// The pages of one size on a NUMA node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Pages {
    pub size_kib: u64,
    pub total: u64,
    /// None when the host does not say.
    pub free: Option<u64>,
}

impl Pages {
    pub fn new(size_kib: u64, total: u64) -> Pages {
        Pages {
            size_kib,
            total,
            free: None,
        }
    }

    /// Larger than the base page: hugepages.
    pub fn is_huge(&self) -> bool {
        self.size_kib > 4
    }
}

/// A NUMA cell of a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumaCell {
    pub id: u32,
    pub cpus: Vec<u32>,
    pub memory_bytes: u64,
    pub free_bytes: Option<u64>,
    /// Its CPUs that are offline.
    pub offline_cpus: Vec<u32>,
    /// Its CPUs kept from the scheduler (isolcpus); None when the host does not say.
    pub isolated_cpus: Option<Vec<u32>>,
    /// Page sizes in KiB with their count.
    pub pages: Vec<Pages>,
    /// Its CPUs grouped by physical core (hyperthread siblings together); empty when the
    /// host does not say, and then each CPU counts as a core of its own.
    pub siblings: Vec<Vec<u32>>,
}

/// A storage pool of a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoragePool {
    pub name: String,
    pub active: bool,
    pub capacity_bytes: u64,
    pub allocation_bytes: u64,
    pub available_bytes: u64,
}

/// Facts about a hypervisor host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct HostFacts {
    pub hostname: String,
    pub cpu_model: String,
    pub cpus: u32,
    pub mhz: u32,
    pub memory_bytes: u64,
    pub numa: Vec<NumaCell>,
    pub storage: Vec<StoragePool>,
    pub hypervisor: String,
    /// Pass-through devices and networks, with the VMs that use them.
    pub devices: devices::HostDevices,
}

/// Everything one bulk pass over a host returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostInventory {
    pub facts: HostFacts,
    pub vms: Vec<Vm>,
}

/// An Incus cluster member: one host of its pool, read through the cluster's endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberInventory {
    pub name: String,
    /// Why the member can't be used (offline, evacuated), when it can't.
    pub down: Option<String>,
    /// Facts are empty for a member that is down; its instances are listed anyway.
    pub inventory: HostInventory,
}

/// A storage volume of a host, with what uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StorageVolume {
    pub pool: String,
    pub name: String,
    pub path: String,
    pub format: String,
    pub capacity_bytes: u64,
    pub allocation_bytes: u64,
    /// Its backing chain, nearest first (a linked clone's base).
    pub backing: Vec<String>,
    /// The VMs whose disks are this volume.
    pub used_by: Vec<String>,
    /// Incus cluster: the member it lives on.
    pub location: Option<String>,
}

/// A disk of a VM, from its XML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disk {
    pub target: String,
    pub device: String,
    pub format: String,
    pub source: String,
    pub backing: Vec<String>,
}

/// A network interface of a VM, from its XML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Nic {
    pub mac: String,
    pub kind: String,
    /// The libvirt network, host bridge or device (Incus: network or parent) it is on.
    pub source: String,
    pub model: String,
    /// Its VLAN tag, when it has one.
    pub vlan: Option<u32>,
}

/// A snapshot of a VM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub name: String,
    pub parent: Option<String>,
    pub description: String,
    /// Seconds since the Unix epoch.
    pub created: i64,
    /// The VM's state when it was taken (running snapshots hold memory too).
    pub state: String,
    pub current: bool,
}

/// What the detail view needs beyond the inventory, loaded on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmDetails {
    pub disks: Vec<Disk>,
    pub nics: Vec<Nic>,
    pub xml: String,
    pub snapshots: Vec<Snapshot>,
}

/// Where a VM is pinned: host CPUs for its vCPUs, NUMA nodes for its memory (empty: floats).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VmPlacement {
    pub uuid: String,
    pub cpus: Vec<u32>,
    pub memory_nodes: Vec<u32>,
    /// Its memory is backed by hugepages (which are never overcommitted).
    pub hugepages: bool,
    /// Where its emulator and I/O threads are pinned: shown, never where the guest runs.
    pub emulator_cpus: Vec<u32>,
    /// Its resource partition (cgroup slice), e.g. `/machine/rt`.
    pub partition: Option<String>,
    /// Per-vCPU pins, schedulers, the emulator's own pin and the memory mode, for the
    /// real-time rules.
    pub tuning: tuning::VmTuning,
}

impl VmPlacement {
    /// The NUMA nodes it sits on: those holding its CPUs and those its memory is bound to.
    pub fn nodes(&self, cells: &[NumaCell]) -> Vec<u32> {
        let mut nodes: Vec<u32> = cells
            .iter()
            .filter(|c| c.cpus.iter().any(|cpu| self.cpus.contains(cpu)))
            .map(|c| c.id)
            .chain(self.memory_nodes.iter().copied())
            .collect();
        nodes.sort_unstable();
        nodes.dedup();
        nodes
    }
}

/// Live per-VM numbers from a periodic stats pass.
#[derive(Debug, Clone, PartialEq)]
pub struct VmSample {
    pub uuid: String,
    pub cpu_percent: Option<f64>,
    pub memory_used_bytes: Option<u64>,
    pub guest_used_bytes: Option<u64>,
}
