//! Devices from libvirt's own node-device test data (`tests/fixtures/nodedev`), networks and
//! domain XML, and who uses what.

use super::*;
use crate::model::devices::{DeviceKind, NicAttachment};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/nodedev/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn all_fixtures() -> Vec<String> {
    [
        "pci_8086_10c9_sriov_pf.xml",
        "pci_0000_02_10_7_sriov_pf_vfs_all.xml",
        "pci_1002_71c4.xml",
        "net_00_13_02_b9_f9_d3.xml",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect()
}

#[test]
fn pci_devices_come_with_their_numa_node_iommu_group_and_functions() {
    let devices = host_devices(&all_fixtures());
    let addresses: Vec<&str> = devices.iter().map(|d| d.address.as_str()).collect();
    assert_eq!(addresses, ["0000:01:00.0", "0000:02:00.0", "0000:02:10.7"]);

    let gpu = &devices[0];
    assert_eq!(gpu.kind, DeviceKind::Gpu);
    assert_eq!(gpu.vendor, "ATI Technologies Inc");
    assert_eq!(gpu.product, "M56GL [Mobility FireGL V5200]");
    assert_eq!(gpu.numa_node, Some(1));

    let pf = &devices[1];
    assert_eq!((pf.iommu_group, pf.numa_node), (Some(12), Some(0)));
    assert_eq!(pf.product, "82576 Gigabit Network Connection");

    let vf = &devices[2];
    assert_eq!(vf.kind, DeviceKind::VirtualFunction);
    assert_eq!(vf.physical_function.as_deref(), Some("0000:02:00.1"));
    assert_eq!(vf.virtual_functions.len(), 4);
    assert_eq!(vf.virtual_functions[0], "0000:02:00.2");
    assert_eq!(vf.max_virtual_functions, Some(7));
    assert_eq!(vf.iommu_group, Some(31));
}

#[test]
fn mediated_device_types_with_their_free_instances() {
    let devices = host_devices(&[fixture("pci_0000_02_10_7_mdev_types.xml")]);
    let types: Vec<(&str, &str, u32)> = devices[0]
        .mdev_types
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str(), t.available))
        .collect();
    assert_eq!(types, [("foo1", "bar1", 1), ("foo2", "bar2", 2)]);
}

#[test]
fn a_network_card_carries_the_interface_that_names_it_as_parent() {
    let card = "<device><name>pci_8086_4227</name><capability type='pci'><class>0x020000\
                </class><domain>0</domain><bus>3</bus><slot>0</slot><function>0</function>\
                <product id='0x4227'>PRO/Wireless</product><vendor id='0x8086'>Intel</vendor>\
                </capability><driver><name>iwl3945</name></driver></device>";
    let devices = host_devices(&[card.to_string(), fixture("net_00_13_02_b9_f9_d3.xml")]);
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].kind, DeviceKind::Nic);
    assert_eq!(devices[0].interface.as_deref(), Some("eth0"));
    assert_eq!(devices[0].driver.as_deref(), Some("iwl3945"));
}

const HOLDER: &str = "<domain><name>gpu-vm</name><devices>\
    <hostdev mode='subsystem' type='pci' managed='yes'><source>\
    <address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source></hostdev>\
    <interface type='hostdev' managed='yes'><mac address='52:54:00:aa:bb:01'/><source>\
    <address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x2'/></source>\
    <vlan><tag id='120'/></vlan></interface>\
    <interface type='bridge'><mac address='52:54:00:aa:bb:02'/><source bridge='br120'/>\
    <vlan><tag id='120'/></vlan></interface>\
    <interface type='network'><mac address='52:54:00:aa:bb:03'/><source network='default'/>\
    </interface></devices></domain>";

#[test]
fn a_domain_uses_its_hostdevs_vfs_and_the_networks_of_its_nics() {
    let uses = parse_uses("gpu-vm", HOLDER);
    assert_eq!(uses.devices, ["0000:01:00.0", "0000:02:00.2"]);
    let nic = |mac: &str, source: &str, vlan| NicAttachment {
        mac: mac.into(),
        source: source.into(),
        vlan,
    };
    assert_eq!(
        uses.nics,
        [
            nic("52:54:00:aa:bb:01", "0000:02:00.2", Some(120)),
            nic("52:54:00:aa:bb:02", "br120", Some(120)),
            nic("52:54:00:aa:bb:03", "default", None),
        ]
    );
}

#[test]
fn devices_and_networks_name_the_vms_that_hold_them() {
    let network = "<network><name>vlan-120</name><forward mode='bridge'/>\
                   <bridge name='br120'/><vlan><tag id='120'/></vlan></network>";
    let vlan_120 = parse_network(network, true).unwrap();
    assert_eq!(vlan_120.bridge.as_deref(), Some("br120"));
    assert_eq!(
        (vlan_120.forward.as_deref(), vlan_120.vlan),
        (Some("bridge"), Some(120))
    );
    let idle = parse_network("<network><name>isolated</name></network>", false).unwrap();

    let found = crate::model::devices::HostDevices {
        devices: host_devices(&all_fixtures()),
        networks: vec![vlan_120, idle],
        uses: vec![parse_uses("gpu-vm", HOLDER)],
        ..Default::default()
    }
    .with_users();
    assert_eq!(found.devices[0].used_by.as_deref(), Some("gpu-vm"));
    assert_eq!(found.devices[1].used_by, None);
    assert_eq!(found.networks[0].vms, ["gpu-vm"]);
    assert!(found.networks[1].vms.is_empty());
    assert_eq!(found.free(DeviceKind::Gpu, Some(1)), 0);
    assert_eq!(found.free(DeviceKind::VirtualFunction, None), 1);
}

#[test]
fn the_test_driver_lists_its_devices_and_networks() {
    let conn = Connect::open(Some("test:///default")).unwrap();
    // The inventory pass reads each domain's uses with its XML.
    let uses = crate::backend::libvirt::domains::all_vms(&conn, None)
        .unwrap()
        .uses;
    let found = read(&conn, uses);
    assert!(
        found
            .networks
            .iter()
            .any(|n| n.name == "default" && n.active),
        "{found:?}"
    );
    assert_eq!(found.networks[0].vms, ["test"]);
    assert!(found.uses.iter().any(|u| u.vm == "test"));
}
