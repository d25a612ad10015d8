//! Render snapshots of a host's devices and networks: the host view's devices section (GPUs,
//! a NIC with its VFs under it, who holds each), its networks with their VMs, and the GPUs
//! and VFs free and used on each NUMA card.

mod common;

use common::{command, host, state};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::State;
use vmdeck::backend::HostEvent;
use vmdeck::model::devices::{
    DeviceKind, HostDevice, HostDevices, HostNetwork, NicAttachment, VmDeviceUse,
};

fn draw(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, state)).unwrap();
    terminal.backend().to_string()
}

fn device(address: &str, kind: DeviceKind, node: u32, product: &str) -> HostDevice {
    HostDevice {
        address: address.into(),
        kind,
        vendor: "Acme".into(),
        product: product.into(),
        driver: Some("vfio-pci".into()),
        numa_node: Some(node),
        iommu_group: Some(node + 10),
        ..HostDevice::default()
    }
}

fn devices() -> HostDevices {
    let mut nic = device("0000:02:00.0", DeviceKind::Nic, 1, "X710");
    nic.virtual_functions = vec!["0000:02:10.0".into(), "0000:02:10.1".into()];
    nic.max_virtual_functions = Some(64);
    nic.interface = Some("eth2".into());
    let vf = |address: &str| HostDevice {
        physical_function: Some("0000:02:00.0".into()),
        ..device(address, DeviceKind::VirtualFunction, 1, "X710 VF")
    };
    HostDevices {
        devices: vec![
            nic,
            vf("0000:02:10.0"),
            vf("0000:02:10.1"),
            device("0000:41:00.0", DeviceKind::Gpu, 0, "GA100"),
            device("0000:c1:00.0", DeviceKind::Gpu, 1, "GA100"),
        ],
        networks: vec![HostNetwork {
            name: "vlan-120".into(),
            kind: "libvirt network".into(),
            bridge: Some("br120".into()),
            forward: Some("bridge".into()),
            active: true,
            ..HostNetwork::default()
        }],
        ..HostDevices::default()
    }
    .with_users()
}

#[test]
fn host_view_lists_devices_networks_and_per_node_counts() {
    let mut s = state();
    host(
        &mut s,
        0,
        0,
        HostEvent::Devices {
            member: None,
            devices: devices(),
        },
    );
    let uses = VmDeviceUse {
        vm: "db-1".into(),
        devices: vec!["0000:41:00.0".into(), "0000:02:10.1".into()],
        nics: vec![NicAttachment {
            mac: "52:54:00:00:00:01".into(),
            source: "vlan-120".into(),
            vlan: None,
        }],
    };
    host(&mut s, 0, 0, HostEvent::DeviceUse(uses));
    command(&mut s, "host kvm1");
    insta::assert_snapshot!(draw(&s, 100, 48));
}
