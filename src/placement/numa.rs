//! Which NUMA node a `SingleNode` VM goes on.

use std::cmp::Reverse;

use super::types::{DeviceRoom, NodeRoom, VmRequest};
use crate::model::units::bytes;

/// The node with room for all of the VM's vCPUs and memory that has the most free memory
/// (so the node left afterwards is the roomiest), ties to the lowest id; or why none has room.
/// The node must also hold the GPUs and VFs the VM asks for (`devices`).
pub(super) fn pick_node(
    nodes: &[NodeRoom],
    devices: &DeviceRoom,
    vm: &VmRequest,
) -> Result<u32, String> {
    let roomiest_first = |node: &&NodeRoom| (Reverse(free_memory(node, vm)), node.id);
    let large =
        |node: &&NodeRoom| node.free_cpus >= vm.vcpus && free_memory(node, vm) >= vm.memory_bytes;
    let equipped = |node: &&NodeRoom| devices.shortfalls(&vm.devices, Some(node.id)).is_empty();
    if let Some(node) = nodes
        .iter()
        .filter(large)
        .filter(equipped)
        .min_by_key(roomiest_first)
    {
        return Ok(node.id);
    }
    if let Some(node) = nodes.iter().filter(large).min_by_key(roomiest_first) {
        return Err(format!(
            "no NUMA node has both room and the devices asked for (node {}: {})",
            node.id,
            devices.shortfalls(&vm.devices, Some(node.id)).join(", ")
        ));
    }
    Err(match nodes.iter().min_by_key(roomiest_first) {
        Some(largest) => format!(
            "no single NUMA node large enough (largest: node {} with {} CPUs, {} free)",
            largest.id,
            largest.free_cpus,
            free_memory_text(largest, vm)
        ),
        None => "no single NUMA node large enough (the host reports no NUMA nodes)".into(),
    })
}

/// The free memory of the kind the VM uses: hugepages come from each node's own pool.
fn free_memory(node: &NodeRoom, vm: &VmRequest) -> u64 {
    if vm.hugepages {
        node.free_hugepage_bytes
    } else {
        node.free_memory_bytes
    }
}

fn free_memory_text(node: &NodeRoom, vm: &VmRequest) -> String {
    let free = bytes(free_memory(node, vm));
    if vm.hugepages {
        format!("{free} of hugepages")
    } else {
        free
    }
}
