//! The volumes of a host's storage pools, with the VMs whose disks they are and their
//! backing chains (linked clones), for the host view.

use std::collections::HashMap;

use roxmltree::Document;
use virt::connect::Connect;
use virt::sys;

use super::connection::is_read_only;
use super::xml::parse_devices;
use crate::model::StorageVolume;

/// Every volume of every active pool; a pool or volume that can't be read is left out.
pub fn volumes(conn: &Connect) -> Vec<StorageVolume> {
    let users = users_by_path(conn);
    let read_only = is_read_only(conn);
    let Ok(pools) = conn.list_all_storage_pools(sys::VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for pool in &pools {
        let pool_name = pool.name().unwrap_or_default();
        // Files made outside libvirt (the overlays of a snapshot) show up after a refresh,
        // which a read-only connection refuses.
        if !read_only {
            let _ = pool.refresh(0);
        }
        for vol in pool.list_all_volumes(0).unwrap_or_default() {
            let (Ok(path), Ok(xml)) = (vol.path(), vol.xml_desc(0)) else {
                continue;
            };
            let mut volume = parse_volume(&xml, &pool_name);
            volume.used_by = users.get(&path).cloned().unwrap_or_default();
            volume.path = path;
            out.push(volume);
        }
    }
    chain_backings(&mut out);
    out.sort_by(|a, b| (&a.pool, &a.name).cmp(&(&b.pool, &b.name)));
    out
}

/// Disk path → names of the VMs using it.
pub(super) fn users_by_path(conn: &Connect) -> HashMap<String, Vec<String>> {
    let mut users: HashMap<String, Vec<String>> = HashMap::new();
    for dom in conn.list_all_domains(0).unwrap_or_default() {
        let (Ok(name), Ok(xml)) = (dom.name(), dom.xml_desc(0)) else {
            continue;
        };
        let Ok((disks, _)) = parse_devices(&xml) else {
            continue;
        };
        for disk in disks.into_iter().filter(|d| !d.source.is_empty()) {
            users.entry(disk.source).or_default().push(name.clone());
        }
    }
    users
}

/// Name, format, sizes and the immediate backing file of one volume's XML.
pub(super) fn parse_volume(xml: &str, pool: &str) -> StorageVolume {
    let mut volume = StorageVolume {
        pool: pool.to_string(),
        name: String::new(),
        path: String::new(),
        format: String::new(),
        capacity_bytes: 0,
        allocation_bytes: 0,
        backing: Vec::new(),
        used_by: Vec::new(),
        location: None,
    };
    let Ok(doc) = Document::parse(xml) else {
        return volume;
    };
    let root = doc.root_element();
    let text = |node: Option<roxmltree::Node<'_, '_>>| {
        node.and_then(|n| n.text()).unwrap_or("").trim().to_string()
    };
    volume.name = text(child(root, "name"));
    volume.capacity_bytes = text(child(root, "capacity")).parse().unwrap_or(0);
    volume.allocation_bytes = text(child(root, "allocation")).parse().unwrap_or(0);
    volume.format = child(root, "target")
        .and_then(|t| child(t, "format"))
        .and_then(|f| f.attribute("type"))
        .unwrap_or("")
        .to_string();
    let backing = child(root, "backingStore").and_then(|b| child(b, "path"));
    if let Some(path) = backing.and_then(|p| p.text()) {
        volume.backing.push(path.trim().to_string());
    }
    volume
}

fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    tag: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    node.children().find(|n| n.has_tag_name(tag))
}

/// Each volume's chain, followed through the other volumes' backing files.
fn chain_backings(volumes: &mut [StorageVolume]) {
    let next: HashMap<String, String> = volumes
        .iter()
        .filter_map(|v| Some((v.path.clone(), v.backing.first()?.clone())))
        .collect();
    for volume in volumes.iter_mut() {
        let Some(mut at) = volume.backing.first().cloned() else {
            continue;
        };
        // A chain never loops in practice; the bound keeps a broken one from hanging us.
        while let Some(base) = next.get(&at).filter(|_| volume.backing.len() < 16) {
            volume.backing.push(base.clone());
            at = base.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linked_clones_volume_and_its_chain() {
        let xml = "<volume type='file'><name>web2-vda.qcow2</name>\
            <capacity unit='bytes'>1073741824</capacity><allocation unit='bytes'>200704</allocation>\
            <target><path>/p/web2-vda.qcow2</path><format type='qcow2'/></target>\
            <backingStore><path>/p/web-vda.qcow2</path><format type='qcow2'/></backingStore></volume>";
        let mut web2 = parse_volume(xml, "default");
        web2.path = "/p/web2-vda.qcow2".into();
        assert_eq!(web2.name, "web2-vda.qcow2");
        assert_eq!(
            (web2.capacity_bytes, web2.allocation_bytes),
            (1 << 30, 200704)
        );
        assert_eq!(web2.format, "qcow2");
        let web = StorageVolume {
            path: "/p/web-vda.qcow2".into(),
            backing: vec!["/p/base.qcow2".into()],
            ..web2.clone()
        };
        let mut all = vec![web2, web];
        chain_backings(&mut all);
        assert_eq!(all[0].backing, ["/p/web-vda.qcow2", "/p/base.qcow2"]);
    }
}
