//! Bulk reads of one libvirt host: facts, NUMA, storage and every domain in a handful of
//! calls (DESIGN.md §5: never one round of calls per VM for the list).

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use virt::connect::Connect;
use virt::sys;

use super::ffi::{
    StatsRecord, all_domain_stats, domain_info, free_pages, online_cpus, stamp_of, vcpu_affinity,
};
use super::numa;
use super::placement_xml::parse_placement;
use super::xml::{hugepage_backed, parse_capabilities, parse_devices, parse_stamp};
use crate::model::{
    HostFacts, HostInventory, NumaCell, StoragePool, Vm, VmDetails, VmPlacement, VmSample, VmState,
};

const INVENTORY_STATS: u32 =
    sys::VIR_DOMAIN_STATS_STATE | sys::VIR_DOMAIN_STATS_VCPU | sys::VIR_DOMAIN_STATS_BALLOON;
const SAMPLE_STATS: u32 =
    sys::VIR_DOMAIN_STATS_CPU_TOTAL | sys::VIR_DOMAIN_STATS_BALLOON | sys::VIR_DOMAIN_STATS_VCPU;

fn err(e: virt::error::Error) -> String {
    e.message().to_string()
}

/// Everything about the host in bulk.
pub fn snapshot(conn: &Connect) -> Result<HostInventory, String> {
    Ok(HostInventory {
        facts: host_facts(conn)?,
        vms: all_vms(conn)?,
    })
}

pub(super) fn host_facts(conn: &Connect) -> Result<HostFacts, String> {
    let node = conn.node_info().map_err(err)?;
    let (cpu_model, mut numa) = parse_capabilities(&conn.capabilities().map_err(err)?)?;
    fill_live_numa(conn, &mut numa);
    if let Some(online) = online_cpus(conn) {
        for cell in &mut numa {
            cell.offline_cpus = cell
                .cpus
                .iter()
                .copied()
                .filter(|cpu| !online.get(*cpu as usize).copied().unwrap_or(true))
                .collect();
        }
    }
    Ok(HostFacts {
        hostname: conn.hostname().unwrap_or_default(),
        cpu_model: if cpu_model.is_empty() {
            node.model.clone()
        } else {
            cpu_model
        },
        cpus: node.cpus,
        mhz: node.mhz,
        memory_bytes: node.memory.saturating_mul(1024),
        numa,
        storage: storage_pools(conn),
        hypervisor: hypervisor_version(conn),
    })
}

/// Fills in each cell's free memory and free hugepages, asked for by the cell's own id as
/// `virsh freecell --cellno N` and `virsh freepages --cellno N` do: ids may be sparse (a
/// POWER8's 0, 1, 16, 17), so the n-th cell of the capabilities is not cell n.
pub fn fill_live_numa(conn: &Connect, numa: &mut [NumaCell]) {
    numa::fill_by_id(
        numa,
        |id| {
            let cell = i32::try_from(id).ok()?;
            conn.cells_free_memory(cell, 1).ok()?.first().copied()
        },
        |id, sizes| free_pages(conn, sizes, id, 1)?.into_iter().next(),
    );
}

fn hypervisor_version(conn: &Connect) -> String {
    let dotted = |v: u32| format!("{}.{}.{}", v / 1_000_000, (v / 1000) % 1000, v % 1000);
    let kind = conn.driver_type().unwrap_or_default();
    match (conn.hyp_version(), conn.lib_version()) {
        (Ok(h), Ok(l)) => format!("{kind} {} / libvirt {}", dotted(h), dotted(l)),
        _ => kind,
    }
}

/// Storage pools; a host without a storage driver (the embedded one) simply has none.
fn storage_pools(conn: &Connect) -> Vec<StoragePool> {
    let Ok(pools) = conn.list_all_storage_pools(0) else {
        return Vec::new();
    };
    pools
        .iter()
        .filter_map(|p| {
            let info = p.info().ok()?;
            Some(StoragePool {
                name: p.name().ok()?,
                active: info.state == sys::VIR_STORAGE_POOL_RUNNING,
                capacity_bytes: info.capacity,
                allocation_bytes: info.allocation,
                available_bytes: info.available,
            })
        })
        .collect()
}

/// UUIDs of the domains a list flag selects (autostart, persistent, …) in one call.
fn uuids_with(conn: &Connect, flag: u32) -> HashSet<String> {
    conn.list_all_domains(flag)
        .map(|doms| doms.iter().filter_map(|d| d.uuid_string().ok()).collect())
        .unwrap_or_default()
}

fn all_vms(conn: &Connect) -> Result<Vec<Vm>, String> {
    let records = all_domain_stats(conn, INVENTORY_STATS, 0, true)?;
    let autostart = uuids_with(conn, sys::VIR_CONNECT_LIST_DOMAINS_AUTOSTART);
    let persistent = uuids_with(conn, sys::VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
    let mut vms: Vec<Vm> = records
        .iter()
        .map(|r| vm_from_record(r, autostart.contains(&r.uuid), persistent.contains(&r.uuid)))
        .map(|vm| with_size_from_info(conn, vm))
        .map(|vm| super::jobs::mark_incoming(conn, vm))
        .collect();
    vms.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(vms)
}

/// Some drivers (libvirt's test driver) leave vCPUs and memory out of the bulk stats: then
/// one info call for that domain fills them in.
fn with_size_from_info(conn: &Connect, mut vm: Vm) -> Vm {
    if vm.vcpus > 0 && vm.memory_bytes > 0 {
        return vm;
    }
    let info = conn
        .lookup_domain_by_uuid_string(&vm.uuid)
        .map_err(err)
        .and_then(|dom| domain_info(&dom));
    if let Ok(info) = info {
        vm.vcpus = info.nrVirtCpu.into();
        vm.memory_bytes = info.maxMem.saturating_mul(1024);
    }
    vm
}

fn vm_from_record(record: &StatsRecord, autostart: bool, persistent: bool) -> Vm {
    Vm {
        name: record.name.clone(),
        uuid: record.uuid.clone(),
        state: VmState::from_libvirt(record.u64("state.state").unwrap_or(0) as u32),
        vcpus: record.u64("vcpu.current").unwrap_or(0) as u32,
        memory_bytes: record
            .u64("balloon.maximum")
            .or_else(|| record.u64("balloon.current"))
            .unwrap_or(0)
            .saturating_mul(1024),
        autostart,
        persistent,
        stamp: record
            .stamp_xml
            .as_deref()
            .map(parse_stamp)
            .unwrap_or_default(),
        cpu_percent: None,
        guest_used_bytes: None,
        memory_used_bytes: None,
        kind: None,
        location: None,
    }
}

/// One domain after an event: a few calls for that domain only.
pub fn one_vm(conn: &Connect, uuid: &str) -> Result<Vm, String> {
    let dom = conn.lookup_domain_by_uuid_string(uuid).map_err(err)?;
    let info = domain_info(&dom)?;
    let vm = Vm {
        name: dom.name().map_err(err)?,
        uuid: uuid.to_string(),
        state: VmState::from_libvirt(info.state.into()),
        vcpus: info.nrVirtCpu.into(),
        memory_bytes: info.maxMem.saturating_mul(1024),
        autostart: dom.autostart().unwrap_or(false),
        persistent: dom.is_persistent().unwrap_or(false),
        // SAFETY: `dom` outlives the call.
        stamp: stamp_of(unsafe { dom.as_ptr() })
            .as_deref()
            .map(parse_stamp)
            .unwrap_or_default(),
        cpu_percent: None,
        guest_used_bytes: None,
        memory_used_bytes: None,
        kind: None,
        location: None,
    };
    Ok(super::jobs::mark_incoming(conn, vm))
}

/// Disks, NICs and XML of one domain.
pub fn details(conn: &Connect, uuid: &str) -> Result<VmDetails, String> {
    let dom = conn.lookup_domain_by_uuid_string(uuid).map_err(err)?;
    let xml = dom.xml_desc(0).map_err(err)?;
    let (disks, nics) = parse_devices(&xml)?;
    let snapshots = super::snapshot::list(&dom);
    Ok(VmDetails {
        disks,
        nics,
        xml,
        snapshots,
    })
}

/// Where each domain is pinned; one XML read per domain, so only when the NUMA view asks. A
/// running domain without pinning in its XML is placed where libvirt lets its vCPUs run
/// (pinned live, with `virsh vcpupin`), unless that is every CPU of the host: it floats.
pub fn placement(conn: &Connect) -> Vec<VmPlacement> {
    let Ok(domains) = conn.list_all_domains(0) else {
        return Vec::new();
    };
    let host_cpus = conn.node_info().map_or(0, |n| n.cpus);
    domains
        .iter()
        .filter_map(|dom| {
            let xml = dom.xml_desc(0).ok()?;
            let placed = parse_placement(&xml);
            let mut cpus = placed.cpus;
            if cpus.is_empty() && dom.is_active().unwrap_or(false) {
                let vcpus = domain_info(dom).map_or(0, |i| u32::from(i.nrVirtCpu));
                cpus = vcpu_affinity(dom, vcpus, host_cpus)
                    .filter(|affinity| affinity.len() < host_cpus as usize)
                    .unwrap_or_default();
            }
            Some(VmPlacement {
                uuid: dom.uuid_string().ok()?,
                cpus,
                memory_nodes: placed.memory_nodes,
                hugepages: hugepage_backed(&xml),
                emulator_cpus: placed.emulator_cpus,
                partition: placed.partition,
                tuning: placed.tuning,
            })
        })
        .collect()
}

/// CPU % from the difference of two cumulative CPU-time readings.
#[derive(Debug, Default)]
pub struct CpuSampler {
    last: HashMap<String, (u64, Instant)>,
}

impl CpuSampler {
    /// One bulk stats call over the running domains.
    pub fn sample(&mut self, conn: &Connect) -> Result<Vec<VmSample>, String> {
        let records = all_domain_stats(
            conn,
            SAMPLE_STATS,
            sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE,
            false,
        )?;
        let now = Instant::now();
        let mut next = HashMap::with_capacity(records.len());
        let samples = records
            .iter()
            .map(|r| {
                let cpu_ns = r.u64("cpu.time").unwrap_or(0);
                let vcpus = r.u64("vcpu.current").unwrap_or(1).max(1);
                let cpu_percent = self.last.get(&r.uuid).and_then(|(prev_ns, prev_at)| {
                    let wall_ns = now.duration_since(*prev_at).as_nanos() as f64;
                    let used = cpu_ns.saturating_sub(*prev_ns) as f64;
                    (wall_ns > 0.0).then(|| (used * 100.0 / (wall_ns * vcpus as f64)).min(100.0))
                });
                next.insert(r.uuid.clone(), (cpu_ns, now));
                VmSample {
                    uuid: r.uuid.clone(),
                    cpu_percent,
                    guest_used_bytes: guest_used(r),
                    memory_used_bytes: r.u64("balloon.rss").map(|kib| kib.saturating_mul(1024)),
                }
            })
            .collect();
        self.last = next;
        Ok(samples)
    }
}

/// The guest's own memory use, from its balloon's statistics (KiB): what it could use minus
/// what it leaves unused. Without a balloon stats period there are none.
fn guest_used(record: &super::ffi::StatsRecord) -> Option<u64> {
    let available = record.u64("balloon.available")?;
    let unused = record.u64("balloon.unused")?;
    Some(available.saturating_sub(unused).saturating_mul(1024))
}

#[cfg(test)]
mod guest_use {
    use super::super::ffi::{Param, StatsRecord};

    #[test]
    fn guest_use_is_available_minus_unused_when_the_balloon_says() {
        let record = |pairs: &[(&str, u64)]| StatsRecord {
            name: "g".into(),
            uuid: "u".into(),
            params: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Param::UInt(*v)))
                .collect(),
            stamp_xml: None,
        };
        let stats = record(&[("balloon.available", 94800), ("balloon.unused", 66572)]);
        assert_eq!(super::guest_used(&stats), Some((94800 - 66572) * 1024));
        assert_eq!(super::guest_used(&record(&[("balloon.rss", 1)])), None);
    }
}

#[cfg(test)]
mod test_driver {
    use super::*;

    /// libvirt's own test driver (`test:///default`): two NUMA cells, CPUs 0-7 and 8-15, with
    /// their hugepage sizes, and a running domain "test" whose bulk stats lack its size and
    /// whose vCPUs may run anywhere.
    #[test]
    fn two_numa_cells_a_sized_domain_and_no_pinning() {
        let conn = Connect::open(Some("test:///default")).unwrap();
        let inventory = snapshot(&conn).unwrap();
        let cells = &inventory.facts.numa;
        assert_eq!(cells.len(), 2);
        assert_eq!(cells[0].cpus, (0..8).collect::<Vec<u32>>());
        assert_eq!(cells[1].cpus, (8..16).collect::<Vec<u32>>());
        let huge = cells[0].pages.iter().find(|p| p.size_kib == 2048).unwrap();
        // The test driver makes up free counts: all that matters is that they are read.
        assert!(huge.free.is_some(), "{huge:?}");
        // Other tests of this process define domains on the same shared test driver.
        let test = inventory.vms.iter().find(|v| v.name == "test").unwrap();
        assert_eq!((test.vcpus, test.memory_bytes), (2, 8 << 30));
        let placed = placement(&conn);
        let floating = placed.iter().find(|p| p.uuid == test.uuid).unwrap();
        assert!(floating.cpus.is_empty(), "{floating:?}");
    }
}
