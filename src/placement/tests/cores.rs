//! Core-aware placement on real topologies (libvirt's capabilities test data): whole cores
//! inside the slice, housekeeping and busy cores left out, the refusal naming what is short.

use super::*;
use crate::backend::libvirt::parse_capabilities;
use crate::config::{Emulator, SliceCpus};
use crate::model::compose::CorePins;
use crate::model::{NumaCell, VmPlacement};

/// One node, 4 cores × 2 threads: (0,4) (1,5) (2,6) (3,7).
fn intel() -> Vec<NumaCell> {
    let xml = include_str!("../../../tests/fixtures/caps/intel-1node-smt.xml");
    parse_capabilities(xml).unwrap().1
}

/// Two nodes of 16 cores × 2 threads (n, n+32): node 0 has CPUs 0-15, 32-47.
fn amd() -> Vec<NumaCell> {
    let xml = include_str!("../../../tests/fixtures/caps/amd-2node-smt.xml");
    parse_capabilities(xml).unwrap().1
}

fn slice(cpus: &str, housekeeping: &str) -> SliceCpus {
    let list = |s: &str| crate::model::tuning::parse_cpu_list(s).unwrap();
    SliceCpus {
        cpus: list(cpus),
        housekeeping: if housekeeping.is_empty() {
            Vec::new()
        } else {
            list(housekeeping)
        },
    }
}

fn request<'a>(vcpus: u32, slice: &'a SliceCpus, emulator: &'a Emulator) -> CoreRequest<'a> {
    CoreRequest {
        vcpus,
        slice_name: "/machine/rt",
        slice: Some(slice),
        isolate: true,
        emulator,
        memory_bytes: GIB,
        hugepages: false,
    }
}

/// A VM pinned to `cpus` (vCPUs) and `emulator`.
fn pinned(cpus: Vec<u32>, emulator: Vec<u32>) -> VmPlacement {
    VmPlacement {
        uuid: "other".into(),
        cpus,
        memory_nodes: Vec::new(),
        hugepages: false,
        emulator_cpus: emulator,
        partition: None,
        tuning: Default::default(),
    }
}

const HOUSEKEEPING: Emulator = Emulator::Housekeeping;

#[test]
fn a_seapath_guest_gets_two_whole_cores_and_its_emulator_on_housekeeping() {
    let cores = HostCores::of(&intel(), &[]);
    let slice = slice("1-3,5-7", "1,5");
    let pins = pick_cores(&cores, &[], &request(2, &slice, &HOUSEKEEPING)).unwrap();
    assert_eq!(
        pins,
        CorePins {
            node: 0,
            vcpus: vec![vec![2], vec![3]],
            emulator: vec![1, 5]
        }
    );
    // Three vCPUs: core 1 is housekeeping, so only cores 2 and 3 are there.
    let refused = pick_cores(&cores, &[], &request(3, &slice, &HOUSEKEEPING)).unwrap_err();
    assert_eq!(
        refused,
        "needs 3 whole cores in /machine/rt on node 0, 2 free"
    );
}

#[test]
fn a_core_with_a_busy_sibling_or_an_offline_thread_is_not_free() {
    let slice = slice("1-3,5-7", "1,5");
    // Another VM's vCPU on 6, the sibling of 2.
    let cores = HostCores::of(&intel(), &[pinned(vec![6], vec![])]);
    let refused = pick_cores(&cores, &[], &request(2, &slice, &HOUSEKEEPING)).unwrap_err();
    assert_eq!(
        refused,
        "needs 2 whole cores in /machine/rt on node 0, 1 free"
    );
    // Another VM's emulator on 3.
    let cores = HostCores::of(&intel(), &[pinned(vec![], vec![3])]);
    let pins = pick_cores(&cores, &[], &request(1, &slice, &HOUSEKEEPING)).unwrap();
    assert_eq!(pins.vcpus, [vec![2]]);
    // CPU 7 offline: core (3,7) runs nothing.
    let mut cells = intel();
    cells[0].offline_cpus = vec![7];
    let cores = HostCores::of(&cells, &[]);
    let pins = pick_cores(&cores, &[], &request(1, &slice, &HOUSEKEEPING)).unwrap();
    assert_eq!(pins.vcpus, [vec![2]]);
    assert!(pick_cores(&cores, &[], &request(2, &slice, &HOUSEKEEPING)).is_err());
}

/// A slice of one thread per core: no whole core for `isolate`, but cores without it.
#[test]
fn without_isolate_a_vcpu_takes_the_threads_of_its_core_the_slice_allows() {
    let cores = HostCores::of(&intel(), &[]);
    let slice = slice("1-3", "1");
    let isolated = request(2, &slice, &HOUSEKEEPING);
    assert_eq!(
        pick_cores(&cores, &[], &isolated).unwrap_err(),
        "needs 2 whole cores in /machine/rt on node 0, 0 free"
    );
    let shared = CoreRequest {
        isolate: false,
        ..isolated
    };
    assert_eq!(
        pick_cores(&cores, &[], &shared).unwrap().vcpus,
        [vec![2], vec![3]]
    );
    let both = slice_with_siblings();
    let shared = CoreRequest {
        slice: Some(&both),
        ..shared
    };
    assert_eq!(
        pick_cores(&cores, &[], &shared).unwrap().vcpus,
        [vec![2, 6], vec![3, 7]]
    );
}

fn slice_with_siblings() -> SliceCpus {
    slice("1-3,5-7", "1,5")
}

#[test]
fn the_emulator_must_be_inside_the_slice_and_housekeeping_must_exist() {
    let cores = HostCores::of(&intel(), &[]);
    let slice = slice("1-3,5-7", "");
    let refused = pick_cores(&cores, &[], &request(1, &slice, &HOUSEKEEPING)).unwrap_err();
    assert!(refused.contains("no housekeeping CPUs"), "{refused}");
    let outside = Emulator::Cpus(vec![0]);
    let refused = pick_cores(&cores, &[], &request(1, &slice, &outside)).unwrap_err();
    assert_eq!(
        refused,
        "emulator CPUs 0 are not CPUs of /machine/rt (1-3,5-7) on this host"
    );
    // An emulator CPU of the slice keeps its core from the vCPUs.
    let inside = Emulator::Cpus(vec![2]);
    let pins = pick_cores(&cores, &[], &request(2, &slice, &inside)).unwrap();
    assert_eq!(
        (pins.vcpus, pins.emulator),
        (vec![vec![1], vec![3]], vec![2])
    );
}

/// Slice: node 0's cores 4-15 and node 1's 20-31, with their siblings; housekeeping 4,36.
fn amd_slice() -> SliceCpus {
    slice("4-15,36-47,20-31,52-63", "4,36")
}

#[test]
fn one_node_for_all_vcpus_the_tightest_that_fits_and_has_the_memory() {
    let cores = HostCores::of(&amd(), &[]);
    let slice = amd_slice();
    let pins = pick_cores(&cores, &[], &request(4, &slice, &HOUSEKEEPING)).unwrap();
    // Node 0 has 11 free cores (core 4 is housekeeping), node 1 has 12: node 0 is tighter.
    assert_eq!(pins.node, 0);
    assert_eq!(pins.vcpus, [vec![5], vec![6], vec![7], vec![8]]);
    let nodes = [node(0, 32, 0, 0), node(1, 32, 8, 0)];
    let pins = pick_cores(&cores, &nodes, &request(4, &slice, &HOUSEKEEPING)).unwrap();
    assert_eq!((pins.node, &pins.vcpus[0]), (1, &vec![20]));
    let big = CoreRequest {
        memory_bytes: 16 * GIB,
        ..request(12, &slice, &HOUSEKEEPING)
    };
    let refused = pick_cores(&cores, &nodes, &big).unwrap_err();
    assert_eq!(
        refused,
        "needs 12 whole cores in /machine/rt on one NUMA node: node 0, 11 free; node 1, 12 free but only 8 GiB memory"
    );
}

#[test]
fn a_set_takes_cores_in_turn_and_the_verdict_explains_the_rest() {
    let cells = intel();
    let slice = slice_with_siblings();
    let hosts = [HostRoom {
        nodes: vec![node(0, 8, 16, 0)],
        ..host("rt1", 8, 16)
    }];
    let cores = [HostCores::of(&cells, &[])];
    let requests = [request(2, &slice, &HOUSEKEEPING)];
    let vms = [
        VmRequest {
            numa: NumaFit::SingleNode,
            ..vm("rt-0", 1, 1)
        },
        VmRequest {
            numa: NumaFit::SingleNode,
            ..vm("rt-1", 1, 1)
        },
    ];
    let placed = place_set_on_cores(&hosts, &cores, &requests, (NO_OVERCOMMIT, &[]), &vms);
    let (first, pins) = &placed[0];
    assert_eq!(first.chosen.as_deref(), Some("rt1"));
    assert_eq!(first.verdicts[0].numa_node, Some(0));
    assert_eq!(pins.as_ref().unwrap().vcpus, [vec![2], vec![3]]);
    let (second, none) = &placed[1];
    assert!(none.is_none() && second.chosen.is_none());
    assert_eq!(
        second.verdicts[0].reasons,
        ["needs 2 whole cores in /machine/rt on node 0, 0 free"]
    );
}
