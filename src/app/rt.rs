//! The real-time check as the console shows it (`:rt`, a line in the host view): each libvirt
//! host's checks, computed in `update` when the host's placement arrives and kept until the
//! next one, so the views only read them.

use std::collections::BTreeMap;

use super::msg::Effect;
use super::state::State;
use crate::backend::HostCommand;
use crate::model::Driver;
use crate::rt::{RtHost, VmCheck, check_host, tally};

/// Each host's checks, by (pool, host) index.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RtChecks {
    by_host: BTreeMap<(usize, usize), Vec<VmCheck>>,
}

impl RtChecks {
    /// The checks of one host; None until its placement has been read.
    pub fn of(&self, pool: usize, host: usize) -> Option<&[VmCheck]> {
        self.by_host.get(&(pool, host)).map(Vec::as_slice)
    }

    /// VMs checked and VMs with a violation on one host, once known.
    pub fn tally(&self, pool: usize, host: usize) -> Option<(usize, usize)> {
        self.of(pool, host).map(tally)
    }
}

/// Judges the host again from what the state holds of it (after its placement changed).
pub fn refresh_host(state: &mut State, pool: usize, host: usize) {
    let Some(pool_state) = state.pools.get(pool) else {
        return;
    };
    let Some(host_state) = pool_state.hosts.get(host) else {
        return;
    };
    if pool_state.driver != Driver::Libvirt {
        return;
    }
    let cells = host_state.facts.as_ref().map_or(&[][..], |f| &f.numa);
    let checks = check_host(&RtHost {
        name: &host_state.name,
        cells,
        vms: &host_state.vms,
        placement: &host_state.placement,
        partitions: &pool_state.compose.partitions,
        vm_types: &state.vm_types,
    });
    state.rt.by_host.insert((pool, host), checks);
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
