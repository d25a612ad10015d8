//! Incus JSON → vmdeck's model. Pure functions, tested from JSON literals.

use std::collections::{BTreeMap, HashMap};

use super::types::{
    Instance, InstanceState, PoolResources, Resources, StoragePool as IncusPool, Volume,
};
use crate::model::set::SetSpec;
use crate::model::{
    NumaCell, Pages, StoragePool, StorageVolume, Vm, VmPlacement, VmStamp, VmState, units,
};

/// CPUs per host, by Incus member name ("" for a standalone server): the CPU % of a container
/// without a CPU limit is a share of its whole host.
#[derive(Debug, Clone, Default)]
pub struct HostCpus(HashMap<String, u32>);

impl HostCpus {
    pub fn single(cpus: u32) -> HostCpus {
        let mut sizes = HostCpus::default();
        sizes.insert("", cpus);
        sizes
    }

    pub fn insert(&mut self, member: &str, cpus: u32) {
        self.0.insert(member.to_string(), cpus);
    }

    pub fn of(&self, location: &str) -> u32 {
        let cpus = self.0.get(location).or_else(|| self.0.get(""));
        cpus.copied().unwrap_or(1).max(1)
    }
}

/// One instance as a [`Vm`]. A container without `limits.cpu`/`limits.memory` reserves
/// nothing: its vCPUs and memory are 0 ("no limit"), so allocation sums do not count it as a
/// whole host.
pub fn vm(instance: &Instance) -> Vm {
    let config = &instance.expanded_config;
    let key = |k: &str| config.get(k).filter(|v| !v.is_empty()).cloned();
    let is_vm = instance.kind == "virtual-machine";
    let vcpus = key("limits.cpu")
        .and_then(|v| cpu_count(&v))
        .unwrap_or(if is_vm { 1 } else { 0 });
    let state = instance.state.as_ref();
    let memory_bytes = key("limits.memory")
        .and_then(|v| units::parse_bytes(&v).ok())
        // Incus's default for VMs.
        .unwrap_or(if is_vm { 1 << 30 } else { 0 });
    let vm_state = vm_state(&instance.status);
    Vm {
        name: instance.name.clone(),
        uuid: uuid(instance),
        state: vm_state,
        vcpus,
        memory_bytes,
        autostart: key("boot.autostart").is_some_and(|v| v == "true"),
        persistent: !instance.ephemeral,
        stamp: VmStamp {
            vm_type: key("user.vmdeck.type"),
            group: key("user.vmdeck.group"),
            set: key("user.vmdeck.set"),
            image: key("user.vmdeck.image"),
            clone_of: key("user.vmdeck.clone-of"),
            set_spec: SetSpec::from_fields(|k| key(&format!("user.vmdeck.{k}"))),
        },
        cpu_percent: None,
        guest_used_bytes: None,
        memory_used_bytes: state
            .filter(|_| vm_state.is_active())
            .map(|s| s.memory.usage),
        kind: Some(instance.kind.clone()).filter(|k| !k.is_empty()),
        location: Some(instance.location.clone()).filter(|l| !l.is_empty() && l != "none"),
        booted: booted(vm_state, is_vm, state),
    }
}

/// Booted, from the processes a running instance reports: a container runs its init once
/// started; a VM reports processes only through its agent, and without one (-1) nothing is
/// known.
fn booted(vm_state: VmState, is_vm: bool, state: Option<&InstanceState>) -> Option<bool> {
    let processes = state.filter(|_| vm_state == VmState::Running)?.processes?;
    match (processes > 0, is_vm) {
        (true, _) => Some(true),
        (false, true) => None,
        (false, false) => Some(false),
    }
}

/// `volatile.uuid` identifies an instance across renames; older servers lack it, and then
/// project and name are the best identity there is.
pub fn uuid(instance: &Instance) -> String {
    instance
        .config
        .get("volatile.uuid")
        .or_else(|| instance.expanded_config.get("volatile.uuid"))
        .filter(|u| !u.is_empty())
        .cloned()
        .unwrap_or_else(|| format!("{}/{}", instance.project, instance.name))
}

fn vm_state(status: &str) -> VmState {
    match status {
        "Running" => VmState::Running,
        "Frozen" => VmState::Paused,
        "Stopped" => VmState::Shutoff,
        "Error" => VmState::Crashed,
        "Stopping" => VmState::ShuttingDown,
        _ => VmState::Unknown,
    }
}

/// A volume as the host view lists it: `type/name`, the instances using it, its member.
pub fn volume(pool: &str, volume: &Volume, used_bytes: Option<u64>) -> StorageVolume {
    let users = volume
        .used_by
        .iter()
        .filter_map(|url| instance_of_source(url))
        .collect();
    StorageVolume {
        pool: pool.to_string(),
        name: format!("{}/{}", volume.kind, volume.name),
        path: String::new(),
        format: volume.content_type.clone(),
        capacity_bytes: volume
            .config
            .get("size")
            .and_then(|s| units::parse_bytes(s).ok())
            .unwrap_or(0),
        allocation_bytes: used_bytes.unwrap_or(0),
        backing: Vec::new(),
        used_by: users,
        location: Some(volume.location.clone()).filter(|l| !l.is_empty() && l != "none"),
    }
}

/// Where an instance is pinned: `limits.cpu` as a set of CPUs (`"0-3,6"`; a plain count
/// floats) and `limits.cpu.nodes` for its NUMA nodes, and whether `limits.memory.hugepages`
/// backs it. None when it floats on ordinary pages.
pub fn placement(instance: &Instance) -> Option<VmPlacement> {
    let config = &instance.expanded_config;
    let set = |key: &str| config.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let cpus = set("limits.cpu")
        .filter(|v| v.parse::<u32>().is_err())
        .and_then(id_set)
        .unwrap_or_default();
    let memory_nodes = set("limits.cpu.nodes").and_then(id_set).unwrap_or_default();
    let hugepages = set("limits.memory.hugepages").is_some_and(|v| v == "true");
    (!cpus.is_empty() || !memory_nodes.is_empty() || hugepages).then(|| VmPlacement {
        uuid: uuid(instance),
        cpus,
        memory_nodes,
        hugepages,
        emulator_cpus: Vec::new(),
        partition: None,
        tuning: Default::default(),
    })
}

/// `"0-3,6"` → 0, 1, 2, 3, 6.
fn id_set(value: &str) -> Option<Vec<u32>> {
    let mut ids = Vec::new();
    for part in value.split(',') {
        match part.trim().split_once('-') {
            Some((a, b)) => ids.extend(a.trim().parse::<u32>().ok()?..=b.trim().parse().ok()?),
            None => ids.push(part.trim().parse().ok()?),
        }
    }
    Some(ids)
}

/// `limits.cpu` is a count (`"2"`) or a set of pinned CPUs (`"0-3,6"`).
fn cpu_count(value: &str) -> Option<u32> {
    match value.trim().parse() {
        Ok(count) => Some(count),
        Err(_) => id_set(value).map(|ids| ids.len() as u32),
    }
}

/// NUMA cells from the CPU threads' `numa_node` and the per-node memory.
pub fn numa_cells(resources: &Resources) -> Vec<NumaCell> {
    let mut cells: BTreeMap<u32, NumaCell> = BTreeMap::new();
    let cell = |id: u32| NumaCell {
        id,
        cpus: Vec::new(),
        memory_bytes: 0,
        free_bytes: None,
        offline_cpus: Vec::new(),
        isolated_cpus: Some(Vec::new()),
        pages: Vec::new(),
        siblings: Vec::new(),
    };
    let threads = resources
        .cpu
        .sockets
        .iter()
        .flat_map(|s| &s.cores)
        .flat_map(|c| &c.threads);
    for thread in threads {
        let entry = cells
            .entry(thread.numa_node)
            .or_insert_with(|| cell(thread.numa_node));
        entry.cpus.push(thread.id);
        if !thread.online {
            entry.offline_cpus.push(thread.id);
        }
        if thread.isolated {
            entry
                .isolated_cpus
                .get_or_insert_with(Vec::new)
                .push(thread.id);
        }
    }
    let page_size = resources.memory.hugepages_size;
    for node in &resources.memory.nodes {
        let entry = cells
            .entry(node.numa_node)
            .or_insert_with(|| cell(node.numa_node));
        entry.memory_bytes = node.total;
        entry.free_bytes = Some(node.total.saturating_sub(node.used));
        if page_size > 0 && node.hugepages_total > 0 {
            entry.pages = vec![Pages {
                size_kib: page_size / 1024,
                total: node.hugepages_total / page_size,
                free: Some(node.hugepages_total.saturating_sub(node.hugepages_used) / page_size),
            }];
        }
    }
    // A core's threads are its hyperthread siblings.
    for core in resources.cpu.sockets.iter().flat_map(|s| &s.cores) {
        if let Some(first) = core.threads.first() {
            let threads = core
                .threads
                .iter()
                .filter(|t| t.numa_node == first.numa_node)
                .map(|t| t.id)
                .collect();
            if let Some(entry) = cells.get_mut(&first.numa_node) {
                entry.siblings.push(threads);
            }
        }
    }
    for cell in cells.values_mut() {
        cell.cpus.sort_unstable();
    }
    cells.into_values().collect()
}

pub fn storage_pool(pool: &IncusPool, resources: Option<&PoolResources>) -> StoragePool {
    let (total, used) = resources.map_or((0, 0), |r| (r.space.total, r.space.used));
    StoragePool {
        name: pool.name.clone(),
        active: pool.status == "Created",
        capacity_bytes: total,
        allocation_bytes: used,
        available_bytes: total.saturating_sub(used),
    }
}

/// The instance a lifecycle event's `source` names: `/1.0/instances/c1?project=p` → `c1`.
pub fn instance_of_source(source: &str) -> Option<String> {
    let path = source.split('?').next()?;
    let name = path.strip_prefix("/1.0/instances/")?;
    // Snapshots and backups (`c1/snapshots/s0`) are not instances.
    (!name.is_empty() && !name.contains('/')).then(|| name.to_string())
}

#[cfg(test)]
mod tests;
