//! Core-aware placement for real-time VMs: each vCPU gets a physical core of its own inside
//! the VM's slice, on one NUMA node, so no two real-time vCPUs, no pinned vCPU of another VM
//! and no emulator thread share a core. Offline CPUs and the slice's housekeeping CPUs (where
//! emulators run) are never given to a vCPU. With `isolate`, a core counts only when all its
//! hyperthreads are in the slice, and the vCPU is pinned to one of them, the siblings idle.

use std::collections::BTreeSet;

use super::types::NodeRoom;
use crate::config::{Emulator, SliceCpus};
use crate::model::compose::CorePins;
use crate::model::topology::Topology;
use crate::model::tuning::cpu_list;
use crate::model::units::bytes;
use crate::model::{NumaCell, VmPlacement};

/// A host's cores and which of them some VM already uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostCores {
    pub topology: Topology,
    /// Cores a vCPU, emulator or I/O thread of some VM is pinned to.
    pub busy: BTreeSet<usize>,
}

impl HostCores {
    /// The cores of `cells`, busy where `placement` pins anything (a pin on every CPU of the
    /// host floats: it holds nothing). Every defined VM counts: a stopped VM's pins hold
    /// again the moment it starts.
    pub fn of(cells: &[NumaCell], placement: &[VmPlacement]) -> HostCores {
        let topology = Topology::of(cells);
        let pinned = |cpus: &Vec<u32>| !topology.is_everywhere(cpus);
        let busy = placement
            .iter()
            .flat_map(|p| {
                let vcpus = p.tuning.pins.iter().map(|pin| &pin.cpus);
                vcpus
                    .chain([&p.cpus, &p.emulator_cpus])
                    .filter(|cpus| pinned(cpus))
                    .flatten()
            })
            .filter_map(|cpu| topology.core_of(*cpu))
            .collect();
        HostCores { topology, busy }
    }

    /// Marks what a placed VM now holds.
    pub fn take(&mut self, pins: &CorePins) {
        for cpu in pins.vcpus.iter().flatten().chain(&pins.emulator) {
            if let Some(core) = self.topology.core_of(*cpu) {
                self.busy.insert(core);
            }
        }
    }
}

/// What a real-time VM asks of one host.
#[derive(Debug, Clone, Copy)]
pub struct CoreRequest<'a> {
    pub vcpus: u32,
    /// The slice's name (`/machine/rt`), for reasons.
    pub slice_name: &'a str,
    /// What the slice allows on this host; None when the config does not say.
    pub slice: Option<&'a SliceCpus>,
    pub isolate: bool,
    pub emulator: &'a Emulator,
    pub memory_bytes: u64,
    pub hugepages: bool,
}

/// Chooses cores for `request` on a host with `cores` and NUMA `nodes` (their free memory),
/// or says why none fit: "needs 4 whole cores in /machine/rt on node 1, 3 free".
pub fn pick_cores(
    cores: &HostCores,
    nodes: &[NodeRoom],
    request: &CoreRequest,
) -> Result<CorePins, String> {
    let name = request.slice_name;
    let slice = request
        .slice
        .ok_or_else(|| format!("the config gives {name} no CPUs on this host"))?;
    let emulator = emulator_cpus(request, slice, &cores.topology)?;
    let kept = cores.topology.cores_of(&emulator);
    let reserved = cores.topology.cores_of(&slice.housekeeping);
    let free = |node: u32| -> Vec<usize> {
        (0..cores.topology.cores.len())
            .filter(|i| cores.topology.cores[*i].node == node)
            .filter(|i| usable(cores, *i, slice, request.isolate))
            .filter(|i| !kept.contains(i) && !reserved.contains(i))
            .collect()
    };
    let wanted = request.vcpus as usize;
    let mut fitting: Vec<(u32, Vec<usize>)> = cores
        .topology
        .nodes()
        .into_iter()
        .map(|node| (node, free(node)))
        .filter(|(node, free)| free.len() >= wanted && memory_fits(nodes, *node, request))
        .collect();
    // Best fit: the node with the fewest free cores that suffice keeps larger runs whole.
    fitting.sort_by_key(|(node, free)| (free.len(), *node));
    let Some((node, free)) = fitting.into_iter().next() else {
        return Err(refusal(cores, nodes, request, &free));
    };
    let vcpus = free
        .iter()
        .take(wanted)
        .map(|core| pins_on(&cores.topology.cores[*core].threads, slice, request.isolate))
        .collect();
    Ok(CorePins {
        node,
        vcpus,
        emulator,
    })
}

/// A core a vCPU may take: online, nobody's, and in the slice (wholly, with `isolate`).
fn usable(cores: &HostCores, index: usize, slice: &SliceCpus, isolate: bool) -> bool {
    let core = &cores.topology.cores[index];
    let inside = |t: &u32| slice.cpus.contains(t);
    !core.offline
        && !cores.busy.contains(&index)
        && if isolate {
            core.threads.iter().all(inside)
        } else {
            core.threads.iter().any(inside)
        }
}

/// The vCPU's CPUs on its core: one thread when isolated (siblings idle), else every
/// thread of the core the slice allows.
fn pins_on(threads: &[u32], slice: &SliceCpus, isolate: bool) -> Vec<u32> {
    let inside: Vec<u32> = threads
        .iter()
        .copied()
        .filter(|t| slice.cpus.contains(t))
        .collect();
    if isolate {
        inside.into_iter().take(1).collect()
    } else {
        inside
    }
}

/// The emulator's CPUs: the slice's housekeeping CPUs, or those the type names, which must
/// lie in the slice (the emulator runs in the slice's cgroup).
fn emulator_cpus(
    request: &CoreRequest,
    slice: &SliceCpus,
    topology: &Topology,
) -> Result<Vec<u32>, String> {
    let name = request.slice_name;
    let cpus = match request.emulator {
        Emulator::Housekeeping if slice.housekeeping.is_empty() => {
            return Err(format!(
                "{name} has no housekeeping CPUs here for the emulator (set housekeeping in its [[pool.partition]])"
            ));
        }
        Emulator::Housekeeping => slice.housekeeping.clone(),
        Emulator::Cpus(cpus) => cpus.clone(),
    };
    let outside: Vec<u32> = cpus
        .iter()
        .copied()
        .filter(|c| !slice.cpus.contains(c) || topology.core_of(*c).is_none())
        .collect();
    if outside.is_empty() {
        Ok(cpus)
    } else {
        Err(format!(
            "emulator CPUs {} are not CPUs of {name} ({}) on this host",
            cpu_list(&outside),
            cpu_list(&slice.cpus)
        ))
    }
}

fn memory_fits(nodes: &[NodeRoom], node: u32, request: &CoreRequest) -> bool {
    // A host that reports no per-node memory is judged on its cores alone.
    nodes
        .iter()
        .find(|n| n.id == node)
        .is_none_or(|n| free_memory(n, request) >= request.memory_bytes)
}

fn free_memory(node: &NodeRoom, request: &CoreRequest) -> u64 {
    if request.hugepages {
        node.free_hugepage_bytes
    } else {
        node.free_memory_bytes
    }
}

/// Why no node takes the VM: the cores each node has free, and memory where that falls short.
fn refusal(
    cores: &HostCores,
    nodes: &[NodeRoom],
    request: &CoreRequest,
    free: &dyn Fn(u32) -> Vec<usize>,
) -> String {
    let kind = match (request.isolate, request.vcpus) {
        (true, 1) => "whole core",
        (true, _) => "whole cores",
        (false, 1) => "core",
        (false, _) => "cores",
    };
    let needs = format!("needs {} {kind} in {}", request.vcpus, request.slice_name);
    let each: Vec<String> = cores
        .topology
        .nodes()
        .into_iter()
        .map(|node| {
            let count = free(node).len();
            let short = (count >= request.vcpus as usize && !memory_fits(nodes, node, request))
                .then(|| nodes.iter().find(|n| n.id == node))
                .flatten()
                .map_or(String::new(), |n| {
                    format!(" but only {} memory", bytes(free_memory(n, request)))
                });
            format!("node {node}, {count} free{short}")
        })
        .collect();
    match each.as_slice() {
        [] => format!("{needs}: the host reports no CPU topology"),
        [one] => format!("{needs} on {one}"),
        many => format!("{needs} on one NUMA node: {}", many.join("; ")),
    }
}
