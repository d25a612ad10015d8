//! `vmdeck rt-check`: the real-time check of every libvirt host of the pools, read from the
//! hosts' own XML (one connection per host, all hosts in parallel), printed as a table or
//! JSON.

use std::io::Write;

use serde::Serialize;

use super::{RtHost, VmCheck, check_host};
use crate::cli::Output;
use crate::config::{Config, PoolConfig};
use crate::headless::{Skip, read_all, selected_pools};
use crate::model::Driver;

/// How the check came out, for the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every host answered and no VM breaks a rule.
    Clean,
    /// Some VM breaks a rule.
    Violations,
    /// Some host could not be checked (named on stderr).
    Incomplete,
}

/// One VM's check with where it is.
#[derive(Debug, Serialize)]
struct Row {
    pool: String,
    host: String,
    #[serde(flatten)]
    check: VmCheck,
}

/// Checks the libvirt hosts of `pool` (or of every pool). Incus pools have no slices and no
/// vCPU schedulers to check: asked for by name, that is an error; otherwise they are skipped.
pub fn rt_check(config: &Config, pool: Option<&str>, output: Output) -> Result<Outcome, String> {
    let pools: Vec<&PoolConfig> = selected_pools(config, pool)?
        .into_iter()
        .filter(|p| p.driver == Driver::Libvirt)
        .collect();
    if pools.is_empty() {
        return Err(match pool {
            Some(name) => format!(
                "pool '{name}' is an Incus pool: it has no slices or vCPU schedulers to check"
            ),
            None => "no libvirt pools to check".into(),
        });
    }
    let mut rows = Vec::new();
    let mut incomplete = false;
    for (pool_name, host, read) in read_all(&pools, true, config.read_only) {
        let Some(pool) = pools.iter().find(|p| p.name == pool_name) else {
            continue;
        };
        match read {
            Ok(read) => {
                let checks = check_host(&RtHost {
                    name: &host,
                    cells: &read.inventory.facts.numa,
                    vms: &read.inventory.vms,
                    placement: &read.placement,
                    partitions: &pool.compose.partitions,
                    vm_types: &config.vm_types,
                });
                rows.extend(checks.into_iter().map(|check| Row {
                    pool: pool_name.clone(),
                    host: host.clone(),
                    check,
                }));
            }
            Err(Skip::Failed(why) | Skip::Unsupported(why)) => {
                incomplete = true;
                eprintln!("vmdeck: {pool_name}/{host}: not checked: {why}");
            }
        }
    }
    print(&rows, output).map_err(|e| e.to_string())?;
    Ok(if incomplete {
        Outcome::Incomplete
    } else if rows.iter().any(|r| !r.check.is_clean()) {
        Outcome::Violations
    } else {
        Outcome::Clean
    })
}

fn print(rows: &[Row], output: Output) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if output == Output::Json {
        serde_json::to_writer_pretty(&mut out, rows)?;
        return writeln!(out);
    }
    writeln!(
        out,
        "{:<10} {:<8} {:<20} {:<14} {:<16} {:<10} DETAIL",
        "POOL", "HOST", "VM", "PARTITION", "RULE", "VERDICT"
    )?;
    for row in rows {
        let check = &row.check;
        for finding in &check.rules {
            writeln!(
                out,
                "{:<10} {:<8} {:<20} {:<14} {:<16} {:<10} {}",
                row.pool,
                row.host,
                check.vm,
                check.partition.as_deref().unwrap_or("-"),
                finding.rule.as_str(),
                finding.verdict.as_str(),
                finding.detail
            )?;
        }
    }
    let bad = rows.iter().filter(|r| !r.check.is_clean()).count();
    let vms = match rows.len() {
        1 => "1 VM".to_string(),
        n => format!("{n} VMs"),
    };
    writeln!(
        out,
        "{vms} in a slice or under a real-time scheduler, {bad} with violations"
    )
}
