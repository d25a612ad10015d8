//! `vmdeck capacity`: hosts, NUMA nodes and storage with the same figures the host view shows.

use std::collections::HashMap;
use std::io::Write;

use serde::Serialize;

use crate::app::capacity::Capacity;
use crate::config::{Config, PoolConfig};
use crate::headless::{Skip, read_all, selected_pools};
use crate::model::devices::{HostDevice, HostNetwork, NodeDevices};
use crate::model::{HostInventory, Pages, StoragePool, VmPlacement};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CapacityOutput {
    Json,
    Csv,
}

#[derive(Debug, Serialize)]
struct HostReport {
    pool: String,
    name: String,
    cpus: u32,
    memory_bytes: u64,
    #[serde(flatten)]
    capacity: Capacity,
    cpu_ratio: f64,
    memory_ratio: f64,
    vms: usize,
    numa_nodes: Vec<NodeReport>,
    storage_pools: Vec<StoragePool>,
    /// GPUs, network cards and their SR-IOV functions, each with its NUMA node and user.
    devices: Vec<HostDevice>,
    /// The networks VMs can join, with the VMs on each.
    networks: Vec<HostNetwork>,
}

#[derive(Debug, Serialize)]
struct NodeReport {
    id: u32,
    cpus: Vec<u32>,
    memory_bytes: u64,
    free_bytes: Option<u64>,
    /// Pages larger than the base 4 KiB: size in KiB, total and free.
    hugepages: Vec<Pages>,
    /// The VMs placed on the node (pinned, or by their live vCPU affinity).
    vms: Vec<String>,
    offline_cpus: Vec<u32>,
    /// None when the host does not say.
    isolated_cpus: Option<Vec<u32>>,
    /// GPUs and VFs on the node, free and used.
    devices: NodeDevices,
}

fn report(
    pool: &PoolConfig,
    name: String,
    inventory: HostInventory,
    placement: &[VmPlacement],
) -> HostReport {
    let capacity = Capacity::of_host(
        &inventory.facts,
        &inventory.vms,
        placement,
        pool.overcommit,
        pool.allocation_for(&name),
    );
    let facts = inventory.facts;
    let names: HashMap<&str, &str> = inventory
        .vms
        .iter()
        .map(|v| (v.uuid.as_str(), v.name.as_str()))
        .collect();
    let vms_on = |node: u32| -> Vec<String> {
        placement
            .iter()
            .filter(|p| p.nodes(&facts.numa).contains(&node))
            .filter_map(|p| names.get(p.uuid.as_str()).map(|name| name.to_string()))
            .collect()
    };
    HostReport {
        pool: pool.name.clone(),
        name,
        cpus: facts.cpus,
        memory_bytes: facts.memory_bytes,
        capacity,
        cpu_ratio: pool.overcommit.cpu,
        memory_ratio: pool.overcommit.memory,
        vms: inventory.vms.len(),
        numa_nodes: facts
            .numa
            .iter()
            .cloned()
            .map(|n| NodeReport {
                devices: facts.devices.on_node(Some(n.id)),
                vms: vms_on(n.id),
                offline_cpus: n.offline_cpus,
                isolated_cpus: n.isolated_cpus,
                id: n.id,
                cpus: n.cpus,
                memory_bytes: n.memory_bytes,
                free_bytes: n.free_bytes,
                hugepages: n.pages.into_iter().filter(Pages::is_huge).collect(),
            })
            .collect(),
        storage_pools: facts.storage,
        devices: facts.devices.devices,
        networks: facts.devices.networks,
    }
}

/// Prints the report; false when a host could not be read (the others are printed anyway).
pub fn capacity(
    config: &Config,
    pool: Option<&str>,
    output: CapacityOutput,
) -> Result<bool, String> {
    let pools = selected_pools(config, pool)?;
    let mut all_ok = true;
    let mut hosts = Vec::new();
    for (pool_name, host, result) in read_all(&pools, true, config.read_only) {
        match result {
            Ok(read) => {
                if let Some(pool) = pools.iter().find(|p| p.name == pool_name) {
                    hosts.push(report(pool, host, read.inventory, &read.placement));
                }
            }
            Err(Skip::Unsupported(why)) => eprintln!("vmdeck: pool {pool_name}: {why}"),
            Err(Skip::Failed(e)) => {
                all_ok = false;
                eprintln!("vmdeck: {pool_name}/{host}: {e}");
            }
        }
    }
    print(&hosts, output).map_err(|e| e.to_string())?;
    Ok(all_ok)
}

fn print(hosts: &[HostReport], output: CapacityOutput) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match output {
        CapacityOutput::Json => {
            serde_json::to_writer_pretty(&mut out, hosts)?;
            writeln!(out)
        }
        CapacityOutput::Csv => {
            writeln!(
                out,
                "pool,host,cpus,memory_bytes,allocation,vcpus_allocated,vcpus_running,vcpus_defined,vcpus_capacity,memory_allocated_bytes,memory_running_bytes,memory_defined_bytes,memory_capacity_bytes,numa_nodes,vms"
            )?;
            for h in hosts {
                let c = &h.capacity;
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    h.pool,
                    h.name,
                    h.cpus,
                    h.memory_bytes,
                    c.allocation.as_str(),
                    c.vcpus_allocated,
                    c.vcpus_running,
                    c.vcpus_defined,
                    c.vcpus_capacity,
                    c.memory_allocated_bytes,
                    c.memory_running_bytes,
                    c.memory_defined_bytes,
                    c.memory_capacity_bytes,
                    h.numa_nodes.len(),
                    h.vms
                )?;
            }
            Ok(())
        }
    }
}
