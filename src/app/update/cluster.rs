//! An Incus pool has one supervisor for all its hosts (a standalone server, or every member of
//! a cluster). Its events arrive as host 0's and are spread over the pool's hosts here: a
//! cluster's members become the pool's hosts, and each instance lives under its member.

use super::hosts::apply;
use crate::app::msg::Effect;
use crate::app::state::{HostState, HostStatus, State};
use crate::backend::HostEvent;
use crate::model::{MemberInventory, Vm};

pub fn on_pool_event(state: &mut State, pool: usize, event: HostEvent) -> Vec<Effect> {
    let hosts = state.pools.get(pool).map_or(0, |p| p.hosts.len());
    match event {
        HostEvent::Members(members) => {
            set_members(state, pool, members);
            Vec::new()
        }
        // The endpoint is the way to every member: when it is lost, all of them are.
        HostEvent::Connecting | HostEvent::Down { .. } | HostEvent::Unsupported(_) => (0..hosts)
            .flat_map(|h| apply(state, pool, h, event.clone()))
            .collect(),
        HostEvent::VmUpdated(vm) => {
            let host = home_of(state, pool, &vm);
            remove_elsewhere(state, pool, host, &vm.uuid);
            apply(state, pool, host, HostEvent::VmUpdated(vm))
        }
        HostEvent::VmRemoved { .. } | HostEvent::Samples { .. } => (0..hosts)
            .flat_map(|h| apply(state, pool, h, event.clone()))
            .collect(),
        // Each member gets the volumes that live on it (a standalone server: all).
        HostEvent::Volumes(volumes) => (0..hosts)
            .flat_map(|h| {
                let name = state.pools[pool].hosts[h].name.clone();
                let own = volumes
                    .iter()
                    .filter(|v| v.location.as_ref().is_none_or(|l| *l == name))
                    .cloned()
                    .collect();
                apply(state, pool, h, HostEvent::Volumes(own))
            })
            .collect(),
        HostEvent::Details { ref uuid, .. } | HostEvent::JobFound { ref uuid, .. } => {
            let host = host_holding(state, pool, uuid).unwrap_or(0);
            apply(state, pool, host, event)
        }
        HostEvent::Devices { ref member, .. } => {
            let hosts = &state.pools[pool].hosts;
            let host = member
                .as_ref()
                .and_then(|m| hosts.iter().position(|h| &h.name == m))
                .unwrap_or(0);
            apply(state, pool, host, event)
        }
        HostEvent::DeviceUse(ref uses) => {
            let hosts = &state.pools[pool].hosts;
            let host = hosts
                .iter()
                .position(|h| h.vms.iter().any(|v| v.name == uses.vm))
                .unwrap_or(0);
            apply(state, pool, host, event)
        }
        HostEvent::MemberFigures { member, result } => {
            let hosts = &state.pools[pool].hosts;
            match hosts.iter().position(|h| h.name == member) {
                Some(host) => apply(state, pool, host, HostEvent::LiveFigures(result)),
                None => Vec::new(),
            }
        }
        other => apply(state, pool, 0, other),
    }
}

/// The host an instance belongs under: its member, or the server itself.
fn home_of(state: &State, pool: usize, vm: &Vm) -> usize {
    let hosts = &state.pools[pool].hosts;
    vm.location
        .as_ref()
        .and_then(|member| hosts.iter().position(|h| &h.name == member))
        .unwrap_or(0)
}

fn host_holding(state: &State, pool: usize, uuid: &str) -> Option<usize> {
    let hosts = &state.pools.get(pool)?.hosts;
    hosts
        .iter()
        .position(|h| h.vms.iter().any(|v| v.uuid == uuid))
}

/// An instance that moved to another member leaves its old one.
fn remove_elsewhere(state: &mut State, pool: usize, home: usize, uuid: &str) {
    for (index, host) in state.pools[pool].hosts.iter_mut().enumerate() {
        if index != home {
            host.vms.retain(|v| v.uuid != uuid);
            host.history.remove(uuid);
        }
    }
}

/// Makes the members the pool's hosts. Host 0 (the endpoint of the config) becomes the first
/// member the first time; others are added after it. Indices never change, so screens that
/// point at a host stay valid; a member that left the cluster stays, marked down.
fn set_members(state: &mut State, pool: usize, members: Vec<MemberInventory>) {
    let Some(pool_state) = state.pools.get_mut(pool) else {
        return;
    };
    let mut endpoint_taken =
        pool_state.cluster || members.iter().any(|m| m.name == pool_state.hosts[0].name);
    pool_state.cluster = true;
    let mut seen = Vec::new();
    for member in members {
        let hosts = &mut state.pools[pool].hosts;
        let index = match hosts.iter().position(|h| h.name == member.name) {
            Some(index) => index,
            None if !endpoint_taken => {
                endpoint_taken = true;
                hosts[0].name = member.name.clone();
                0
            }
            None => {
                let host = HostState::member_of(&hosts[0], &member.name);
                hosts.push(host);
                hosts.len() - 1
            }
        };
        seen.push(index);
        set_member(state, pool, index, member);
    }
    let hosts = state.pools[pool].hosts.len();
    for index in (0..hosts).filter(|i| !seen.contains(i)) {
        let reason = "no longer a member of the cluster".to_string();
        apply(state, pool, index, down(reason));
    }
}

fn set_member(state: &mut State, pool: usize, index: usize, member: MemberInventory) {
    match member.down {
        None => {
            apply(state, pool, index, HostEvent::Connected(member.inventory));
        }
        Some(reason) => {
            apply(state, pool, index, down(reason));
            // What was known before it went down stays; at start-up, this is all there is.
            let host = &mut state.pools[pool].hosts[index];
            if host.vms.is_empty() {
                host.vms = member.inventory.vms;
            }
        }
    }
}

/// A member is down until the cluster says otherwise; there is no retry of our own.
fn down(reason: String) -> HostEvent {
    HostEvent::Down {
        reason,
        retry_in_secs: 0,
    }
}

impl HostState {
    /// A cluster member found through `endpoint`: reached the same way.
    pub fn member_of(endpoint: &HostState, name: &str) -> HostState {
        HostState {
            name: name.to_string(),
            uri: endpoint.uri.clone(),
            migration_uri: None,
            allocation: endpoint.allocation,
            status: HostStatus::Connecting,
            facts: None,
            vms: Vec::new(),
            details: Default::default(),
            placement: Vec::new(),
            volumes: Vec::new(),
            history: Default::default(),
            load: Default::default(),
            images: None,
            live: Default::default(),
        }
    }
}
