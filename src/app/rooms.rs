//! From what vmdeck knows of a pool to what the placement engine is asked: each host's room
//! and the VM to place. Shared by the dashboard, the compose preview and `vmdeck compose`.

use std::collections::HashSet;

use crate::app::capacity::{counted, hugepage_bytes};
use crate::app::state::{HostState, HostStatus};
use crate::config::{Allocation, VmType};
use crate::model::{HostFacts, NumaCell, Pages, Vm, VmPlacement};
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
    let mut room = room(
        &host.name,
        down,
        host.facts.as_ref(),
        &host.vms,
        host.allocation,
    );
    room.hugepage_allocated_bytes = hugepage_bytes(&host.vms, &host.placement, host.allocation);
    if let Some(facts) = &host.facts {
        take_pinned(
            &mut room,
            &facts.numa,
            &host.vms,
            &host.placement,
            host.allocation,
        );
    }
    room
}

/// Takes the CPUs that VMs the policy counts are pinned to off their nodes' free CPUs: a
/// `SingleNode` VM must not be put where its vCPUs would share pinned CPUs.
fn take_pinned(
    room: &mut HostRoom,
    cells: &[NumaCell],
    vms: &[Vm],
    placement: &[VmPlacement],
    allocation: Allocation,
) {
    let counts: HashSet<&str> = vms
        .iter()
        .filter(|v| allocation.counts(v))
        .map(|v| v.uuid.as_str())
        .collect();
    // A VM pinned to every CPU of the host floats: it holds none of them.
    let host_cpus: HashSet<u32> = cells.iter().flat_map(|c| c.cpus.iter().copied()).collect();
    let everywhere = |cpus: &[u32]| host_cpus.iter().all(|cpu| cpus.contains(cpu));
    // The CPUs any counted VM is pinned to, once, instead of a scan per CPU.
    let pinned_cpus: HashSet<u32> = placement
        .iter()
        .filter(|p| counts.contains(p.uuid.as_str()) && !everywhere(&p.cpus))
        .flat_map(|p| p.cpus.iter().copied())
        .collect();
    for (node, cell) in room.nodes.iter_mut().zip(cells) {
        let pinned = cell
            .cpus
            .iter()
            .filter(|cpu| !cell.offline_cpus.contains(cpu))
            .filter(|cpu| pinned_cpus.contains(cpu))
            .count();
        node.free_cpus = node.free_cpus.saturating_sub(pinned as u32);
    }
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
        // The caller knows the placement that says which VMs are hugepage-backed.
        hugepage_allocated_bytes: 0,
        hugepage_free_bytes: facts
            .numa
            .iter()
            .map(|c| free_huge(&c.pages))
            .fold(0, u64::saturating_add),
        nodes: facts
            .numa
            .iter()
            .map(|c| NodeRoom {
                id: c.id,
                // An offline CPU runs nothing: never free for placement.
                free_cpus: online(c),
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

fn online(cell: &NumaCell) -> u32 {
    let online = cell
        .cpus
        .iter()
        .filter(|cpu| !cell.offline_cpus.contains(cpu))
        .count();
    u32::try_from(online).unwrap_or(u32::MAX)
}

fn free_huge(pages: &[Pages]) -> u64 {
    pages
        .iter()
        .filter(|p| p.is_huge())
        .map(|p| {
            p.free
                .unwrap_or(0)
                .saturating_mul(p.size_kib.saturating_mul(1024))
        })
        .fold(0, u64::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::VmState;

    fn cell(id: u32, cpus: std::ops::Range<u32>, offline: std::ops::Range<u32>) -> NumaCell {
        NumaCell {
            id,
            cpus: cpus.collect(),
            memory_bytes: 64 << 30,
            free_bytes: Some(32 << 30),
            offline_cpus: offline.collect(),
            isolated_cpus: None,
            pages: Vec::new(),
            siblings: Vec::new(),
        }
    }

    fn vm(uuid: &str, state: VmState) -> Vm {
        Vm {
            name: uuid.into(),
            uuid: uuid.into(),
            state,
            vcpus: 8,
            memory_bytes: 1 << 30,
            persistent: true,
            ..Vm::default()
        }
    }

    #[test]
    fn offline_and_pinned_cpus_are_not_free_on_their_node_by_id() {
        // Node 0 has 5 of its 40 CPUs online; nodes 16 and 17 are sparse ids.
        let facts = HostFacts {
            cpus: 120,
            memory_bytes: 192 << 30,
            numa: vec![
                cell(0, 0..40, 5..40),
                cell(16, 40..80, 0..0),
                cell(17, 80..120, 0..0),
            ],
            ..HostFacts::default()
        };
        let vms = [vm("run", VmState::Running), vm("off", VmState::Shutoff)];
        let pin = |uuid: &str, cpus: std::ops::Range<u32>| VmPlacement {
            uuid: uuid.into(),
            cpus: cpus.collect(),
            memory_nodes: Vec::new(),
            hugepages: false,
            emulator_cpus: Vec::new(),
            partition: None,
            tuning: Default::default(),
        };
        // `run` holds 8 CPUs of node 16; the stopped `off` is pinned to node 17 but holds none;
        // `float` is pinned to every CPU (live XML after `virsh vcpupin`): it holds none.
        let vms = [&vms[..], &[vm("float", VmState::Running)]].concat();
        let placement = [pin("run", 40..48), pin("off", 80..88), pin("float", 0..120)];
        let allocation = Allocation::RunningAutostart;
        let mut room = room("h", None, Some(&facts), &vms, allocation);
        take_pinned(&mut room, &facts.numa, &vms, &placement, allocation);
        let free: Vec<(u32, u32)> = room.nodes.iter().map(|n| (n.id, n.free_cpus)).collect();
        assert_eq!(free, [(0, 5), (16, 32), (17, 40)]);
    }
}
