//! Commands that print and exit: `vmdeck list` and `vmdeck check`.

use std::io::Write;

use serde::Serialize;

use crate::backend::{incus, libvirt};
use crate::cli::Output;
use crate::config::{Config, PoolConfig};
use crate::model::units::bytes;
use crate::model::{Driver, HostInventory, VmState};

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
    for (pool, host, result) in read_all(&pools) {
        match result {
            Ok(inventory) => vms.extend(inventory.vms.into_iter().map(|vm| ListedVm {
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

pub(crate) fn read_all(
    pools: &[&PoolConfig],
) -> Vec<(String, String, Result<HostInventory, Skip>)> {
    std::thread::scope(|scope| {
        let jobs: Vec<_> = pools
            .iter()
            .flat_map(|pool| pool.hosts.iter().map(move |host| (pool, host)))
            .map(|(pool, host)| {
                let job = scope.spawn(move || match (pool.driver, &pool.incus) {
                    (Driver::Libvirt, _) => {
                        libvirt::inventory_once(&host.uri).map_err(Skip::Failed)
                    }
                    (Driver::Incus, Some(incus)) => {
                        incus::inventory_once(incus).map_err(Skip::Failed)
                    }
                    (Driver::Incus, None) => {
                        Err(Skip::Unsupported("the pool has no Incus settings".into()))
                    }
                });
                (pool.name.clone(), host.name.clone(), job)
            })
            .collect();
        jobs.into_iter()
            .map(|(pool, host, job)| {
                let result = job
                    .join()
                    .unwrap_or_else(|_| Err(Skip::Failed("reader thread panicked".into())));
                (pool, host, result)
            })
            .collect()
    })
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
