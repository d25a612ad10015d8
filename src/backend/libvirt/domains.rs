//! The host's domains in a bounded number of round trips: one bulk stats call and two list
//! calls side by side, then each domain's XML (stamp, size, pinning), all issued at once on
//! the connection (`fanout`) — never one call per domain in sequence (DESIGN.md §5).

use std::collections::HashSet;
use std::time::Duration;

use virt::connect::Connect;
use virt::domain::Domain;
use virt::sys;

use super::devices::parse_uses;
use super::domain_xml::{DomainFacts, parse_domain, parse_stamp};
use super::fanout;
use super::ffi::{StatsRecord, all_domain_stats, domain_info, metadata_stamp, vcpu_affinity};
use super::jobs::is_incoming;
use super::placement_xml::parse_placement;
use super::xml::hugepage_backed;
use crate::model::devices::VmDeviceUse;
use crate::model::{Vm, VmPlacement, VmState};

const INVENTORY_STATS: u32 =
    sys::VIR_DOMAIN_STATS_STATE | sys::VIR_DOMAIN_STATS_VCPU | sys::VIR_DOMAIN_STATS_BALLOON;

fn err(e: virt::error::Error) -> String {
    e.message().to_string()
}

/// The domains, where they are placed, and what they use of the host's devices and networks.
pub struct AllVms {
    pub vms: Vec<Vm>,
    pub placement: Vec<VmPlacement>,
    pub uses: Vec<VmDeviceUse>,
}

/// Every domain, sorted by name, where each one is placed as its XML says, and what it uses;
/// with `host_cpus` (the host's CPU count), a running one without pins in its XML is placed
/// where libvirt lets its vCPUs run (one more call each).
pub fn all_vms(conn: &Connect, host_cpus: Option<u32>) -> Result<AllVms, String> {
    let autostart = uuids_with(conn, sys::VIR_CONNECT_LIST_DOMAINS_AUTOSTART);
    let persistent = uuids_with(conn, sys::VIR_CONNECT_LIST_DOMAINS_PERSISTENT);
    let mut records = bulk_stats(conn, INVENTORY_STATS)?;
    let reads = read_each(&mut records, host_cpus);
    let (autostart, persistent) = (autostart.join(), persistent.join());
    let mut placement = Vec::new();
    let mut uses = Vec::new();
    let mut vms: Vec<Vm> = records
        .iter()
        .zip(reads)
        .map(|(record, read)| {
            placement.extend(read.placement);
            uses.extend(read.uses);
            let mut vm = vm_from_record(record, read.facts.unwrap_or_default());
            vm.autostart = autostart.contains(&vm.uuid);
            vm.persistent = persistent.contains(&vm.uuid);
            if read.incoming {
                vm.state = VmState::Incoming;
            }
            vm
        })
        .collect();
    vms.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(AllVms {
        vms,
        placement,
        uses,
    })
}

/// Where each domain is pinned (the NUMA view): one bulk state call, then the XML of every
/// domain side by side. A running domain without pinning in its XML is placed where libvirt
/// lets its vCPUs run (pinned live, with `virsh vcpupin`), unless that is every CPU of the
/// host: it floats.
pub fn placement(conn: &Connect) -> Vec<VmPlacement> {
    let host_cpus = conn.node_info().map_or(0, |n| n.cpus);
    let Ok(mut records) = bulk_stats(conn, sys::VIR_DOMAIN_STATS_STATE) else {
        return Vec::new();
    };
    read_each(&mut records, Some(host_cpus))
        .into_iter()
        .filter_map(|read| read.placement)
        .collect()
}

/// Bulk stats calls made before the inventory gives up on them, when each is stuck.
const STUCK_CALLS: usize = 3;
/// A bulk stats call out this long is taken as stuck behind a guest: far longer than a
/// slow WAN host takes to answer for thousands of domains.
const STATS_STALL: Duration = Duration::from_secs(5);

/// The bulk stats call (with domains), which a guest whose QEMU does not answer cannot hold
/// (see `sampler`): a call out for `STATS_STALL` is left to finish on its own and made again, and
/// the next skips that guest, whose job the first holds. Each stuck guest costs one call.
fn bulk_stats(conn: &Connect, stats: u32) -> Result<Vec<StatsRecord>, String> {
    for _ in 0..STUCK_CALLS {
        let conn = conn.clone();
        let call = fanout::spawn(move || all_domain_stats(&conn, stats, 0, true));
        if let Some(result) = call.join_unless_stalled(STATS_STALL) {
            return result;
        }
    }
    Err(format!(
        "not answering: {STUCK_CALLS} bulk stats calls in a row got no reply within {} s \
         (guests whose QEMU does not answer, or a hung daemon)",
        STATS_STALL.as_secs()
    ))
}

/// UUIDs of the domains a list flag selects (autostart, persistent, …), in one call started
/// now.
fn uuids_with(conn: &Connect, flag: u32) -> fanout::Task<HashSet<String>> {
    let conn = conn.clone();
    fanout::spawn(move || {
        conn.list_all_domains(flag)
            .map(|doms| doms.iter().filter_map(|d| d.uuid_string().ok()).collect())
            .unwrap_or_default()
    })
}

/// What the XML pass learnt of one domain.
#[derive(Default)]
struct DomainRead {
    /// None when the domain went away before its XML could be read.
    facts: Option<DomainFacts>,
    /// Paused as the incoming half of a migration.
    incoming: bool,
    placement: Option<VmPlacement>,
    /// Its `<hostdev>`s and the networks of its NICs.
    uses: Option<VmDeviceUse>,
}

/// An XML read that has run this long is taken as stuck: libvirt makes it wait for the
/// domain's job, which a hung QEMU (or a long job) holds for up to 30 s. The list does not
/// wait for it.
const STALL: Duration = Duration::from_secs(2);

/// Reads every record's domain side by side, in the records' order. A domain whose read is
/// stuck gets its stamp from its metadata instead, which needs no job.
fn read_each(records: &mut [StatsRecord], host_cpus: Option<u32>) -> Vec<DomainRead> {
    let doms: Vec<(Option<Domain>, VmState)> = records
        .iter_mut()
        .map(|r| (r.dom.take(), state_of(r)))
        .collect();
    let tasks = fanout::spawn_each(doms.clone(), move |(dom, state)| match dom {
        Some(dom) => read_domain(&dom, state, host_cpus),
        None => DomainRead::default(),
    });
    let reads: Vec<Option<DomainRead>> = tasks
        .into_iter()
        .map(|task| task.join_unless_stalled(STALL))
        .collect();
    let stuck: Vec<(Domain, VmState)> = reads
        .iter()
        .zip(&doms)
        .filter(|(read, _)| read.is_none())
        .filter_map(|(_, (dom, state))| Some((dom.clone()?, *state)))
        .collect();
    // A read stuck behind a job is often the incoming half of a migration: its state and
    // job need no job of their own, so that is still told.
    let mut stamps = fanout::map(stuck, |(dom, state)| {
        let stamp = metadata_stamp(&dom).as_deref().map(parse_stamp);
        DomainRead {
            facts: Some(DomainFacts {
                stamp: stamp.unwrap_or_default(),
                ..DomainFacts::default()
            }),
            incoming: state == VmState::Paused && is_incoming(&dom),
            ..DomainRead::default()
        }
    })
    .into_iter();
    reads
        .into_iter()
        .map(|read| read.unwrap_or_else(|| stamps.next().unwrap_or_default()))
        .collect()
}

fn state_of(record: &StatsRecord) -> VmState {
    VmState::from_libvirt(record.u64("state.state").unwrap_or(0) as u32)
}

/// One XML read; a paused domain also gets its migration checked (two calls), and with
/// `host_cpus` a running one without pinning gets its live vCPU affinity (one call).
fn read_domain(dom: &Domain, state: VmState, host_cpus: Option<u32>) -> DomainRead {
    let xml = dom.xml_desc(0).ok();
    let facts = xml.as_deref().and_then(parse_domain);
    let incoming = state == VmState::Paused && is_incoming(dom);
    let placement = match (xml.as_deref(), &facts) {
        (Some(xml), Some(facts)) => placed(dom, xml, facts.vcpus, state, host_cpus),
        _ => None,
    };
    let uses = match (dom.name(), xml.as_deref()) {
        (Ok(name), Some(xml)) => Some(parse_uses(&name, xml)),
        _ => None,
    };
    DomainRead {
        facts,
        incoming,
        placement,
        uses,
    }
}

fn placed(
    dom: &Domain,
    xml: &str,
    vcpus: u32,
    state: VmState,
    host_cpus: Option<u32>,
) -> Option<VmPlacement> {
    let placed = parse_placement(xml);
    let mut cpus = placed.cpus;
    let active = matches!(state, VmState::Running | VmState::Paused);
    if let Some(host_cpus) = host_cpus.filter(|_| cpus.is_empty() && active) {
        cpus = vcpu_affinity(dom, vcpus, host_cpus)
            .filter(|affinity| affinity.len() < host_cpus as usize)
            .unwrap_or_default();
    }
    Some(VmPlacement {
        uuid: dom.uuid_string().ok()?,
        cpus,
        memory_nodes: placed.memory_nodes,
        hugepages: hugepage_backed(xml),
        emulator_cpus: placed.emulator_cpus,
        partition: placed.partition,
        tuning: placed.tuning,
    })
}

/// Some drivers (libvirt's test driver) leave vCPUs and memory out of the bulk stats: then
/// the XML's figures stand in.
fn vm_from_record(record: &StatsRecord, facts: DomainFacts) -> Vm {
    let vcpus = record.u64("vcpu.current").unwrap_or(0) as u32;
    let memory_kib = record
        .u64("balloon.maximum")
        .or_else(|| record.u64("balloon.current"))
        .unwrap_or(0);
    Vm {
        name: record.name.clone(),
        uuid: record.uuid.clone(),
        state: state_of(record),
        vcpus: if vcpus > 0 { vcpus } else { facts.vcpus },
        memory_bytes: if memory_kib > 0 {
            memory_kib.saturating_mul(1024)
        } else {
            facts.memory_bytes
        },
        booted: booted(state_of(record), facts.agent),
        stamp: facts.stamp,
        ..Vm::default()
    }
}

/// Booted, as the guest agent's channel says it, for a running domain only.
fn booted(state: VmState, agent: Option<bool>) -> Option<bool> {
    agent.filter(|_| state == VmState::Running)
}

/// One domain as an event left it: the VM, where it is placed and what it uses of the host's
/// devices and networks (both None when its XML read is stuck).
pub struct OneVm {
    pub vm: Vm,
    pub placement: Option<VmPlacement>,
    pub uses: Option<VmDeviceUse>,
}

/// One domain after an event: its lookup, then its info, flags and XML side by side (its
/// metadata when the XML read is stuck). A running VM whose XML pins nothing is placed where
/// its live affinity lets it run (`virsh vcpupin`) unless that is all `host_cpus`, as in the
/// snapshot.
pub fn one_vm(conn: &Connect, uuid: &str, host_cpus: u32) -> Result<OneVm, String> {
    let dom = conn.lookup_domain_by_uuid_string(uuid).map_err(err)?;
    let on = |call: fn(&Domain) -> bool| {
        let dom = dom.clone();
        fanout::spawn(move || call(&dom))
    };
    let autostart = on(|d| d.autostart().unwrap_or(false));
    let persistent = on(|d| d.is_persistent().unwrap_or(false));
    let xml = {
        let dom = dom.clone();
        fanout::spawn(move || dom.xml_desc(0).ok())
    };
    let info = domain_info(&dom)?;
    let name = dom.name().map_err(err)?;
    let mut state = VmState::from_libvirt(info.state.into());
    let (facts, placement, uses) = match xml.join_unless_stalled(STALL) {
        Some(xml) => {
            let facts = xml.as_deref().and_then(parse_domain);
            let placement = match (xml.as_deref(), &facts) {
                (Some(xml), Some(facts)) => placed(&dom, xml, facts.vcpus, state, Some(host_cpus)),
                _ => None,
            };
            let uses = xml.as_deref().map(|xml| parse_uses(&name, xml));
            (facts, placement, uses)
        }
        None => {
            let stamp = metadata_stamp(&dom).as_deref().map(parse_stamp);
            let facts = stamp.map(|stamp| DomainFacts {
                stamp,
                ..DomainFacts::default()
            });
            (facts, None, None)
        }
    };
    let (stamp, agent) = facts.map_or((None, None), |f| (Some(f.stamp), f.agent));
    if state == VmState::Paused && is_incoming(&dom) {
        state = VmState::Incoming;
    }
    let vm = Vm {
        name,
        uuid: uuid.to_string(),
        state,
        vcpus: info.nrVirtCpu.into(),
        memory_bytes: info.maxMem.saturating_mul(1024),
        autostart: autostart.join(),
        persistent: persistent.join(),
        stamp: stamp.unwrap_or_default(),
        booted: booted(state, agent),
        ..Vm::default()
    };
    Ok(OneVm {
        vm,
        placement,
        uses,
    })
}
