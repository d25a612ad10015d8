//! A pool's settings for composing VMs: which VM types it offers, its placement groups, and
//! (libvirt) where images and new disks live.

use std::collections::HashSet;

use super::HostConfig;
use super::file::{PlacementGroupFile, PoolFile};
use crate::model::Driver;
use crate::placement::{Enforcement, PlacementGroup, Policy};

/// What new VMs of a pool are made of and where they may go.
#[derive(Debug, Clone, PartialEq)]
pub struct ComposeSettings {
    /// The VM types offered; empty means every configured type.
    pub vm_types: Vec<String>,
    pub placement_groups: Vec<PlacementGroup>,
    /// libvirt: the storage pool whose volumes are images.
    pub image_pool: String,
    /// libvirt: the storage pool new disks and seeds are created in.
    pub disk_pool: String,
    /// libvirt: the domain type of new VMs.
    pub virt_type: String,
    /// libvirt: the network of new VMs' NIC; None gives no NIC.
    pub network: Option<String>,
    /// libvirt: the cgroup slices VMs run in, with the CPUs each allows.
    pub partitions: Vec<super::Partition>,
}

impl Default for ComposeSettings {
    fn default() -> Self {
        ComposeSettings {
            vm_types: Vec::new(),
            placement_groups: Vec::new(),
            image_pool: "images".into(),
            disk_pool: "default".into(),
            virt_type: "kvm".into(),
            network: None,
            partitions: Vec::new(),
        }
    }
}

impl ComposeSettings {
    /// Whether the pool offers the VM type named `name`.
    pub fn offers(&self, name: &str) -> bool {
        self.vm_types.is_empty() || self.vm_types.iter().any(|t| t == name)
    }

    pub fn group(&self, name: &str) -> Option<&PlacementGroup> {
        self.placement_groups.iter().find(|g| g.name == name)
    }

    pub fn partition(&self, name: &str) -> Option<&super::Partition> {
        self.partitions.iter().find(|p| p.name == name)
    }
}

/// Reads the compose keys of `file`, a pool named `pool` with `hosts` (empty for Incus,
/// whose members are only known once connected).
pub(super) fn compose_settings(
    pool: &str,
    driver: Driver,
    hosts: &[HostConfig],
    file: &mut PoolFile,
) -> Result<ComposeSettings, String> {
    let defaults = ComposeSettings::default();
    if driver == Driver::Incus {
        refuse_libvirt_keys(pool, file)?;
    }
    let virt_type = file.virt_type.take().unwrap_or(defaults.virt_type);
    if !matches!(virt_type.as_str(), "kvm" | "qemu") {
        return Err(format!(
            "pool '{pool}': virt_type = \"{virt_type}\" (expected \"kvm\" or \"qemu\")"
        ));
    }
    let host_names: Vec<&str> = hosts.iter().map(|h| h.name.as_str()).collect();
    let mut names = HashSet::new();
    let mut placement_groups = Vec::new();
    for group in std::mem::take(&mut file.placement_group) {
        let group = placement_group(pool, group, driver, &host_names)?;
        if !names.insert(group.name.clone()) {
            return Err(format!(
                "pool '{pool}': placement group '{}' is defined twice",
                group.name
            ));
        }
        placement_groups.push(group);
    }
    Ok(ComposeSettings {
        vm_types: file.vm_types.take().unwrap_or_default(),
        placement_groups,
        image_pool: file.image_pool.take().unwrap_or(defaults.image_pool),
        disk_pool: file.disk_pool.take().unwrap_or(defaults.disk_pool),
        virt_type,
        network: file.network.take(),
        partitions: Vec::new(),
    })
}

fn refuse_libvirt_keys(pool: &str, file: &PoolFile) -> Result<(), String> {
    let given = [
        ("image_pool", file.image_pool.is_some()),
        ("disk_pool", file.disk_pool.is_some()),
        ("virt_type", file.virt_type.is_some()),
        ("network", file.network.is_some()),
    ];
    match given.iter().find(|(_, set)| *set) {
        Some((key, _)) => Err(format!(
            "pool '{pool}': '{key}' is a libvirt setting; this pool's driver is incus"
        )),
        None => Ok(()),
    }
}

fn placement_group(
    pool: &str,
    file: PlacementGroupFile,
    driver: Driver,
    host_names: &[&str],
) -> Result<PlacementGroup, String> {
    let name = file
        .name
        .ok_or(format!("pool '{pool}': a placement_group needs a name"))?;
    let at = format!("pool '{pool}', placement group '{name}'");
    let policy = match file.policy.as_deref() {
        Some("vm-affinity") => Policy::VmAffinity,
        Some("vm-anti-affinity") => Policy::VmAntiAffinity,
        Some("host-affinity") => Policy::HostAffinity,
        Some("host-anti-affinity") => Policy::HostAntiAffinity,
        Some(other) => {
            return Err(format!(
                "{at}: policy = \"{other}\" (expected \"vm-affinity\", \"vm-anti-affinity\", \
                 \"host-affinity\" or \"host-anti-affinity\")"
            ));
        }
        None => return Err(format!("{at} needs a policy")),
    };
    let enforcement = match file.enforcement.as_deref() {
        None | Some("hard") => Enforcement::Hard,
        Some("soft") => Enforcement::Soft,
        Some(other) => {
            return Err(format!(
                "{at}: enforcement = \"{other}\" (expected \"hard\" or \"soft\")"
            ));
        }
    };
    let hosts = file.hosts.unwrap_or_default();
    let host_policy = matches!(policy, Policy::HostAffinity | Policy::HostAntiAffinity);
    if host_policy && hosts.is_empty() {
        return Err(format!("{at}: a host policy needs hosts = [\"…\"]"));
    }
    if !host_policy && !hosts.is_empty() {
        return Err(format!(
            "{at}: hosts only go with host-affinity or host-anti-affinity"
        ));
    }
    // Incus members are only known once connected; libvirt hosts are known now.
    let unknown = hosts.iter().find(|h| !host_names.contains(&h.as_str()));
    if let (Driver::Libvirt, Some(unknown)) = (driver, unknown) {
        return Err(format!("{at}: '{unknown}' is not a host of the pool"));
    }
    Ok(PlacementGroup {
        name,
        policy,
        enforcement,
        hosts,
    })
}

#[cfg(test)]
mod tests {
    use crate::config::parse_config;
    use crate::placement::{Enforcement, Policy};

    const HOSTS: &str = "[[pool]]\nname = \"p\"\nhosts = [{ name = \"h1\", uri = \"qemu:///a\" }, { name = \"h2\", uri = \"qemu:///b\" }]\n";

    #[test]
    fn groups_types_and_storage_are_read() {
        let text = format!(
            "{HOSTS}vm_types = [\"small\"]\nimage_pool = \"img\"\nvirt_type = \"qemu\"\n\
             [[pool.placement_group]]\nname = \"spread\"\npolicy = \"vm-anti-affinity\"\n\
             [[pool.placement_group]]\nname = \"near\"\npolicy = \"host-affinity\"\nenforcement = \"soft\"\nhosts = [\"h2\"]\n\
             [[vm_type]]\nname = \"small\"\nvcpus = 1\nmemory = \"1GiB\"\ndisk = \"1GiB\"\n"
        );
        let config = parse_config(&text, "c.toml").unwrap();
        let compose = &config.pools[0].compose;
        assert!(compose.offers("small") && !compose.offers("large"));
        assert_eq!(
            (compose.image_pool.as_str(), compose.disk_pool.as_str()),
            ("img", "default")
        );
        assert_eq!(compose.virt_type, "qemu");
        let spread = compose.group("spread").unwrap();
        assert_eq!(
            (spread.policy, spread.enforcement),
            (Policy::VmAntiAffinity, Enforcement::Hard)
        );
        let near = compose.group("near").unwrap();
        assert_eq!(
            (near.policy, near.enforcement),
            (Policy::HostAffinity, Enforcement::Soft)
        );
        assert_eq!(near.hosts, ["h2"]);
    }

    #[test]
    fn bad_groups_are_refused_with_the_reason() {
        let cases = [
            ("policy = \"spread\"", "expected \"vm-affinity\""),
            (
                "policy = \"vm-affinity\"\nenforcement = \"strict\"",
                "expected \"hard\" or \"soft\"",
            ),
            ("policy = \"host-affinity\"", "needs hosts"),
            (
                "policy = \"host-affinity\"\nhosts = [\"h9\"]",
                "'h9' is not a host",
            ),
            (
                "policy = \"vm-affinity\"\nhosts = [\"h1\"]",
                "hosts only go with",
            ),
        ];
        for (body, want) in cases {
            let text = format!("{HOSTS}[[pool.placement_group]]\nname = \"g\"\n{body}\n");
            let error = parse_config(&text, "c.toml").unwrap_err().to_string();
            assert!(error.contains(want), "{body}: {error}");
        }
        let twice = format!(
            "{HOSTS}[[pool.placement_group]]\nname = \"g\"\npolicy = \"vm-affinity\"\n\
             [[pool.placement_group]]\nname = \"g\"\npolicy = \"vm-affinity\"\n"
        );
        assert!(
            parse_config(&twice, "c.toml")
                .unwrap_err()
                .to_string()
                .contains("defined twice")
        );
        let incus = "[[pool]]\nname = \"i\"\ndriver = \"incus\"\nimage_pool = \"x\"\n";
        assert!(
            parse_config(incus, "c.toml")
                .unwrap_err()
                .to_string()
                .contains("libvirt setting")
        );
        let virt = format!("{HOSTS}virt_type = \"xen\"\n");
        assert!(
            parse_config(&virt, "c.toml")
                .unwrap_err()
                .to_string()
                .contains("\"kvm\" or \"qemu\"")
        );
    }
}
