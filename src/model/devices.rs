//! A host's pass-through devices and networks, and which VMs use them: what an admin asks in an
//! incident ("which VM holds this GPU?", "is there a free VF on node 1?", "why can't this VM
//! move to host B?"). Read from libvirt's node devices and networks and from Incus resources.

use serde::Serialize;

/// What a device is for placement and the views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    Gpu,
    /// A network card's physical function.
    Nic,
    /// An SR-IOV virtual function.
    VirtualFunction,
    #[default]
    Other,
}

impl DeviceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::Gpu => "GPU",
            DeviceKind::Nic => "NIC",
            DeviceKind::VirtualFunction => "VF",
            DeviceKind::Other => "device",
        }
    }
}

/// A mediated device type a device offers (vGPU profiles, …) and how many more it can make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MdevType {
    pub id: String,
    pub name: String,
    pub available: u32,
}

/// A PCI device of a host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct HostDevice {
    /// The PCI address, `0000:02:00.0`: what `<hostdev>` and Incus `pci` name.
    pub address: String,
    pub kind: DeviceKind,
    pub vendor: String,
    pub product: String,
    /// The kernel driver bound now (`vfio-pci` when given to a guest).
    pub driver: Option<String>,
    pub numa_node: Option<u32>,
    pub iommu_group: Option<u32>,
    /// A physical function's virtual functions (their addresses) and how many it can have.
    pub virtual_functions: Vec<String>,
    pub max_virtual_functions: Option<u32>,
    /// A virtual function's physical function.
    pub physical_function: Option<String>,
    pub mdev_types: Vec<MdevType>,
    /// The network interface on it (`eth0`), for network cards.
    pub interface: Option<String>,
    /// The VM that has it assigned, by name.
    pub used_by: Option<String>,
}

/// A network a host offers to VMs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct HostNetwork {
    pub name: String,
    /// `libvirt network`, `bridge`, `macvlan`, `sriov`, … as the host says.
    pub kind: String,
    /// The host bridge or device it puts VMs on.
    pub bridge: Option<String>,
    /// libvirt's forward mode (`nat`, `bridge`, `hostdev`, …).
    pub forward: Option<String>,
    pub vlan: Option<u32>,
    pub active: bool,
    /// The VMs with a NIC on it, by name.
    pub vms: Vec<String>,
}

impl HostNetwork {
    /// Whether a VM asking for `wanted` (a network name, a bridge, or `vlan-120`) finds it here.
    pub fn answers(&self, wanted: &str) -> bool {
        self.name == wanted
            || self.bridge.as_deref() == Some(wanted)
            || self.vlan.is_some_and(|v| wanted == format!("vlan-{v}"))
    }
}

/// What a VM uses of its host: assigned PCI devices and the networks its NICs are on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct VmDeviceUse {
    pub vm: String,
    /// PCI addresses of its `<hostdev>`s (or Incus `gpu`/`pci` devices).
    pub devices: Vec<String>,
    /// Each NIC: the network or bridge it is on, and its VLAN tag.
    pub nics: Vec<NicAttachment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct NicAttachment {
    pub mac: String,
    /// The libvirt network, host bridge or device it is attached to.
    pub source: String,
    pub vlan: Option<u32>,
}

/// A host's devices and networks with their users filled in from the VMs' uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct HostDevices {
    pub devices: Vec<HostDevice>,
    pub networks: Vec<HostNetwork>,
    pub uses: Vec<VmDeviceUse>,
    /// GPUs and VFs free and used per NUMA node, counted once when the users change.
    pub nodes: Vec<NodeDevices>,
}

/// What one NUMA node (None: devices whose node the host does not tell) has free and used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct NodeDevices {
    pub node: Option<u32>,
    pub gpus_free: usize,
    pub gpus_used: usize,
    pub vfs_free: usize,
    pub vfs_used: usize,
}

impl HostDevices {
    /// Marks each device and network with the VMs that use them.
    pub fn with_users(mut self) -> HostDevices {
        for device in &mut self.devices {
            device.used_by = self
                .uses
                .iter()
                .find(|u| u.devices.contains(&device.address))
                .map(|u| u.vm.clone());
        }
        for network in &mut self.networks {
            network.vms = self
                .uses
                .iter()
                .filter(|u| u.nics.iter().any(|n| network.answers(&n.source)))
                .map(|u| u.vm.clone())
                .collect();
            network.vms.dedup();
        }
        self.nodes = self.count_nodes();
        self
    }

    /// A VM's uses changed (or it appeared): its entry is replaced and the users recounted.
    pub fn with_use(mut self, uses: VmDeviceUse) -> HostDevices {
        self.uses.retain(|u| u.vm != uses.vm);
        self.uses.push(uses);
        self.with_users()
    }

    /// A VM is gone: what it held is free again.
    pub fn without_vm(mut self, vm: &str) -> HostDevices {
        self.uses.retain(|u| u.vm != vm);
        self.with_users()
    }

    fn count_nodes(&self) -> Vec<NodeDevices> {
        let mut nodes: Vec<NodeDevices> = Vec::new();
        let counted = self
            .devices
            .iter()
            .filter(|d| matches!(d.kind, DeviceKind::Gpu | DeviceKind::VirtualFunction));
        for device in counted {
            let at = match nodes.iter().position(|n| n.node == device.numa_node) {
                Some(at) => at,
                None => {
                    nodes.push(NodeDevices {
                        node: device.numa_node,
                        ..NodeDevices::default()
                    });
                    nodes.len() - 1
                }
            };
            let node = &mut nodes[at];
            let used = device.used_by.is_some();
            match (device.kind, used) {
                (DeviceKind::Gpu, false) => node.gpus_free += 1,
                (DeviceKind::Gpu, true) => node.gpus_used += 1,
                (_, false) => node.vfs_free += 1,
                (_, true) => node.vfs_used += 1,
            }
        }
        nodes.sort_by_key(|n| n.node);
        nodes
    }

    /// The node's counts (zero when it has none of them).
    pub fn on_node(&self, node: Option<u32>) -> NodeDevices {
        self.nodes
            .iter()
            .find(|n| n.node == node)
            .copied()
            .unwrap_or(NodeDevices {
                node,
                ..NodeDevices::default()
            })
    }

    /// The network that answers `wanted`, if the host has one.
    pub fn network(&self, wanted: &str) -> Option<&HostNetwork> {
        self.networks.iter().find(|n| n.answers(wanted))
    }

    /// Free (unassigned) devices of `kind` on `node` (any node when None).
    pub fn free(&self, kind: DeviceKind, node: Option<u32>) -> usize {
        self.devices
            .iter()
            .filter(|d| d.kind == kind && d.used_by.is_none())
            .filter(|d| node.is_none() || d.numa_node == node)
            .count()
    }
}

/// What a VM type asks of its host beyond CPUs and memory: pass-through GPUs (of a model),
/// SR-IOV virtual functions on a named network, and networks its NICs join.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DeviceNeeds {
    pub gpus: u32,
    /// Part of the GPU's vendor or product name (`A100`), any case; None: any GPU.
    pub gpu_model: Option<String>,
    pub vfs: u32,
    /// The network the virtual functions carry (its VLAN tags them).
    pub vf_network: Option<String>,
    /// One NIC on each: a network name, a bridge, or `vlan-120`.
    pub networks: Vec<String>,
}

impl DeviceNeeds {
    pub fn is_empty(&self) -> bool {
        self == &DeviceNeeds::default()
    }

    /// Every network it needs the host to have, the VFs' one included.
    pub fn all_networks(&self) -> impl Iterator<Item = &String> {
        self.networks.iter().chain(self.vf_network.iter())
    }
}
