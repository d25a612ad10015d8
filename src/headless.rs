//! Commands that print and exit: `vmdeck list` and `vmdeck check`.

use std::io::Write;
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::backend::contain::contain;
use crate::backend::{incus, libvirt};
use crate::cli::Output;
use crate::config::{Config, HostConfig, PoolConfig};
use crate::model::units::bytes;
use crate::model::{Driver, HostInventory, VmPlacement, VmState};

/// What `--timeout` is when not given.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// One VM line of `vmdeck list`.
#[derive(Debug, Serialize)]
pub struct ListedVm {
    pub pool: String,
    pub host: String,
    pub name: String,
    pub uuid: String,
    pub state: VmState,
    pub vcpus: u32,
    pub memory_bytes: u64,
    #[serde(rename = "type")]
    pub vm_type: Option<String>,
    /// Incus: "container" or "virtual-machine".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// Prints the inventory of every host (all hosts in parallel). Returns false when a host
/// could not be read; what could be read is printed anyway.
pub fn list(config: &Config, pool: Option<&str>, output: Output) -> Result<bool, String> {
    let pools = selected_pools(config, pool)?;
    let mut all_ok = true;
    let mut vms = Vec::new();
    for (pool, host, result) in read_all(&pools, false, config.read_only) {
        match result {
            Ok(read) => vms.extend(read.inventory.vms.into_iter().map(|vm| ListedVm {
                pool: pool.clone(),
                host: host.clone(),
                vm_type: vm.stamp.vm_type,
                kind: vm.kind,
                name: vm.name,
                uuid: vm.uuid,
                state: vm.state,
                vcpus: vm.vcpus,
                memory_bytes: vm.memory_bytes,
            })),
            Err(Skip::Unsupported(why)) => eprintln!("vmdeck: pool {pool}: {why}"),
            Err(Skip::Failed(e)) => {
                all_ok = false;
                eprintln!("vmdeck: {pool}/{host}: {e}");
            }
        }
    }
    print_vms(&vms, output).map_err(|e| e.to_string())?;
    Ok(all_ok)
}

/// The pools a command names (`--pool P`), or all of them.
pub(crate) fn selected_pools<'a>(
    config: &'a Config,
    pool: Option<&str>,
) -> Result<Vec<&'a PoolConfig>, String> {
    let pools: Vec<&PoolConfig> = config
        .pools
        .iter()
        .filter(|p| pool.is_none_or(|want| p.name == want))
        .collect();
    if pools.is_empty() {
        return Err(pool.map_or("no pools configured".into(), |name| {
            format!("no pool named '{name}'")
        }));
    }
    Ok(pools)
}

pub(crate) enum Skip {
    Unsupported(String),
    Failed(String),
}

/// What a headless command reads of one host.
pub(crate) struct HostRead {
    pub inventory: HostInventory,
    /// Where its VMs are placed, when asked for (empty otherwise).
    pub placement: Vec<VmPlacement>,
}

/// What one host's reader gives: a row per host (per member for an Incus cluster).
type HostRows = Vec<(String, Result<HostRead, Skip>)>;

/// How long headless commands wait for the hosts (`--timeout`); set once by main.
static TIMEOUT: OnceLock<Duration> = OnceLock::new();

/// Sets the deadline of every later `read_all` (the first call wins).
pub fn set_timeout(timeout: Duration) {
    let _ = TIMEOUT.set(timeout);
}

/// Every host of the pools, read in parallel: one row per host, an Incus cluster giving one
/// row per member. `with_placement` also reads where the VMs are pinned (one XML read per
/// libvirt domain). Read-only pools (all, with `read_only`) are read over read-only
/// connections. A host that has not answered by the deadline gets a row saying so; its
/// thread is left behind (it may sit in a hung call) and ends with the process.
pub(crate) fn read_all(
    pools: &[&PoolConfig],
    with_placement: bool,
    read_only: bool,
) -> Vec<(String, String, Result<HostRead, Skip>)> {
    let timeout = TIMEOUT.get().copied().unwrap_or(DEFAULT_TIMEOUT);
    let deadline = Instant::now() + timeout;
    let (tx, rx) = channel();
    let hosts: Vec<(String, String)> = pools
        .iter()
        .flat_map(|pool| {
            pool.hosts
                .iter()
                .map(|host| (pool.name.clone(), host.name.clone()))
        })
        .collect();
    let mut index = 0;
    for pool in pools {
        for host in &pool.hosts {
            let (pool, host, job_tx) = ((*pool).clone(), host.clone(), tx.clone());
            let ro = read_only || pool.read_only;
            let job = index;
            let spawned = std::thread::Builder::new().spawn(move || {
                let rows = contain(|| read_host(&pool, &host, with_placement, ro))
                    .unwrap_or_else(|panic| vec![(host.name.clone(), Err(Skip::Failed(panic)))]);
                let _ = job_tx.send((job, rows));
            });
            if spawned.is_err() {
                let failed = Err(Skip::Failed("cannot start a thread".into()));
                let _ = tx.send((job, vec![(hosts[job].1.clone(), failed)]));
            }
            index += 1;
        }
    }
    drop(tx);
    collect(&hosts, &rx, deadline, timeout)
}

/// The rows in the hosts' order; each host still silent at `deadline` is named as such.
fn collect(
    hosts: &[(String, String)],
    rx: &Receiver<(usize, HostRows)>,
    deadline: Instant,
    timeout: Duration,
) -> Vec<(String, String, Result<HostRead, Skip>)> {
    let mut answers: Vec<Option<Vec<_>>> = hosts.iter().map(|_| None).collect();
    while answers.iter().any(Option::is_none) {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok((job, rows)) = rx.recv_timeout(left) else {
            break;
        };
        answers[job] = Some(rows);
    }
    hosts
        .iter()
        .zip(answers)
        .flat_map(|((pool, host), rows)| {
            let rows = rows.unwrap_or_else(|| {
                let why = format!("did not answer within {} s", timeout.as_secs());
                vec![(host.clone(), Err(Skip::Failed(why)))]
            });
            rows.into_iter()
                .map(move |(host, result)| (pool.clone(), host, result))
        })
        .collect()
}

fn read_host(
    pool: &PoolConfig,
    host: &HostConfig,
    with_placement: bool,
    read_only: bool,
) -> Vec<(String, Result<HostRead, Skip>)> {
    let one = |result| vec![(host.name.clone(), result)];
    match (pool.driver, &pool.incus) {
        (Driver::Libvirt, _) => {
            let read = read_libvirt(&host.uri, with_placement, read_only, pool.deadlines);
            one(read.map_err(Skip::Failed))
        }
        (Driver::Incus, Some(incus)) => match incus::inventory_once(incus, pool.deadlines) {
            Ok((incus::Inventory::Server(inventory), placement)) => one(Ok(HostRead {
                inventory,
                placement,
            })),
            Ok((incus::Inventory::Cluster(members), placement)) => members
                .into_iter()
                .map(|member| {
                    let result = match member.down {
                        None => Ok(HostRead {
                            inventory: member.inventory,
                            placement: placement.clone(),
                        }),
                        Some(why) => Err(Skip::Failed(format!("cluster member {why}"))),
                    };
                    (member.name, result)
                })
                .collect(),
            Err(e) => one(Err(Skip::Failed(e))),
        },
        (Driver::Incus, None) => one(Err(Skip::Unsupported(
            "the pool has no Incus settings".into(),
        ))),
    }
}

/// One connection per host, whatever the command reads of it.
fn read_libvirt(
    uri: &str,
    with_placement: bool,
    read_only: bool,
    deadlines: crate::config::Deadlines,
) -> Result<HostRead, String> {
    let (inventory, placement) =
        libvirt::inventory_once(uri, read_only, with_placement, deadlines)?;
    Ok(HostRead {
        inventory,
        placement,
    })
}

/// One image row of `vmdeck images`.
#[derive(Debug, Serialize)]
struct ListedImage {
    pool: String,
    #[serde(flatten)]
    image: crate::model::compose::Image,
}

/// Prints the images of every pool (libvirt: each host's `image_pool`; Incus: the server's).
/// Returns false when a host's images could not be read.
pub fn images(config: &Config, pool: Option<&str>, output: Output) -> Result<bool, String> {
    let pools = selected_pools(config, pool)?;
    let mut all_ok = true;
    let mut rows = Vec::new();
    for pool in pools {
        let read: Vec<(String, Result<Vec<crate::model::compose::Image>, String>)> =
            match &pool.incus {
                Some(incus) => vec![(
                    pool.name.clone(),
                    incus::images_once(incus, "", pool.deadlines),
                )],
                None => pool
                    .hosts
                    .iter()
                    .map(|h| {
                        let read_only = config.read_only || pool.read_only;
                        let images = libvirt::images_once(
                            &h.uri,
                            &pool.compose.image_pool,
                            &h.name,
                            read_only,
                            pool.deadlines,
                        );
                        (h.name.clone(), images)
                    })
                    .collect(),
            };
        for (host, result) in read {
            match result {
                Ok(images) => rows.extend(images.into_iter().map(|image| ListedImage {
                    pool: pool.name.clone(),
                    image,
                })),
                Err(e) => {
                    all_ok = false;
                    eprintln!("vmdeck: {}/{host}: {e}", pool.name);
                }
            }
        }
    }
    print_images(&rows, output).map_err(|e| e.to_string())?;
    Ok(all_ok)
}

fn print_images(rows: &[ListedImage], output: Output) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if output == Output::Json {
        serde_json::to_writer_pretty(&mut out, rows)?;
        return writeln!(out);
    }
    writeln!(
        out,
        "{:<12} {:<10} {:<24} {:<16} {:>10}  LOCATION",
        "POOL", "HOST", "IMAGE", "FORMAT", "SIZE"
    )?;
    for row in rows {
        let image = &row.image;
        writeln!(
            out,
            "{:<12} {:<10} {:<24} {:<16} {:>10}  {}",
            row.pool,
            image.host,
            image.name,
            image.format,
            bytes(image.size_bytes),
            image.location
        )?;
    }
    Ok(())
}

fn print_vms(vms: &[ListedVm], output: Output) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match output {
        Output::Json => {
            serde_json::to_writer_pretty(&mut out, vms)?;
            writeln!(out)
        }
        Output::Table => {
            writeln!(
                out,
                "{:<12} {:<10} {:<28} {:<13} {:>5} {:>10} {:<10}",
                "POOL", "HOST", "NAME", "STATE", "VCPU", "MEMORY", "TYPE"
            )?;
            for vm in vms {
                writeln!(
                    out,
                    "{:<12} {:<10} {:<28} {:<13} {:>5} {:>10} {:<10}",
                    vm.pool,
                    vm.host,
                    vm.name,
                    vm.state.as_str(),
                    vm.vcpus,
                    bytes(vm.memory_bytes),
                    vm.vm_type.as_deref().unwrap_or("")
                )?;
            }
            Ok(())
        }
    }
}
