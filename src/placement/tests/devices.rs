//! GPUs, virtual functions and networks as placement resources.

use super::*;
use crate::model::devices::{DeviceNeeds, HostNetwork};

fn free(address: &str, node: u32, model: &str) -> FreeDevice {
    FreeDevice {
        address: address.into(),
        node: Some(node),
        model: model.into(),
    }
}

fn network(name: &str, vlan: Option<u32>) -> HostNetwork {
    HostNetwork {
        name: name.into(),
        kind: "libvirt network".into(),
        bridge: Some(format!("br-{name}")),
        vlan,
        active: true,
        ..HostNetwork::default()
    }
}

/// Two nodes of 8 CPUs and 32 GiB; node 0 the roomier.
fn two_nodes(name: &str, devices: DeviceRoom) -> HostRoom {
    HostRoom {
        nodes: vec![node(0, 8, 30, 0), node(1, 8, 20, 0)],
        devices,
        ..host(name, 16, 64)
    }
}

fn asking(needs: DeviceNeeds, numa: NumaFit) -> VmRequest {
    VmRequest {
        numa,
        devices: needs,
        ..vm("gpu-0", 2, 4)
    }
}

fn one_gpu() -> DeviceNeeds {
    DeviceNeeds {
        gpus: 1,
        ..DeviceNeeds::default()
    }
}

#[test]
fn a_gpu_type_goes_to_the_host_with_a_free_gpu_and_the_others_say_why_not() {
    let with_gpu = DeviceRoom {
        gpus: vec![free("0000:41:00.0", 1, "NVIDIA GA100")],
        ..DeviceRoom::default()
    };
    let hosts = [
        two_nodes("plain", DeviceRoom::default()),
        two_nodes("gpu", with_gpu),
    ];
    let decision = place(&hosts, NO_OVERCOMMIT, &[], &asking(one_gpu(), NumaFit::Any));
    assert_eq!(decision.chosen.as_deref(), Some("gpu"));
    assert_eq!(
        decision.verdicts[0].reasons,
        vec!["0 free GPUs (1 asked)".to_string()]
    );
}

#[test]
fn a_single_node_type_takes_its_gpu_from_its_own_node() {
    // Node 0 has more free memory, but the GPU is on node 1.
    let devices = DeviceRoom {
        gpus: vec![free("0000:c1:00.0", 1, "NVIDIA GA100")],
        ..DeviceRoom::default()
    };
    let hosts = [two_nodes("gpu", devices)];
    let decision = place(
        &hosts,
        NO_OVERCOMMIT,
        &[],
        &asking(one_gpu(), NumaFit::SingleNode),
    );
    assert_eq!(decision.chosen.as_deref(), Some("gpu"));
    assert_eq!(decision.verdicts[0].numa_node, Some(1));
}

#[test]
fn a_node_with_the_gpu_but_no_room_refuses_naming_both() {
    let devices = DeviceRoom {
        gpus: vec![free("0000:c1:00.0", 1, "NVIDIA GA100")],
        ..DeviceRoom::default()
    };
    let mut full = two_nodes("gpu", devices);
    full.nodes[1].free_cpus = 0;
    let decision = place(
        &[full],
        NO_OVERCOMMIT,
        &[],
        &asking(one_gpu(), NumaFit::SingleNode),
    );
    assert_eq!(decision.chosen, None);
    assert_eq!(
        decision.verdicts[0].reasons,
        vec![
            "no NUMA node has both room and the devices asked for (node 0: 0 free GPUs on node 0 (1 asked))"
                .to_string()
        ]
    );
}

#[test]
fn the_gpu_model_must_match() {
    let devices = DeviceRoom {
        gpus: vec![free("0000:41:00.0", 0, "NVIDIA GA100 [A100 SXM4 40GB]")],
        ..DeviceRoom::default()
    };
    let hosts = [two_nodes("gpu", devices)];
    let wants = |model: &str| DeviceNeeds {
        gpu_model: Some(model.into()),
        ..one_gpu()
    };
    let a100 = place(
        &hosts,
        NO_OVERCOMMIT,
        &[],
        &asking(wants("a100"), NumaFit::Any),
    );
    assert_eq!(a100.chosen.as_deref(), Some("gpu"));
    let h100 = place(
        &hosts,
        NO_OVERCOMMIT,
        &[],
        &asking(wants("H100"), NumaFit::Any),
    );
    assert_eq!(h100.verdicts[0].reasons, vec!["0 free H100 GPUs (1 asked)"]);
}

#[test]
fn a_host_lacking_a_network_is_refused_naming_it() {
    let devices = DeviceRoom {
        networks: vec![network("default", None), network("storage", Some(120))],
        ..DeviceRoom::default()
    };
    let hosts = [two_nodes("lab1", devices)];
    let needs = |networks: &[&str]| DeviceNeeds {
        networks: networks.iter().map(|n| n.to_string()).collect(),
        ..DeviceNeeds::default()
    };
    // By name, by bridge and by VLAN the host has them.
    for found in [&["default"][..], &["br-default"], &["vlan-120"]] {
        let decision = place(
            &hosts,
            NO_OVERCOMMIT,
            &[],
            &asking(needs(found), NumaFit::Any),
        );
        assert_eq!(decision.chosen.as_deref(), Some("lab1"), "{found:?}");
    }
    let decision = place(
        &hosts,
        NO_OVERCOMMIT,
        &[],
        &asking(needs(&["default", "vlan-130"]), NumaFit::Any),
    );
    assert_eq!(decision.verdicts[0].reasons, vec!["no bridge for vlan-130"]);
}

#[test]
fn vfs_come_from_the_node_and_need_their_network() {
    let devices = DeviceRoom {
        vfs: vec![
            free("0000:02:10.0", 0, "Intel VF"),
            free("0000:02:10.2", 0, "Intel VF"),
        ],
        networks: vec![network("vlan-120", Some(120))],
        ..DeviceRoom::default()
    };
    let hosts = [two_nodes("sriov", devices)];
    let needs = |vfs: u32, network: &str| DeviceNeeds {
        vfs,
        vf_network: Some(network.into()),
        ..DeviceNeeds::default()
    };
    let fits = place(
        &hosts,
        NO_OVERCOMMIT,
        &[],
        &asking(needs(2, "vlan-120"), NumaFit::SingleNode),
    );
    assert_eq!(fits.verdicts[0].numa_node, Some(0));
    let too_many = place(
        &hosts,
        NO_OVERCOMMIT,
        &[],
        &asking(needs(3, "vlan-120"), NumaFit::Any),
    );
    assert_eq!(too_many.verdicts[0].reasons, vec!["2 free VFs (3 asked)"]);
    let elsewhere = place(
        &hosts,
        NO_OVERCOMMIT,
        &[],
        &asking(needs(1, "vlan-7"), NumaFit::Any),
    );
    assert_eq!(elsewhere.verdicts[0].reasons, vec!["no bridge for vlan-7"]);
}

#[test]
fn a_set_uses_up_the_gpus_one_vm_at_a_time() {
    let devices = DeviceRoom {
        gpus: vec![free("0000:41:00.0", 0, "NVIDIA GA100")],
        ..DeviceRoom::default()
    };
    let hosts = [two_nodes("gpu", devices)];
    let set: Vec<VmRequest> = ["a", "b"]
        .iter()
        .map(|name| VmRequest {
            name: name.to_string(),
            ..asking(one_gpu(), NumaFit::SingleNode)
        })
        .collect();
    let decisions = place_set(&hosts, NO_OVERCOMMIT, &[], &set);
    assert_eq!(decisions[0].chosen.as_deref(), Some("gpu"));
    assert_eq!(decisions[1].chosen, None);
    assert_eq!(
        decisions[1].verdicts[0].reasons,
        vec!["0 free GPUs (1 asked)"]
    );
}
