//! What a domain's XML says it uses of its host: `<hostdev>` PCI devices (and SR-IOV functions
//! given as `<interface type='hostdev'>`), and the network or bridge of each NIC with its VLAN.
//! And a libvirt network's own XML: its bridge, forward mode and VLAN.

use roxmltree::{Document, Node};

use super::super::xml::child;
use super::pci_address;
use crate::model::devices::{HostNetwork, NicAttachment, VmDeviceUse};

pub fn parse_uses(vm: &str, xml: &str) -> VmDeviceUse {
    let mut uses = VmDeviceUse {
        vm: vm.to_string(),
        ..VmDeviceUse::default()
    };
    let Ok(doc) = Document::parse(xml) else {
        return uses;
    };
    let Some(devices) = child(doc.root_element(), "devices") else {
        return uses;
    };
    for device in devices.children().filter(Node::is_element) {
        let source = child(device, "source");
        let pci = source
            .and_then(|s| child(s, "address"))
            .filter(|_| device.attribute("type") == Some("pci") || is_hostdev_nic(device));
        match device.tag_name().name() {
            "hostdev" | "interface" if pci.is_some() => {
                uses.devices.extend(pci.map(pci_address));
                if device.has_tag_name("interface") {
                    uses.nics.push(nic(device, pci.map(pci_address)));
                }
            }
            "interface" => uses.nics.push(nic(device, None)),
            _ => {}
        }
    }
    uses
}

fn is_hostdev_nic(device: Node) -> bool {
    device.has_tag_name("interface") && device.attribute("type") == Some("hostdev")
}

fn nic(interface: Node, hostdev: Option<String>) -> NicAttachment {
    let source = child(interface, "source");
    let named = source.and_then(|s| {
        ["network", "bridge", "dev"]
            .iter()
            .find_map(|a| s.attribute(*a))
    });
    NicAttachment {
        mac: child(interface, "mac")
            .and_then(|m| m.attribute("address"))
            .unwrap_or_default()
            .to_string(),
        source: named.map(str::to_string).or(hostdev).unwrap_or_default(),
        vlan: vlan(interface),
    }
}

/// The first `<vlan><tag id=…/>` (a trunk's other tags are not what the VM is "on").
fn vlan(parent: Node) -> Option<u32> {
    child(parent, "vlan")
        .and_then(|v| child(v, "tag"))
        .and_then(|t| t.attribute("id"))
        .and_then(|id| id.parse().ok())
}

/// A libvirt network from its XML (`virNetworkGetXMLDesc`) and whether it is active.
pub fn parse_network(xml: &str, active: bool) -> Option<HostNetwork> {
    let doc = Document::parse(xml).ok()?;
    let root = doc.root_element();
    Some(HostNetwork {
        name: child(root, "name")?.text()?.trim().to_string(),
        kind: "libvirt network".into(),
        bridge: child(root, "bridge")
            .and_then(|b| b.attribute("name"))
            .map(str::to_string),
        forward: child(root, "forward")
            .and_then(|f| f.attribute("mode"))
            .map(str::to_string),
        vlan: vlan(root),
        active,
        vms: Vec::new(),
    })
}
