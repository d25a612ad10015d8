//! `[[vm_type]]`: the fixed sizes VMs are composed from, checked with the line of each.

use std::collections::HashSet;

use toml::Spanned;

use super::file::{SizeValue, VmTypeFile};
use super::{VmType, limits};
use crate::model::units;

pub(super) fn validate_vm_types(
    types: &[Spanned<VmTypeFile>],
) -> Result<Vec<VmType>, (usize, String)> {
    let mut names = HashSet::new();
    let mut out = Vec::new();
    for spanned in types {
        let offset = spanned.span().start;
        let mut vm_type = validate_vm_type(spanned.get_ref())
            .and_then(|t| limits::vm_type(&t).map(|()| t))
            .map_err(|r| (offset, r))?;
        vm_type.rt = super::rt::rt_settings(&vm_type.name, spanned.get_ref())
            .map_err(|(at, r)| (at.unwrap_or(offset), r))?;
        if !names.insert(vm_type.name.clone()) {
            return Err((
                offset,
                format!("vm_type '{}' is defined twice", vm_type.name),
            ));
        }
        out.push(vm_type);
    }
    Ok(out)
}

fn validate_vm_type(t: &VmTypeFile) -> Result<VmType, String> {
    let name = t.name.clone().ok_or("a [[vm_type]] needs a name")?;
    let vcpus = t.vcpus.ok_or(format!("vm_type '{name}' needs vcpus"))?;
    if vcpus == 0 {
        return Err(format!("vm_type '{name}': vcpus must be at least 1"));
    }
    let size = |value: &Option<SizeValue>, what: &str| -> Result<u64, String> {
        match value {
            None => Err(format!("vm_type '{name}' needs {what}")),
            Some(SizeValue::Bytes(b)) => Ok(*b),
            Some(SizeValue::Text(s)) => {
                units::parse_bytes(s).map_err(|e| format!("vm_type '{name}' {what}: {e}"))
            }
        }
    };
    let single_numa_node = match t.numa.as_deref() {
        None | Some("any") => false,
        Some("single-node") => true,
        Some(other) => {
            return Err(format!(
                "vm_type '{name}': numa = \"{other}\" (expected \"any\" or \"single-node\")"
            ));
        }
    };
    let hugepage_kib = match t.hugepages.as_deref() {
        None => None,
        Some("2M") => Some(2048),
        Some("1G") => Some(1 << 20),
        Some(other) => {
            return Err(format!(
                "vm_type '{name}': hugepages = \"{other}\" (expected \"2M\" or \"1G\")"
            ));
        }
    };
    let full_copy = match t.disk_copy.as_deref() {
        None | Some("linked") => false,
        Some("full") => true,
        Some(other) => {
            return Err(format!(
                "vm_type '{name}': disk_copy = \"{other}\" (expected \"linked\" or \"full\")"
            ));
        }
    };
    if let Some(partition) = t.partition.as_deref().filter(|p| !p.starts_with('/')) {
        return Err(format!(
            "vm_type '{name}': partition = \"{partition}\" must be an absolute path such as \"/machine/rt\""
        ));
    }
    Ok(VmType {
        devices: super::vm_devices::device_needs(&name, t)?,
        memory_bytes: size(&t.memory, "memory")?,
        cpu_pinning: t.cpu_pinning.unwrap_or(false),
        partition: t.partition.clone(),
        full_copy,
        disk_bytes: size(&t.disk, "disk")?,
        name,
        vcpus,
        single_numa_node,
        hugepage_kib,
        rt: Default::default(),
    })
}
