//! Capacity by hand: ratios, hugepages, policies and sizes near u64::MAX.
use super::*;
use crate::app::capacity::free_text;
use crate::config::Allocation;
use crate::model::VmState;

fn vm(vcpus: u32, gib: u64) -> Vm {
    Vm {
        name: "v".into(),
        uuid: "u".into(),
        state: VmState::Shutoff,
        vcpus,
        memory_bytes: gib << 30,
        persistent: true,
        ..Vm::default()
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
        Allocation::Defined,
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
        Allocation::Defined,
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
        Allocation::Defined,
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
        Allocation::Defined,
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
    let plain = Capacity::of(&host(), &vms, ratio, Allocation::Defined);
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
        Allocation::Defined,
    );
    // 28 vCPUs and 48 GiB left: memory limits 2-vCPU 16-GiB VMs to 3.
    assert_eq!(cap.room_for(2, 16 << 30), 3);
    assert_eq!(cap.room_for(8, 1 << 30), 3);
}

fn with(state: VmState, autostart: bool, vcpus: u32, gib: u64) -> Vm {
    Vm {
        state,
        autostart,
        ..vm(vcpus, gib)
    }
}

#[test]
fn the_policy_decides_what_counts_and_both_figures_are_kept() {
    // One running VM, one stopped that starts at boot, 300 stopped templates.
    let mut vms = vec![
        with(VmState::Running, false, 2, 1),
        with(VmState::Shutoff, true, 1, 1),
    ];
    vms.extend((0..300).map(|_| with(VmState::Shutoff, false, 3, 1)));
    let of = |allocation| Capacity::of(&host(), &vms, Overcommit::default(), allocation);
    let running = of(Allocation::Running);
    let boot = of(Allocation::RunningAutostart);
    let defined = of(Allocation::Defined);
    assert_eq!(
        [running, boot, defined].map(|c| c.vcpus_allocated),
        [2, 3, 903]
    );
    for c in [running, boot, defined] {
        assert_eq!((c.vcpus_running, c.vcpus_defined), (2, 903));
        assert_eq!(c.memory_defined_bytes, 302 << 30);
    }
    assert!(!boot.cpu_exceeded() && defined.cpu_exceeded());
    assert_eq!(
        boot.vcpus_running_defined().as_deref(),
        Some("2 running · 903 defined")
    );
    assert_eq!(boot.policy_text(), "placement counts running+autostart");
    // Nothing stopped: one figure.
    let only = Capacity::of(
        &host(),
        &vms[..1],
        Overcommit::default(),
        Allocation::Defined,
    );
    assert_eq!(only.vcpus_running_defined(), None);
}

/// libvirt accepts `<memory unit='KiB'>9007199254740991</memory>`: 8 EiB less 1 KiB.
const HUGE_DOMAIN_BYTES: u64 = 9_007_199_254_740_991 * 1024;

#[test]
fn sums_near_u64_max_saturate_and_read_as_over() {
    let vms: Vec<Vm> = (0..3)
        .map(|_| Vm {
            memory_bytes: HUGE_DOMAIN_BYTES,
            vcpus: u32::MAX,
            ..with(VmState::Running, false, 1, 0)
        })
        .collect();
    let c = Capacity::of(&host(), &vms, Overcommit::default(), Allocation::Running);
    assert_eq!(c.memory_allocated_bytes, u64::MAX);
    assert_eq!(c.vcpus_allocated, 3 * u64::from(u32::MAX));
    assert!(c.memory_exceeded() && c.cpu_exceeded());
    assert_eq!(c.room_for(1, 1 << 30), 0);
    let pool = c.sum(c);
    assert_eq!(pool.memory_allocated_bytes, u64::MAX);
    assert_eq!(
        free_text(
            pool.memory_capacity_bytes,
            pool.memory_allocated_bytes,
            crate::model::units::bytes
        ),
        "over by 16 EiB"
    );
    assert_eq!(free_text(10, 4, |n| n.to_string()), "6 free");
    // An absurd ratio saturates rather than wrapping.
    let wide = Capacity::of(
        &host(),
        &[],
        Overcommit {
            cpu: 1e30,
            memory: 1e30,
        },
        Allocation::Running,
    );
    assert_eq!(
        (wide.vcpus_capacity, wide.memory_capacity_bytes),
        (u64::MAX, u64::MAX)
    );
}

#[test]
fn hugepages_never_raise_capacity_above_physical_memory() {
    let c = Capacity::of(&host(), &[], Overcommit::default(), Allocation::Defined);
    // More hugepage-backed memory than the host has: capacity stays at physical memory.
    let huge = c.with_hugepage_backed(HUGE_DOMAIN_BYTES, 1.0);
    assert_eq!(huge.memory_capacity_bytes, c.memory_physical_bytes);
    let half = c.with_hugepage_backed(u64::MAX, 0.5);
    assert_eq!(half.memory_capacity_bytes, c.memory_physical_bytes);
}
