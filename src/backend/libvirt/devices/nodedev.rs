//! libvirt node device XML (`virNodeDeviceGetXMLDesc`) as vmdeck's `HostDevice`: PCI devices
//! with their vendor, product, driver, NUMA node, IOMMU group, SR-IOV functions and mediated
//! device types; network interfaces, which name the PCI device they sit on as their parent.

use roxmltree::{Document, Node};

use super::super::xml::child;
use super::pci_address;
use crate::model::devices::{DeviceKind, HostDevice, MdevType};

/// One node device: a PCI device, a network interface (its PCI parent and name), or neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeDevice {
    Pci {
        name: String,
        device: Box<HostDevice>,
    },
    Interface {
        parent: String,
        interface: String,
    },
    Other,
}

fn text<'a>(node: Node<'a, '_>, tag: &str) -> Option<&'a str> {
    child(node, tag).and_then(|n| n.text()).map(str::trim)
}

pub fn parse_nodedev(xml: &str) -> NodeDevice {
    let Ok(doc) = Document::parse(xml) else {
        return NodeDevice::Other;
    };
    let root = doc.root_element();
    let name = text(root, "name").unwrap_or_default().to_string();
    let capability = |kind: &str| {
        root.children()
            .find(|n| n.has_tag_name("capability") && n.attribute("type") == Some(kind))
    };
    if let Some(pci) = capability("pci") {
        let driver = child(root, "driver").and_then(|d| text(d, "name"));
        return NodeDevice::Pci {
            name,
            device: Box::new(pci_device(pci, driver.map(str::to_string))),
        };
    }
    match (capability("net"), text(root, "parent")) {
        (Some(net), Some(parent)) => NodeDevice::Interface {
            parent: parent.to_string(),
            interface: text(net, "interface").unwrap_or_default().to_string(),
        },
        _ => NodeDevice::Other,
    }
}

/// The host's PCI devices from all its node devices, each network card with its interface.
pub fn host_devices(xmls: &[String]) -> Vec<HostDevice> {
    let parsed: Vec<NodeDevice> = xmls.iter().map(|x| parse_nodedev(x)).collect();
    let mut devices = Vec::new();
    for node in &parsed {
        if let NodeDevice::Pci { name, device } = node {
            let mut device = (**device).clone();
            device.interface = parsed.iter().find_map(|n| match n {
                NodeDevice::Interface { parent, interface } if parent == name => {
                    Some(interface.clone())
                }
                _ => None,
            });
            devices.push(device);
        }
    }
    devices.sort_by(|a, b| a.address.cmp(&b.address));
    devices
}

fn pci_device(pci: Node, driver: Option<String>) -> HostDevice {
    let number = |tag: &str| {
        child(pci, tag)
            .and_then(|n| n.text())
            .and_then(|t| parse_number(t.trim()))
    };
    let sub = |kind: &str| {
        pci.children()
            .find(|n| n.has_tag_name("capability") && n.attribute("type") == Some(kind))
    };
    let address = format!(
        "{:04x}:{:02x}:{:02x}.{:x}",
        number("domain").unwrap_or(0),
        number("bus").unwrap_or(0),
        number("slot").unwrap_or(0),
        number("function").unwrap_or(0)
    );
    let physical_function = sub("phys_function").and_then(|c| addresses(c).into_iter().next());
    let functions = sub("virt_functions");
    let virtual_functions = functions.map(addresses).unwrap_or_default();
    let vendor = child(pci, "vendor");
    let product = child(pci, "product");
    let named = |n: Option<Node>| n.and_then(|n| n.text()).unwrap_or("").trim().to_string();
    let id = |n: Option<Node>| n.and_then(|n| n.attribute("id")).and_then(parse_number);
    let class = number("class");
    HostDevice {
        kind: kind_of(
            class,
            id(vendor),
            number("function"),
            physical_function.is_some(),
            functions.is_some(),
        ),
        address,
        vendor: named(vendor),
        product: named(product),
        driver,
        numa_node: child(pci, "numa")
            .and_then(|n| n.attribute("node"))
            .and_then(|n| n.parse().ok()),
        iommu_group: child(pci, "iommuGroup")
            .and_then(|g| g.attribute("number"))
            .and_then(|n| n.parse().ok()),
        virtual_functions,
        max_virtual_functions: functions
            .and_then(|f| f.attribute("maxCount"))
            .and_then(|n| n.parse().ok()),
        physical_function,
        mdev_types: sub("mdev_types").map(mdev_types).unwrap_or_default(),
        interface: None,
        used_by: None,
    }
}

/// By PCI class (`0x03…` display, `0x02…` network) where the host reports it; older libvirt
/// does not, and then the two GPU vendors' first functions are taken for GPUs.
fn kind_of(
    class: Option<u64>,
    vendor: Option<u64>,
    function: Option<u64>,
    is_vf: bool,
    has_vfs: bool,
) -> DeviceKind {
    const NVIDIA: u64 = 0x10de;
    const AMD: u64 = 0x1002;
    if is_vf {
        return DeviceKind::VirtualFunction;
    }
    match class.map(|c| c >> 16) {
        Some(0x03) => DeviceKind::Gpu,
        Some(0x02) => DeviceKind::Nic,
        _ if has_vfs => DeviceKind::Nic,
        None if matches!(vendor, Some(NVIDIA | AMD)) && function == Some(0) => DeviceKind::Gpu,
        _ => DeviceKind::Other,
    }
}

fn addresses(capability: Node) -> Vec<String> {
    capability
        .children()
        .filter(|n| n.has_tag_name("address"))
        .map(pci_address)
        .collect()
}

fn mdev_types(capability: Node) -> Vec<MdevType> {
    capability
        .children()
        .filter(|n| n.has_tag_name("type"))
        .map(|t| MdevType {
            id: t.attribute("id").unwrap_or_default().to_string(),
            name: child(t, "name")
                .and_then(|n| n.text())
                .unwrap_or_default()
                .trim()
                .to_string(),
            available: child(t, "availableInstances")
                .and_then(|n| n.text())
                .and_then(|n| n.trim().parse().ok())
                .unwrap_or(0),
        })
        .collect()
}

/// `0x1002`, `12`: libvirt writes ids in hex and bus numbers in decimal.
fn parse_number(text: &str) -> Option<u64> {
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}
