//! Devices and networks as placement resources: a host lacking a network the VM needs is
//! rejected naming it; free GPUs and virtual functions are counted per NUMA node, and a
//! single-node VM takes them from its own node.

use super::types::{DeviceRoom, FreeDevice};
use crate::model::devices::{DeviceKind, DeviceNeeds, HostDevices, HostNetwork};

impl DeviceRoom {
    /// The free devices and the host's networks.
    pub fn of(host: &HostDevices) -> DeviceRoom {
        let free = |kind| {
            host.devices
                .iter()
                .filter(|d| d.kind == kind && d.used_by.is_none())
                .map(|d| FreeDevice {
                    address: d.address.clone(),
                    node: d.numa_node,
                    model: format!("{} {}", d.vendor, d.product),
                })
                .collect()
        };
        DeviceRoom {
            gpus: free(DeviceKind::Gpu),
            vfs: free(DeviceKind::VirtualFunction),
            networks: host.networks.clone(),
        }
    }

    /// `no bridge for vlan-120`, for each network the VM needs that the host lacks.
    pub(super) fn missing_networks(&self, needs: &DeviceNeeds) -> Vec<String> {
        needs
            .all_networks()
            .filter(|wanted| self.network(wanted).is_none())
            .map(|wanted| format!("no bridge for {wanted}"))
            .collect()
    }

    /// The network that answers `wanted` (its name, bridge or `vlan-N`).
    pub fn network(&self, wanted: &str) -> Option<&HostNetwork> {
        self.networks.iter().find(|n| n.answers(wanted))
    }

    /// What the host (on `node`, or anywhere when None) lacks of the devices asked for.
    pub(super) fn shortfalls(&self, needs: &DeviceNeeds, node: Option<u32>) -> Vec<String> {
        let on = node.map_or(String::new(), |n| format!(" on node {n}"));
        let mut reasons = Vec::new();
        let gpus = self.gpus_for(needs, node).count();
        if gpus < needs.gpus as usize {
            let model = needs
                .gpu_model
                .as_ref()
                .map_or(String::new(), |m| format!(" {m}"));
            reasons.push(format!(
                "{gpus} free{model} GPUs{on} ({} asked)",
                needs.gpus
            ));
        }
        let vfs = self.vfs_on(node).count();
        if vfs < needs.vfs as usize {
            reasons.push(format!("{vfs} free VFs{on} ({} asked)", needs.vfs));
        }
        reasons
    }

    /// Free GPUs of the model asked for, on `node` (anywhere when None).
    pub fn gpus_for<'a>(
        &'a self,
        needs: &'a DeviceNeeds,
        node: Option<u32>,
    ) -> impl Iterator<Item = &'a FreeDevice> {
        self.gpus
            .iter()
            .filter(move |d| node.is_none() || d.node == node)
            .filter(move |d| {
                needs
                    .gpu_model
                    .as_ref()
                    .is_none_or(|m| d.model.to_lowercase().contains(&m.to_lowercase()))
            })
    }

    pub fn vfs_on(&self, node: Option<u32>) -> impl Iterator<Item = &FreeDevice> {
        self.vfs
            .iter()
            .filter(move |d| node.is_none() || d.node == node)
    }

    /// Takes what a placed VM uses off the free devices (from its node when it has one).
    pub(super) fn charge(&mut self, needs: &DeviceNeeds, node: Option<u32>) {
        let gpus: Vec<String> = self
            .gpus_for(needs, node)
            .take(needs.gpus as usize)
            .map(|d| d.address.clone())
            .collect();
        let vfs: Vec<String> = self
            .vfs_on(node)
            .take(needs.vfs as usize)
            .map(|d| d.address.clone())
            .collect();
        self.gpus.retain(|d| !gpus.contains(&d.address));
        self.vfs.retain(|d| !vfs.contains(&d.address));
    }
}
