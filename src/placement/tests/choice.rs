//! Down hosts, the balanced default and the summary when nothing fits.

use super::*;

#[test]
fn down_host_is_rejected_with_why() {
    // lab1 is the roomier host, but down.
    let hosts = [
        HostRoom {
            down: Some("connection refused".into()),
            ..host("lab1", 64, 512)
        },
        host("lab2", 8, 32),
    ];
    let decision = place(&hosts, NO_OVERCOMMIT, &[], &vm("v", 2, 4));
    assert_eq!(decision.chosen.as_deref(), Some("lab2"));
    let lab1 = verdict(&decision, "lab1");
    assert!(!lab1.fits);
    assert_eq!(lab1.reasons, ["host down: connection refused"]);
    assert_eq!(lab1.score, 0.0);
}

#[test]
fn a_host_lacking_the_image_is_rejected_first_with_its_other_reasons() {
    let hosts = [
        HostRoom {
            lacks: Some("no image deb on it".into()),
            ..host("lab1", 1, 1)
        },
        host("lab2", 8, 32),
    ];
    let decision = place(&hosts, NO_OVERCOMMIT, &[], &vm("v", 2, 4));
    assert_eq!(decision.chosen.as_deref(), Some("lab2"));
    let lab1 = verdict(&decision, "lab1");
    assert!(!lab1.fits);
    assert_eq!(lab1.reasons[0], "no image deb on it");
    assert!(
        lab1.reasons[1].starts_with("no room after overcommit"),
        "{:?}",
        lab1.reasons
    );
}

#[test]
fn balanced_default_picks_the_emptiest_host() {
    // After 4 GiB more: lab1 keeps 20/64, lab2 52/64, lab3 24/128 of its memory.
    let hosts = [
        HostRoom {
            memory_allocated_bytes: 40 * GIB,
            ..host("lab1", 16, 64)
        },
        HostRoom {
            memory_allocated_bytes: 8 * GIB,
            ..host("lab2", 16, 64)
        },
        HostRoom {
            memory_allocated_bytes: 100 * GIB,
            ..host("lab3", 16, 128)
        },
    ];
    let decision = place(&hosts, NO_OVERCOMMIT, &[], &vm("v", 2, 4));
    assert_eq!(decision.chosen.as_deref(), Some("lab2"));
    assert_eq!(decision.why_none, None);
    let score = |host| verdict(&decision, host).score;
    assert!(score("lab2") > score("lab1"));
    assert!(score("lab1") > score("lab3"));
}

#[test]
fn free_memory_share_outweighs_free_vcpu_share() {
    // lab1 keeps 50 % of its memory and 10 % of its vCPUs; lab2 40 % and 90 %.
    let hosts = [
        HostRoom {
            vcpus_allocated: 16,
            memory_allocated_bytes: 28 * GIB,
            ..host("lab1", 20, 64)
        },
        HostRoom {
            memory_allocated_bytes: 34 * GIB,
            ..host("lab2", 20, 64)
        },
    ];
    let decision = place(&hosts, NO_OVERCOMMIT, &[], &vm("v", 2, 4));
    assert_eq!(decision.chosen.as_deref(), Some("lab1"));
}

#[test]
fn equal_memory_goes_to_free_vcpus_then_to_the_first_name() {
    let busy = HostRoom {
        vcpus_allocated: 8,
        ..host("lab-b", 16, 64)
    };
    let twin = HostRoom {
        name: "lab-a".into(),
        ..busy.clone()
    };
    let idle = host("lab-c", 16, 64);
    let request = vm("v", 2, 4);

    let decision = place(
        &[busy.clone(), twin.clone(), idle],
        NO_OVERCOMMIT,
        &[],
        &request,
    );
    assert_eq!(decision.chosen.as_deref(), Some("lab-c"));

    let decision = place(&[busy, twin], NO_OVERCOMMIT, &[], &request);
    assert_eq!(decision.chosen.as_deref(), Some("lab-a"));
}

#[test]
fn why_none_summarises_every_host() {
    let hosts = [
        HostRoom {
            down: Some("maintenance".into()),
            ..host("lab1", 16, 64)
        },
        host("lab2", 2, 4),
    ];
    let decision = place(&hosts, NO_OVERCOMMIT, &[], &vm("v", 4, 8));
    assert_eq!(decision.chosen, None);
    assert_eq!(
        decision.why_none.as_deref(),
        Some(
            "no host fits: lab1: host down: maintenance; \
             lab2: no room after overcommit: needs 4 vCPUs, 2 free of 2 × 1.0 (allocation = \"running+autostart\") \
             and no room after overcommit: needs 8 GiB, 4 GiB free of 4 GiB × 1.0 (allocation = \"running+autostart\")"
        )
    );
}

#[test]
fn empty_pool_says_so() {
    let decision = place(&[], NO_OVERCOMMIT, &[], &vm("v", 1, 1));
    assert_eq!(decision.chosen, None);
    assert!(decision.verdicts.is_empty());
    assert_eq!(
        decision.why_none.as_deref(),
        Some("no host fits: the pool has no hosts")
    );
}
