//! Cloning a domain: new disks (linked overlays, full copies, or linked then flattened), the
//! XML rewritten (new name, no UUID or MACs so libvirt makes new ones, new disk paths, a
//! `clone-of` stamp), then defined. A running source first gets an external disk-only
//! snapshot: it goes on writing to a new overlay, and its disks as they were become a frozen
//! base for the clone. Runs in its own thread; figures and the result come back to the worker
//! like a migration's.

use std::collections::HashMap;
use std::ffi::CString;
use std::sync::mpsc::Sender;
use std::time::Duration;

use roxmltree::Document;
use virt::connect::Connect;
use virt::domain::Domain;
use virt::storage_vol::StorageVol;
use virt::sys;

use super::ffi::{STAMP_NAMESPACE, last_error};
use super::worker::WorkerInput;
use super::xml::parse_devices;
use crate::backend::OpId;
use crate::model::action::{CloneMode, MigrationProgress};

fn message(e: virt::error::Error) -> String {
    e.message().to_string()
}

pub fn spawn(
    conn: &Connect,
    uuid: &str,
    name: String,
    mode: CloneMode,
    op: OpId,
    tx: Sender<WorkerInput>,
) {
    let conn = conn.clone();
    let uuid = uuid.to_string();
    let spawned = std::thread::Builder::new()
        .name(format!("clone {name}"))
        .spawn(move || {
            let result = clone(&conn, &uuid, &name, mode, op, &tx);
            let _ = tx.send(WorkerInput::OpDone { op, result });
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start a clone thread: {e}");
    }
}

fn clone(
    conn: &Connect,
    uuid: &str,
    name: &str,
    mode: CloneMode,
    op: OpId,
    tx: &Sender<WorkerInput>,
) -> Result<(), String> {
    let source = conn.lookup_domain_by_uuid_string(uuid).map_err(message)?;
    if conn.lookup_domain_by_name(name).is_ok() {
        return Err(format!("a VM named {name} exists already"));
    }
    let xml = source
        .xml_desc(sys::VIR_DOMAIN_XML_INACTIVE | sys::VIR_DOMAIN_XML_SECURE)
        .map_err(message)?;
    let (disks, _) = parse_devices(&xml)?;
    if source.is_active().map_err(message)? {
        freeze(conn, &source, &disks, name)?;
    }
    let mut new_paths = HashMap::new();
    for disk in disks
        .iter()
        .filter(|d| d.device == "disk" && !d.source.is_empty())
    {
        let base_name = format!("{name}-{}", disk.target);
        let path = new_disk(conn, &disk.source, &base_name, mode, (op, tx))?;
        new_paths.insert(disk.source.clone(), path);
    }
    let source_name = source.name().map_err(message)?;
    let clone_xml = rewrite(&xml, name, &new_paths, &source_name)?;
    let clone = conn.define_domain_xml(&clone_xml).map_err(message)?;
    if mode == CloneMode::InstantFull {
        flatten(
            &clone,
            &disks.iter().map(|d| d.target.clone()).collect::<Vec<_>>(),
            op,
            tx,
        )?;
    }
    Ok(())
}

/// Moves the running source onto new overlays (an external disk-only snapshot, atomic, no
/// snapshot metadata to manage later) so that its current disks stop changing and can be
/// the clone's base. The overlays are named after the clone that caused them.
fn freeze(
    conn: &Connect,
    source: &Domain,
    disks: &[crate::model::Disk],
    clone: &str,
) -> Result<(), String> {
    let mut specs = String::new();
    let mut pools = Vec::new();
    for disk in disks.iter().filter(|d| d.device == "disk") {
        if disk.source.is_empty() {
            specs.push_str(&format!("<disk name='{}' snapshot='no'/>", disk.target));
            continue;
        }
        let overlay = overlay_path(&disk.source, clone);
        specs.push_str(&format!(
            "<disk name='{}' snapshot='external'><driver type='qcow2'/><source file='{overlay}'/></disk>",
            disk.target
        ));
        if let Ok(pool) = conn
            .lookup_storage_vol_by_path(&disk.source)
            .and_then(|v| v.lookup_storage_pool())
        {
            pools.push(pool);
        }
    }
    let xml = format!(
        "<domainsnapshot><name>vmdeck-base-for-{clone}</name><disks>{specs}</disks></domainsnapshot>"
    );
    let flags = sys::VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY
        | sys::VIR_DOMAIN_SNAPSHOT_CREATE_ATOMIC
        | sys::VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA;
    source
        .create_snapshot_xml(&xml, flags)
        .map_err(|e| format!("freezing the running source's disks: {}", e.message()))?;
    // The overlays are new files in the pools: make them volumes libvirt knows.
    for pool in pools {
        let _ = pool.refresh(0);
    }
    Ok(())
}

/// `/pool/web-vda.qcow2` → `/pool/web-vda.after-CLONE.qcow2`.
fn overlay_path(source: &str, clone: &str) -> String {
    let stem = source.strip_suffix(".qcow2").unwrap_or(source);
    format!("{stem}.after-{clone}.qcow2")
}

/// A new volume next to `source` in its storage pool; returns its path.
fn new_disk(
    conn: &Connect,
    source: &str,
    base_name: &str,
    mode: CloneMode,
    report: (OpId, &Sender<WorkerInput>),
) -> Result<String, String> {
    let vol = conn.lookup_storage_vol_by_path(source).map_err(|e| {
        format!(
            "{source} is not in a storage pool libvirt knows: {}",
            e.message()
        )
    })?;
    let pool = vol.lookup_storage_pool().map_err(message)?;
    let capacity = vol.info().map_err(message)?.capacity;
    let format = disk_format(&vol.xml_desc(0).map_err(message)?);
    let name = format!("{base_name}.qcow2");
    let new = match mode {
        CloneMode::Full => {
            let xml = format!("<volume><name>{name}</name><capacity unit='bytes'>{capacity}</capacity><target><format type='qcow2'/></target></volume>");
            let data = vol.info().map_err(message)?.allocation;
            copy_watched(&pool, &name, data, report, || {
                StorageVol::create_xml_from(&pool, &xml, &vol, 0)
            })
        }
        CloneMode::Linked | CloneMode::InstantFull => {
            let xml = format!(
                "<volume><name>{name}</name><capacity unit='bytes'>{capacity}</capacity><target><format type='qcow2'/></target>\
                 <backingStore><path>{source}</path><format type='{format}'/></backingStore></volume>"
            );
            StorageVol::create_xml(&pool, &xml, 0)
        }
    }
    .map_err(message)?;
    new.path().map_err(message)
}

/// Runs `copy` (a blocking full copy into the volume `name`) while another thread reports how
/// much of the source's `data` bytes the new volume holds so far.
fn copy_watched<T>(
    pool: &virt::storage_pool::StoragePool,
    name: &str,
    data: u64,
    (op, tx): (OpId, &Sender<WorkerInput>),
    copy: impl FnOnce() -> T,
) -> T {
    let done = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(500));
                // The volume exists once the copy has begun; until then there is nothing to say.
                let copied = pool
                    .lookup_storage_vol_by_name(name)
                    .and_then(|v| v.info())
                    .map(|i| i.allocation.min(data));
                if let Ok(copied) = copied {
                    let progress = MigrationProgress {
                        total_bytes: data,
                        processed_bytes: copied,
                        remaining_bytes: data - copied,
                        ..MigrationProgress::default()
                    };
                    let _ = tx.send(WorkerInput::Progress { op, progress });
                }
            }
        });
        let result = copy();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        result
    })
}

fn disk_format(volume_xml: &str) -> String {
    super::images::volume_format(volume_xml).unwrap_or_else(|| "qcow2".into())
}

/// The source's XML as the clone's: new name, no UUID and no MACs (libvirt makes new ones),
/// disks pointing at the new volumes, and the vmdeck stamp saying where it came from.
pub fn rewrite(
    xml: &str,
    name: &str,
    new_paths: &HashMap<String, String>,
    source_name: &str,
) -> Result<String, String> {
    let doc = Document::parse(xml).map_err(|e| format!("domain XML: {e}"))?;
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for node in doc.descendants() {
        let parent = node
            .parent_element()
            .map(|p| p.tag_name().name())
            .unwrap_or("");
        match (node.tag_name().name(), parent) {
            ("name", "domain") => {
                if let Some(text) = node.first_child() {
                    edits.push((text.range(), name.to_string()));
                }
            }
            ("uuid", "domain") | ("mac", "interface") => edits.push((node.range(), String::new())),
            ("source", "disk") => {
                for attr in node.attributes().filter(|a| a.name() == "file") {
                    if let Some(path) = new_paths.get(attr.value()) {
                        edits.push((attr.range_value(), path.clone()));
                    }
                }
            }
            ("vm", "metadata") if node.tag_name().namespace() == Some(STAMP_NAMESPACE) => {
                // A clone of a clone: the stamp names the nearest source.
                if let Some(attr) = node.attributes().find(|a| a.name() == "clone-of") {
                    edits.push((attr.range_value(), source_name.to_string()));
                    continue;
                }
                // Right after `<prefix:vm`: the new attribute goes first.
                let prefix = node
                    .lookup_prefix(STAMP_NAMESPACE)
                    .map_or(0, |p| p.len() + 1);
                let end = node.range().start + 1 + prefix + node.tag_name().name().len();
                edits.push((end..end, format!(" clone-of=\"{source_name}\"")));
            }
            _ => {}
        }
    }
    let mut out = xml.to_string();
    edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    for (range, text) in edits {
        out.replace_range(range, &text);
    }
    Ok(out)
}

/// Instant-full: start the clone on its overlay at once, then pull the base into it.
fn flatten(
    clone: &Domain,
    targets: &[String],
    op: OpId,
    tx: &Sender<WorkerInput>,
) -> Result<(), String> {
    clone.create().map_err(message)?;
    for target in targets {
        let disk = CString::new(target.as_str()).map_err(|e| e.to_string())?;
        // SAFETY: valid running domain and disk name.
        if unsafe { sys::virDomainBlockPull(clone.as_ptr(), disk.as_ptr(), 0, 0) } < 0 {
            return Err(format!("block pull of {target}: {}", last_error()));
        }
        while let Some((cur, end)) = block_job(clone, &disk) {
            let progress = MigrationProgress {
                total_bytes: end,
                processed_bytes: cur,
                remaining_bytes: end.saturating_sub(cur),
                ..MigrationProgress::default()
            };
            let _ = tx.send(WorkerInput::Progress { op, progress });
            std::thread::sleep(Duration::from_millis(300));
        }
    }
    Ok(())
}

/// The block job's cursor, or None once it has ended.
fn block_job(dom: &Domain, disk: &CString) -> Option<(u64, u64)> {
    // SAFETY: plain struct filled by libvirt.
    let mut info: sys::virDomainBlockJobInfo = unsafe { std::mem::zeroed() };
    // SAFETY: valid domain, disk name and out-pointer; 1 = a job runs, 0 = none.
    let rc = unsafe { sys::virDomainGetBlockJobInfo(dom.as_ptr(), disk.as_ptr(), &mut info, 0) };
    (rc == 1).then_some((info.cur, info.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlays_are_named_after_the_clone() {
        assert_eq!(
            super::overlay_path("/p/web-vda.qcow2", "web-clone"),
            "/p/web-vda.after-web-clone.qcow2"
        );
        assert_eq!(
            super::overlay_path("/p/disk.img", "c"),
            "/p/disk.img.after-c.qcow2"
        );
    }

    #[test]
    fn rewrites_name_uuid_macs_disks_and_stamps_the_source() {
        let xml = r#"<domain type='qemu'>
  <name>web</name>
  <uuid>1234</uuid>
  <metadata><vmdeck:vm xmlns:vmdeck="https://vmdeck.dev/xmlns/vm/1" type="small"/></metadata>
  <devices>
    <disk type='file' device='disk'><source file='/p/web.qcow2'/><target dev='vda'/></disk>
    <interface type='network'><mac address='52:54:00:01:02:03'/><source network='default'/></interface>
  </devices>
</domain>"#;
        let paths = HashMap::from([("/p/web.qcow2".to_string(), "/p/web2-vda.qcow2".to_string())]);
        let out = rewrite(xml, "web2", &paths, "web").unwrap();
        assert!(out.contains("<name>web2</name>"));
        assert!(!out.contains("<uuid>") && !out.contains("52:54:00:01:02:03"));
        assert!(out.contains("file='/p/web2-vda.qcow2'"));
        assert!(
            out.contains(r#"<vmdeck:vm clone-of="web" xmlns:vmdeck"#),
            "{out}"
        );
        assert!(Document::parse(&out).is_ok());
        let again = rewrite(&out, "web3", &HashMap::new(), "web2").unwrap();
        assert!(again.contains(r#"clone-of="web2""#), "{again}");
        assert!(!again.contains(r#"clone-of="web""#), "{again}");
        assert!(Document::parse(&again).is_ok());
    }
}
