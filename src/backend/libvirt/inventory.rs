//! Bulk reads of one libvirt host: facts, NUMA, storage and every domain. Calls that do not
//! depend on each other are issued side by side (`fanout`), so a host behind a slow link
//! costs a handful of round trips, not one per call (DESIGN.md §5).

use std::collections::HashMap;

use virt::connect::Connect;
use virt::sys;

use super::domains::all_vms;
use super::fanout::{self, Task};
use super::ffi::{free_pages, online_cpus};
use super::numa;
use super::xml::{parse_capabilities, parse_devices};
use crate::model::{HostFacts, HostInventory, NumaCell, StoragePool, VmDetails, VmPlacement};

fn err(e: virt::error::Error) -> String {
    e.message().to_string()
}

/// Everything about the host in bulk, and where each domain's XML places it (what the
/// real-time check reads), from the same reads.
pub fn snapshot(conn: &Connect) -> Result<(HostInventory, Vec<VmPlacement>), String> {
    read(conn, false)
}

/// The inventory and where each domain is placed, from the same reads of the domains' XML;
/// with `with_placement` also where libvirt lets a running domain without pins run
/// (headless reports).
pub fn read(
    conn: &Connect,
    with_placement: bool,
) -> Result<(HostInventory, Vec<VmPlacement>), String> {
    let facts = on(conn, host_facts);
    let host_cpus = with_placement
        .then(|| conn.node_info().map(|n| n.cpus).map_err(err))
        .transpose()?;
    let (vms, placement) = all_vms(conn, host_cpus)?;
    Ok((
        HostInventory {
            facts: facts.join()?,
            vms,
        },
        placement,
    ))
}

/// `call` on the connection, started now on the fan-out pool.
fn on<R: Send + 'static>(conn: &Connect, call: fn(&Connect) -> R) -> Task<R> {
    let conn = conn.clone();
    fanout::spawn(move || call(&conn))
}

pub(super) fn host_facts(conn: &Connect) -> Result<HostFacts, String> {
    let node = on(conn, |c| c.node_info().map_err(err));
    let online = on(conn, online_cpus);
    let hostname = on(conn, |c| c.hostname().unwrap_or_default());
    let storage = on(conn, storage_pools);
    let hypervisor = hypervisor_version(conn);
    let (cpu_model, mut numa) = parse_capabilities(&conn.capabilities().map_err(err)?)?;
    fill_live_numa(conn, &mut numa);
    if let Some(online) = online.join() {
        for cell in &mut numa {
            cell.offline_cpus = cell
                .cpus
                .iter()
                .copied()
                .filter(|cpu| !online.get(*cpu as usize).copied().unwrap_or(true))
                .collect();
        }
    }
    let node = node.join()?;
    Ok(HostFacts {
        hostname: hostname.join(),
        cpu_model: if cpu_model.is_empty() {
            node.model.clone()
        } else {
            cpu_model
        },
        cpus: node.cpus,
        mhz: node.mhz,
        memory_bytes: node.memory.saturating_mul(1024),
        numa,
        storage: storage.join(),
        hypervisor: hypervisor.join(),
    })
}

/// Fills in each cell's free memory and free hugepages, asked for by the cell's own id as
/// `virsh freecell --cellno N` and `virsh freepages --cellno N` do: ids may be sparse (a
/// POWER8's 0, 1, 16, 17), so the n-th cell of the capabilities is not cell n. Every cell's
/// two calls go out side by side.
pub fn fill_live_numa(conn: &Connect, numa: &mut [NumaCell]) {
    let asks: Vec<(u32, Vec<u32>)> = numa
        .iter()
        .map(|cell| {
            let sizes = cell
                .pages
                .iter()
                .filter(|p| p.is_huge())
                .filter_map(|p| u32::try_from(p.size_kib).ok())
                .collect();
            (cell.id, sizes)
        })
        .collect();
    let conn = conn.clone();
    let answers: HashMap<u32, (Option<u64>, Option<Vec<u64>>)> =
        fanout::map(asks, move |(id, sizes)| {
            let cell = i32::try_from(id).ok();
            let free = cell.and_then(|c| conn.cells_free_memory(c, 1).ok()?.first().copied());
            let pages = free_pages(&conn, &sizes, id, 1).and_then(|rows| rows.into_iter().next());
            (id, (free, pages))
        })
        .into_iter()
        .collect();
    numa::fill_by_id(
        numa,
        |id| answers.get(&id).and_then(|a| a.0),
        |id, _sizes| answers.get(&id).and_then(|a| a.1.clone()),
    );
}

fn hypervisor_version(conn: &Connect) -> Task<String> {
    let kind = on(conn, |c| c.driver_type().unwrap_or_default());
    let hypervisor = on(conn, |c| c.hyp_version().ok());
    let library = on(conn, |c| c.lib_version().ok());
    fanout::spawn(move || {
        let dotted = |v: u32| format!("{}.{}.{}", v / 1_000_000, (v / 1000) % 1000, v % 1000);
        let kind = kind.join();
        match (hypervisor.join(), library.join()) {
            (Some(h), Some(l)) => format!("{kind} {} / libvirt {}", dotted(h), dotted(l)),
            _ => kind,
        }
    })
}

/// Storage pools, each one's figures asked for side by side; a host without a storage driver
/// (the embedded one) simply has none.
fn storage_pools(conn: &Connect) -> Vec<StoragePool> {
    let Ok(pools) = conn.list_all_storage_pools(0) else {
        return Vec::new();
    };
    fanout::map(pools, |p| {
        let info = p.info().ok()?;
        Some(StoragePool {
            name: p.name().ok()?,
            active: info.state == sys::VIR_STORAGE_POOL_RUNNING,
            capacity_bytes: info.capacity,
            allocation_bytes: info.allocation,
            available_bytes: info.available,
        })
    })
    .into_iter()
    .flatten()
    .collect()
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

#[cfg(test)]
mod test_driver {
    use super::super::domains::placement;
    use super::*;

    /// libvirt's own test driver (`test:///default`): two NUMA cells, CPUs 0-7 and 8-15, with
    /// their hugepage sizes, and a running domain "test" whose bulk stats lack its size and
    /// whose vCPUs may run anywhere.
    #[test]
    fn two_numa_cells_a_sized_domain_and_no_pinning() {
        let conn = Connect::open(Some("test:///default")).unwrap();
        let (inventory, from_xml) = snapshot(&conn).unwrap();
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
        // The snapshot places every domain as its XML says, with no call of its own.
        let as_xml_says = from_xml.iter().find(|p| p.uuid == test.uuid).unwrap();
        assert_eq!(as_xml_says.tuning, floating.tuning);
        let (again, with_placement) = read(&conn, true).unwrap();
        assert!(again.vms.iter().any(|v| v.uuid == test.uuid));
        assert!(with_placement.iter().any(|p| p.uuid == test.uuid));
    }

    /// A real-time domain defined behind vmdeck's back: the snapshot and the read after its
    /// event both place it as its XML says (slice, pins, fifo, no emulatorpin).
    #[test]
    fn a_real_time_domain_is_placed_by_the_snapshot_and_after_its_event() {
        let conn = Connect::open(Some("test:///default")).unwrap();
        let xml = "<domain type='test'><name>rt-placed</name><memory>65536</memory>\
                   <vcpu placement='static'>1</vcpu><cputune><vcpupin vcpu='0' cpuset='9'/>\
                   <vcpusched vcpus='0' scheduler='fifo' priority='1'/></cputune>\
                   <resource><partition>/machine/rt</partition></resource>\
                   <os><type>hvm</type></os></domain>";
        let dom = conn.define_domain_xml(xml).unwrap();
        let uuid = dom.uuid_string().unwrap();
        let (_, placement) = snapshot(&conn).unwrap();
        let (vm, placed) = super::super::domains::one_vm(&conn, &uuid, 16).unwrap();
        dom.undefine().unwrap();
        let from_snapshot = placement.into_iter().find(|p| p.uuid == uuid).unwrap();
        let placed = placed.unwrap();
        assert_eq!(from_snapshot, placed);
        assert_eq!(vm.name, "rt-placed");
        assert_eq!(placed.partition.as_deref(), Some("/machine/rt"));
        assert_eq!(placed.tuning.realtime_vcpus(), [0]);
        assert_eq!(placed.tuning.pin_of(0), [9]);
        assert_eq!(placed.tuning.emulatorpin, None);
    }
}
