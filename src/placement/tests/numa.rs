//! `SingleNode` VMs and the node they go on.

use super::*;

fn single_node(vcpus: u32, memory_gib: u64) -> VmRequest {
    VmRequest {
        numa: NumaFit::SingleNode,
        ..vm("v", vcpus, memory_gib)
    }
}

fn host_with_nodes(nodes: Vec<NodeRoom>) -> HostRoom {
    HostRoom {
        nodes,
        hugepage_free_bytes: 64 * GIB,
        ..host("lab1", 32, 128)
    }
}

#[test]
fn single_node_picks_the_node_with_most_free_memory() {
    // Node 2 has the most memory but too few CPUs; of the others, node 1 has more memory.
    let lab = host_with_nodes(vec![
        node(0, 8, 16, 0),
        node(1, 8, 24, 0),
        node(2, 2, 60, 0),
    ]);
    let decision = place(&[lab], NO_OVERCOMMIT, &[], &single_node(4, 8));
    let lab1 = verdict(&decision, "lab1");
    assert!(lab1.fits);
    assert_eq!(lab1.numa_node, Some(1));
}

#[test]
fn single_node_tie_goes_to_the_lowest_id() {
    let lab = host_with_nodes(vec![node(1, 8, 24, 0), node(0, 8, 24, 0)]);
    let decision = place(&[lab], NO_OVERCOMMIT, &[], &single_node(4, 8));
    assert_eq!(verdict(&decision, "lab1").numa_node, Some(0));
}

#[test]
fn single_node_rejected_when_no_node_is_large_enough_though_the_host_is() {
    // 26 GiB free in all, but no node has 16 GiB.
    let lab = host_with_nodes(vec![node(0, 8, 12, 0), node(1, 8, 14, 0)]);
    let decision = place(&[lab], NO_OVERCOMMIT, &[], &single_node(4, 16));
    let lab1 = verdict(&decision, "lab1");
    assert!(!lab1.fits);
    assert_eq!(lab1.numa_node, None);
    assert_eq!(
        lab1.reasons,
        ["no single NUMA node large enough (largest: node 1 with 8 CPUs, 14 GiB free)"]
    );
}

#[test]
fn any_fits_across_nodes_and_names_no_node() {
    let lab = host_with_nodes(vec![node(0, 8, 12, 0), node(1, 8, 14, 0)]);
    let decision = place(&[lab], NO_OVERCOMMIT, &[], &vm("v", 4, 16));
    let lab1 = verdict(&decision, "lab1");
    assert!(lab1.fits);
    assert_eq!(lab1.numa_node, None);
    assert_eq!(decision.chosen.as_deref(), Some("lab1"));
}

#[test]
fn single_node_hugepage_vm_goes_by_the_nodes_hugepages() {
    // Node 0 has the most ordinary memory, node 1 the most hugepages.
    let pool = [host_with_nodes(vec![node(0, 8, 32, 2), node(1, 8, 4, 8)])];
    let backed = VmRequest {
        hugepages: true,
        ..single_node(4, 6)
    };
    let decision = place(&pool, NO_OVERCOMMIT, &[], &backed);
    assert_eq!(verdict(&decision, "lab1").numa_node, Some(1));

    let too_big = VmRequest {
        memory_bytes: 9 * GIB,
        ..backed
    };
    let decision = place(&pool, NO_OVERCOMMIT, &[], &too_big);
    assert_eq!(
        verdict(&decision, "lab1").reasons,
        ["no single NUMA node large enough (largest: node 1 with 8 CPUs, 8 GiB of hugepages free)"]
    );
}

#[test]
fn single_node_rejected_on_a_host_that_reports_no_nodes() {
    let decision = place(
        &[host("lab1", 16, 64)],
        NO_OVERCOMMIT,
        &[],
        &single_node(2, 4),
    );
    assert_eq!(
        verdict(&decision, "lab1").reasons,
        ["no single NUMA node large enough (the host reports no NUMA nodes)"]
    );
}

#[test]
fn host_rejected_for_capacity_names_no_node() {
    // The node has room but the host's overcommitted capacity does not.
    let lab = HostRoom {
        vcpus_allocated: 32,
        ..host_with_nodes(vec![node(0, 8, 32, 0)])
    };
    let decision = place(&[lab], NO_OVERCOMMIT, &[], &single_node(4, 8));
    let lab1 = verdict(&decision, "lab1");
    assert!(!lab1.fits);
    assert_eq!(lab1.numa_node, None);
}
