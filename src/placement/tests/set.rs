//! Several VMs placed in turn.

use super::*;

fn app(index: usize, enforcement: Enforcement) -> (Vec<PlacementGroup>, Vec<VmRequest>) {
    let groups = vec![PlacementGroup {
        name: "app".into(),
        policy: Policy::VmAntiAffinity,
        enforcement,
        hosts: Vec::new(),
    }];
    let vms = (0..index)
        .map(|n| VmRequest {
            group: Some("app".into()),
            ..vm(&format!("app-{n}"), 2, 4)
        })
        .collect();
    (groups, vms)
}

fn chosen(decisions: &[Decision]) -> Vec<Option<&str>> {
    decisions
        .iter()
        .map(|decision| decision.chosen.as_deref())
        .collect()
}

#[test]
fn hard_anti_affinity_spreads_three_vms_and_refuses_a_fourth() {
    // Equal hosts: each VM takes the first host by name that holds no member yet.
    let hosts = [host("h1", 8, 32), host("h2", 8, 32), host("h3", 8, 32)];
    let (groups, vms) = app(4, Enforcement::Hard);
    let decisions = place_set(&hosts, NO_OVERCOMMIT, &groups, &vms);
    assert_eq!(
        chosen(&decisions),
        [Some("h1"), Some("h2"), Some("h3"), None]
    );
    assert_eq!(
        decisions[3].why_none.as_deref(),
        Some(
            "no host fits: h1: hard anti-affinity: holds app-0 of group app; \
             h2: hard anti-affinity: holds app-1 of group app; \
             h3: hard anti-affinity: holds app-2 of group app"
        )
    );
}

#[test]
fn soft_anti_affinity_puts_a_fourth_vm_on_the_emptiest_host() {
    // 16, 32 and 64 GiB. app-0 takes h3 (60/64 left), app-1 h2 (28/32 over 12/16), app-2
    // the only host without a member, h1. app-3 has no such host: h3 keeps 56/64 against
    // h2's 24/32 and h1's 8/16.
    let hosts = [host("h1", 8, 16), host("h2", 8, 32), host("h3", 8, 64)];
    let (groups, vms) = app(4, Enforcement::Soft);
    let decisions = place_set(&hosts, NO_OVERCOMMIT, &groups, &vms);
    assert_eq!(
        chosen(&decisions),
        [Some("h3"), Some("h2"), Some("h1"), Some("h3")]
    );
    assert_eq!(
        verdict(&decisions[3], "h3").reasons,
        ["soft anti-affinity not met: holds app-0 of group app"]
    );
}

#[test]
fn each_vm_sees_the_room_the_ones_before_took() {
    let hosts = [host("lab1", 8, 64)];
    let vms = [vm("a", 4, 8), vm("b", 4, 8), vm("c", 4, 8)];
    let decisions = place_set(&hosts, NO_OVERCOMMIT, &[], &vms);
    assert_eq!(chosen(&decisions), [Some("lab1"), Some("lab1"), None]);
    assert_eq!(
        verdict(&decisions[2], "lab1").reasons,
        [
            "no room after overcommit: needs 4 vCPUs, 0 free of 8 × 1.0 (allocation = \"running+autostart\")"
        ]
    );
}

#[test]
fn a_single_node_vm_is_charged_to_its_node() {
    // Node 0 has the most memory at first; with 8 GiB of it taken, node 1 has more.
    let lab = HostRoom {
        nodes: vec![node(0, 8, 16, 0), node(1, 8, 12, 0)],
        ..host("lab1", 16, 64)
    };
    let pinned = VmRequest {
        numa: NumaFit::SingleNode,
        ..vm("v", 4, 8)
    };
    let decisions = place_set(&[lab], NO_OVERCOMMIT, &[], &[pinned.clone(), pinned]);
    let nodes: Vec<Option<u32>> = decisions
        .iter()
        .map(|decision| verdict(decision, "lab1").numa_node)
        .collect();
    assert_eq!(nodes, [Some(0), Some(1)]);
}

#[test]
fn a_hugepage_vm_uses_up_the_hosts_hugepages() {
    let lab = HostRoom {
        hugepage_free_bytes: 8 * GIB,
        ..host("lab1", 16, 64)
    };
    let backed = VmRequest {
        hugepages: true,
        ..vm("v", 2, 6)
    };
    let decisions = place_set(&[lab], NO_OVERCOMMIT, &[], &[backed.clone(), backed]);
    assert_eq!(chosen(&decisions), [Some("lab1"), None]);
    assert_eq!(
        verdict(&decisions[1], "lab1").reasons,
        ["not enough hugepages: needs 6 GiB, 2 GiB free (hugepages are never overcommitted)"]
    );
}
