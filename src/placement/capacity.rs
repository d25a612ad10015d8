//! Room with overcommit (MAAS semantics): a host offers its physical CPUs and memory times the
//! pool's ratios, and what the VMs its allocation policy counts are given counts against that.
//! Capacity is rounded down, as the host view does (`app::capacity`), so both agree.

use super::types::{HostRoom, VmRequest};
use crate::config::Overcommit;
use crate::model::units::bytes;

/// What a host offers after overcommit and what is already given out.
pub(super) struct Room<'a> {
    host: &'a HostRoom,
    overcommit: Overcommit,
    vcpus_capacity: u64,
    memory_capacity: u64,
}

/// The share of capacity left free once the VM is added, each in `0.0..=1.0`.
pub(super) struct FreeShare {
    pub(super) memory: f64,
    pub(super) vcpus: f64,
}

impl<'a> Room<'a> {
    pub(super) fn of(host: &'a HostRoom, overcommit: Overcommit) -> Room<'a> {
        Room {
            host,
            overcommit,
            vcpus_capacity: (f64::from(host.cpus) * overcommit.cpu).floor() as u64,
            memory_capacity: memory_capacity(
                host.memory_bytes,
                host.hugepage_allocated_bytes,
                overcommit.memory,
            ),
        }
    }

    /// Why the VM does not fit, one reason per resource short; empty when it fits.
    pub(super) fn shortfalls(&self, vm: &VmRequest) -> Vec<String> {
        let mut reasons = Vec::new();
        let vcpus_free = self
            .vcpus_capacity
            .saturating_sub(self.host.vcpus_allocated);
        if u64::from(vm.vcpus) > vcpus_free {
            reasons.push(format!(
                "no room after overcommit: needs {}, {vcpus_free} free of {} × {} ({})",
                vcpus(vm.vcpus),
                self.host.cpus,
                ratio(self.overcommit.cpu),
                self.policy()
            ));
        }
        // Hugepages are set aside whole and never overcommitted, so a hugepage-backed VM is
        // measured against the free pages alone and the memory ratio plays no part.
        if vm.hugepages {
            if vm.memory_bytes > self.host.hugepage_free_bytes {
                reasons.push(format!(
                    "not enough hugepages: needs {}, {} free (hugepages are never overcommitted)",
                    bytes(vm.memory_bytes),
                    bytes(self.host.hugepage_free_bytes)
                ));
            }
        } else if vm.memory_bytes > self.memory_free() {
            reasons.push(format!(
                "no room after overcommit: needs {}, {} free of {} × {} ({})",
                bytes(vm.memory_bytes),
                bytes(self.memory_free()),
                bytes(self.host.memory_bytes),
                ratio(self.overcommit.memory),
                self.policy()
            ));
        }
        reasons
    }

    /// How much of the capacity stays free once the VM is on the host.
    pub(super) fn free_after(&self, vm: &VmRequest) -> FreeShare {
        FreeShare {
            memory: share_left(
                self.memory_capacity,
                self.host
                    .memory_allocated_bytes
                    .saturating_add(vm.memory_bytes),
            ),
            vcpus: share_left(
                self.vcpus_capacity,
                self.host
                    .vcpus_allocated
                    .saturating_add(u64::from(vm.vcpus)),
            ),
        }
    }

    /// The policy that decided what is taken, for refusals: an admin who sees "0 free" on a
    /// host of stopped VMs learns it is `allocation = "defined"` that counts them.
    fn policy(&self) -> String {
        format!("allocation = \"{}\"", self.host.allocation.as_str())
    }

    fn memory_free(&self) -> u64 {
        self.memory_capacity
            .saturating_sub(self.host.memory_allocated_bytes)
    }
}

/// The memory a host offers after overcommit when `hugepage_bytes` of what it holds is
/// hugepage-backed: those bytes once, plus the rest of physical memory × the ratio. Hugepages
/// are carved out of physical memory, so more of them than the host has (a stale or absurd
/// definition) count as all of it, never as extra capacity. The host view and placement both
/// use this, so they agree.
pub fn memory_capacity(physical_bytes: u64, hugepage_bytes: u64, ratio: f64) -> u64 {
    let huge = hugepage_bytes.min(physical_bytes);
    huge.saturating_add(scaled(physical_bytes - huge, ratio))
}

fn scaled(value: u64, ratio: f64) -> u64 {
    (value as f64 * ratio).floor() as u64
}

fn share_left(capacity: u64, used: u64) -> f64 {
    if capacity == 0 {
        return 0.0;
    }
    capacity.saturating_sub(used) as f64 / capacity as f64
}

fn vcpus(count: u32) -> String {
    if count == 1 {
        "1 vCPU".into()
    } else {
        format!("{count} vCPUs")
    }
}

/// A ratio as people write it: `2.0`, `0.5`, `1.25`.
fn ratio(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.1}")
    } else {
        value.to_string()
    }
}
