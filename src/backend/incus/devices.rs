//! An Incus server's GPUs and network cards (with SR-IOV functions) from `/1.0/resources`, its
//! networks from `/1.0/networks`, and what each instance uses of them (`gpu` devices with a
//! `pci` address, `nic` devices on a network, a parent or SR-IOV).

use std::collections::HashMap;

use serde::Deserialize;

use super::client::Client;
use super::types::Instance;
use crate::model::devices::{
    DeviceKind, HostDevice, HostDevices, HostNetwork, MdevType, NicAttachment, VmDeviceUse,
};

/// The devices and networks of the server (or of one cluster member, by `member`), with what
/// `instances` use of them.
pub async fn read(client: &Client, member: Option<&str>, instances: &[Instance]) -> HostDevices {
    let target = member.map_or(String::new(), |m| format!("?target={m}"));
    let resources: DeviceResources = client
        .get(&format!("/1.0/resources{target}"))
        .await
        .unwrap_or_default();
    let list: Vec<Network> = client
        .get(&format!(
            "/1.0/networks?recursion=1{}",
            target.replace('?', "&")
        ))
        .await
        .unwrap_or_default();
    let on_member = |i: &&Instance| member.is_none_or(|m| i.location == m);
    HostDevices {
        devices: host_devices(&resources),
        networks: networks(&list),
        uses: instances
            .iter()
            .filter(on_member)
            .map(|i| uses(&i.name, &i.expanded_devices))
            .collect(),
        ..HostDevices::default()
    }
    .with_users()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeviceResources {
    pub gpu: Cards,
    pub network: Cards,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Cards {
    pub cards: Vec<Card>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct Card {
    pub driver: String,
    pub numa_node: Option<u32>,
    pub pci_address: String,
    pub vendor: String,
    pub product: String,
    pub ports: Vec<Port>,
    pub sriov: Option<Sriov>,
    pub mdev: HashMap<String, Mdev>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct Port {
    pub id: String,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct Sriov {
    pub maximum_vfs: u32,
    pub vfs: Vec<Card>,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct Mdev {
    pub available: u32,
    pub name: String,
}

/// GPUs, network cards and their virtual functions, by PCI address.
pub fn host_devices(resources: &DeviceResources) -> Vec<HostDevice> {
    let mut devices = Vec::new();
    for card in &resources.gpu.cards {
        devices.push(device(card, DeviceKind::Gpu, None));
    }
    for card in &resources.network.cards {
        devices.push(device(card, DeviceKind::Nic, None));
        let vfs = card.sriov.iter().flat_map(|s| &s.vfs);
        for vf in vfs {
            let pf = Some(card.pci_address.clone());
            devices.push(device(vf, DeviceKind::VirtualFunction, pf));
        }
    }
    devices.sort_by(|a, b| a.address.cmp(&b.address));
    devices
}

fn device(card: &Card, kind: DeviceKind, physical_function: Option<String>) -> HostDevice {
    let mut mdev_types: Vec<MdevType> = card
        .mdev
        .iter()
        .map(|(id, m)| MdevType {
            id: id.clone(),
            name: m.name.clone(),
            available: m.available,
        })
        .collect();
    mdev_types.sort_by(|a, b| a.id.cmp(&b.id));
    HostDevice {
        address: card.pci_address.clone(),
        kind,
        vendor: card.vendor.clone(),
        product: card.product.clone(),
        driver: (!card.driver.is_empty()).then(|| card.driver.clone()),
        numa_node: card.numa_node,
        iommu_group: None,
        virtual_functions: card
            .sriov
            .iter()
            .flat_map(|s| &s.vfs)
            .map(|v| v.pci_address.clone())
            .collect(),
        max_virtual_functions: card.sriov.as_ref().map(|s| s.maximum_vfs),
        physical_function,
        mdev_types,
        interface: card.ports.first().map(|p| p.id.clone()),
        used_by: None,
    }
}

/// One entry of `/1.0/networks?recursion=1`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Network {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub managed: bool,
    pub status: String,
    pub config: HashMap<String, String>,
}

/// The networks VMs can be put on: managed ones, and unmanaged bridges (not `lo` or plain
/// physical ports).
pub fn networks(list: &[Network]) -> Vec<HostNetwork> {
    list.iter()
        .filter(|n| n.managed || n.kind == "bridge")
        .map(|n| HostNetwork {
            name: n.name.clone(),
            kind: n.kind.clone(),
            bridge: match n.kind.as_str() {
                "bridge" => Some(n.name.clone()),
                _ => n.config.get("parent").cloned(),
            },
            forward: None,
            vlan: n.config.get("vlan").and_then(|v| v.parse().ok()),
            active: !n.managed || n.status == "Created",
            vms: Vec::new(),
        })
        .collect()
}

/// What one instance's expanded devices use: GPUs and PCI devices by address, and each NIC's
/// network (or parent) and VLAN.
pub fn uses(vm: &str, devices: &HashMap<String, HashMap<String, String>>) -> VmDeviceUse {
    let mut found = VmDeviceUse {
        vm: vm.to_string(),
        ..VmDeviceUse::default()
    };
    let mut names: Vec<&String> = devices.keys().collect();
    names.sort();
    for name in names {
        let device = &devices[name];
        let get = |key: &str| device.get(key).cloned();
        match device.get("type").map(String::as_str) {
            Some("gpu" | "pci") => found.devices.extend(get("pci").or(get("address"))),
            Some("nic") => found.nics.push(NicAttachment {
                mac: get("hwaddr").unwrap_or_default(),
                source: get("network").or(get("parent")).unwrap_or_default(),
                vlan: get("vlan").and_then(|v| v.parse().ok()),
            }),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> DeviceResources {
        let path = format!(
            "{}/tests/fixtures/incus/resources_devices.json",
            env!("CARGO_MANIFEST_DIR")
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn gpus_and_sriov_functions_come_with_their_numa_nodes() {
        let devices = host_devices(&fixture());
        let summary: Vec<(&str, DeviceKind, Option<u32>)> = devices
            .iter()
            .map(|d| (d.address.as_str(), d.kind, d.numa_node))
            .collect();
        assert_eq!(
            summary,
            [
                ("0000:00:03.0", DeviceKind::Nic, Some(0)),
                ("0000:01:00.0", DeviceKind::Gpu, Some(0)),
                ("0000:41:00.0", DeviceKind::Nic, Some(1)),
                ("0000:41:10.0", DeviceKind::VirtualFunction, Some(1)),
                ("0000:41:10.2", DeviceKind::VirtualFunction, Some(1)),
                ("0000:42:00.0", DeviceKind::Gpu, Some(1)),
            ]
        );
        let pf = &devices[2];
        assert_eq!(pf.max_virtual_functions, Some(63));
        assert_eq!(pf.virtual_functions, ["0000:41:10.0", "0000:41:10.2"]);
        assert_eq!(pf.interface.as_deref(), Some("enp65s0f0"));
        assert_eq!(
            devices[3].physical_function.as_deref(),
            Some("0000:41:00.0")
        );
        assert_eq!(devices[5].mdev_types[0].name, "GRID A40-8Q");
        assert_eq!(devices[5].mdev_types[0].available, 2);
    }

    #[test]
    fn an_instance_uses_its_gpu_and_its_nics_networks() {
        let device = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>()
        };
        let devices = HashMap::from([
            (
                "gpu0".to_string(),
                device(&[("type", "gpu"), ("pci", "0000:42:00.0")]),
            ),
            (
                "eth0".to_string(),
                device(&[("type", "nic"), ("network", "incusbr0")]),
            ),
            (
                "eth1".to_string(),
                device(&[
                    ("type", "nic"),
                    ("nictype", "sriov"),
                    ("parent", "enp65s0f0"),
                    ("vlan", "120"),
                ]),
            ),
            (
                "root".to_string(),
                device(&[("type", "disk"), ("path", "/")]),
            ),
        ]);
        let used = uses("k1", &devices);
        assert_eq!(used.devices, ["0000:42:00.0"]);
        let on: Vec<(&str, Option<u32>)> = used
            .nics
            .iter()
            .map(|n| (n.source.as_str(), n.vlan))
            .collect();
        assert_eq!(on, [("incusbr0", None), ("enp65s0f0", Some(120))]);
    }

    #[test]
    fn managed_networks_and_bridges_are_offered() {
        let list: Vec<Network> = serde_json::from_str(
            r#"[{"name":"lo","type":"loopback","managed":false},
                {"name":"eth0","type":"physical","managed":false},
                {"name":"incusbr0","type":"bridge","managed":true,"status":"Created"},
                {"name":"vlan120","type":"macvlan","managed":true,"status":"Created",
                 "config":{"parent":"enp65s0f0","vlan":"120"}}]"#,
        )
        .unwrap();
        let offered = networks(&list);
        let names: Vec<(&str, Option<&str>, Option<u32>)> = offered
            .iter()
            .map(|n| (n.name.as_str(), n.bridge.as_deref(), n.vlan))
            .collect();
        assert_eq!(
            names,
            [
                ("incusbr0", Some("incusbr0"), None),
                ("vlan120", Some("enp65s0f0"), Some(120))
            ]
        );
    }
}
