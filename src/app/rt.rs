//! The real-time check as the console shows it (`:rt`, a flag in the VM list, a line in the
//! host view, marks on the NUMA cards): each libvirt host's checks, computed in `update` when
//! the host's VMs or their placement change and kept until the next change, so the views
//! only read them.

use std::collections::{BTreeMap, HashMap};

use super::msg::Effect;
use super::state::State;
use crate::backend::HostCommand;
use crate::model::topology::Topology;
use crate::model::{Driver, NumaCell, VmPlacement};
use crate::rt::{RtHost, Verdict, VmCheck, check_host, tally};

/// How one checked VM stands, for its flag in the VM list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RtFlag {
    /// Every rule holds.
    Clean,
    /// No rule is broken, but some cannot be judged (a slice the config does not describe).
    Unjudged,
    /// This many rules are broken.
    Violations(usize),
}

impl RtFlag {
    fn of(check: &VmCheck) -> RtFlag {
        match check.violations().count() {
            0 if check.rules.iter().any(|f| f.verdict == Verdict::Unknown) => RtFlag::Unjudged,
            0 => RtFlag::Clean,
            n => RtFlag::Violations(n),
        }
    }

    /// `RT✓`, `RT?` or `RT!2`.
    pub fn text(self) -> String {
        match self {
            RtFlag::Clean => "RT✓".into(),
            RtFlag::Unjudged => "RT?".into(),
            RtFlag::Violations(n) => format!("RT!{n}"),
        }
    }

    /// The theme's style name for it.
    pub fn style(self) -> &'static str {
        match self {
            RtFlag::Clean => "gauge_low",
            RtFlag::Unjudged => "gauge_mid",
            RtFlag::Violations(_) => "gauge_high",
        }
    }
}

/// One host's checks, each checked VM's flag by UUID, and the CPUs its real-time vCPUs hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostRt {
    checks: Vec<VmCheck>,
    flags: HashMap<String, RtFlag>,
    cores: RtCores,
}

impl HostRt {
    /// The flag of a VM in a slice or under a real-time scheduler; None for the others.
    pub fn flag(&self, uuid: &str) -> Option<RtFlag> {
        self.flags.get(uuid).copied()
    }

    /// What real-time vCPUs hold on the host.
    pub fn cores(&self) -> &RtCores {
        &self.cores
    }
}

/// What real-time vCPUs hold on a host: the CPUs they are pinned to, and the other threads
/// of those cores (kept idle for them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RtCores {
    pub cpus: Vec<u32>,
    pub siblings: Vec<u32>,
}

impl RtCores {
    fn of(cells: &[NumaCell], placement: &[VmPlacement]) -> RtCores {
        let mut cpus: Vec<u32> = placement
            .iter()
            .flat_map(|p| {
                let tuning = &p.tuning;
                tuning
                    .realtime_vcpus()
                    .into_iter()
                    .flat_map(|v| tuning.pin_of(v).to_vec())
            })
            .collect();
        cpus.sort_unstable();
        cpus.dedup();
        let topology = Topology::of(cells);
        let mut siblings: Vec<u32> = topology
            .cores_of(&cpus)
            .into_iter()
            .flat_map(|core| topology.cores[core].threads.clone())
            .filter(|cpu| !cpus.contains(cpu))
            .collect();
        siblings.sort_unstable();
        RtCores { cpus, siblings }
    }
}

/// Each host's checks, by (pool, host) index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RtChecks {
    by_host: BTreeMap<(usize, usize), HostRt>,
}

impl RtChecks {
    /// The checks of one host; None until its placement has been read.
    pub fn of(&self, pool: usize, host: usize) -> Option<&[VmCheck]> {
        self.by_host.get(&(pool, host)).map(|h| h.checks.as_slice())
    }

    /// VMs checked and VMs with a violation on one host, once known.
    pub fn tally(&self, pool: usize, host: usize) -> Option<(usize, usize)> {
        self.of(pool, host).map(tally)
    }

    /// The flag of a VM in a slice or under a real-time scheduler; None for the others.
    pub fn flag(&self, pool: usize, host: usize, uuid: &str) -> Option<RtFlag> {
        self.host(pool, host)?.flag(uuid)
    }

    /// One host's checks, flags and real-time cores, once judged.
    pub fn host(&self, pool: usize, host: usize) -> Option<&HostRt> {
        self.by_host.get(&(pool, host))
    }
}

/// Judges the host again from what the state holds of it (after its VMs or their placement
/// changed); true when a VM's flag changed, so the list's rows are derived again.
pub fn refresh_host(state: &mut State, pool: usize, host: usize) -> bool {
    let Some(pool_state) = state.pools.get(pool) else {
        return false;
    };
    let Some(host_state) = pool_state.hosts.get(host) else {
        return false;
    };
    if pool_state.driver != Driver::Libvirt {
        return false;
    }
    let cells = host_state.facts.as_ref().map_or(&[][..], |f| &f.numa);
    // Most hosts run no real-time VM: their VMs' news costs no check.
    let judged = |p: &VmPlacement| p.partition.is_some() || p.tuning.has_realtime();
    if !host_state.placement.iter().any(judged) {
        let old = state.rt.by_host.insert((pool, host), HostRt::default());
        return old.is_some_and(|h| !h.flags.is_empty());
    }
    let checks = check_host(&RtHost {
        name: &host_state.name,
        cells,
        vms: &host_state.vms,
        placement: &host_state.placement,
        partitions: &pool_state.compose.partitions,
        vm_types: &state.vm_types,
    });
    let flags: HashMap<String, RtFlag> = checks
        .iter()
        .map(|c| (c.uuid.clone(), RtFlag::of(c)))
        .collect();
    let cores = RtCores::of(cells, &host_state.placement);
    let before = state.rt.by_host.get(&(pool, host)).map(|h| &h.flags);
    let changed = before.map_or(!flags.is_empty(), |old| *old != flags);
    let entry = HostRt {
        checks,
        flags,
        cores,
    };
    state.rt.by_host.insert((pool, host), entry);
    changed
}

/// What `:rt [POOL]` asks of the hosts: each libvirt host that is up (of one pool) reads
/// its placement again, so the view shows what the hosts hold now.
pub fn reload(state: &State, pool: Option<usize>) -> Vec<Effect> {
    state
        .pools
        .iter()
        .enumerate()
        .filter(|(p, ps)| pool.is_none_or(|want| want == *p) && ps.driver == Driver::Libvirt)
        .flat_map(|(p, ps)| {
            ps.hosts
                .iter()
                .enumerate()
                .filter(|(_, h)| h.is_up())
                .map(move |(h, _)| Effect::Host {
                    pool: p,
                    host: h,
                    command: HostCommand::LoadHostView,
                })
        })
        .collect()
}
