//! Capacity with overcommit (MAAS semantics): what a host offers is its physical CPUs and
//! memory times the pool's ratios; which VMs count against it is the pool's allocation policy
//! (`config::Allocation`). The running and the defined figures are kept too, so every view can
//! show both where they differ. Sums saturate: a domain of 8 EiB makes a host "over", never a
//! wrapped small number.

mod text;

pub use text::{free_text, running_defined_text, sized};

use std::collections::HashSet;

use serde::Serialize;

use crate::app::state::HostState;
use crate::config::{Allocation, Overcommit};
use crate::model::{HostFacts, Vm, VmPlacement};
use crate::placement::memory_capacity;

/// The memory of the VMs the policy counts whose placement says hugepages back them.
pub fn hugepage_bytes(vms: &[Vm], placement: &[VmPlacement], allocation: Allocation) -> u64 {
    let on_hugepages: HashSet<&str> = placement
        .iter()
        .filter(|p| p.hugepages)
        .map(|p| p.uuid.as_str())
        .collect();
    vms.iter()
        .filter(|vm| allocation.counts(vm))
        .filter(|vm| on_hugepages.contains(vm.uuid.as_str()))
        .fold(0, |sum, vm| sum.saturating_add(vm.memory_bytes))
}

/// The capacity of a host of vmdeck's state once it has told its size.
pub fn host_capacity(host: &HostState, overcommit: Overcommit) -> Option<Capacity> {
    let facts = host.facts.as_ref()?;
    Some(Capacity::of_host(
        facts,
        &host.vms,
        &host.placement,
        overcommit,
        host.allocation,
    ))
}

/// vCPUs and memory of the VMs that `allocation` counts, saturating.
pub fn counted(vms: &[Vm], allocation: Allocation) -> (u64, u64) {
    vms.iter()
        .filter(|vm| allocation.counts(vm))
        .fold((0u64, 0u64), |(c, m), vm| {
            (
                c.saturating_add(u64::from(vm.vcpus)),
                m.saturating_add(vm.memory_bytes),
            )
        })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Capacity {
    /// The policy `*_allocated` follow, which placement uses.
    pub allocation: Allocation,
    pub vcpus_allocated: u64,
    /// vCPUs of the VMs that run now, and of every defined VM.
    pub vcpus_running: u64,
    pub vcpus_defined: u64,
    pub vcpus_physical: u64,
    /// Physical CPUs × the CPU ratio.
    pub vcpus_capacity: u64,
    pub memory_allocated_bytes: u64,
    pub memory_running_bytes: u64,
    pub memory_defined_bytes: u64,
    pub memory_physical_bytes: u64,
    /// Physical memory × the memory ratio.
    pub memory_capacity_bytes: u64,
}

impl Capacity {
    pub fn of(
        facts: &HostFacts,
        vms: &[Vm],
        overcommit: Overcommit,
        allocation: Allocation,
    ) -> Capacity {
        let (vcpus, memory) = counted(vms, allocation);
        let (vcpus_running, memory_running) = counted(vms, Allocation::Running);
        let (vcpus_defined, memory_defined) = counted(vms, Allocation::Defined);
        Capacity {
            allocation,
            vcpus_allocated: vcpus,
            vcpus_running,
            vcpus_defined,
            vcpus_physical: facts.cpus.into(),
            vcpus_capacity: scaled(facts.cpus.into(), overcommit.cpu),
            memory_allocated_bytes: memory,
            memory_running_bytes: memory_running,
            memory_defined_bytes: memory_defined,
            memory_physical_bytes: facts.memory_bytes,
            memory_capacity_bytes: scaled(facts.memory_bytes, overcommit.memory),
        }
    }

    /// A host's capacity as every view shows it: what `allocation` counts of `vms`, with the
    /// hugepage-backed memory among it (by `placement`) never overcommitted.
    pub fn of_host(
        facts: &HostFacts,
        vms: &[Vm],
        placement: &[VmPlacement],
        overcommit: Overcommit,
        allocation: Allocation,
    ) -> Capacity {
        let huge = hugepage_bytes(vms, placement, allocation);
        Capacity::of(facts, vms, overcommit, allocation)
            .with_hugepage_backed(huge, overcommit.memory)
    }

    /// With `hugepage_bytes` of the allocated memory backed by hugepages, which are never
    /// overcommitted (`placement::memory_capacity`, which placement uses too).
    pub fn with_hugepage_backed(self, hugepage_bytes: u64, memory_ratio: f64) -> Capacity {
        Capacity {
            memory_capacity_bytes: memory_capacity(
                self.memory_physical_bytes,
                hugepage_bytes,
                memory_ratio,
            ),
            ..self
        }
    }

    /// Several hosts' capacity as one (a pool's). The policy is the first's; a pool whose
    /// hosts override it differently still adds up what each host counts.
    pub fn sum(self, other: Capacity) -> Capacity {
        Capacity {
            allocation: self.allocation,
            vcpus_allocated: self.vcpus_allocated.saturating_add(other.vcpus_allocated),
            vcpus_running: self.vcpus_running.saturating_add(other.vcpus_running),
            vcpus_defined: self.vcpus_defined.saturating_add(other.vcpus_defined),
            vcpus_physical: self.vcpus_physical.saturating_add(other.vcpus_physical),
            vcpus_capacity: self.vcpus_capacity.saturating_add(other.vcpus_capacity),
            memory_allocated_bytes: self
                .memory_allocated_bytes
                .saturating_add(other.memory_allocated_bytes),
            memory_running_bytes: self
                .memory_running_bytes
                .saturating_add(other.memory_running_bytes),
            memory_defined_bytes: self
                .memory_defined_bytes
                .saturating_add(other.memory_defined_bytes),
            memory_physical_bytes: self
                .memory_physical_bytes
                .saturating_add(other.memory_physical_bytes),
            memory_capacity_bytes: self
                .memory_capacity_bytes
                .saturating_add(other.memory_capacity_bytes),
        }
    }

    pub fn cpu_exceeded(&self) -> bool {
        self.vcpus_allocated > self.vcpus_capacity
    }

    pub fn memory_exceeded(&self) -> bool {
        self.memory_allocated_bytes > self.memory_capacity_bytes
    }

    /// How many more VMs of this size fit.
    pub fn room_for(&self, vcpus: u64, memory_bytes: u64) -> u64 {
        let by_cpu = self
            .vcpus_capacity
            .saturating_sub(self.vcpus_allocated)
            .checked_div(vcpus)
            .unwrap_or(u64::MAX);
        let by_memory = self
            .memory_capacity_bytes
            .saturating_sub(self.memory_allocated_bytes)
            .checked_div(memory_bytes)
            .unwrap_or(u64::MAX);
        by_cpu.min(by_memory)
    }
}

/// `value × ratio`, rounded down; float-to-int casts saturate, so nothing wraps.
fn scaled(value: u64, ratio: f64) -> u64 {
    (value as f64 * ratio).floor() as u64
}

#[cfg(test)]
mod tests;
