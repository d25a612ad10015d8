//! A host's devices and networks through `update`: read anew, a VM's uses changing and the
//! VM going away keep who-holds-what and the per-node counts right, and the migration check
//! refuses a destination lacking the network or the GPU the VM uses, naming them.

mod common;

use common::{facts, host, key, state, typed};
use crossterm::event::KeyCode;
use vmdeck::backend::HostEvent;
use vmdeck::model::HostInventory;
use vmdeck::model::devices::{
    DeviceKind, HostDevice, HostDevices, HostNetwork, NicAttachment, VmDeviceUse,
};

fn gpu(address: &str, node: u32) -> HostDevice {
    HostDevice {
        address: address.into(),
        kind: DeviceKind::Gpu,
        vendor: "NVIDIA Corporation".into(),
        product: "GA100".into(),
        numa_node: Some(node),
        ..HostDevice::default()
    }
}

fn kvm1_devices() -> HostDevices {
    HostDevices {
        devices: vec![gpu("0000:41:00.0", 0), gpu("0000:c1:00.0", 1)],
        networks: vec![HostNetwork {
            name: "vlan-120".into(),
            kind: "libvirt network".into(),
            bridge: Some("br120".into()),
            active: true,
            ..HostNetwork::default()
        }],
        ..HostDevices::default()
    }
    .with_users()
}

fn db_uses_gpu() -> VmDeviceUse {
    VmDeviceUse {
        vm: "db-1".into(),
        devices: vec!["0000:41:00.0".into()],
        nics: vec![NicAttachment {
            mac: "52:54:00:00:00:01".into(),
            source: "vlan-120".into(),
            vlan: None,
        }],
    }
}

fn kvm1(s: &vmdeck::app::state::State) -> &HostDevices {
    &s.pools[0].hosts[0].facts.as_ref().unwrap().devices
}

#[test]
fn uses_mark_the_holder_and_a_vm_gone_frees_what_it_held() {
    let mut s = state();
    let devices = kvm1_devices();
    host(
        &mut s,
        0,
        0,
        HostEvent::Devices {
            member: None,
            devices,
        },
    );
    assert_eq!(kvm1(&s).on_node(Some(0)).gpus_free, 1);

    host(&mut s, 0, 0, HostEvent::DeviceUse(db_uses_gpu()));
    assert_eq!(kvm1(&s).devices[0].used_by.as_deref(), Some("db-1"));
    assert_eq!(kvm1(&s).networks[0].vms, ["db-1"]);
    let node0 = kvm1(&s).on_node(Some(0));
    assert_eq!((node0.gpus_free, node0.gpus_used), (0, 1));

    let uuid = "uuid-db-1".to_string();
    host(&mut s, 0, 0, HostEvent::VmRemoved { uuid });
    assert_eq!(kvm1(&s).devices[0].used_by, None);
    assert!(kvm1(&s).networks[0].vms.is_empty());
    assert_eq!(kvm1(&s).on_node(Some(0)).gpus_free, 1);
}

#[test]
fn migration_refuses_a_destination_lacking_the_vms_network_and_gpu() {
    let mut s = state();
    let devices = kvm1_devices();
    host(
        &mut s,
        0,
        0,
        HostEvent::Devices {
            member: None,
            devices,
        },
    );
    host(&mut s, 0, 0, HostEvent::DeviceUse(db_uses_gpu()));
    let inventory = HostInventory {
        facts: facts("kvm2"),
        vms: vec![],
    };
    host(&mut s, 0, 1, HostEvent::Connected(inventory));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "migrate kvm2");
    key(&mut s, KeyCode::Enter);
    let text = s.status.clone().unwrap().text;
    assert_eq!(
        text,
        "db-1 does not fit on kvm2: no bridge for vlan-120; 0 free GA100 GPUs (1 asked)"
    );
    assert!(s.confirm.is_none());
}

#[test]
fn a_nic_on_a_bridge_no_host_lists_does_not_hold_a_migration_back() {
    let mut s = state();
    let devices = kvm1_devices();
    host(
        &mut s,
        0,
        0,
        HostEvent::Devices {
            member: None,
            devices,
        },
    );
    let on_plain_bridge = VmDeviceUse {
        vm: "db-1".into(),
        devices: vec![],
        nics: vec![NicAttachment {
            mac: "52:54:00:00:00:02".into(),
            source: "br-plain".into(),
            vlan: None,
        }],
    };
    host(&mut s, 0, 0, HostEvent::DeviceUse(on_plain_bridge));
    let inventory = HostInventory {
        facts: facts("kvm2"),
        vms: vec![],
    };
    host(&mut s, 0, 1, HostEvent::Connected(inventory));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "migrate kvm2");
    key(&mut s, KeyCode::Enter);
    let confirm = s.confirm.clone().expect("asked, not refused");
    assert!(confirm.question.contains("db-1"), "{}", confirm.question);
}
