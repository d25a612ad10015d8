//! From what vmdeck knows of a pool to what the placement engine is asked: each host's room
//! and the VM to place. Shared by the dashboard, the compose preview and `vmdeck compose`.

use crate::app::capacity::counted;
use crate::app::state::{HostState, HostStatus};
use crate::config::{Allocation, VmType};
use crate::model::{HostFacts, Pages, Vm};
use crate::placement::{HostRoom, NodeRoom, NumaFit, PlacedVm, VmRequest};

/// A VM of the type named `name`, in `group`, with the type's NUMA and hugepage needs.
pub fn request(vm_type: &VmType, name: &str, group: Option<&str>) -> VmRequest {
    VmRequest {
        name: name.to_string(),
        vcpus: vm_type.vcpus,
        memory_bytes: vm_type.memory_bytes,
        numa: if vm_type.needs_one_node() {
            NumaFit::SingleNode
        } else {
            NumaFit::Any
        },
        hugepages: vm_type.hugepage_kib.is_some(),
        group: group.map(str::to_string),
    }
}

/// A host as the placement engine sees it; a host that is not up (or has not told its size)
/// is down for it.
pub fn host_room(host: &HostState) -> HostRoom {
    let down = match (&host.status, &host.facts) {
        (HostStatus::Up, Some(_)) => None,
        (HostStatus::Up, None) => Some("its size is not known yet".to_string()),
        (status, _) => Some(status.label().to_string()),
    };
    room(
        &host.name,
        down,
        host.facts.as_ref(),
        &host.vms,
        host.allocation,
    )
}

/// The room of the host `name` with `facts` and `vms`, of which `allocation` says which hold
/// resources; `down` says why it takes nothing.
pub fn room(
    name: &str,
    down: Option<String>,
    facts: Option<&HostFacts>,
    vms: &[Vm],
    allocation: Allocation,
) -> HostRoom {
    let facts = facts.cloned().unwrap_or_default();
    let (vcpus_allocated, memory_allocated_bytes) = counted(vms, allocation);
    HostRoom {
        name: name.to_string(),
        down,
        lacks: None,
        cpus: facts.cpus,
        memory_bytes: facts.memory_bytes,
        allocation,
        vcpus_allocated,
        memory_allocated_bytes,
        hugepage_free_bytes: facts.numa.iter().map(|c| free_huge(&c.pages)).sum(),
        nodes: facts
            .numa
            .iter()
            .map(|c| NodeRoom {
                id: c.id,
                free_cpus: c.cpus.len() as u32,
                free_memory_bytes: c.free_bytes.unwrap_or(c.memory_bytes),
                free_hugepage_bytes: free_huge(&c.pages),
            })
            .collect(),
        vms: vms
            .iter()
            .map(|v| PlacedVm {
                name: v.name.clone(),
                group: v.stamp.group.clone(),
            })
            .collect(),
    }
}

fn free_huge(pages: &[Pages]) -> u64 {
    pages
        .iter()
        .filter(|p| p.is_huge())
        .map(|p| p.free.unwrap_or(0) * p.size_kib * 1024)
        .sum()
}
