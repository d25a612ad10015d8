use super::*;
use crate::backend::incus::types::{Envelope, Event};

fn instance(json: &str) -> Instance {
    serde_json::from_str(json).unwrap()
}

#[test]
fn a_running_container_with_stamps() {
    let i = instance(
        r#"{"name":"c1","project":"default","status":"Running","type":"container",
        "config":{"volatile.uuid":"0ab1d56a-5f55-4755-a74f-7c63b9b017ee"},
        "expanded_config":{"user.vmdeck.type":"small","user.vmdeck.group":"web",
          "user.vmdeck.image":"busybox","limits.memory":"256MiB"},
        "state":{"memory":{"usage":417792,"total":24683656000},"cpu":{"usage":11333698}}}"#,
    );
    let vm = vm(&i);
    assert_eq!(vm.uuid, "0ab1d56a-5f55-4755-a74f-7c63b9b017ee");
    // No CPU limit: it reserves no vCPUs.
    assert_eq!((vm.state, vm.vcpus), (VmState::Running, 0));
    assert_eq!(vm.memory_bytes, 256 << 20);
    assert_eq!(vm.memory_used_bytes, Some(417792));
    assert_eq!(vm.stamp.vm_type.as_deref(), Some("small"));
    assert_eq!(vm.stamp.group.as_deref(), Some("web"));
    assert_eq!(vm.stamp.set, None);
    assert_eq!(vm.kind.as_deref(), Some("container"));
}

#[test]
fn booted_from_the_processes_a_running_instance_reports() {
    let booted = |status: &str, kind: &str, processes: &str| {
        let json = format!(
            r#"{{"name":"c","status":"{status}","type":"{kind}","state":{{"processes":{processes}}}}}"#
        );
        vm(&instance(&json)).booted
    };
    assert_eq!(booted("Running", "container", "3"), Some(true));
    assert_eq!(booted("Running", "container", "0"), Some(false));
    assert_eq!(booted("Running", "virtual-machine", "12"), Some(true));
    // A VM without its agent reports -1: nothing is known.
    assert_eq!(booted("Running", "virtual-machine", "-1"), None);
    assert_eq!(booted("Stopped", "container", "0"), None);
    assert_eq!(booted("Running", "container", "null"), None);
}

#[test]
fn a_set_member_carries_its_sets_spec() {
    let i = instance(
        r#"{"name":"web-1","project":"default","status":"Stopped","type":"container",
        "expanded_config":{"user.vmdeck.set":"web","user.vmdeck.set-replicas":"3",
          "user.vmdeck.set-type":"small","user.vmdeck.set-image":"busybox",
          "user.vmdeck.set-group":"spread","user.vmdeck.set-max":"5",
          "user.vmdeck.set-generation":"1700000000000"}}"#,
    );
    let spec = vm(&i).stamp.set_spec.unwrap();
    assert_eq!((spec.replicas, spec.max, spec.min), (3, Some(5), None));
    assert_eq!(
        (spec.vm_type.as_str(), spec.image.as_str()),
        ("small", "busybox")
    );
    assert_eq!(spec.group.as_deref(), Some("spread"));
    assert_eq!(spec.generation, 1_700_000_000_000);
}

#[test]
fn a_stopped_vm_with_defaults_and_pinned_cpus() {
    let i = instance(
        r#"{"name":"v1","project":"p","status":"Stopped","type":"virtual-machine",
        "expanded_config":{"limits.cpu":"0-3,6"}}"#,
    );
    let vm = vm(&i);
    assert_eq!(
        (vm.state, vm.vcpus, vm.memory_bytes),
        (VmState::Shutoff, 5, 1 << 30)
    );
    assert_eq!(vm.uuid, "p/v1");
    assert_eq!(vm.kind.as_deref(), Some("virtual-machine"));
    assert_eq!(vm.location, None);
}

#[test]
fn a_cluster_member_is_the_location_and_unlimited_containers_reserve_nothing() {
    let i = instance(
        r#"{"name":"k2","project":"default","status":"Running","type":"container",
        "location":"node2","expanded_config":{}}"#,
    );
    let vm = vm(&i);
    assert_eq!(vm.location.as_deref(), Some("node2"));
    assert_eq!((vm.vcpus, vm.memory_bytes), (0, 0));
    let mut cpus = HostCpus::default();
    cpus.insert("node2", 4);
    assert_eq!((cpus.of("node2"), cpus.of("node9")), (4, 1));
}

#[test]
fn a_volume_with_its_users_and_member() {
    let volume: Volume = serde_json::from_str(
        r#"{"name":"k2","type":"container","content_type":"filesystem","location":"node2",
        "used_by":["/1.0/instances/k2?project=web"],"config":{"size":"10GiB"}}"#,
    )
    .unwrap();
    let v = super::volume("default", &volume, Some(4096));
    assert_eq!(v.name, "container/k2");
    assert_eq!(v.used_by, ["k2"]);
    assert_eq!(v.location.as_deref(), Some("node2"));
    assert_eq!((v.capacity_bytes, v.allocation_bytes), (10 << 30, 4096));
}

#[test]
fn pinning_from_limits() {
    let pinned = instance(
        r#"{"name":"k1","project":"default","config":{"volatile.uuid":"u1"},
        "expanded_config":{"limits.cpu":"0-1,3","limits.cpu.nodes":"1"}}"#,
    );
    let placed = placement(&pinned).unwrap();
    assert_eq!((placed.uuid.as_str(), placed.cpus), ("u1", vec![0, 1, 3]));
    assert_eq!(placed.memory_nodes, [1]);
    let counted = instance(r#"{"name":"k2","expanded_config":{"limits.cpu":"2"}}"#);
    assert_eq!(placement(&counted), None);
    assert_eq!(vm(&counted).vcpus, 2);
}

#[test]
fn numa_cells_from_resources() {
    let r: Resources = serde_json::from_str(
        r#"{"cpu":{"total":4,"sockets":[{"name":"EPYC","cores":[
            {"threads":[{"id":0,"numa_node":0,"isolated":true},{"id":2,"numa_node":1,"online":false}]},
            {"threads":[{"id":1,"numa_node":0},{"id":3,"numa_node":1}]}]}]},
        "memory":{"total":8,"hugepages_size":2097152,"nodes":[
            {"numa_node":0,"total":4294967296,"used":1073741824,"hugepages_total":4194304,"hugepages_used":2097152},
            {"numa_node":1,"total":4294967296,"used":0,"hugepages_total":0}]}}"#,
    )
    .unwrap();
    let cells = numa_cells(&r);
    assert_eq!(cells.len(), 2);
    assert_eq!(cells[0].cpus, [0, 1]);
    assert_eq!(cells[0].isolated_cpus, Some(vec![0]));
    assert_eq!(cells[1].offline_cpus, [2]);
    assert!(cells[0].offline_cpus.is_empty());
    assert_eq!(cells[1].cpus, [2, 3]);
    assert_eq!(cells[0].free_bytes, Some(3 << 30));
    assert_eq!(
        cells[0].pages,
        [Pages {
            size_kib: 2048,
            total: 2,
            free: Some(1)
        }]
    );
    assert!(cells[1].pages.is_empty());
}

#[test]
fn storage_pool_space() {
    let pool: IncusPool = serde_json::from_str(r#"{"name":"default","status":"Created"}"#).unwrap();
    let res: PoolResources = serde_json::from_str(r#"{"space":{"used":10,"total":100}}"#).unwrap();
    let p = storage_pool(&pool, Some(&res));
    assert!(p.active);
    assert_eq!((p.capacity_bytes, p.available_bytes), (100, 90));
}

#[test]
fn lifecycle_event_names_its_instance() {
    let e: Envelope<()> = serde_json::from_str(r#"{"type":"sync","metadata":null}"#).unwrap();
    assert!(e.error.is_empty());
    let event: Event = serde_json::from_str(
        r#"{"type":"lifecycle","project":"default","metadata":
            {"action":"instance-started","source":"/1.0/instances/c2?project=web"}}"#,
    )
    .unwrap();
    assert_eq!(event.metadata.action, "instance-started");
    assert_eq!(
        instance_of_source(&event.metadata.source).as_deref(),
        Some("c2")
    );
    assert_eq!(instance_of_source("/1.0/instances/c2/snapshots/s0"), None);
    assert_eq!(instance_of_source("/1.0/images/abc"), None);
}
