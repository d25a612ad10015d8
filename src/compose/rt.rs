//! The real-time part of a compose plan: a type that needs whole cores is placed by
//! core-aware placement inside its slice, which the pool must describe; a type that only
//! names a slice keeps its pins inside the slice's CPUs.

use super::plan::PoolView;
use crate::config::{Partition, VmType};
use crate::model::Driver;
use crate::model::compose::CorePins;
use crate::placement::{
    CoreRequest, Decision, HostCores, HostRoom, VmRequest, place_set, place_set_on_cores,
};

/// Each VM's decision, with the cores chosen for it when its type needs them.
pub(super) fn place(
    pool: &PoolView,
    vm_type: &VmType,
    rooms: &[HostRoom],
    requests: &[VmRequest],
) -> Result<Vec<(Decision, Option<CorePins>)>, String> {
    let groups = &pool.settings.placement_groups;
    if !vm_type.rt.needs_cores() {
        let decisions = place_set(rooms, pool.overcommit, groups, requests);
        return Ok(decisions.into_iter().map(|d| (d, None)).collect());
    }
    let partition = partition(pool, vm_type)?;
    let core_requests: Vec<CoreRequest> = pool
        .hosts
        .iter()
        .map(|host| CoreRequest {
            vcpus: vm_type.vcpus,
            slice_name: &partition.name,
            slice: partition.on(&host.room.name),
            isolate: vm_type.rt.isolate_core,
            emulator: &vm_type.rt.emulator,
            memory_bytes: vm_type.memory_bytes,
            hugepages: vm_type.hugepage_kib.is_some(),
        })
        .collect();
    let cores: Vec<HostCores> = pool.hosts.iter().map(|h| h.cores.clone()).collect();
    Ok(place_set_on_cores(
        rooms,
        &cores,
        &core_requests,
        (pool.overcommit, groups),
        requests,
    ))
}

/// The slice a real-time type runs in, as the pool describes it; refused before placement
/// when it cannot be, naming why.
fn partition<'a>(pool: &'a PoolView, vm_type: &VmType) -> Result<&'a Partition, String> {
    let name = &vm_type.name;
    if pool.driver != Driver::Libvirt {
        return Err(format!(
            "VM type {name} needs real-time vCPUs or whole cores; Incus pools have no vCPU scheduler or slice settings"
        ));
    }
    let slice = vm_type.partition.as_deref().unwrap_or_default();
    pool.settings.partition(slice).ok_or_else(|| {
        format!(
            "VM type {name} runs in {slice}, which pool {} does not describe: add a [[pool.partition]] with its cpus (libvirt does not report a slice's CPUs)",
            pool.name
        )
    })
}

/// A pinned type in a slice: its node's CPUs that the slice allows on `host` (all of them
/// when the pool does not describe the slice).
pub(super) fn inside_slice(
    pool: &PoolView,
    vm_type: &VmType,
    host: &str,
    cpus: Vec<u32>,
) -> Vec<u32> {
    let allowed = vm_type
        .partition
        .as_deref()
        .and_then(|name| pool.settings.partition(name))
        .and_then(|p| p.cpus_for(host));
    match allowed {
        Some(allowed) => cpus.into_iter().filter(|c| allowed.contains(c)).collect(),
        None => cpus,
    }
}

#[cfg(test)]
mod tests;
