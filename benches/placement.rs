//! Budget (release build): the compose preview re-places on every keystroke in the form, so a
//! set of 10 VMs in a hard anti-affinity group over a pool of 200 hosts, 50 VMs each, with
//! two NUMA nodes per host, must place in ≤ 5 ms. Results go in benches/README.md.

use criterion::{Criterion, criterion_group, criterion_main};
use vmdeck::config::Overcommit;
use vmdeck::placement::{
    Enforcement, HostRoom, NodeRoom, NumaFit, PlacedVm, PlacementGroup, Policy, VmRequest,
    place_set,
};

const HOSTS: usize = 200;
const VMS_PER_HOST: usize = 50;
const GIB: u64 = 1 << 30;

fn host(i: usize) -> HostRoom {
    HostRoom {
        name: format!("kvm{i:03}"),
        down: None,
        lacks: None,
        cpus: 64,
        memory_bytes: 512 * GIB,
        allocation: Default::default(),
        vcpus_allocated: (VMS_PER_HOST * 2) as u64,
        memory_allocated_bytes: (VMS_PER_HOST as u64) * 4 * GIB + (i as u64 % 7) * GIB,
        hugepage_allocated_bytes: 0,
        hugepage_free_bytes: 0,
        nodes: (0..2)
            .map(|id| NodeRoom {
                id,
                free_cpus: 20,
                free_memory_bytes: 100 * GIB,
                free_hugepage_bytes: 0,
            })
            .collect(),
        vms: (0..VMS_PER_HOST)
            .map(|v| PlacedVm {
                name: format!("kvm{i:03}-vm{v:02}"),
                group: (v == 0).then(|| format!("g{}", i % 20)),
            })
            .collect(),
        devices: Default::default(),
    }
}

fn bench(c: &mut Criterion) {
    let hosts: Vec<HostRoom> = (0..HOSTS).map(host).collect();
    let groups = vec![PlacementGroup {
        name: "db".into(),
        policy: Policy::VmAntiAffinity,
        enforcement: Enforcement::Hard,
        hosts: Vec::new(),
    }];
    let set: Vec<VmRequest> = (0..10)
        .map(|i| VmRequest {
            name: format!("db-{i}"),
            vcpus: 4,
            memory_bytes: 16 * GIB,
            numa: NumaFit::SingleNode,
            hugepages: false,
            group: Some("db".into()),
            devices: Default::default(),
        })
        .collect();
    let ratios = Overcommit::default();
    c.bench_function("place a set of 10 over 200 hosts × 50 VMs", |b| {
        b.iter(|| place_set(&hosts, ratios, &groups, &set))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
