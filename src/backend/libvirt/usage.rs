//! Who uses which file on a host: every domain's disks with their backing chains and its
//! NVRAM, and every volume's backing file. Deleting and cleaning up ask before removing.

use std::collections::HashSet;

use roxmltree::Document;
use virt::connect::Connect;
use virt::sys;

use super::xml::parse_devices;

fn message(e: virt::error::Error) -> String {
    e.message().to_string()
}

/// The files one domain uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DomainFiles {
    pub name: String,
    pub uuid: String,
    /// Disk sources and every file of their backing chains.
    pub disks: Vec<String>,
    pub nvram: Option<String>,
}

/// A volume and the file it is an overlay on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeBacking {
    pub name: String,
    pub path: String,
    pub backing: String,
}

/// Every domain's files, from its inactive XML and, when it runs, its live XML (which has
/// the backing chains libvirt found).
pub fn domains(conn: &Connect) -> Result<Vec<DomainFiles>, String> {
    let mut out = Vec::new();
    for dom in conn.list_all_domains(0).map_err(message)? {
        // A domain undefined while we look (a transient one stopping, another admin) holds
        // nothing any more: skip it rather than fail the whole check.
        if let Some(files) = files_of(&dom)? {
            out.push(files);
        }
    }
    Ok(out)
}

/// One domain's files; None when it vanished meanwhile.
fn files_of(dom: &virt::domain::Domain) -> Result<Option<DomainFiles>, String> {
    let (Ok(name), Ok(uuid)) = (dom.name(), dom.uuid_string()) else {
        return Ok(None);
    };
    let mut files = DomainFiles {
        name,
        uuid,
        ..DomainFiles::default()
    };
    let mut flags = vec![sys::VIR_DOMAIN_XML_INACTIVE];
    if dom.is_active().unwrap_or(false) {
        flags.push(0);
    }
    for flag in flags {
        match dom.xml_desc(flag) {
            Ok(xml) => add_files(&mut files, &xml)?,
            Err(e)
                if e.code() == virt::enumutil::Enum::Known(virt::error::ErrorNumber::NoDomain) =>
            {
                return Ok(None);
            }
            Err(e) => return Err(message(e)),
        }
    }
    Ok(Some(files))
}

/// Adds the disks and NVRAM of one domain XML to `files`.
pub fn add_files(files: &mut DomainFiles, xml: &str) -> Result<(), String> {
    let (disks, _) = parse_devices(xml)?;
    for disk in disks {
        for path in std::iter::once(disk.source).chain(disk.backing) {
            if !path.is_empty() && !files.disks.contains(&path) {
                files.disks.push(path);
            }
        }
    }
    files.nvram = files.nvram.take().or_else(|| nvram(xml));
    Ok(())
}

/// `<os><nvram>`'s path.
pub fn nvram(xml: &str) -> Option<String> {
    let doc = Document::parse(xml).ok()?;
    let os = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("os"))?;
    let nvram = os.children().find(|n| n.has_tag_name("nvram"))?;
    Some(nvram.text()?.trim().to_string()).filter(|p| !p.is_empty())
}

/// Every volume of every active pool that is an overlay; pools are refreshed first, so files
/// made behind libvirt's back count too.
pub fn overlays(conn: &Connect) -> Vec<VolumeBacking> {
    let Ok(pools) = conn.list_all_storage_pools(sys::VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for pool in pools {
        let _ = pool.refresh(0);
        for vol in pool.list_all_volumes(0).unwrap_or_default() {
            let (Ok(name), Ok(path), Ok(xml)) = (vol.name(), vol.path(), vol.xml_desc(0)) else {
                continue;
            };
            if let Some(backing) = backing_path(&xml) {
                out.push(VolumeBacking {
                    name,
                    path,
                    backing,
                });
            }
        }
    }
    out
}

fn backing_path(volume_xml: &str) -> Option<String> {
    let doc = Document::parse(volume_xml).ok()?;
    let store = doc
        .root_element()
        .children()
        .find(|n| n.has_tag_name("backingStore"))?;
    let path = store.children().find(|n| n.has_tag_name("path"))?;
    Some(path.text()?.trim().to_string()).filter(|p| !p.is_empty())
}

/// `base` and every file whose backing chain leads to it.
pub fn built_on(base: &str, overlays: &[VolumeBacking]) -> HashSet<String> {
    let mut found = HashSet::from([base.to_string()]);
    loop {
        let before = found.len();
        for vol in overlays {
            if found.contains(&vol.backing) {
                found.insert(vol.path.clone());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}
