//! The config file as written: every field optional, unknown keys refused.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    #[serde(default)]
    pub pool: Vec<Spanned<PoolFile>>,
    #[serde(default)]
    pub vm_type: Vec<Spanned<VmTypeFile>>,
    pub read_only: Option<bool>,
    pub theme: Option<String>,
    pub stats_interval_secs: Option<Spanned<u64>>,
    pub console_scrollback: Option<Spanned<usize>>,
    pub console_log: Option<bool>,
    /// Questions turned off per action (`clone = false`).
    pub confirm: Option<Spanned<std::collections::BTreeMap<String, bool>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolFile {
    pub name: Option<String>,
    pub driver: Option<String>,
    pub hosts: Option<Vec<Spanned<HostEntry>>>,
    /// Incus: `unix:///path/to/unix.socket` or `https://host:8443`.
    pub url: Option<String>,
    /// Incus: a remote of the `incus` client, instead of `url`.
    pub remote: Option<String>,
    /// Incus over HTTPS: the client certificate and key (PEM) the server trusts.
    pub client_cert: Option<String>,
    pub client_key: Option<String>,
    /// Incus over HTTPS: the server's certificate (PEM), pinned.
    pub server_cert: Option<String>,
    /// Incus: only this project (default: all projects).
    pub project: Option<String>,
    pub read_only: Option<bool>,
    pub theme: Option<String>,
    /// Seconds a host may take to connect (default 10) and to answer a call (default 15).
    pub connect_timeout_secs: Option<Spanned<u64>>,
    pub call_timeout_secs: Option<Spanned<u64>>,
    pub overcommit: Option<OvercommitFile>,
    /// `running`, `running+autostart` (default) or `defined`: what counts as allocated.
    pub allocation: Option<String>,
    /// The VM types this pool offers (default: every `[[vm_type]]`).
    pub vm_types: Option<Vec<String>>,
    #[serde(default)]
    pub placement_group: Vec<PlacementGroupFile>,
    /// libvirt: the cgroup slices VMs run in, with the CPUs each allows.
    #[serde(default)]
    pub partition: Vec<Spanned<PartitionFile>>,
    /// libvirt: the storage pool whose volumes are the images VMs are composed from.
    pub image_pool: Option<String>,
    /// libvirt: the storage pool new VMs' disks are created in.
    pub disk_pool: Option<String>,
    /// libvirt: the domain type of new VMs, "kvm" (default) or "qemu" (emulation).
    pub virt_type: Option<String>,
    /// libvirt: the network new VMs get a virtio NIC on (default: no NIC).
    pub network: Option<String>,
}

/// `[[pool.placement_group]]`: a named rule for where its VMs go.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlacementGroupFile {
    pub name: Option<String>,
    /// `vm-affinity`, `vm-anti-affinity`, `host-affinity` or `host-anti-affinity`.
    pub policy: Option<String>,
    /// `hard` (default) or `soft`.
    pub enforcement: Option<String>,
    /// The hosts of a host policy.
    pub hosts: Option<Vec<String>>,
}

/// `[[pool.partition]]`: a slice such as `/machine/rt`, the CPUs it allows and those of them
/// kept for housekeeping (emulator threads), on every host (`cpus = "4-15"`) and where a host
/// differs (`hosts = { lab1 = "2-3" }` or `hosts = { lab1 = { cpus = "0-1", housekeeping = "0" } }`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionFile {
    pub name: Option<String>,
    pub cpus: Option<Spanned<String>>,
    pub housekeeping: Option<Spanned<String>>,
    pub hosts: Option<std::collections::BTreeMap<String, Spanned<HostSliceFile>>>,
}

/// One host's line of a partition: its CPUs, or a table with CPUs and housekeeping CPUs.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum HostSliceFile {
    Cpus(String),
    Table(HostSliceTable),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSliceTable {
    pub cpus: Option<String>,
    pub housekeeping: Option<String>,
}

/// A libvirt host: a bare URI, or a table with a name.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum HostEntry {
    Uri(String),
    Named(NamedHost),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedHost {
    pub name: Option<String>,
    pub uri: String,
    pub migration_uri: Option<String>,
    /// Overrides the pool's `allocation` for this host.
    pub allocation: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OvercommitFile {
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmTypeFile {
    pub name: Option<String>,
    pub vcpus: Option<u32>,
    pub memory: Option<SizeValue>,
    pub disk: Option<SizeValue>,
    /// `"any"` (default) or `"single-node"`.
    pub numa: Option<String>,
    /// `"2M"` or `"1G"`: memory backed by hugepages of that size.
    pub hugepages: Option<String>,
    /// Pin each vCPU to the host CPUs of the VM's NUMA node.
    pub cpu_pinning: Option<bool>,
    /// A resource partition (cgroup slice) for real-time VMs, e.g. `"/machine/rt"`.
    pub partition: Option<String>,
    /// The root disk: `"linked"` (default, a qcow2 overlay of the image) or `"full"` (a copy).
    pub disk_copy: Option<String>,
    /// A real-time vCPU scheduler: `"fifo"` or `"rr"`.
    pub vcpusched: Option<Spanned<String>>,
    /// Its priority, 1 to 99 (default 1).
    pub priority: Option<Spanned<i64>>,
    /// Where the emulator threads go: `"housekeeping"` (default) or a CPU list.
    pub emulator: Option<Spanned<String>>,
    /// `"core"`: each vCPU alone on a physical core, its siblings left idle.
    pub isolate: Option<Spanned<String>>,
}

/// A size written as `"128MiB"` or as a number of bytes.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum SizeValue {
    Bytes(u64),
    Text(String),
}
