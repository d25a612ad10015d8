//! Deleting a domain: undefine it (with its snapshot and checkpoint metadata, managed save and
//! NVRAM), and optionally its disk volumes. Nothing is touched when a disk to delete is the
//! base of another domain's or volume's backing chain, and an NVRAM file another domain also
//! uses (a clone made by an older vmdeck) is kept.

use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

use super::usage::{self, DomainFiles, VolumeBacking};

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
    let name = dom.name().map_err(message)?;
    let mut mine = DomainFiles::default();
    usage::add_files(
        &mut mine,
        &dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)
            .map_err(message)?,
    )?;
    let others: Vec<DomainFiles> = usage::domains(conn)?
        .into_iter()
        .filter(|d| d.uuid != uuid)
        .collect();
    // Read before the definition is gone, and refused before anything changes.
    let disks = if with_storage {
        top_disks(&dom)?
    } else {
        Vec::new()
    };
    if let Some(refusal) = bases_in_use(&name, &disks, &mine, &others, &usage::overlays(conn)) {
        return Err(refusal);
    }
    if stop_first && dom.is_active().map_err(message)? {
        dom.destroy().map_err(message)?;
    }
    if dom.is_active().map_err(message)? {
        return Err("it is running; shut it down or force it off first".into());
    }
    let shared_nvram = mine
        .nvram
        .as_ref()
        .is_some_and(|nv| others.iter().any(|o| o.nvram.as_ref() == Some(nv)));
    let nvram = if shared_nvram {
        sys::VIR_DOMAIN_UNDEFINE_KEEP_NVRAM
    } else {
        sys::VIR_DOMAIN_UNDEFINE_NVRAM
    };
    let flags = sys::VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
        | sys::VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA
        | sys::VIR_DOMAIN_UNDEFINE_CHECKPOINTS_METADATA
        | nvram;
    dom.undefine_flags(flags).map_err(message)?;
    remove_volumes(conn, &disks)
}

/// The files of the domain's disks themselves (not their bases, which may be images).
fn top_disks(dom: &Domain) -> Result<Vec<String>, String> {
    let xml = dom
        .xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)
        .map_err(message)?;
    let (disks, _) = super::xml::parse_devices(&xml)?;
    Ok(disks
        .into_iter()
        .filter(|d| d.device == "disk" && !d.source.is_empty())
        .map(|d| d.source)
        .collect())
}

fn remove_volumes(conn: &Connect, disks: &[String]) -> Result<(), String> {
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

/// Why `disks` of `vm` must stay, when another domain or a volume is built on one of them.
fn bases_in_use(
    vm: &str,
    disks: &[String],
    mine: &DomainFiles,
    others: &[DomainFiles],
    overlays: &[VolumeBacking],
) -> Option<String> {
    let mut clauses = Vec::new();
    let mut users_total = 0;
    for disk in disks {
        let chain = usage::built_on(disk, overlays);
        let mut users: Vec<String> = others
            .iter()
            .filter(|d| d.disks.iter().any(|p| chain.contains(p)))
            .map(|d| d.name.clone())
            .collect();
        // Overlays no domain uses (a domain's own disks are named by the domain).
        let used = |path: &str| {
            others
                .iter()
                .chain([mine])
                .any(|d| d.disks.iter().any(|p| p == path))
        };
        users.extend(
            overlays
                .iter()
                .filter(|v| chain.contains(&v.path) && v.path != *disk && !used(&v.path))
                .map(|v| format!("volume {}", v.name)),
        );
        if users.is_empty() {
            continue;
        }
        users_total += users.len();
        let file = disk.rsplit('/').next().unwrap_or(disk);
        clauses.push(format!(
            "{vm}'s disk {file} is the base of {}",
            list(&users)
        ));
    }
    if clauses.is_empty() {
        return None;
    }
    let them = if users_total == 1 { "it" } else { "them" };
    Some(format!(
        "{}; delete or flatten {them} first",
        clauses.join("; ")
    ))
}

/// `a`, `a and b`, `a, b and c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests;
