//! A libvirt host's pass-through devices and networks with the VMs that use them, read for the
//! host view and `vmdeck capacity`: node devices (PCI and net), networks, and every domain's
//! `<hostdev>`s and NICs. The host has no interface driver in session mode and often none at
//! all; networks and devices a host cannot list are simply empty.

mod nodedev;
mod uses;

#[cfg(test)]
mod tests;

use roxmltree::Node;
use virt::connect::Connect;
use virt::sys;

use crate::model::devices::{HostDevices, VmDeviceUse};

pub use nodedev::host_devices;
pub use uses::{parse_network, parse_uses};

/// Everything, the domains' uses included (the host view's refresh).
pub fn read(conn: &Connect) -> HostDevices {
    let uses = conn
        .list_all_domains(0)
        .unwrap_or_default()
        .iter()
        .filter_map(|d| Some(parse_uses(&d.name().ok()?, &d.xml_desc(0).ok()?)))
        .collect();
    with_uses(conn, uses)
}

/// The node devices and networks, with `uses` read already from the domains' XML (the
/// inventory pass reads it anyway).
pub fn with_uses(conn: &Connect, uses: Vec<VmDeviceUse>) -> HostDevices {
    let flags =
        sys::VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV | sys::VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET;
    let nodedevs: Vec<String> = conn
        .list_all_node_devices(flags)
        .unwrap_or_default()
        .iter()
        .filter_map(|d| d.xml_desc(0).ok())
        .collect();
    let networks = conn
        .list_all_networks(0)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| parse_network(&n.xml_desc(0).ok()?, n.is_active().unwrap_or(false)))
        .collect();
    HostDevices {
        devices: host_devices(&nodedevs),
        networks,
        uses,
        ..HostDevices::default()
    }
    .with_users()
}

/// `<address domain='0x0000' bus='0x02' slot='0x10' function='0x1'/>` → `0000:02:10.1`, the
/// form `lspci -D` and Incus use.
fn pci_address(node: Node) -> String {
    let hex = |name: &str| {
        node.attribute(name)
            .map(|v| v.trim_start_matches("0x"))
            .and_then(|v| u32::from_str_radix(v, 16).ok())
            .unwrap_or(0)
    };
    format!(
        "{:04x}:{:02x}:{:02x}.{:x}",
        hex("domain"),
        hex("bus"),
        hex("slot"),
        hex("function")
    )
}
