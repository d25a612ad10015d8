//! Host events from the backends applied to the inventory.

use std::collections::{HashMap, HashSet};

use super::set_status;
use crate::app::live;
use crate::app::msg::Effect;
use crate::app::state::{HostState, HostStatus, Level, State, View};
use crate::backend::HostEvent;
use crate::model::{Driver, Vm, VmSample};

pub fn on_host_event(state: &mut State, pool: usize, host: usize, event: HostEvent) -> Vec<Effect> {
    let pool_wide = state
        .pools
        .get(pool)
        .is_some_and(|p| p.driver == Driver::Incus);
    let effects = if pool_wide {
        super::cluster::on_pool_event(state, pool, event)
    } else {
        apply(state, pool, host, event)
    };
    follow_moved_vms(state, pool);
    fill_compose_image(state, pool);
    crate::app::live::refresh_ages(state, pool, host);
    effects
}

/// The compose form opened before the images were known: it takes the first one reported.
fn fill_compose_image(state: &mut State, pool: usize) {
    let wanted = state
        .compose
        .as_ref()
        .is_some_and(|form| form.pool == pool && form.image.is_empty());
    if !wanted {
        return;
    }
    let first = crate::app::compose_form::known_images(state, pool)
        .into_iter()
        .next();
    if let (Some(form), Some(image)) = (state.compose.as_mut(), first) {
        form.image = image;
    }
}

/// A VM's view follows it to another host of its pool (a migration, an Incus move) instead
/// of saying it is gone.
fn follow_moved_vms(state: &mut State, pool: usize) {
    let Some(hosts) = state.pools.get(pool).map(|p| &p.hosts) else {
        return;
    };
    let holds = |host: usize, uuid: &str| {
        hosts
            .get(host)
            .is_some_and(|h| h.vms.iter().any(|v| v.uuid == uuid))
    };
    for screen in std::iter::once(&mut state.base).chain(state.nav.iter_mut()) {
        let View::Vm {
            pool: p,
            host,
            uuid,
        } = &mut screen.view
        else {
            continue;
        };
        if *p != pool || holds(*host, uuid) {
            continue;
        }
        if let Some(now) = (0..hosts.len()).find(|h| holds(*h, uuid)) {
            *host = now;
        }
    }
}

/// Applies an event to one host.
pub fn apply(state: &mut State, pool: usize, host: usize, event: HostEvent) -> Vec<Effect> {
    let Some(host_state) = state
        .pools
        .get_mut(pool)
        .and_then(|p| p.hosts.get_mut(host))
    else {
        return Vec::new();
    };
    let host_name = host_state.name.clone();
    match event {
        HostEvent::Connecting => {
            if !matches!(host_state.status, HostStatus::Down { .. }) {
                host_state.status = HostStatus::Connecting;
            }
        }
        HostEvent::Connected(inventory) => {
            let was_down = matches!(host_state.status, HostStatus::Down { .. });
            host_state.status = HostStatus::Up;
            host_state.facts = Some(inventory.facts);
            host_state.vms = inventory.vms;
            prune_history(host_state);
            host_state.details.clear();
            // New figures from the snapshot; the next sample gives their time.
            host_state.live = Default::default();
            if was_down {
                set_status(state, Level::Info, format!("{host_name} is back"));
            }
        }
        HostEvent::Down {
            reason,
            retry_in_secs,
        } => {
            let was_up = host_state.is_up();
            // A read asked of the lost connection will not be answered.
            host_state.live.in_flight = false;
            host_state.status = HostStatus::Down {
                reason: reason.clone(),
                retry_in_secs,
            };
            if was_up {
                set_status(
                    state,
                    Level::Error,
                    format!("{host_name} is down: {reason}"),
                );
            }
        }
        HostEvent::Unsupported(reason) => host_state.status = HostStatus::Unsupported(reason),
        HostEvent::VmUpdated(vm) => {
            upsert_vm(&mut host_state.vms, vm);
            placement_changed(state, pool, host);
        }
        HostEvent::VmRemoved { uuid } => {
            let name = host_state.vms.iter().find(|v| v.uuid == uuid);
            let name = name.map(|v| v.name.clone());
            host_state.vms.retain(|v| v.uuid != uuid);
            host_state.placement.retain(|p| p.uuid != uuid);
            host_state.history.remove(&uuid);
            if let Some(name) = &name {
                super::devices::vm_gone(host_state, name);
            }
            placement_changed(state, pool, host);
            if let Some(name) = name {
                super::nav::vm_gone(state, &uuid, &name, &host_name);
            }
        }
        HostEvent::Samples { samples, taken_at } => {
            apply_samples(host_state, samples);
            return live::on_samples(state, pool, host, taken_at);
        }
        HostEvent::LiveFigures(result) => live::on_figures(state, pool, host, result),
        HostEvent::Details { uuid, result } => {
            host_state.details.insert(uuid, result);
        }
        HostEvent::Placement(placement) => {
            host_state.placement = placement;
            placement_changed(state, pool, host);
        }
        HostEvent::VmPlaced(placed) => {
            let placement = &mut host_state.placement;
            match placement.iter_mut().find(|p| p.uuid == placed.uuid) {
                Some(old) => *old = placed,
                None => placement.push(placed),
            }
            placement_changed(state, pool, host);
        }
        HostEvent::Volumes(volumes) => host_state.volumes = volumes,
        HostEvent::Devices { devices, .. } => super::devices::replace(host_state, devices),
        HostEvent::DeviceUse(uses) => super::devices::vm_changed(host_state, uses),
        HostEvent::Images(images) => host_state.images = Some(images),
        HostEvent::OpProgress { op, progress } => super::op_progress::progress(state, op, progress),
        HostEvent::OpNote { op, text } => super::op_progress::note(state, op, text),
        // Pool-wide; `on_host_event` hands it to the cluster module before it gets here.
        HostEvent::Members(_) | HostEvent::MemberFigures { .. } => {}
        HostEvent::OpFinished { op, result } => return super::launch::finished(state, op, result),
        HostEvent::JobFound { uuid, job } => {
            return super::recovery::adopt(state, pool, host, uuid, job);
        }
        // Background news must not wipe out a warning or error the user has not read yet.
        HostEvent::Notice(text) => {
            if state.status.as_ref().is_none_or(|s| s.level == Level::Info) {
                set_status(state, Level::Info, format!("{host_name}: {text}"));
            }
        }
    }
    Vec::new()
}

/// The host's real-time check is judged again; a VM's flag that changed changes its row
/// (and may change other VMs' flags: a core they share).
fn placement_changed(state: &mut State, pool: usize, host: usize) {
    if crate::app::rt::refresh_host(state, pool, host) {
        state.row_cache.inventory_changed();
    }
}

/// Replaces the VM with the same UUID (keeping its live numbers) or inserts it by name.
pub fn upsert_vm(vms: &mut Vec<Vm>, mut vm: Vm) {
    if let Some(old) = vms.iter_mut().find(|v| v.uuid == vm.uuid) {
        if vm.state.is_active() {
            vm.cpu_percent = old.cpu_percent;
            vm.memory_used_bytes = old.memory_used_bytes;
            vm.guest_used_bytes = old.guest_used_bytes;
        }
        *old = vm;
        vms.sort_by(|a, b| a.name.cmp(&b.name));
    } else {
        let at = vms.partition_point(|v| v.name < vm.name);
        vms.insert(at, vm);
    }
}

/// Live numbers onto the host's VMs and into their histories (and the host's).
fn apply_samples(host: &mut HostState, samples: Vec<VmSample>) {
    // A host's samples mostly come in the order of its VMs: matched by position, and
    // through a map of the samples only once an order differs (a thousand hosts sampling
    // every few seconds made hashing every UUID a third of the idle UI thread).
    let mut by_uuid: Option<HashMap<&str, &VmSample>> = None;
    let (mut cpu_used, mut memory_used, mut sampled) = (0.0, 0.0, false);
    let cpus = host.facts.as_ref().map_or(1, |f| f.cpus.max(1));
    for (at, vm) in host.vms.iter_mut().enumerate() {
        let sample = match samples.get(at) {
            Some(sample) if sample.uuid == vm.uuid => Some(sample),
            _ => by_uuid
                .get_or_insert_with(|| samples.iter().map(|s| (s.uuid.as_str(), s)).collect())
                .get(vm.uuid.as_str())
                .copied(),
        };
        vm.cpu_percent = sample.and_then(|s| s.cpu_percent);
        vm.memory_used_bytes = sample.and_then(|s| s.memory_used_bytes);
        vm.guest_used_bytes = sample.and_then(|s| s.guest_used_bytes);
        let Some(sample) = sample else { continue };
        sampled = true;
        // Known VMs (all but the first sample) cost no copy of their UUID.
        let history = match host.history.get_mut(&vm.uuid) {
            Some(history) => history,
            None => host.history.entry(vm.uuid.clone()).or_default(),
        };
        if let Some(cpu) = sample.cpu_percent {
            history.cpu_percent.push(cpu);
            // A VM's % is of its own vCPUs (of the host's, for a container without a
            // limit); the host's is of all its CPUs.
            let share = if vm.vcpus == 0 { cpus } else { vm.vcpus };
            cpu_used += cpu * f64::from(share);
        }
        if let Some(memory) = sample.memory_used_bytes {
            history.memory_bytes.push(memory as f64);
            memory_used += memory as f64;
        }
    }
    // Samples of a pool-wide supervisor reach every host; only those with VMs sampled count.
    if sampled {
        host.load.cpu_percent.push(cpu_used / f64::from(cpus));
        host.load.memory_bytes.push(memory_used);
    }
}

/// Drops the histories of VMs the host no longer has (after a new inventory): through a set
/// of the VMs' UUIDs, not a scan of the VMs per history.
fn prune_history(host: &mut HostState) {
    let present: HashSet<&str> = host.vms.iter().map(|v| v.uuid.as_str()).collect();
    host.history
        .retain(|uuid, _| present.contains(uuid.as_str()));
}
