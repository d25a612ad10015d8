//! Deleting a domain: undefine it (with its snapshot and checkpoint metadata, managed save and
//! NVRAM), and optionally its disk volumes.

use virt::connect::Connect;
use virt::sys;

use super::xml::parse_devices;

fn message(e: virt::error::Error) -> String {
    e.message().to_string()
}

pub fn delete(
    conn: &Connect,
    uuid: &str,
    with_storage: bool,
    stop_first: bool,
) -> Result<(), String> {
    let dom = conn.lookup_domain_by_uuid_string(uuid).map_err(message)?;
    if stop_first && dom.is_active().map_err(message)? {
        dom.destroy().map_err(message)?;
    }
    if dom.is_active().map_err(message)? {
        return Err("it is running; shut it down or force it off first".into());
    }
    // Read the disks before the definition is gone.
    let disks = if with_storage {
        let (disks, _) = parse_devices(
            &dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)
                .map_err(message)?,
        )?;
        disks
            .into_iter()
            .filter(|d| d.device == "disk" && !d.source.is_empty())
            .map(|d| d.source)
            .collect()
    } else {
        Vec::new()
    };
    let flags = sys::VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
        | sys::VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA
        | sys::VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA
        | sys::VIR_DOMAIN_UNDEFINE_NVRAM;
    dom.undefine_flags(flags).map_err(message)?;
    let failed: Vec<String> = disks
        .iter()
        .filter_map(|path| {
            let removed = conn
                .lookup_storage_vol_by_path(path)
                .and_then(|vol| vol.delete(0));
            removed.err().map(|e| format!("{path}: {}", e.message()))
        })
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "undefined, but these disks remain: {}",
            failed.join("; ")
        ))
    }
}
