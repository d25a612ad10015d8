//! Bulk reads of one Incus server: facts, NUMA, storage, and every instance with its state in
//! one call (DESIGN.md §5).

use std::collections::HashMap;
use std::time::Instant;

use super::client::Client;
use super::convert::{self, HostCpus};
use super::types::{
    ClusterMember, Instance, PoolResources, Resources, Server, StoragePool as IncusPool, Volume,
    VolumeState,
};
use crate::backend::HostEvent;
use crate::model::{
    Disk, HostFacts, HostInventory, MemberInventory, Nic, Snapshot as VmSnapshot, VmDetails,
    VmSample,
};

/// A standalone server is one host; a cluster is one host per member.
#[derive(Debug, Clone, PartialEq)]
pub enum Inventory {
    Server(Box<HostInventory>),
    Cluster(Vec<MemberInventory>),
}

impl Inventory {
    pub fn into_event(self) -> HostEvent {
        match self {
            Inventory::Server(inventory) => HostEvent::Connected(*inventory),
            Inventory::Cluster(members) => HostEvent::Members(members),
        }
    }
}

/// What the supervisor keeps between calls.
pub struct Snapshot {
    pub inventory: Inventory,
    pub instances: Vec<Instance>,
    /// Each member's CPUs, for the CPU % of containers without limits.
    pub cpus: HostCpus,
}

pub async fn snapshot(client: &Client) -> Result<Snapshot, String> {
    let server: Server = client.get("/1.0").await?;
    let instances = all_instances(client).await?;
    if !server.environment.server_clustered {
        let facts = facts(client, &server, None, &instances).await?;
        let cpus = HostCpus::single(facts.cpus);
        let vms = instances.iter().map(convert::vm).collect();
        return Ok(Snapshot {
            inventory: Inventory::Server(Box::new(HostInventory { facts, vms })),
            instances,
            cpus,
        });
    }
    let members = cluster_members(client).await?;
    let mut cpus = HostCpus::default();
    let mut facts_of = Vec::new();
    for member in &members {
        let facts = match member.unusable() {
            Some(_) => HostFacts::default(),
            // A member can go away between the two calls: then it is down, not the cluster.
            None => facts(client, &server, Some(&member.server_name), &instances)
                .await
                .unwrap_or_default(),
        };
        cpus.insert(&member.server_name, facts.cpus);
        facts_of.push(facts);
    }
    let inventory = members
        .iter()
        .zip(facts_of)
        .map(|(member, facts)| MemberInventory {
            name: member.server_name.clone(),
            down: member.unusable(),
            inventory: HostInventory {
                facts,
                vms: instances
                    .iter()
                    .filter(|i| i.location == member.server_name)
                    .map(convert::vm)
                    .collect(),
            },
        })
        .collect();
    Ok(Snapshot {
        inventory: Inventory::Cluster(inventory),
        instances,
        cpus,
    })
}

/// The members of a cluster, with their status.
pub async fn cluster_members(client: &Client) -> Result<Vec<ClusterMember>, String> {
    client.get("/1.0/cluster/members?recursion=1").await
}

/// One server's (or member's) CPUs, memory, NUMA nodes, storage, devices and networks (with
/// what `instances` use of them).
async fn facts(
    client: &Client,
    server: &Server,
    member: Option<&str>,
    instances: &[Instance],
) -> Result<HostFacts, String> {
    let target = member.map_or(String::new(), |m| format!("?target={m}"));
    let resources: Resources = client.get(&format!("/1.0/resources{target}")).await?;
    Ok(HostFacts {
        hostname: member.map_or(server.environment.server_name.clone(), str::to_string),
        cpu_model: resources
            .cpu
            .sockets
            .first()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        cpus: resources.cpu.total,
        mhz: first_frequency(&resources),
        memory_bytes: resources.memory.total,
        numa: convert::numa_cells(&resources),
        storage: storage_pools(client, &target).await,
        hypervisor: hypervisor(server),
        devices: super::devices::read(client, member, instances).await,
    })
}

/// A server's (or a cluster member's) NUMA free memory and pages and its storage use, read
/// again for a host view or dashboard that is open.
pub async fn live_figures(
    client: &Client,
    member: Option<&str>,
) -> Result<crate::model::live::LiveFigures, String> {
    let target = member.map_or(String::new(), |m| format!("?target={m}"));
    let resources: Resources = client.get(&format!("/1.0/resources{target}")).await?;
    Ok(crate::model::live::LiveFigures {
        numa: convert::numa_cells(&resources),
        storage: storage_pools(client, &target).await,
        taken_at: std::time::SystemTime::now(),
    })
}

/// Every instance with its state, in one call.
pub async fn all_instances(client: &Client) -> Result<Vec<Instance>, String> {
    let path = format!("/1.0/instances?recursion=2&{}", client.project_query());
    client.get(&path).await
}

/// One instance (with state), after an event named it.
pub async fn one_instance(client: &Client, project: &str, name: &str) -> Result<Instance, String> {
    client
        .get(&format!(
            "/1.0/instances/{name}?recursion=1&project={project}"
        ))
        .await
}

fn first_frequency(resources: &Resources) -> u32 {
    let cores = resources.cpu.sockets.iter().flat_map(|s| &s.cores);
    cores.map(|c| c.frequency).find(|f| *f > 0).unwrap_or(0)
}

fn hypervisor(server: &Server) -> String {
    let env = &server.environment;
    let clustered = if env.server_clustered {
        " (cluster)"
    } else {
        ""
    };
    format!(
        "incus {}{clustered} / {} {}",
        env.server_version, env.driver, env.driver_version
    )
}

/// Storage pools with their space; a pool whose space can't be read shows as empty rather
/// than failing the whole inventory.
async fn storage_pools(client: &Client, target: &str) -> Vec<crate::model::StoragePool> {
    let Ok(pools) = client
        .get::<Vec<IncusPool>>("/1.0/storage-pools?recursion=1")
        .await
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for pool in &pools {
        let path = format!("/1.0/storage-pools/{}/resources{target}", pool.name);
        let resources = client.get::<PoolResources>(&path).await.ok();
        out.push(convert::storage_pool(pool, resources.as_ref()));
    }
    out
}

/// Every volume of every storage pool (all members, all projects), with its usage for the
/// first hundred (one call each; the host view asks, not the regular passes).
pub async fn volumes(client: &Client) -> Vec<crate::model::StorageVolume> {
    const MEASURED: usize = 100;
    let Ok(pools) = client
        .get::<Vec<IncusPool>>("/1.0/storage-pools?recursion=1")
        .await
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for pool in &pools {
        let path = format!(
            "/1.0/storage-pools/{}/volumes?recursion=1&all-projects=true",
            pool.name
        );
        let Ok(volumes) = client.get::<Vec<Volume>>(&path).await else {
            continue;
        };
        for volume in &volumes {
            let used = if out.len() < MEASURED {
                volume_usage(client, &pool.name, volume).await
            } else {
                None
            };
            out.push(convert::volume(&pool.name, volume, used));
        }
    }
    out
}

async fn volume_usage(client: &Client, pool: &str, volume: &Volume) -> Option<u64> {
    let target = match volume.location.as_str() {
        "" | "none" => String::new(),
        member => format!("?target={member}"),
    };
    let path = format!(
        "/1.0/storage-pools/{pool}/volumes/{}/{}/state{target}",
        volume.kind, volume.name
    );
    let state: VolumeState = client.get(&path).await.ok()?;
    state.usage.map(|u| u.used)
}

/// CPU % from the growth of each instance's CPU time between two passes.
#[derive(Default)]
pub struct CpuSampler {
    last: HashMap<String, (u64, Instant)>,
}

impl CpuSampler {
    pub fn sample(&mut self, instances: &[Instance], cpus: &HostCpus) -> Vec<VmSample> {
        let now = Instant::now();
        let mut next = HashMap::new();
        let samples = instances
            .iter()
            .filter(|i| i.status == "Running")
            .map(|i| {
                let vm = convert::vm(i);
                // A container without a CPU limit may use, and is measured against, its host.
                let vcpus = if vm.vcpus == 0 {
                    cpus.of(&i.location)
                } else {
                    vm.vcpus
                };
                let used_ns = i.state.as_ref().map_or(0, |s| s.cpu.usage);
                let cpu_percent = self.last.get(&vm.uuid).and_then(|(before, at)| {
                    let wall_ns = now.duration_since(*at).as_nanos() as f64;
                    let busy_ns = used_ns.checked_sub(*before)? as f64;
                    (wall_ns > 0.0).then(|| 100.0 * busy_ns / wall_ns / f64::from(vcpus))
                });
                next.insert(vm.uuid.clone(), (used_ns, now));
                VmSample {
                    uuid: vm.uuid,
                    cpu_percent,
                    guest_used_bytes: None,
                    memory_used_bytes: vm.memory_used_bytes,
                }
            })
            .collect();
        self.last = next;
        samples
    }
}

/// The detail view's disks and NICs from the expanded devices; the instance's JSON stands in
/// for libvirt's XML.
fn snapshots(instance: &Instance) -> Vec<VmSnapshot> {
    let mut out: Vec<VmSnapshot> = instance
        .snapshots
        .iter()
        .map(|s| VmSnapshot {
            // Incus names them `instance/snapshot` in some answers.
            name: s.name.rsplit('/').next().unwrap_or(&s.name).to_string(),
            parent: None,
            description: s.description.clone(),
            created: crate::model::units::parse_rfc3339(&s.created_at).unwrap_or(0),
            state: if s.stateful {
                "running".into()
            } else {
                "disk only".into()
            },
            current: false,
        })
        .collect();
    out.sort_by_key(|s| s.created);
    out
}

pub fn details(instance: &Instance) -> VmDetails {
    let mut devices: Vec<_> = instance.expanded_devices.iter().collect();
    devices.sort_by_key(|(name, _)| name.as_str());
    let get = |d: &HashMap<String, String>, k: &str| d.get(k).cloned().unwrap_or_default();
    let disks = devices
        .iter()
        .filter(|(_, d)| d.get("type").is_some_and(|t| t == "disk"))
        .map(|(name, d)| Disk {
            target: name.to_string(),
            device: get(d, "path"),
            format: get(d, "pool"),
            source: get(d, "source"),
            backing: Vec::new(),
        })
        .collect();
    let nics = devices
        .iter()
        .filter(|(_, d)| d.get("type").is_some_and(|t| t == "nic"))
        .map(|(name, d)| Nic {
            mac: get(d, "hwaddr"),
            kind: get(d, "nictype"),
            source: get(d, "network").max(get(d, "parent")),
            model: name.to_string(),
            vlan: d.get("vlan").and_then(|v| v.parse().ok()),
        })
        .collect();
    VmDetails {
        disks,
        nics,
        xml: describe_config(instance),
        snapshots: snapshots(instance),
    }
}

fn describe_config(instance: &Instance) -> String {
    let mut keys: Vec<_> = instance.expanded_config.iter().collect();
    keys.sort();
    let mut text = format!(
        "# incus instance {} (project {}, {}, on {})\n",
        instance.name, instance.project, instance.kind, instance.location
    );
    for (key, value) in keys {
        text.push_str(&format!("{key}: {value}\n"));
    }
    text
}
