//! Internal snapshots of a domain: list (as a tree, through each one's parent), create,
//! revert, delete. Internal snapshots live inside qcow2 disks; other disks are refused up
//! front with a clear reason.

use roxmltree::Document;
use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

use super::compose_xml::xml_escape;
use super::xml::parse_devices;
use crate::model::action::SnapshotAction;
use crate::model::names::check_snapshot_name;
use crate::model::{Driver, Snapshot};

fn message(e: virt::error::Error) -> String {
    e.message().to_string()
}

/// Every snapshot of `dom`, oldest first.
pub fn list(dom: &Domain) -> Vec<Snapshot> {
    let Ok(snapshots) = dom.list_all_snapshots(0) else {
        return Vec::new();
    };
    let mut out: Vec<Snapshot> = snapshots
        .iter()
        .filter_map(|s| {
            let current = s.is_current(0).unwrap_or(false);
            parse(&s.xml_desc(0).ok()?, current)
        })
        .collect();
    out.sort_by_key(|s| s.created);
    out
}

fn parse(xml: &str, current: bool) -> Option<Snapshot> {
    let doc = Document::parse(xml).ok()?;
    let root = doc.root_element();
    let text = |name: &str| {
        root.children()
            .find(|n| n.has_tag_name(name))
            .and_then(|n| n.text())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let parent = root
        .children()
        .find(|n| n.has_tag_name("parent"))
        .and_then(|p| p.children().find(|n| n.has_tag_name("name")))
        .and_then(|n| n.text())
        .map(str::to_string);
    Some(Snapshot {
        name: text("name"),
        parent,
        description: text("description"),
        created: text("creationTime").parse().unwrap_or(0),
        state: text("state"),
        current,
    })
}

pub fn run(conn: &Connect, uuid: &str, action: &SnapshotAction) -> Result<(), String> {
    let dom = conn.lookup_domain_by_uuid_string(uuid).map_err(message)?;
    match action {
        SnapshotAction::Create {
            name,
            description,
            with_memory,
        } => {
            check_snapshot_name(name, Driver::Libvirt)?;
            needs_qcow2(&dom)?;
            memory_choice(&dom, *with_memory)?;
            let xml = format!(
                "<domainsnapshot><name>{}</name><description>{}</description></domainsnapshot>",
                xml_escape(name),
                xml_escape(description)
            );
            dom.create_snapshot_xml(&xml, 0)
                .map(|_| ())
                .map_err(message)
        }
        SnapshotAction::Revert { name } => {
            let snapshot = Domain::lookup_snapshot_by_name(&dom, name, 0).map_err(message)?;
            snapshot.revert(0).map_err(message)
        }
        SnapshotAction::Delete { name } => {
            let snapshot = Domain::lookup_snapshot_by_name(&dom, name, 0).map_err(message)?;
            snapshot.delete(0).map_err(message)
        }
    }
}

/// An internal snapshot of a running VM always holds its memory (QEMU's savevm), and a
/// shut-off VM has none: a choice the other way is refused rather than ignored.
fn memory_choice(dom: &Domain, with_memory: Option<bool>) -> Result<(), String> {
    let running = dom.is_active().map_err(message)?;
    match (with_memory, running) {
        (Some(true), false) => Err("--memory: the VM is not running, it has no memory to save".into()),
        (Some(false), true) => Err(
            "--disk-only: libvirt's internal snapshots of a running VM include its memory; shut it down for a disk-only snapshot"
                .into(),
        ),
        _ => Ok(()),
    }
}

/// libvirt keeps internal snapshots inside the disk images, which only qcow2 can hold.
fn needs_qcow2(dom: &Domain) -> Result<(), String> {
    let (disks, _) = parse_devices(
        &dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)
            .map_err(message)?,
    )?;
    match disks
        .iter()
        .find(|d| d.device == "disk" && d.format != "qcow2")
    {
        Some(disk) => Err(format!(
            "internal snapshots need qcow2 disks, and {} is {}",
            disk.target,
            if disk.format.is_empty() {
                "of unknown format"
            } else {
                &disk.format
            }
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use virt::connect::Connect;

    use super::*;

    /// On libvirt's test driver: markup in a snapshot's name and description stays data.
    #[test]
    fn names_with_markup_round_trip_through_a_test_host() {
        let conn = Connect::open(Some("test:///default")).unwrap();
        let xml = "<domain type='test'><name>snap-markup</name><memory>65536</memory>\
                   <os><type>hvm</type></os></domain>";
        let dom = conn.define_domain_xml(xml).unwrap();
        let uuid = dom.uuid_string().unwrap();
        let name = "s&amp;<b>\"'<name>x";
        let description = "a</description><name>evil</name>";
        let create = SnapshotAction::Create {
            name: name.into(),
            description: description.into(),
            with_memory: None,
        };
        run(&conn, &uuid, &create).unwrap();
        let made = list(&dom);
        let snap = made.iter().find(|s| s.description == description).unwrap();
        assert_eq!(snap.name, name);
        let delete = SnapshotAction::Delete {
            name: snap.name.clone(),
        };
        run(&conn, &uuid, &delete).unwrap();
        let bad = SnapshotAction::Create {
            name: "a/b".into(),
            description: String::new(),
            with_memory: None,
        };
        assert!(run(&conn, &uuid, &bad).unwrap_err().contains("has a /"));
        dom.undefine().unwrap();
    }

    #[test]
    fn reads_snapshot_xml() {
        let xml = "<domainsnapshot><name>s2</name><description>before upgrade</description>\
            <state>shutoff</state><parent><name>s1</name></parent><creationTime>1700000000</creationTime></domainsnapshot>";
        let snap = parse(xml, true).unwrap();
        assert_eq!(snap.name, "s2");
        assert_eq!(snap.parent.as_deref(), Some("s1"));
        assert_eq!(snap.created, 1_700_000_000);
        assert_eq!(snap.description, "before upgrade");
        assert!(snap.current);
    }
}
