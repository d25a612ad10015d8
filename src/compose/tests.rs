//! Compose requests checked and placed over hand-made hosts (the backends are tested on the
//! lab; here only the rules).

use super::plan::{HostView, PoolView};
use super::{ComposeArgs, plan};
use crate::app::rooms::room;
use crate::config::{ComposeSettings, Overcommit, VmType};
use crate::model::compose::Image;
use crate::model::{Driver, HostFacts, Vm, VmState};
use crate::placement::{Enforcement, PlacementGroup, Policy};

fn small() -> VmType {
    VmType {
        name: "small".into(),
        vcpus: 1,
        memory_bytes: 1 << 30,
        disk_bytes: 1 << 30,
        ..VmType::default()
    }
}

fn image(host: &str) -> Image {
    Image {
        name: "deb".into(),
        host: host.into(),
        format: "qcow2".into(),
        size_bytes: 1,
        location: format!("/img/{host}/deb.qcow2"),
    }
}

fn host(name: &str, vms: &[&str], with_image: bool) -> HostView {
    let facts = HostFacts {
        cpus: 8,
        memory_bytes: 16 << 30,
        ..HostFacts::default()
    };
    let vms: Vec<Vm> = vms
        .iter()
        .map(|n| Vm {
            name: n.to_string(),
            uuid: n.to_string(),
            state: VmState::Running,
            vcpus: 1,
            memory_bytes: 1 << 30,
            persistent: true,
            ..Vm::default()
        })
        .collect();
    let images = if with_image {
        vec![image(name)]
    } else {
        Vec::new()
    };
    HostView {
        room: room(name, None, Some(&facts), &vms, Default::default()),
        images: Some(Ok(images)),
        node_cpus: vec![(0, (0..8).collect())],
        cores: Default::default(),
    }
}

fn settings() -> ComposeSettings {
    ComposeSettings {
        placement_groups: vec![PlacementGroup {
            name: "apart".into(),
            policy: Policy::VmAntiAffinity,
            enforcement: Enforcement::Hard,
            hosts: Vec::new(),
        }],
        virt_type: "qemu".into(),
        ..ComposeSettings::default()
    }
}

fn pool(settings: &ComposeSettings, hosts: Vec<HostView>) -> PoolView<'_> {
    PoolView {
        name: "p",
        driver: Driver::Libvirt,
        settings,
        overcommit: Overcommit::default(),
        cluster: false,
        hosts,
    }
}

fn args(words: &str) -> ComposeArgs {
    ComposeArgs::parse_words(&words.split_whitespace().collect::<Vec<_>>()).unwrap()
}

const USER_DATA: &str = "#cloud-config\nhostname: {{name}}\n";

#[test]
fn a_set_is_placed_apart_where_the_image_is_and_gets_specs() {
    let settings = settings();
    let hosts = vec![
        host("h1", &["old"], true),
        host("h2", &[], false),
        host("h3", &[], true),
    ];
    let plan = plan(
        &args("db --type small --image deb --count 3 --group apart"),
        pool(&settings, hosts),
        &[small()],
        USER_DATA,
    )
    .unwrap();
    let chosen: Vec<_> = plan.vms.iter().map(|v| v.decision.chosen.clone()).collect();
    assert_eq!(chosen, [Some("h3".into()), Some("h1".into()), None]);
    let h2 = &plan.vms[0].decision.verdicts[1];
    assert_eq!(h2.reasons, ["no image deb on it"]);
    assert!(!plan.ready());
    let spec = plan.vms[0].spec.as_ref().unwrap();
    assert_eq!(spec.name, "db-0");
    assert_eq!(spec.set.as_deref(), Some("db"));
    assert_eq!(spec.user_data, "#cloud-config\nhostname: db-0\n");
    // Every member carries the set's spec: the count, what it is made of, the template's digest.
    let set_spec = spec.set_spec.as_ref().unwrap();
    assert_eq!((set_spec.replicas, set_spec.vm_type.as_str()), (3, "small"));
    assert_eq!(set_spec.group.as_deref(), Some("apart"));
    let digest = crate::model::set::user_data_digest(USER_DATA);
    assert_eq!(set_spec.user_data_digest.as_deref(), Some(digest.as_str()));
    assert_eq!(plan.vms[1].spec.as_ref().unwrap().set_spec, spec.set_spec);
    let storage = spec.storage.as_ref().unwrap();
    assert_eq!(
        (storage.image_pool.as_str(), storage.virt_type.as_str()),
        ("images", "qemu")
    );
    assert!(
        plan.vms[2]
            .decision
            .why_none
            .as_ref()
            .unwrap()
            .contains("hard anti-affinity")
    );
}

#[test]
fn a_host_asked_for_is_the_only_one() {
    let settings = settings();
    let hosts = vec![host("h1", &[], true), host("h2", &[], true)];
    let plan = plan(
        &args("web --type small --image deb --host h2"),
        pool(&settings, hosts),
        &[small()],
        USER_DATA,
    )
    .unwrap();
    assert_eq!(plan.vms[0].decision.chosen.as_deref(), Some("h2"));
    assert_eq!(
        plan.vms[0].decision.verdicts[0].reasons,
        ["not the host asked for (h2)"]
    );
}

#[test]
fn wrong_requests_say_what_is_wrong() {
    let settings = settings();
    let attempt = |words: &str, user_data: &str| {
        let hosts = vec![host("h1", &["web"], true)];
        plan(&args(words), pool(&settings, hosts), &[small()], user_data).unwrap_err()
    };
    let unknown = attempt("x --type huge --image deb", USER_DATA);
    assert_eq!(
        unknown,
        "unknown VM type 'huge' for pool p (it offers: small)"
    );
    let group = attempt("x --type small --image deb --group near", USER_DATA);
    assert_eq!(
        group,
        "pool p has no placement group 'near' (groups: apart)"
    );
    let taken = attempt("web --type small --image deb", USER_DATA);
    assert_eq!(taken, "a VM named web exists already (on h1)");
    let host = attempt("x --type small --image deb --host h9", USER_DATA);
    assert_eq!(host, "pool p has no host h9");
    let yaml = attempt("x --type small --image deb", "#cloud-config\nusers: [a\n");
    assert!(yaml.contains("user-data"), "{yaml}");
}

#[test]
fn a_type_the_pool_does_not_offer_is_unknown_there() {
    let mut settings = settings();
    settings.vm_types = vec!["large".into()];
    let large = VmType {
        name: "large".into(),
        ..small()
    };
    let error = plan(
        &args("x --type small --image deb"),
        pool(&settings, vec![host("h1", &[], true)]),
        &[small(), large],
        USER_DATA,
    )
    .unwrap_err();
    assert_eq!(
        error,
        "unknown VM type 'small' for pool p (it offers: large)"
    );
}

/// A host of two 4-CPU nodes with a GPU on each and a VLAN network.
fn gpu_host() -> HostView {
    use crate::model::devices::{DeviceKind, HostDevice, HostDevices, HostNetwork};
    let cell = |id: u32| crate::model::NumaCell {
        id,
        cpus: (id * 4..id * 4 + 4).collect(),
        memory_bytes: 8 << 30,
        free_bytes: Some((8 - u64::from(id)) << 30),
        offline_cpus: vec![],
        isolated_cpus: None,
        pages: vec![],
        siblings: vec![],
    };
    let gpu = |address: &str, node: u32| HostDevice {
        address: address.into(),
        kind: DeviceKind::Gpu,
        product: "GA100".into(),
        numa_node: Some(node),
        ..HostDevice::default()
    };
    let devices = HostDevices {
        devices: vec![gpu("0000:41:00.0", 0), gpu("0000:c1:00.0", 1)],
        networks: vec![HostNetwork {
            name: "vlan-120".into(),
            kind: "libvirt network".into(),
            ..HostNetwork::default()
        }],
        ..HostDevices::default()
    }
    .with_users();
    let facts = HostFacts {
        cpus: 8,
        memory_bytes: 16 << 30,
        numa: vec![cell(0), cell(1)],
        devices,
        ..HostFacts::default()
    };
    HostView {
        room: room("g1", None, Some(&facts), &[], Default::default()),
        images: Some(Ok(vec![image("g1")])),
        node_cpus: vec![(0, (0..4).collect()), (1, (4..8).collect())],
        cores: Default::default(),
    }
}

#[test]
fn each_vm_of_a_set_gets_its_own_gpu_from_its_own_node_and_the_network() {
    use crate::model::compose::NetworkNic;
    use crate::model::devices::DeviceNeeds;
    let settings = settings();
    let gpu_type = VmType {
        name: "gpu".into(),
        single_numa_node: true,
        devices: DeviceNeeds {
            gpus: 1,
            networks: vec!["vlan-120".into()],
            ..DeviceNeeds::default()
        },
        ..small()
    };
    let plan = plan(
        &args("ml --type gpu --image deb --count 3"),
        pool(&settings, vec![gpu_host()]),
        &[gpu_type],
        USER_DATA,
    )
    .unwrap();
    let given: Vec<_> = plan
        .vms
        .iter()
        .map(|vm| {
            vm.spec
                .as_ref()
                .map(|s| (s.numa_node.clone().map(|n| n.0), s.attach.gpus.clone()))
        })
        .collect();
    assert_eq!(
        given,
        [
            Some((Some(0), vec!["0000:41:00.0".to_string()])),
            Some((Some(1), vec!["0000:c1:00.0".to_string()])),
            None
        ]
    );
    let spec = plan.vms[0].spec.as_ref().unwrap();
    assert_eq!(spec.attach.nics, [NetworkNic::Network("vlan-120".into())]);
    assert_eq!(
        plan.vms[2].decision.verdicts[0].reasons,
        ["0 free GPUs (1 asked)"]
    );
}

#[test]
fn each_member_gets_its_own_user_data_and_the_set_the_templates_digest() {
    let settings = settings();
    let template = "#cloud-config\nhostname: {{name}}\nindex: {{index}}\n";
    let mut user_data = super::UserData::text(template);
    let set = args("web --type small --image deb --count 2");
    let hosts = || {
        pool(
            &settings,
            vec![host("h1", &[], true), host("h2", &[], true)],
        )
    };
    let planned = super::plan_from(&set, &hosts(), &[small()], &user_data).unwrap();
    let texts: Vec<_> = planned
        .vms
        .iter()
        .map(|vm| vm.spec.clone().unwrap().user_data)
        .collect();
    assert_eq!(texts[1], "#cloud-config\nhostname: web-1\nindex: 1\n");
    let digest = crate::model::set::user_data_digest(template);
    let stamped = planned.vms[0]
        .spec
        .clone()
        .unwrap()
        .set_spec
        .unwrap()
        .user_data_digest;
    assert_eq!(stamped.as_deref(), Some(digest.as_str()));
    // A member's own text is checked too, and the error says whose it is.
    user_data
        .per_index
        .insert(0, "#cloud-config\nhostname: a\n".into());
    user_data
        .per_index
        .insert(1, "#cloud-config\nusers: [a\n".into());
    let err = super::plan_from(&set, &hosts(), &[small()], &user_data).unwrap_err();
    assert!(err.starts_with("web-1: user-data"), "{err}");
}
