//! Scenarios with figures worked out by hand; fixtures shared by the files below.

use super::*;
use crate::config::Overcommit;

mod choice;
mod cores;
mod devices;
mod groups;
mod numa;
mod overcommit;
mod set;

const GIB: u64 = 1 << 30;

/// Ratios of 1: capacity is the physical size, so figures read directly.
const NO_OVERCOMMIT: Overcommit = Overcommit {
    cpu: 1.0,
    memory: 1.0,
};

fn ratios(cpu: f64, memory: f64) -> Overcommit {
    Overcommit { cpu, memory }
}

/// A healthy, empty host without hugepages or NUMA nodes.
fn host(name: &str, cpus: u32, memory_gib: u64) -> HostRoom {
    HostRoom {
        name: name.into(),
        down: None,
        lacks: None,
        cpus,
        memory_bytes: memory_gib * GIB,
        allocation: Default::default(),
        vcpus_allocated: 0,
        memory_allocated_bytes: 0,
        hugepage_allocated_bytes: 0,
        hugepage_free_bytes: 0,
        nodes: Vec::new(),
        vms: Vec::new(),
        devices: Default::default(),
    }
}

fn node(id: u32, free_cpus: u32, free_memory_gib: u64, free_hugepage_gib: u64) -> NodeRoom {
    NodeRoom {
        id,
        free_cpus,
        free_memory_bytes: free_memory_gib * GIB,
        free_hugepage_bytes: free_hugepage_gib * GIB,
    }
}

/// A VM in no group, on ordinary memory, anywhere on the host.
fn vm(name: &str, vcpus: u32, memory_gib: u64) -> VmRequest {
    VmRequest {
        name: name.into(),
        vcpus,
        memory_bytes: memory_gib * GIB,
        numa: NumaFit::Any,
        hugepages: false,
        group: None,
        devices: Default::default(),
    }
}

fn placed(name: &str, group: &str) -> PlacedVm {
    PlacedVm {
        name: name.into(),
        group: Some(group.into()),
    }
}

fn verdict<'a>(decision: &'a Decision, host: &str) -> &'a Verdict {
    decision
        .verdicts
        .iter()
        .find(|verdict| verdict.host == host)
        .unwrap_or_else(|| panic!("no verdict for {host}"))
}
