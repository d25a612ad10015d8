//! Which of the host's GPUs, VFs and networks a composed VM gets: free ones on the node
//! placement chose (anywhere for a VM without one), never one an earlier VM of the same set
//! was given.

use std::collections::HashSet;

use crate::model::compose::{Attachments, NetworkNic};
use crate::model::devices::{DeviceNeeds, HostNetwork};
use crate::placement::DeviceRoom;

/// Addresses given out while a plan is made, by host: placement charged them on its own copy.
#[derive(Debug, Default)]
pub struct Taken(HashSet<(String, String)>);

impl Taken {
    /// The devices and NICs for a VM on `host` (whose room is `room`), on `node` when placed on
    /// one; what it gets is taken.
    pub fn pick(
        &mut self,
        host: &str,
        room: &DeviceRoom,
        needs: &DeviceNeeds,
        node: Option<u32>,
    ) -> Attachments {
        let mut free = |list: Vec<&str>, count: u32| -> Vec<String> {
            let picked: Vec<String> = list
                .into_iter()
                .filter(|a| !self.0.contains(&(host.to_string(), a.to_string())))
                .take(count as usize)
                .map(str::to_string)
                .collect();
            for address in &picked {
                self.0.insert((host.to_string(), address.clone()));
            }
            picked
        };
        let gpus = room.gpus_for(needs, node).map(|d| d.address.as_str());
        let gpus = free(gpus.collect(), needs.gpus);
        let vfs = room.vfs_on(node).map(|d| d.address.as_str());
        let vlan = needs.vf_network.as_deref().and_then(|n| vlan_of(room, n));
        let vfs = free(vfs.collect(), needs.vfs)
            .into_iter()
            .map(|a| (a, vlan))
            .collect();
        Attachments {
            gpus,
            vfs,
            nics: needs
                .networks
                .iter()
                .filter_map(|wanted| room.network(wanted).map(nic))
                .collect(),
        }
    }
}

/// A libvirt network by name; a bridge (an Incus bridge, managed or not) as the bridge.
fn nic(network: &HostNetwork) -> NetworkNic {
    match (network.kind.as_str(), &network.bridge) {
        ("bridge", Some(bridge)) => NetworkNic::Bridge(bridge.clone()),
        _ => NetworkNic::Network(network.name.clone()),
    }
}

/// The VLAN a VF on `wanted` is tagged with: the network's own, or the one its name says.
fn vlan_of(room: &DeviceRoom, wanted: &str) -> Option<u32> {
    room.network(wanted)
        .and_then(|n| n.vlan)
        .or_else(|| wanted.strip_prefix("vlan-")?.parse().ok())
}
