//! Real-time types in a compose plan: refused where the slice is unknown or the pool is
//! Incus, placed on whole cores with the reason where they do not fit.

use crate::app::rooms::room;
use crate::compose::{ComposeArgs, HostView, PoolView, plan};
use crate::config::{
    ComposeSettings, Emulator, Overcommit, Partition, RtSettings, Scheduler, SliceCpus, VmType,
};
use crate::model::compose::Image;
use crate::model::{Driver, HostFacts, NumaCell};
use crate::placement::HostCores;

/// A 2-CPU, one-node host like the lab's: each CPU its own core.
fn host(name: &str) -> HostView {
    let cell = NumaCell {
        id: 0,
        cpus: vec![0, 1],
        memory_bytes: 8 << 30,
        free_bytes: Some(8 << 30),
        offline_cpus: Vec::new(),
        isolated_cpus: None,
        pages: Vec::new(),
        siblings: vec![vec![0], vec![1]],
    };
    let facts = HostFacts {
        cpus: 2,
        memory_bytes: 8 << 30,
        numa: vec![cell.clone()],
        ..HostFacts::default()
    };
    HostView {
        room: room(name, None, Some(&facts), &[], Default::default()),
        images: Some(Ok(vec![Image {
            name: "deb".into(),
            host: name.into(),
            format: "qcow2".into(),
            size_bytes: 1,
            location: format!("/img/{name}/deb.qcow2"),
        }])),
        node_cpus: vec![(0, vec![0, 1])],
        cores: HostCores::of(&[cell], &[]),
    }
}

fn rt(vcpus: u32) -> VmType {
    VmType {
        name: "rt".into(),
        vcpus,
        memory_bytes: 1 << 30,
        disk_bytes: 1 << 30,
        partition: Some("/machine/rt".into()),
        rt: RtSettings {
            scheduler: Some(Scheduler::Fifo),
            priority: 1,
            emulator: Emulator::Housekeeping,
            isolate_core: true,
        },
        ..VmType::default()
    }
}

/// `/machine/rt` allows CPUs 0-1, CPU 0 for housekeeping.
fn settings() -> ComposeSettings {
    ComposeSettings {
        partitions: vec![Partition {
            name: "/machine/rt".into(),
            default: Some(SliceCpus {
                cpus: vec![0, 1],
                housekeeping: vec![0],
            }),
            hosts: Default::default(),
        }],
        ..ComposeSettings::default()
    }
}

fn pool(settings: &ComposeSettings, driver: Driver, hosts: Vec<HostView>) -> PoolView<'_> {
    PoolView {
        name: "lab",
        driver,
        settings,
        overcommit: Overcommit::default(),
        cluster: false,
        hosts,
    }
}

fn args(words: &str) -> ComposeArgs {
    ComposeArgs::parse_words(&words.split_whitespace().collect::<Vec<_>>()).unwrap()
}

const USER_DATA: &str = "#cloud-config\n";

#[test]
fn a_real_time_vm_gets_the_free_core_and_the_next_is_refused_with_why() {
    let settings = settings();
    let plan = plan(
        &args("rt --type rt --image deb --count 2 --no-start"),
        pool(&settings, Driver::Libvirt, vec![host("lab1")]),
        &[rt(1)],
        USER_DATA,
    )
    .unwrap();
    let spec = plan.vms[0].spec.as_ref().unwrap();
    let cores = spec.cores.as_ref().unwrap();
    assert_eq!(
        (cores.vcpus.clone(), cores.emulator.clone()),
        (vec![vec![1]], vec![0])
    );
    assert_eq!(spec.numa_node.as_ref().map(|n| n.0), Some(0));
    assert!(!spec.start);
    assert!(
        spec.params().contains("vcpupin=1 emulatorpin=0"),
        "{}",
        spec.params()
    );
    let refused = &plan.vms[1].decision;
    assert_eq!(
        refused.why_none.as_deref(),
        Some("no host fits: lab1: needs 1 whole core in /machine/rt on node 0, 0 free")
    );
}

#[test]
fn a_slice_the_pool_does_not_describe_or_an_incus_pool_is_refused() {
    let bare = ComposeSettings::default();
    let error = plan(
        &args("rt --type rt --image deb"),
        pool(&bare, Driver::Libvirt, vec![host("lab1")]),
        &[rt(1)],
        USER_DATA,
    )
    .unwrap_err();
    assert!(
        error.contains("runs in /machine/rt, which pool lab does not describe"),
        "{error}"
    );
    let settings = settings();
    let error = plan(
        &args("rt --type rt --image deb"),
        pool(&settings, Driver::Incus, vec![host("lab1")]),
        &[rt(1)],
        USER_DATA,
    )
    .unwrap_err();
    assert!(
        error.contains("Incus pools have no vCPU scheduler"),
        "{error}"
    );
}

/// A pinned type that only names the slice keeps its pins inside the slice's CPUs.
#[test]
fn a_pinned_type_in_a_slice_is_pinned_inside_it() {
    let mut settings = settings();
    settings.partitions[0].default = Some(SliceCpus {
        cpus: vec![1],
        housekeeping: Vec::new(),
    });
    let pinned = VmType {
        cpu_pinning: true,
        rt: RtSettings::default(),
        ..rt(1)
    };
    let plan = plan(
        &args("p --type rt --image deb"),
        pool(&settings, Driver::Libvirt, vec![host("lab1")]),
        &[pinned],
        USER_DATA,
    )
    .unwrap();
    let spec = plan.vms[0].spec.as_ref().unwrap();
    assert_eq!(spec.numa_node, Some((0, vec![1])));
    assert!(spec.cores.is_none());
}
