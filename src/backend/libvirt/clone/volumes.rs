//! The clone's new volumes: its disks (linked overlays or full copies) and its own copy of the
//! source's NVRAM. Each is noted in `Made` before it exists and is created with mode 0600:
//! disks hold the guest's data.

use std::sync::mpsc::Sender;
use std::time::Duration;

use virt::connect::Connect;
use virt::storage_pool::StoragePool;
use virt::storage_vol::StorageVol;

use super::super::compose_xml::xml_escape;
use super::super::worker::WorkerInput;
use super::made::Made;
use crate::backend::OpId;
use crate::model::action::{CloneMode, MigrationProgress};

fn message(e: virt::error::Error) -> String {
    e.message().to_string()
}

/// A source disk's volume and pool, found before anything is made.
pub struct SourceVol {
    pub vol: StorageVol,
    pub pool: StoragePool,
}

/// The volume behind `path`, or why a clone cannot copy it.
pub fn source_vol(conn: &Connect, path: &str) -> Result<SourceVol, String> {
    let vol = conn.lookup_storage_vol_by_path(path).map_err(|_| {
        format!("{path} is not in a storage pool libvirt knows, so vmdeck cannot copy it")
    })?;
    let pool = vol.lookup_storage_pool().map_err(message)?;
    Ok(SourceVol { vol, pool })
}

/// Volume XML with mode 0600; `backing` is a (path, format) for an overlay.
pub fn volume_xml(
    name: &str,
    capacity: u64,
    format: &str,
    backing: Option<(&str, &str)>,
) -> String {
    let backing = backing.map_or(String::new(), |(path, format)| {
        format!(
            "<backingStore><path>{}</path><format type='{}'/></backingStore>",
            xml_escape(path),
            xml_escape(format)
        )
    });
    format!(
        "<volume><name>{}</name><capacity unit='bytes'>{capacity}</capacity>\
         <target><format type='{}'/><permissions><mode>0600</mode></permissions></target>{backing}</volume>",
        xml_escape(name),
        xml_escape(format)
    )
}

/// A new qcow2 disk `name` next to the source's, as `mode` says; returns its path.
pub fn new_disk(
    source: &SourceVol,
    name: &str,
    mode: CloneMode,
    made: &mut Made,
    report: (OpId, &Sender<WorkerInput>),
) -> Result<String, String> {
    let info = source.vol.info().map_err(message)?;
    let source_path = source.vol.path().map_err(message)?;
    let format = super::super::images::volume_format(&source.vol.xml_desc(0).map_err(message)?)
        .unwrap_or_else(|| "qcow2".into());
    made.will_make(&source.pool, name)?;
    let new = match mode {
        CloneMode::Full => {
            let xml = volume_xml(name, info.capacity, "qcow2", None);
            copy_watched(&source.pool, name, info.allocation, report, || {
                StorageVol::create_xml_from(&source.pool, &xml, &source.vol, 0)
            })
        }
        CloneMode::Linked | CloneMode::InstantFull => {
            let xml = volume_xml(name, info.capacity, "qcow2", Some((&source_path, &format)));
            StorageVol::create_xml(&source.pool, &xml, 0)
        }
    }
    .map_err(|e| format!("cannot make {name}: {}", e.message()))?;
    new.path().map_err(message)
}

/// The clone's own NVRAM: a copy of the source's when that is a volume of some pool (as
/// virt-clone does), else None, and libvirt makes a fresh one from the firmware's template.
pub fn copy_nvram(
    conn: &Connect,
    source_nvram: &str,
    clone: &str,
    made: &mut Made,
) -> Result<Option<String>, String> {
    let Ok(source) = source_vol(conn, source_nvram) else {
        return Ok(None);
    };
    let capacity = source.vol.info().map_err(message)?.capacity;
    let name = format!("{clone}_VARS.fd");
    made.will_make(&source.pool, &name)?;
    let xml = volume_xml(&name, capacity, "raw", None);
    let new = StorageVol::create_xml_from(&source.pool, &xml, &source.vol, 0)
        .map_err(|e| format!("cannot copy the NVRAM into {name}: {}", e.message()))?;
    new.path().map(Some).map_err(message)
}

/// Runs `copy` (a blocking full copy into the volume `name`) while another thread reports how
/// much of the source's `data` bytes the new volume holds so far.
fn copy_watched<T>(
    pool: &StoragePool,
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

#[cfg(test)]
mod tests {
    use super::volume_xml;

    #[test]
    fn volume_xml_escapes_names_and_paths_and_sets_mode_0600() {
        let xml = volume_xml(
            "a&b<'\">-vda.qcow2",
            1024,
            "qcow2",
            Some(("/p/x&y.qcow2", "raw")),
        );
        let doc = roxmltree::Document::parse(&xml).unwrap();
        let text = |tag: &str| {
            doc.descendants()
                .find(|n| n.has_tag_name(tag))
                .and_then(|n| n.text())
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(text("name"), "a&b<'\">-vda.qcow2");
        assert_eq!(text("path"), "/p/x&y.qcow2");
        assert_eq!(text("mode"), "0600");
    }
}
