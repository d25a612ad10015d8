//! Reading libvirt XML: host capabilities (CPU model, NUMA cells) and a domain's disks and
//! NICs (its stamp and size: `domain_xml`).

use roxmltree::{Document, Node};

use crate::model::{Disk, Nic, NumaCell, Pages};

/// CPU model and NUMA cells from `virConnectGetCapabilities`.
pub fn parse_capabilities(xml: &str) -> Result<(String, Vec<NumaCell>), String> {
    let doc = Document::parse(xml).map_err(|e| format!("capabilities XML: {e}"))?;
    let host = child(doc.root_element(), "host");
    let model = host
        .and_then(|h| child(h, "cpu"))
        .and_then(|c| child(c, "model"))
        .and_then(|m| m.text())
        .unwrap_or("")
        .to_string();
    let cells = host
        .and_then(|h| child(h, "topology"))
        .and_then(|t| child(t, "cells"))
        .map(|cells| {
            cells
                .children()
                .filter(|n| n.has_tag_name("cell"))
                .map(parse_cell)
                .collect()
        })
        .unwrap_or_default();
    Ok((model, cells))
}

fn parse_cell(cell: Node) -> NumaCell {
    let id = cell
        .attribute("id")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let memory_bytes = child(cell, "memory").map_or(0, |m| kib_text(m).saturating_mul(1024));
    let pages = cell
        .children()
        .filter(|n| n.has_tag_name("pages"))
        .map(|p| {
            let size = p
                .attribute("size")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let count = p.text().and_then(|t| t.trim().parse().ok()).unwrap_or(0);
            Pages::new(size, count)
        })
        .collect();
    let cpu_nodes: Vec<Node> = child(cell, "cpus")
        .map(|c| c.children().filter(|n| n.has_tag_name("cpu")).collect())
        .unwrap_or_default();
    let cpus = cpu_nodes
        .iter()
        .filter_map(|n| n.attribute("id")?.parse().ok())
        .collect();
    NumaCell {
        siblings: siblings(&cpu_nodes),
        id,
        cpus,
        memory_bytes,
        free_bytes: None,
        offline_cpus: Vec::new(),
        // libvirt does not say which CPUs are isolated.
        isolated_cpus: None,
        pages,
    }
}

/// The cores of a cell from each CPU's `siblings` list (`0,4`): one group per distinct
/// list, in order of first appearance. An offline CPU has no list; it stays out.
fn siblings(cpus: &[Node]) -> Vec<Vec<u32>> {
    let mut groups: Vec<Vec<u32>> = Vec::new();
    for cpu in cpus {
        let Some(list) = cpu.attribute("siblings") else {
            continue;
        };
        let group = dedup(parse_cpuset(list));
        if !group.is_empty() && !groups.contains(&group) {
            groups.push(group);
        }
    }
    groups
}

fn kib_text(node: Node) -> u64 {
    node.text().and_then(|t| t.trim().parse().ok()).unwrap_or(0)
}

pub(super) fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.has_tag_name(name))
}

/// Disks and NICs of a domain XML.
pub fn parse_devices(xml: &str) -> Result<(Vec<Disk>, Vec<Nic>), String> {
    let doc = Document::parse(xml).map_err(|e| format!("domain XML: {e}"))?;
    let Some(devices) = child(doc.root_element(), "devices") else {
        return Ok((Vec::new(), Vec::new()));
    };
    let disks = devices
        .children()
        .filter(|n| n.has_tag_name("disk"))
        .map(parse_disk)
        .collect();
    let nics = devices
        .children()
        .filter(|n| n.has_tag_name("interface"))
        .map(parse_nic)
        .collect();
    Ok((disks, nics))
}

fn parse_disk(disk: Node) -> Disk {
    let source = child(disk, "source").map(source_text).unwrap_or_default();
    let mut backing = Vec::new();
    let mut next = child(disk, "backingStore");
    while let Some(store) = next {
        if let Some(src) = child(store, "source") {
            backing.push(source_text(src));
        }
        next = child(store, "backingStore");
    }
    Disk {
        target: child(disk, "target")
            .and_then(|t| t.attribute("dev"))
            .unwrap_or("")
            .into(),
        device: disk.attribute("device").unwrap_or("disk").into(),
        format: child(disk, "driver")
            .and_then(|d| d.attribute("type"))
            .unwrap_or("")
            .into(),
        source,
        backing,
    }
}

fn source_text(source: Node) -> String {
    ["file", "dev", "name", "volume"]
        .iter()
        .find_map(|a| source.attribute(*a))
        .unwrap_or("")
        .to_string()
}

fn parse_nic(nic: Node) -> Nic {
    let source = child(nic, "source")
        .and_then(|s| {
            ["network", "bridge", "dev"]
                .iter()
                .find_map(|a| s.attribute(*a))
        })
        .unwrap_or("");
    Nic {
        mac: child(nic, "mac")
            .and_then(|m| m.attribute("address"))
            .unwrap_or("")
            .into(),
        kind: nic.attribute("type").unwrap_or("").into(),
        source: source.into(),
        model: child(nic, "model")
            .and_then(|m| m.attribute("type"))
            .unwrap_or("")
            .into(),
        vlan: child(nic, "vlan")
            .and_then(|v| child(v, "tag"))
            .and_then(|t| t.attribute("id"))
            .and_then(|id| id.parse().ok()),
    }
}

/// `<memoryBacking><hugepages/>`: the domain's memory comes from hugepages.
pub fn hugepage_backed(xml: &str) -> bool {
    Document::parse(xml).is_ok_and(|doc| {
        child(doc.root_element(), "memoryBacking").is_some_and(|m| child(m, "hugepages").is_some())
    })
}

pub(super) fn dedup(mut list: Vec<u32>) -> Vec<u32> {
    list.sort_unstable();
    list.dedup();
    list
}

/// libvirt's set syntax: `0-3,^2,8`.
pub fn parse_cpuset(text: &str) -> Vec<u32> {
    let mut set = Vec::new();
    let mut excluded = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (target, part) = match part.strip_prefix('^') {
            Some(rest) => (&mut excluded, rest),
            None => (&mut set, part),
        };
        match part.split_once('-') {
            Some((a, b)) => {
                if let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) {
                    target.extend(a..=b);
                }
            }
            None => target.extend(part.parse::<u32>().ok()),
        }
    }
    set.retain(|c| !excluded.contains(c));
    set
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_pinning() {
        assert_eq!(parse_cpuset("0-3,^2,8"), [0, 1, 3, 8]);
        assert!(hugepage_backed(
            "<domain><memoryBacking><hugepages><page size='2048'/></hugepages></memoryBacking></domain>"
        ));
        assert!(!hugepage_backed(
            "<domain><memoryBacking><nosharepages/></memoryBacking></domain>"
        ));
    }

    use super::*;

    const CAPS: &str = r#"<capabilities><host><cpu><arch>x86_64</arch><model>Skylake</model></cpu>
<topology><cells num='2'>
<cell id='0'><memory unit='KiB'>2097152</memory><pages unit='KiB' size='4'>524288</pages><pages unit='KiB' size='2048'>0</pages>
<cpus num='2'><cpu id='0'/><cpu id='1'/></cpus></cell>
<cell id='1'><memory unit='KiB'>1048576</memory><cpus num='1'><cpu id='2'/></cpus></cell>
</cells></topology></host></capabilities>"#;

    #[test]
    fn reads_numa_cells() {
        let (model, cells) = parse_capabilities(CAPS).unwrap();
        assert_eq!(model, "Skylake");
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0].cpus, [0, 1]);
        assert_eq!(cells[0].memory_bytes, 2 << 30);
        assert_eq!(cells[0].pages, [Pages::new(4, 524288), Pages::new(2048, 0)]);
        assert_eq!(cells[1].cpus, [2]);
    }

    #[test]
    fn reads_disks_with_backing_chain_and_nics() {
        let xml = r#"<domain><devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/i/c.qcow2'/>
<backingStore type='file'><source file='/i/base.qcow2'/><backingStore/></backingStore><target dev='vda'/></disk>
<interface type='network'><mac address='52:54:00:aa:bb:cc'/><source network='default'/><model type='virtio'/><vlan><tag id='120'/></vlan></interface>
</devices></domain>"#;
        let (disks, nics) = parse_devices(xml).unwrap();
        assert_eq!(disks[0].target, "vda");
        assert_eq!(disks[0].format, "qcow2");
        assert_eq!(disks[0].backing, ["/i/base.qcow2"]);
        assert_eq!(nics[0].mac, "52:54:00:aa:bb:cc");
        assert_eq!(nics[0].source, "default");
        assert_eq!(nics[0].vlan, Some(120));
    }
}

#[cfg(test)]
mod topology {
    use super::parse_capabilities;
    use crate::model::topology::Topology;

    /// libvirt's own test data for a two-node AMD host with hyperthreads.
    #[test]
    fn siblings_of_a_real_two_node_host() {
        let xml = include_str!("../../../tests/fixtures/caps/amd-2node-smt.xml");
        let (_, cells) = parse_capabilities(xml).unwrap();
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0].cpus.len(), 32);
        assert_eq!(cells[0].siblings.len(), 16);
        assert_eq!(cells[0].siblings[4], [4, 36]);
        assert_eq!(cells[1].siblings[0], [16, 48]);
        let topology = Topology::of(&cells);
        assert_eq!(topology.cores.len(), 32);
        assert_eq!(topology.core_of(36), topology.core_of(4));
        assert_eq!(topology.cores[topology.core_of(48).unwrap()].node, 1);
    }

    /// An offline CPU is listed without a sibling list: it is a core of its own.
    #[test]
    fn an_offline_cpu_without_siblings() {
        let xml = "<capabilities><host><topology><cells num='1'><cell id='0'><cpus num='3'>\
                   <cpu id='0' socket_id='0' core_id='0' siblings='0,2'/><cpu id='1'/>\
                   <cpu id='2' socket_id='0' core_id='0' siblings='0,2'/></cpus></cell>\
                   </cells></topology></host></capabilities>";
        let (_, cells) = parse_capabilities(xml).unwrap();
        assert_eq!(cells[0].siblings, [vec![0, 2]]);
        assert_eq!(Topology::of(&cells).cores.len(), 2);
    }
}
