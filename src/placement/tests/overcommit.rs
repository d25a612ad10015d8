//! Capacity after overcommit, and hugepages that never overcommit.

use super::*;

#[test]
fn fits_at_cpu_ratio_2_but_not_at_1() {
    // 16 CPUs with 14 vCPUs given: ×1 leaves 2, ×2 leaves 32 − 14 = 18.
    let pool = [HostRoom {
        vcpus_allocated: 14,
        ..host("lab1", 16, 64)
    }];
    let request = vm("v", 4, 8);

    let at_1 = place(&pool, ratios(1.0, 1.0), &[], &request);
    assert_eq!(at_1.chosen, None);
    assert_eq!(
        verdict(&at_1, "lab1").reasons,
        [
            "no room after overcommit: needs 4 vCPUs, 2 free of 16 × 1.0 (allocation = \"running+autostart\")"
        ]
    );

    let at_2 = place(&pool, ratios(2.0, 1.0), &[], &request);
    assert_eq!(at_2.chosen.as_deref(), Some("lab1"));
    assert!(verdict(&at_2, "lab1").reasons.is_empty());
}

#[test]
fn fits_at_memory_ratio_2_but_not_at_1() {
    // 64 GiB with 61 GiB given: ×1 leaves 3 GiB, ×2 leaves 128 − 61 = 67 GiB.
    let pool = [HostRoom {
        memory_allocated_bytes: 61 * GIB,
        ..host("lab1", 16, 64)
    }];
    let request = vm("v", 2, 8);

    let at_1 = place(&pool, ratios(4.0, 1.0), &[], &request);
    assert_eq!(
        verdict(&at_1, "lab1").reasons,
        [
            "no room after overcommit: needs 8 GiB, 3 GiB free of 64 GiB × 1.0 (allocation = \"running+autostart\")"
        ]
    );

    let at_2 = place(&pool, ratios(4.0, 2.0), &[], &request);
    assert_eq!(at_2.chosen.as_deref(), Some("lab1"));
}

#[test]
fn memory_ratio_below_1_shrinks_capacity() {
    // 64 GiB × 0.5 = 32 GiB; 24 GiB given leaves exactly 8 GiB.
    let pool = [HostRoom {
        memory_allocated_bytes: 24 * GIB,
        ..host("lab1", 16, 64)
    }];

    let exact = place(&pool, ratios(1.0, 0.5), &[], &vm("v", 2, 8));
    assert_eq!(exact.chosen.as_deref(), Some("lab1"));

    let over = place(&pool, ratios(1.0, 0.5), &[], &vm("v", 2, 9));
    assert_eq!(
        verdict(&over, "lab1").reasons,
        [
            "no room after overcommit: needs 9 GiB, 8 GiB free of 64 GiB × 0.5 (allocation = \"running+autostart\")"
        ]
    );
}

#[test]
fn fractional_cpu_capacity_rounds_down() {
    // 3 CPUs × 1.5 = 4.5, of which 4 whole vCPUs can be given.
    let pool = [host("lab1", 3, 16)];

    let four = place(&pool, ratios(1.5, 1.0), &[], &vm("v", 4, 1));
    assert_eq!(four.chosen.as_deref(), Some("lab1"));

    let five = place(&pool, ratios(1.5, 1.0), &[], &vm("v", 5, 1));
    assert_eq!(
        verdict(&five, "lab1").reasons,
        [
            "no room after overcommit: needs 5 vCPUs, 4 free of 3 × 1.5 (allocation = \"running+autostart\")"
        ]
    );
}

#[test]
fn over_allocated_host_reports_both_shortfalls() {
    // Given more than the current ratios allow (they were lowered): nothing is free.
    let pool = [HostRoom {
        vcpus_allocated: 10,
        memory_allocated_bytes: 40 * GIB,
        ..host("lab1", 8, 32)
    }];
    let decision = place(&pool, NO_OVERCOMMIT, &[], &vm("v", 1, 1));
    assert_eq!(
        verdict(&decision, "lab1").reasons,
        [
            "no room after overcommit: needs 1 vCPU, 0 free of 8 × 1.0 (allocation = \"running+autostart\")",
            "no room after overcommit: needs 1 GiB, 0 B free of 32 GiB × 1.0 (allocation = \"running+autostart\")",
        ]
    );
}

#[test]
fn hugepage_vm_rejected_when_hugepages_short_though_memory_has_room() {
    // 64 GiB, nothing given, but only 4 GiB of hugepages free.
    let pool = [HostRoom {
        hugepage_free_bytes: 4 * GIB,
        ..host("lab1", 16, 64)
    }];
    let ordinary = vm("v", 2, 8);
    let backed = VmRequest {
        hugepages: true,
        ..ordinary.clone()
    };

    let decision = place(&pool, NO_OVERCOMMIT, &[], &backed);
    assert_eq!(decision.chosen, None);
    assert_eq!(
        verdict(&decision, "lab1").reasons,
        ["not enough hugepages: needs 8 GiB, 4 GiB free (hugepages are never overcommitted)"]
    );

    let decision = place(&pool, NO_OVERCOMMIT, &[], &ordinary);
    assert_eq!(decision.chosen.as_deref(), Some("lab1"));
}

#[test]
fn hugepage_vm_is_measured_against_free_pages_whatever_the_memory_ratio() {
    // 64 GiB × 0.5 = 32 GiB, 30 GiB given: 2 GiB of ordinary room, 16 GiB of hugepages.
    let pool = [HostRoom {
        memory_allocated_bytes: 30 * GIB,
        hugepage_free_bytes: 16 * GIB,
        ..host("lab1", 16, 64)
    }];
    let backed = VmRequest {
        hugepages: true,
        ..vm("v", 2, 8)
    };
    let decision = place(&pool, ratios(1.0, 0.5), &[], &backed);
    assert_eq!(decision.chosen.as_deref(), Some("lab1"));

    // A generous ratio adds no pages: 20 GiB of hugepages is still more than 16.
    let big = VmRequest {
        memory_bytes: 20 * GIB,
        ..backed
    };
    let decision = place(&pool, ratios(1.0, 4.0), &[], &big);
    assert_eq!(
        verdict(&decision, "lab1").reasons,
        ["not enough hugepages: needs 20 GiB, 16 GiB free (hugepages are never overcommitted)"]
    );
}

#[test]
fn hugepage_backed_memory_is_not_overcommitted_for_the_others() {
    // 64 GiB, 32 of them held by hugepage-backed VMs, 90 GiB given in all, ratio 2: only the
    // other 32 GiB overcommit (to 64), so 32 + 64 − 90 = 6 GiB are left, not 128 − 90 = 38.
    let pool = [HostRoom {
        memory_allocated_bytes: 90 * GIB,
        hugepage_allocated_bytes: 32 * GIB,
        ..host("lab1", 16, 64)
    }];

    let refused = place(&pool, ratios(4.0, 2.0), &[], &vm("v", 2, 16));
    assert_eq!(
        verdict(&refused, "lab1").reasons,
        [
            "no room after overcommit: needs 16 GiB, 6 GiB free of 64 GiB × 2.0 (allocation = \"running+autostart\")"
        ]
    );
    let fits = place(&pool, ratios(4.0, 2.0), &[], &vm("v", 2, 6));
    assert_eq!(fits.chosen.as_deref(), Some("lab1"));
}

#[test]
fn the_host_view_and_placement_count_hugepages_alike() {
    use crate::placement::memory_capacity;
    assert_eq!(memory_capacity(64 * GIB, 32 * GIB, 2.0), 96 * GIB);
    // More hugepage-backed memory than the host has is all of it, never extra.
    assert_eq!(memory_capacity(64 * GIB, u64::MAX, 2.0), 64 * GIB);
    assert_eq!(memory_capacity(64 * GIB, 0, 0.5), 32 * GIB);
}
