//! Capacity with overcommit (MAAS semantics): what a host offers is its physical CPUs and
//! memory times the pool's ratios; what VMs are given counts against it whether they run or
//! not, because a defined VM can be started at any time.

use serde::Serialize;

use crate::config::Overcommit;
use crate::model::{HostFacts, Vm, VmPlacement};

/// The memory of the VMs whose placement says hugepages back them.
pub fn hugepage_bytes(vms: &[Vm], placement: &[VmPlacement]) -> u64 {
    vms.iter()
        .filter(|vm| placement.iter().any(|p| p.uuid == vm.uuid && p.hugepages))
        .map(|vm| vm.memory_bytes)
        .sum()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Capacity {
    pub vcpus_allocated: u64,
    pub vcpus_physical: u64,
    /// Physical CPUs × the CPU ratio.
    pub vcpus_capacity: u64,
    pub memory_allocated_bytes: u64,
    pub memory_physical_bytes: u64,
    /// Physical memory × the memory ratio.
    pub memory_capacity_bytes: u64,
}

impl Capacity {
    pub fn of(facts: &HostFacts, vms: &[Vm], overcommit: Overcommit) -> Capacity {
        let (vcpus, memory) = vms.iter().fold((0u64, 0u64), |(c, m), vm| {
            (c + u64::from(vm.vcpus), m + vm.memory_bytes)
        });
        Capacity {
            vcpus_allocated: vcpus,
            vcpus_physical: facts.cpus.into(),
            vcpus_capacity: (f64::from(facts.cpus) * overcommit.cpu).floor() as u64,
            memory_allocated_bytes: memory,
            memory_physical_bytes: facts.memory_bytes,
            memory_capacity_bytes: (facts.memory_bytes as f64 * overcommit.memory).floor() as u64,
        }
    }

    /// With `hugepage_bytes` of the allocated memory backed by hugepages, which are never
    /// overcommitted: capacity is those bytes plus the rest of physical memory × the ratio.
    pub fn with_hugepage_backed(self, hugepage_bytes: u64, memory_ratio: f64) -> Capacity {
        let rest = self.memory_physical_bytes.saturating_sub(hugepage_bytes);
        Capacity {
            memory_capacity_bytes: hugepage_bytes + (rest as f64 * memory_ratio).floor() as u64,
            ..self
        }
    }

    /// Several hosts' capacity as one (a pool's).
    pub fn sum(self, other: Capacity) -> Capacity {
        Capacity {
            vcpus_allocated: self.vcpus_allocated + other.vcpus_allocated,
            vcpus_physical: self.vcpus_physical + other.vcpus_physical,
            vcpus_capacity: self.vcpus_capacity + other.vcpus_capacity,
            memory_allocated_bytes: self.memory_allocated_bytes + other.memory_allocated_bytes,
            memory_physical_bytes: self.memory_physical_bytes + other.memory_physical_bytes,
            memory_capacity_bytes: self.memory_capacity_bytes + other.memory_capacity_bytes,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{VmStamp, VmState};

    fn vm(vcpus: u32, gib: u64) -> Vm {
        Vm {
            name: "v".into(),
            uuid: "u".into(),
            state: VmState::Shutoff,
            vcpus,
            memory_bytes: gib << 30,
            autostart: false,
            persistent: true,
            stamp: VmStamp::default(),
            cpu_percent: None,
            memory_used_bytes: None,
            kind: None,
            location: None,
        }
    }

    fn host() -> HostFacts {
        HostFacts {
            cpus: 16,
            memory_bytes: 64 << 30,
            ..HostFacts::default()
        }
    }

    #[test]
    fn ratios_scale_capacity() {
        let vms = [vm(8, 16), vm(8, 16), vm(16, 16)];
        let one = Capacity::of(
            &host(),
            &vms,
            Overcommit {
                cpu: 1.0,
                memory: 1.0,
            },
        );
        assert_eq!((one.vcpus_allocated, one.vcpus_capacity), (32, 16));
        assert!(one.cpu_exceeded() && !one.memory_exceeded());
        let four = Capacity::of(
            &host(),
            &vms,
            Overcommit {
                cpu: 4.0,
                memory: 1.0,
            },
        );
        assert_eq!(four.vcpus_capacity, 64);
        assert!(!four.cpu_exceeded());
        let half = Capacity::of(
            &host(),
            &vms,
            Overcommit {
                cpu: 4.0,
                memory: 0.5,
            },
        );
        assert_eq!(half.memory_capacity_bytes, 32 << 30);
        assert!(half.memory_exceeded());
        let tenth = Capacity::of(
            &host(),
            &[],
            Overcommit {
                cpu: 0.1,
                memory: 10.0,
            },
        );
        assert_eq!(
            (tenth.vcpus_capacity, tenth.memory_capacity_bytes),
            (1, 640 << 30)
        );
    }

    #[test]
    fn hugepage_backed_memory_is_never_overcommitted() {
        let vms = [vm(4, 16), vm(4, 16)];
        let ratio = Overcommit {
            cpu: 1.0,
            memory: 2.0,
        };
        let plain = Capacity::of(&host(), &vms, ratio);
        assert_eq!(plain.memory_capacity_bytes, 2 * plain.memory_physical_bytes);
        // 16 GiB on hugepages: they count once; the rest of memory is overcommitted × 2.
        let huge = plain.with_hugepage_backed(16 << 30, ratio.memory);
        let rest = plain.memory_physical_bytes - (16 << 30);
        assert_eq!(huge.memory_capacity_bytes, (16 << 30) + 2 * rest);
        // At ratio 1 nothing changes; below 1 hugepages still count in full.
        let same = plain.with_hugepage_backed(16 << 30, 1.0);
        assert_eq!(same.memory_capacity_bytes, plain.memory_physical_bytes);
        let half = plain.with_hugepage_backed(16 << 30, 0.5);
        assert_eq!(half.memory_capacity_bytes, (16 << 30) + rest / 2);
    }

    #[test]
    fn room_for_a_vm_type() {
        let cap = Capacity::of(
            &host(),
            &[vm(4, 16)],
            Overcommit {
                cpu: 2.0,
                memory: 1.0,
            },
        );
        // 28 vCPUs and 48 GiB left: memory limits 2-vCPU 16-GiB VMs to 3.
        assert_eq!(cap.room_for(2, 16 << 30), 3);
        assert_eq!(cap.room_for(8, 1 << 30), 3);
    }
}
