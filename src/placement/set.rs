//! Placing several VMs in turn, each seeing the room the ones before it took.

use super::choice::decide;
use super::types::{Decision, HostRoom, PlacedVm, PlacementGroup, VmRequest};
use crate::config::Overcommit;

/// Places `vms` one after the other on copies of `hosts`: each VM placed is charged to its
/// host (vCPUs, memory, hugepages, its NUMA node) and listed there with its group, so the
/// next VM sees less room and the set's own members count for affinity and anti-affinity.
/// A VM that fits nowhere takes nothing and the next one is still tried.
pub fn place_set(
    hosts: &[HostRoom],
    overcommit: Overcommit,
    groups: &[PlacementGroup],
    vms: &[VmRequest],
) -> Vec<Decision> {
    let mut rooms = hosts.to_vec();
    let mut decisions = Vec::with_capacity(vms.len());
    for vm in vms {
        let placed = decide(&rooms, overcommit, groups, vm);
        if let Some(index) = placed.host_index {
            let node = placed.decision.verdicts[index].numa_node;
            charge(&mut rooms[index], vm, node);
        }
        decisions.push(placed.decision);
    }
    decisions
}

pub(super) fn charge(host: &mut HostRoom, vm: &VmRequest, node: Option<u32>) {
    host.vcpus_allocated = host.vcpus_allocated.saturating_add(u64::from(vm.vcpus));
    host.memory_allocated_bytes = host.memory_allocated_bytes.saturating_add(vm.memory_bytes);
    if vm.hugepages {
        host.hugepage_free_bytes = host.hugepage_free_bytes.saturating_sub(vm.memory_bytes);
        host.hugepage_allocated_bytes = host
            .hugepage_allocated_bytes
            .saturating_add(vm.memory_bytes);
    }
    // Only a `SingleNode` VM has a node; where the kernel puts an unpinned VM is unknown, so
    // no node is charged for it.
    if let Some(node) = node.and_then(|id| host.nodes.iter_mut().find(|node| node.id == id)) {
        node.free_cpus = node.free_cpus.saturating_sub(vm.vcpus);
        if vm.hugepages {
            node.free_hugepage_bytes = node.free_hugepage_bytes.saturating_sub(vm.memory_bytes);
        } else {
            node.free_memory_bytes = node.free_memory_bytes.saturating_sub(vm.memory_bytes);
        }
    }
    host.devices.charge(&vm.devices, node);
    host.vms.push(PlacedVm {
        name: vm.name.clone(),
        group: vm.group.clone(),
    });
}
