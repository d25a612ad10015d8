//! What the engine is asked and what it answers: plain data, so a caller can build it from
//! any backend's inventory and show the answer in any view.

/// How a VM's vCPUs and memory may spread over the host's NUMA nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumaFit {
    /// Anywhere on the host: the kernel spreads vCPUs and memory as it likes.
    Any,
    /// All vCPUs and memory on one node, for guests that cannot pay for remote memory.
    SingleNode,
}

/// The VM to place.
#[derive(Debug, Clone, PartialEq)]
pub struct VmRequest {
    pub name: String,
    pub vcpus: u32,
    pub memory_bytes: u64,
    pub numa: NumaFit,
    /// Whether hugepages back the memory; those are never overcommitted.
    pub hugepages: bool,
    /// The placement group the VM belongs to, by name.
    pub group: Option<String>,
    /// GPUs, virtual functions and networks it needs.
    pub devices: crate::model::devices::DeviceNeeds,
}

/// The room one NUMA node of a host has left.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeRoom {
    pub id: u32,
    pub free_cpus: u32,
    pub free_memory_bytes: u64,
    pub free_hugepage_bytes: u64,
}

/// One host of the pool: its size, what is already given out, and the VMs on it.
#[derive(Debug, Clone, PartialEq)]
pub struct HostRoom {
    pub name: String,
    /// Why the host cannot take VMs now (unreachable, in maintenance), if it cannot.
    pub down: Option<String>,
    /// Why the host cannot take this VM whatever its room (the VM's image is not on it).
    pub lacks: Option<String>,
    /// Physical CPUs.
    pub cpus: u32,
    /// Physical memory.
    pub memory_bytes: u64,
    /// Which VMs the two figures below count (named in refusals).
    pub allocation: crate::config::Allocation,
    /// vCPUs of the VMs on the host that the allocation policy counts.
    pub vcpus_allocated: u64,
    /// Memory of the VMs the policy counts, hugepage-backed included.
    pub memory_allocated_bytes: u64,
    /// The hugepage-backed part of `memory_allocated_bytes`: set aside whole, so it is never
    /// overcommitted and the memory ratio applies to the rest of physical memory only.
    pub hugepage_allocated_bytes: u64,
    pub hugepage_free_bytes: u64,
    pub nodes: Vec<NodeRoom>,
    pub vms: Vec<PlacedVm>,
    /// Its free GPUs and VFs, and its networks.
    pub devices: DeviceRoom,
}

/// The pass-through devices and networks a host has left for new VMs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceRoom {
    pub gpus: Vec<FreeDevice>,
    pub vfs: Vec<FreeDevice>,
    /// Its networks, which answer to their names, bridges and `vlan-120`.
    pub networks: Vec<crate::model::devices::HostNetwork>,
}

/// A device no VM holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeDevice {
    pub address: String,
    pub node: Option<u32>,
    /// `vendor product`, matched by a type's `gpu_model`.
    pub model: String,
}

/// A VM already on a host, as far as placement groups care.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedVm {
    pub name: String,
    pub group: Option<String>,
}

/// Where a placement group wants its VMs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Together, on a host that already holds a member.
    VmAffinity,
    /// Apart, on a host that holds no member.
    VmAntiAffinity,
    /// On one of the group's hosts.
    HostAffinity,
    /// On any host but the group's hosts.
    HostAntiAffinity,
}

/// How strictly a placement group's policy holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    /// Hosts against the policy are rejected.
    Hard,
    /// Hosts against the policy are used only when no host the policy prefers has room.
    Soft,
}

/// A named rule for where its member VMs go.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacementGroup {
    pub name: String,
    pub policy: Policy,
    pub enforcement: Enforcement,
    /// The hosts a host policy names; VM policies ignore them.
    pub hosts: Vec<String>,
}

/// How one host stands for the VM.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub host: String,
    pub fits: bool,
    /// Why the host is rejected, or notes on a fitting one (a soft policy not met).
    pub reasons: Vec<String>,
    /// Higher is better; the chosen host has the highest (ties go to the first name). A host
    /// the VM's group prefers, or any host for a VM without a group, scores 2 and more, one
    /// a soft policy is not met on less than 2; within each, more memory left free after
    /// placement scores higher, then more vCPUs left free. 0 for hosts that do not fit.
    pub score: f64,
    /// The node a `SingleNode` VM would go on, when the host fits.
    pub numa_node: Option<u32>,
}

/// The verdicts on every host, in the order the hosts were given, and the host chosen.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub verdicts: Vec<Verdict>,
    pub chosen: Option<String>,
    /// One line on why no host fits, when none does.
    pub why_none: Option<String>,
}
