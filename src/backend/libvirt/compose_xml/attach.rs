//! The host devices and networks a composed VM is given, as domain XML: a `<hostdev>` per
//! GPU, an `<interface type='hostdev'>` per SR-IOV function (tagged with its network's
//! VLAN), an `<interface>` per network. Every value is escaped.

use super::xml_escape;
use crate::model::compose::{Attachments, NetworkNic};

pub fn attachments_xml(attach: &Attachments) -> String {
    let mut xml = String::new();
    for gpu in &attach.gpus {
        xml.push_str(&format!(
            "    <hostdev mode='subsystem' type='pci' managed='yes'><source>{}</source></hostdev>\n",
            pci_address(gpu)
        ));
    }
    for (vf, vlan) in &attach.vfs {
        let tag = vlan.map_or(String::new(), |id| format!("<vlan><tag id='{id}'/></vlan>"));
        xml.push_str(&format!(
            "    <interface type='hostdev' managed='yes'><source>{}</source>{tag}</interface>\n",
            pci_address(vf)
        ));
    }
    for nic in &attach.nics {
        let (kind, source) = match nic {
            NetworkNic::Network(name) => ("network", format!("network='{}'", xml_escape(name))),
            NetworkNic::Bridge(name) => ("bridge", format!("bridge='{}'", xml_escape(name))),
        };
        xml.push_str(&format!(
            "    <interface type='{kind}'><source {source}/><model type='virtio'/></interface>\n"
        ));
    }
    xml
}

/// `0000:41:00.0` → `<address domain='0x0000' bus='0x41' slot='0x00' function='0x0'/>`.
fn pci_address(address: &str) -> String {
    let (rest, function) = address.rsplit_once('.').unwrap_or((address, "0"));
    let mut parts = rest.rsplitn(3, ':');
    let slot = parts.next().unwrap_or("0");
    let bus = parts.next().unwrap_or("0");
    let domain = parts.next().unwrap_or("0");
    format!(
        "<address type='pci' domain='0x{}' bus='0x{}' slot='0x{}' function='0x{}'/>",
        xml_escape(domain),
        xml_escape(bus),
        xml_escape(slot),
        xml_escape(function)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gpus_vfs_and_networks_become_devices_with_escaped_values() {
        let attach = Attachments {
            gpus: vec!["0000:41:00.0".into()],
            vfs: vec![("0000:02:10.2".into(), Some(120))],
            nics: vec![
                NetworkNic::Network("vlan-120".into()),
                NetworkNic::Bridge("br'<x>".into()),
            ],
        };
        let xml = attachments_xml(&attach);
        assert!(xml.contains(
            "<hostdev mode='subsystem' type='pci' managed='yes'><source><address type='pci' domain='0x0000' bus='0x41' slot='0x00' function='0x0'/></source></hostdev>"
        ), "{xml}");
        assert!(xml.contains("function='0x2'/></source><vlan><tag id='120'/></vlan></interface>"));
        assert!(xml.contains("<source network='vlan-120'/>"));
        assert!(xml.contains("<source bridge='br&apos;&lt;x&gt;'/>"));
        let wrapped = format!("<devices>{xml}</devices>");
        assert!(roxmltree::Document::parse(&wrapped).is_ok());
    }
}
