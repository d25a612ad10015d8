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

use super::fanout;
use crate::model::devices::{HostDevices, VmDeviceUse};

pub use nodedev::host_devices;
pub use uses::{parse_network, parse_uses};

/// The node devices and networks, with `uses` read already from the domains' XML (the
/// inventory pass reads it anyway; a re-read for the host view passes none, and the app
/// keeps the uses it knows).
pub fn read(conn: &Connect, uses: Vec<VmDeviceUse>) -> HostDevices {
    let flags =
        sys::VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV | sys::VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET;
    // One XML read per device and network, all issued at once (DESIGN.md §5).
    let nodedevs: Vec<String> =
        fanout::map(conn.list_all_node_devices(flags).unwrap_or_default(), |d| {
            d.xml_desc(0).ok()
        })
        .into_iter()
        .flatten()
        .collect();
    let networks = fanout::map(conn.list_all_networks(0).unwrap_or_default(), |n| {
        parse_network(&n.xml_desc(0).ok()?, n.is_active().unwrap_or(false))
    })
    .into_iter()
    .flatten()
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
