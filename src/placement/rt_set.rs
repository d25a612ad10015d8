//! Placing real-time VMs: the set placement of `set.rs`, where a host also needs free whole
//! cores in the VM's slice (`cores.rs`); the cores each VM takes are gone for the next one,
//! and the VM's NUMA node is the one its cores are on.

use super::choice::decide;
use super::cores::{CoreRequest, HostCores, pick_cores};
use super::set::charge;
use super::types::{Decision, HostRoom, PlacementGroup, VmRequest};
use crate::config::Overcommit;
use crate::model::compose::CorePins;

/// Places `vms` in turn on copies of `hosts`, with each host's `cores` and what the VM asks
/// of that host (`requests`, one per host, in the hosts' order). A host without the cores
/// is rejected with the reason; each decision comes with the cores chosen on its host.
pub fn place_set_on_cores(
    hosts: &[HostRoom],
    cores: &[HostCores],
    requests: &[CoreRequest],
    (overcommit, groups): (Overcommit, &[PlacementGroup]),
    vms: &[VmRequest],
) -> Vec<(Decision, Option<CorePins>)> {
    let mut rooms = hosts.to_vec();
    let mut cores = cores.to_vec();
    let mut placed = Vec::with_capacity(vms.len());
    for vm in vms {
        let choices: Vec<Result<CorePins, String>> = rooms
            .iter()
            .zip(&cores)
            .zip(requests)
            .map(|((room, cores), request)| {
                pick_cores(cores, &room.nodes, request).and_then(|pins| equipped(room, vm, pins))
            })
            .collect();
        let marked: Vec<HostRoom> = rooms
            .iter()
            .zip(&choices)
            .map(|(room, choice)| lacking(room, choice.as_ref().err()))
            .collect();
        let mut outcome = decide(&marked, overcommit, groups, vm);
        let chosen = outcome.host_index.and_then(|index| {
            let pins = choices[index].as_ref().ok()?.clone();
            outcome.decision.verdicts[index].numa_node = Some(pins.node);
            charge(&mut rooms[index], vm, Some(pins.node));
            cores[index].take(&pins);
            Some(pins)
        });
        placed.push((outcome.decision, chosen));
    }
    placed
}

/// The cores' node must also hold the GPUs and VFs the VM asks for.
fn equipped(room: &HostRoom, vm: &VmRequest, pins: CorePins) -> Result<CorePins, String> {
    let short = room.devices.shortfalls(&vm.devices, Some(pins.node));
    if short.is_empty() {
        Ok(pins)
    } else {
        Err(format!(
            "its free cores are on node {}, which lacks the devices: {}",
            pins.node,
            short.join(", ")
        ))
    }
}

/// The host's room with one more thing it lacks, when it has not the cores.
fn lacking(room: &HostRoom, why: Option<&String>) -> HostRoom {
    let mut room = room.clone();
    if let Some(why) = why {
        room.lacks = Some(match room.lacks.take() {
            Some(other) => format!("{other}; {why}"),
            None => why.clone(),
        });
    }
    room
}
