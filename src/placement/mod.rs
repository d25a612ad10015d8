//! Where a VM should go. Every host of a pool gets a verdict (it fits, or the reasons it does
//! not, and a score) and the best fitting host is chosen. Pure: the caller gathers each
//! host's room, so the same rules serve any view that asks and can be tested by hand.
//!
//! A host takes the VM when it is up, the VM fits in the capacity left after overcommit
//! (hugepages never overcommitted), a `SingleNode` VM finds one NUMA node with room, and the
//! VM's placement group does not reject the host. Among those, hosts the group prefers come
//! first, then the one left with the most free room. A real-time VM also needs free whole
//! cores in its slice on one node (`cores.rs`). GPUs, SR-IOV functions and networks a type
//! asks for are resources too (`devices.rs`): from the VM's own node when it has one.

mod capacity;
mod choice;
mod cores;
mod devices;
mod groups;
mod numa;
mod rt_set;
mod set;
mod types;
mod verdict;

#[cfg(test)]
mod tests;

pub use capacity::memory_capacity;
pub use cores::{CoreRequest, HostCores, pick_cores};
pub use groups::placed_breach;
pub use rt_set::place_set_on_cores;
pub use set::place_set;
pub use types::{
    Decision, DeviceRoom, Enforcement, FreeDevice, HostRoom, NodeRoom, NumaFit, PlacedVm,
    PlacementGroup, Policy, Verdict, VmRequest,
};

use crate::config::Overcommit;

/// Judges every host for `vm` under the pool's `overcommit` ratios and placement `groups`,
/// and picks the best host that fits.
pub fn place(
    hosts: &[HostRoom],
    overcommit: Overcommit,
    groups: &[PlacementGroup],
    vm: &VmRequest,
) -> Decision {
    choice::decide(hosts, overcommit, groups, vm).decision
}
