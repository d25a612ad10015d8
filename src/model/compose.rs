//! Composing VMs: the images they start from and what a backend needs to make one.

use serde::Serialize;

use super::tuning::cpu_list;
use crate::config::VmType;

/// An image new VMs can be composed from: a libvirt volume of the pool's image pool, or an
/// Incus image (by alias).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Image {
    /// What `--image` takes: the volume's name without its extension, or the alias.
    pub name: String,
    /// The host it is on (libvirt); Incus images are the whole server's or cluster's.
    pub host: String,
    /// qcow2, raw, … (libvirt); container or virtual-machine (Incus).
    pub format: String,
    pub size_bytes: u64,
    /// The volume's path (libvirt) or the image's fingerprint (Incus).
    pub location: String,
}

impl Image {
    /// Whether `wanted` names this image: its name, or its volume's file name.
    pub fn is_named(&self, wanted: &str) -> bool {
        self.name == wanted
            || self
                .location
                .rsplit('/')
                .next()
                .is_some_and(|file| file == wanted)
    }
}

/// The name `--image` takes for a volume: its file name without a disk image extension.
pub fn image_name(volume: &str) -> &str {
    [".qcow2", ".img", ".raw", ".iso"]
        .iter()
        .find_map(|ext| volume.strip_suffix(ext))
        .unwrap_or(volume)
}

/// Where libvirt finds images and puts new disks, from the pool's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibvirtStorage {
    pub image_pool: String,
    pub disk_pool: String,
    pub virt_type: String,
    pub network: Option<String>,
}

/// Where core-aware placement put a real-time VM: its node, each vCPU's host CPUs (a core
/// of its own), and its emulator's CPUs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorePins {
    pub node: u32,
    /// One entry per vCPU, in vCPU order.
    pub vcpus: Vec<Vec<u32>>,
    pub emulator: Vec<u32>,
}

/// One VM to compose on the host a placement chose.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ComposeSpec {
    pub name: String,
    pub vm_type: VmType,
    pub image: String,
    pub group: Option<String>,
    /// The set it belongs to (`db` for `db-0`, `db-1`, …).
    pub set: Option<String>,
    /// cloud-init user-data, as the admin wrote it.
    pub user_data: String,
    /// The NUMA node placement chose, with its CPUs, for a type that needs one node.
    pub numa_node: Option<(u32, Vec<u32>)>,
    /// Incus cluster: the member to create it on.
    pub member: Option<String>,
    /// libvirt: storage pools, domain type and network.
    pub storage: Option<LibvirtStorage>,
    /// A real-time type's cores, chosen by core-aware placement.
    pub cores: Option<CorePins>,
    /// Start it once made; false only defines it.
    pub start: bool,
    /// The host's GPUs, VFs and networks placement chose for it.
    pub attach: Attachments,
    /// The spec of its set, stamped on it (a member of a set only).
    pub set_spec: Option<super::set::SetSpec>,
}

/// What a composed VM is given of its host, chosen with the host (and node) placement chose.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attachments {
    /// PCI addresses of the GPUs passed through.
    pub gpus: Vec<String>,
    /// SR-IOV virtual functions: address, and the VLAN of the network they carry.
    pub vfs: Vec<(String, Option<u32>)>,
    /// One NIC on each of these networks.
    pub nics: Vec<NetworkNic>,
}

/// A NIC on a host network: a libvirt network by name, or a host bridge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkNic {
    Network(String),
    Bridge(String),
}

impl ComposeSpec {
    /// The parameters, for the audit log (no user-data: it may hold keys).
    pub fn params(&self) -> String {
        let mut words = vec![
            format!("type={}", self.vm_type.name),
            format!("image={}", self.image),
        ];
        if let Some(group) = &self.group {
            words.push(format!("group={group}"));
        }
        if let Some(set) = &self.set {
            words.push(format!("set={set}"));
        }
        if let Some((node, _)) = &self.numa_node {
            words.push(format!("numa-node={node}"));
        }
        words.extend(self.attach.gpus.iter().map(|a| format!("gpu={a}")));
        words.extend(self.attach.vfs.iter().map(|(a, _)| format!("vf={a}")));
        if let Some(cores) = &self.cores {
            let pins: Vec<String> = cores.vcpus.iter().map(|c| cpu_list(c)).collect();
            words.push(format!("vcpupin={}", pins.join("/")));
            words.push(format!("emulatorpin={}", cpu_list(&cores.emulator)));
        }
        if !self.start {
            words.push("start=no".into());
        }
        words.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_named_by_volume_stem_or_file() {
        assert_eq!(image_name("lab-busybox.qcow2"), "lab-busybox");
        assert_eq!(image_name("debian"), "debian");
        let image = Image {
            name: "lab-busybox".into(),
            host: "lab1".into(),
            format: "qcow2".into(),
            size_bytes: 1,
            location: "/var/images/lab-busybox.qcow2".into(),
        };
        assert!(image.is_named("lab-busybox") && image.is_named("lab-busybox.qcow2"));
        assert!(!image.is_named("lab"));
    }
}
