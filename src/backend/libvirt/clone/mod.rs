//! Cloning a domain: new disks (linked overlays, full copies, or linked then flattened), its
//! own NVRAM and cloud-init seed, the XML rewritten (see `rewrite`), then defined. A running
//! source first gets an external disk-only snapshot: it goes on writing to a new overlay, and
//! its disks as they were become a frozen base for the clone. Every volume is noted before it
//! is made and removed when a later step fails, at once or, when the host is gone, on the
//! next connection (`cleanup_pending`). Runs in its own thread; figures and the result come
//! back to the worker like a migration's.

mod cleanup;
mod journal;
mod made;
mod rewrite;
mod seed;
mod volumes;

use std::collections::HashMap;
use std::ffi::CString;
use std::sync::mpsc::Sender;
use std::time::Duration;

use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

use super::compose_xml::xml_escape;
use super::ffi::last_error;
use super::worker::WorkerInput;
use super::xml::parse_devices;
use crate::backend::OpId;
use crate::model::action::{CloneMode, MigrationProgress};
use crate::model::names::check_vm_name;
use crate::model::{Disk, Driver};
pub use cleanup::cleanup_pending;
/// What a multi-step operation made, journaled so that a host dying part-way loses nothing.
pub(super) use made::Made as Journaled;
use made::Made;
use rewrite::{NewDisk, Plan};
use volumes::SourceVol;

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
            let result = clone(&conn, &uuid, &name, mode, (op, &tx));
            let _ = tx.send(WorkerInput::OpDone { op, result });
        });
    if let Err(e) = spawned {
        tracing::error!("cannot start a clone thread: {e}");
    }
}

/// A source disk the clone gets its own copy of; `seed` holds a NoCloud seed's texts.
struct SourceDisk {
    disk: Disk,
    vol: SourceVol,
    seed: Option<(String, String)>,
}

/// Clones the domain `uuid` as `name`, in the calling thread.
pub fn clone(
    conn: &Connect,
    uuid: &str,
    name: &str,
    mode: CloneMode,
    (op, tx): (OpId, &Sender<WorkerInput>),
) -> Result<(), String> {
    check_vm_name(name, Driver::Libvirt)?;
    let uri = conn.uri().map_err(message)?;
    // Leftovers of an earlier try would block this one's volume names.
    for text in cleanup_pending(conn, &uri) {
        let _ = tx.send(WorkerInput::OpNote { op, text });
    }
    let source = conn.lookup_domain_by_uuid_string(uuid).map_err(message)?;
    if conn.lookup_domain_by_name(name).is_ok() {
        return Err(format!("a VM named {name} exists already"));
    }
    let xml = source
        .xml_desc(sys::VIR_DOMAIN_XML_INACTIVE | sys::VIR_DOMAIN_XML_SECURE)
        .map_err(message)?;
    let sources = source_disks(conn, &xml)?;
    if source.is_active().map_err(message)? {
        freeze(conn, &source, &sources, name)?;
    }
    let mut made = Made::begin(conn, &uri, name);
    let source_name = source.name().map_err(message)?;
    let built = build(
        conn,
        (&xml, &source_name),
        &sources,
        name,
        mode,
        &mut made,
        (op, tx),
    );
    let (clone, overlays) = match built {
        Ok(built) => built,
        Err(e) => return Err(format!("{e}{}", made.undo())),
    };
    made.keep();
    if mode == CloneMode::InstantFull {
        flatten(&clone, &overlays, op, tx)
            .map_err(|e| format!("the clone is defined as a linked clone, but {e}"))?;
    }
    Ok(())
}

/// Every disk to copy, with its volume; refused before anything is made when one is in no
/// storage pool.
fn source_disks(conn: &Connect, xml: &str) -> Result<Vec<SourceDisk>, String> {
    let (disks, _) = parse_devices(xml)?;
    let mut out = Vec::new();
    for disk in disks
        .into_iter()
        .filter(|d| d.device == "disk" && !d.source.is_empty())
    {
        let vol = volumes::source_vol(conn, &disk.source)
            .map_err(|e| format!("{e}; nothing was made"))?;
        let seed = seed::read(conn, &vol);
        out.push(SourceDisk { disk, vol, seed });
    }
    Ok(out)
}

/// Makes the clone's volumes and defines it; returns it and the targets of its overlays.
fn build(
    conn: &Connect,
    (xml, source_name): (&str, &str),
    sources: &[SourceDisk],
    name: &str,
    mode: CloneMode,
    made: &mut Made,
    report: (OpId, &Sender<WorkerInput>),
) -> Result<(Domain, Vec<String>), String> {
    let mut disks = HashMap::new();
    let mut overlays = Vec::new();
    for source in sources {
        let new = match &source.seed {
            Some((meta, user)) => NewDisk {
                path: seed::make(conn, &source.vol, (meta, user), name, made)?,
                format: "raw".into(),
            },
            None => {
                let vol_name = format!("{name}-{}.qcow2", source.disk.target);
                overlays.push(source.disk.target.clone());
                NewDisk {
                    path: volumes::new_disk(&source.vol, &vol_name, mode, made, report)?,
                    format: "qcow2".into(),
                }
            }
        };
        disks.insert(source.disk.source.clone(), new);
    }
    let nvram = match super::usage::nvram(xml) {
        Some(path) => volumes::copy_nvram(conn, &path, name, made)?,
        None => None,
    };
    let plan = Plan {
        name,
        source_name,
        disks: &disks,
        nvram: nvram.as_deref(),
    };
    let clone_xml = rewrite::rewrite(xml, &plan)?;
    let clone = conn
        .define_domain_xml(&clone_xml)
        .map_err(|e| format!("cannot define {name}: {}", e.message()))?;
    Ok((clone, overlays))
}

/// Moves the running source onto new overlays (an external disk-only snapshot, atomic, no
/// snapshot metadata to manage later) so that its current disks stop changing and can be
/// the clone's base. The overlays are named after the clone that caused them. Seeds are
/// read-only and not copied, so they stay as they are.
fn freeze(
    conn: &Connect,
    source: &Domain,
    disks: &[SourceDisk],
    clone: &str,
) -> Result<(), String> {
    let mut specs = String::new();
    let mut pools = Vec::new();
    let (disk_list, _) = parse_devices(&source.xml_desc(0).map_err(message)?)?;
    for disk in disk_list.iter().filter(|d| d.device == "disk") {
        let seed = disks
            .iter()
            .any(|s| s.disk.target == disk.target && s.seed.is_some());
        let target = xml_escape(&disk.target);
        if disk.source.is_empty() || seed {
            specs.push_str(&format!("<disk name='{target}' snapshot='no'/>"));
            continue;
        }
        let overlay = xml_escape(&overlay_path(&disk.source, clone));
        specs.push_str(&format!(
            "<disk name='{target}' snapshot='external'><driver type='qcow2'/><source file='{overlay}'/></disk>"
        ));
        if let Ok(pool) = conn
            .lookup_storage_vol_by_path(&disk.source)
            .and_then(|v| v.lookup_storage_pool())
        {
            pools.push(pool);
        }
    }
    let xml = format!(
        "<domainsnapshot><name>{}</name><disks>{specs}</disks></domainsnapshot>",
        xml_escape(&format!("vmdeck-base-for-{clone}"))
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

/// Instant-full: start the clone on its overlays at once, then pull the bases into them.
fn flatten(
    clone: &Domain,
    targets: &[String],
    op: OpId,
    tx: &Sender<WorkerInput>,
) -> Result<(), String> {
    clone
        .create()
        .map_err(|e| format!("it could not start: {}", e.message()))?;
    for target in targets {
        let disk = CString::new(target.as_str()).map_err(|e| e.to_string())?;
        // SAFETY: valid running domain and disk name.
        if unsafe { sys::virDomainBlockPull(clone.as_ptr(), disk.as_ptr(), 0, 0) } < 0 {
            return Err(format!(
                "the block pull of {target} failed: {}",
                last_error()
            ));
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
}
