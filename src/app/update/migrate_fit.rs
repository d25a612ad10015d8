//! Whether VMs may move to a host, by the placement engine: the same capacity (overcommit,
//! hugepages), NUMA and placement-group rules as composing, so a migration never breaks a
//! hard anti-affinity that composing kept, and `M` says where the engine would put them.

use crate::app::ops::Target;
use crate::app::rooms::{host_room, request};
use crate::app::state::State;
use crate::model::Vm;
use crate::model::devices::{DeviceKind, DeviceNeeds, HostDevice};
use crate::placement::{HostRoom, Verdict, VmRequest, place_set};

/// The engine's verdict on host `to` for each VM in `targets`, moved there in turn.
pub fn verdicts_on(state: &State, targets: &[Target], to: usize) -> Vec<Verdict> {
    let Some(first) = targets.first() else {
        return Vec::new();
    };
    let pool = &state.pools[first.pool];
    let moving: Vec<&Vm> = targets
        .iter()
        .filter_map(|t| state.vm(t.pool, t.host, &t.uuid))
        .collect();
    let destination = &pool.hosts[to].name;
    let rooms: Vec<HostRoom> = pool
        .hosts
        .iter()
        .map(|host| {
            let mut room = host_room(host);
            // The VMs leave their hosts: they neither take room nor count for their group.
            for vm in &moving {
                release(&mut room, vm);
            }
            if &room.name != destination {
                room.lacks = Some("not the destination".into());
            }
            room
        })
        .collect();
    let requests: Vec<VmRequest> = targets
        .iter()
        .filter_map(|t| Some(request_for(state, t, state.vm(t.pool, t.host, &t.uuid)?)))
        .collect();
    place_set(
        &rooms,
        pool.overcommit,
        &pool.compose.placement_groups,
        &requests,
    )
    .into_iter()
    .filter_map(|decision| decision.verdicts.into_iter().nth(to))
    .collect()
}

/// Why the VMs can't all go to `to`, naming the first that can't; Ok with the notes of soft
/// rules not met when they can.
pub fn check_fit(state: &State, targets: &[Target], to: usize) -> Result<Vec<String>, String> {
    let verdicts = verdicts_on(state, targets, to);
    let mut notes = Vec::new();
    for (verdict, target) in verdicts.iter().zip(targets) {
        if !verdict.fits {
            return Err(format!(
                "{} does not fit on {}: {}",
                target.name,
                verdict.host,
                verdict.reasons.join("; ")
            ));
        }
        notes.extend(verdict.reasons.iter().cloned());
    }
    Ok(notes)
}

/// The VM as the engine sees it: its own size, its type's NUMA and hugepage needs when its
/// type is known, its group, and the devices and networks it uses now.
fn request_for(state: &State, target: &Target, vm: &Vm) -> VmRequest {
    let of_type = vm
        .stamp
        .vm_type
        .as_ref()
        .and_then(|name| state.vm_types.iter().find(|t| &t.name == name));
    let mut wanted = match of_type {
        Some(vm_type) => request(vm_type, &vm.name, vm.stamp.group.as_deref()),
        None => VmRequest {
            name: vm.name.clone(),
            vcpus: 0,
            memory_bytes: 0,
            numa: crate::placement::NumaFit::Any,
            hugepages: false,
            group: vm.stamp.group.clone(),
            devices: Default::default(),
        },
    };
    wanted.vcpus = vm.vcpus;
    wanted.memory_bytes = vm.memory_bytes;
    if let Some(uses) = held(state, target) {
        wanted.devices = uses;
    }
    wanted
}

/// What the VM uses where it is now, which the destination must offer too: the networks
/// its NICs are on (those its host lists), and GPUs and VFs like the ones it holds (GPUs of
/// the same product).
fn held(state: &State, target: &Target) -> Option<DeviceNeeds> {
    let host = state.host(target.pool, target.host)?;
    let devices = &host.facts.as_ref()?.devices;
    let uses = devices.uses.iter().find(|u| u.vm == target.name)?;
    let holds: Vec<&HostDevice> = devices
        .devices
        .iter()
        .filter(|d| uses.devices.contains(&d.address))
        .collect();
    let count = |kind| holds.iter().filter(|d| d.kind == kind).count() as u32;
    // Only networks its host lists: a plain host bridge or a macvtap device is not known
    // on either side (no interface driver), so it can't be checked and is not asked for.
    let mut networks: Vec<String> = uses
        .nics
        .iter()
        .map(|n| n.source.clone())
        .filter(|s| devices.network(s).is_some())
        .collect();
    networks.dedup();
    Some(DeviceNeeds {
        gpus: count(DeviceKind::Gpu),
        gpu_model: holds
            .iter()
            .find(|d| d.kind == DeviceKind::Gpu)
            .map(|d| d.product.clone()),
        vfs: count(DeviceKind::VirtualFunction),
        vf_network: None,
        networks,
    })
}

fn release(room: &mut HostRoom, vm: &Vm) {
    let Some(at) = room.vms.iter().position(|placed| placed.name == vm.name) else {
        return;
    };
    room.vms.remove(at);
    room.vcpus_allocated = room.vcpus_allocated.saturating_sub(u64::from(vm.vcpus));
    room.memory_allocated_bytes = room.memory_allocated_bytes.saturating_sub(vm.memory_bytes);
}
