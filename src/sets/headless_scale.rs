//! `vmdeck sets scale SET N`: prints the plan of `sets::scale` (which members are deleted,
//! which are composed where, which are restamped) and with `--yes` carries it out, each step
//! printed and audited, then restamps every member that stays with the new count and a new
//! generation. Deleting running members from a terminal wants their count typed.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use super::execute::{Act, carry_out_for};
use super::headless::{PoolRead, read_pool, sets_of};
use super::place::place_member;
use super::scale::{ScalePlan, Strategy, host_load, plan};
use super::status::SetStatus;
use crate::compose::headless::pool_view;
use crate::config::{Config, PoolConfig};
use crate::headless::selected_pools;
use crate::model::set::{SetSpec, generation_at};

/// Options of `vmdeck sets scale`.
pub struct ScaleArgs<'a> {
    pub pool: Option<&'a str>,
    pub set: &'a str,
    pub count: u32,
    pub strategy: Strategy,
    /// Carry the plan out, writing each step to this audit log.
    pub yes: Option<PathBuf>,
}

/// Ok(false) when a member can't be placed, a step failed or a host could not be read.
pub fn run_scale(config: &Config, args: &ScaleArgs) -> Result<bool, String> {
    let (pool, read, status) = find_set(config, args)?;
    if args.yes.is_some() && (config.read_only || pool.read_only) {
        return Err(format!("refused: pool {} is read-only", pool.name));
    }
    let loads: Vec<(String, f64)> = read
        .rows
        .iter()
        .filter_map(|(_, host, read)| {
            let inventory = &read.as_ref().ok()?.inventory;
            Some((
                host.clone(),
                host_load(&inventory.vms, inventory.facts.cpus),
            ))
        })
        .collect();
    let load = |host: &str| loads.iter().find(|(h, _)| h == host).map_or(0.0, |l| l.1);
    let plan = plan(&status, args.count, args.strategy, &load)?;
    let spec = new_spec(&status, &plan)?;
    let all_up = read.hosts.iter().all(|(_, up, _)| *up);
    let read_only = config.read_only || pool.read_only;
    let mut view = pool_view(pool, read.rows, read_only);
    let mut acts = Vec::new();
    let mut placed_all = true;
    println!(
        "set {} in pool {}: {} desired · {} present · {} running → {} ({} first)",
        status.name,
        pool.name,
        status.desired,
        status.present,
        status.running,
        plan.to,
        args.strategy.word()
    );
    for member in &plan.delete {
        let running = if member.state.is_active() {
            " (running)"
        } else {
            ""
        };
        println!("  delete {} on {}{running}", member.name, member.host);
        acts.push(Act::Delete {
            name: member.name.clone(),
            host: member.host.clone(),
        });
    }
    for index in &plan.add {
        match place_member(&mut view, &config.vm_types, &status.name, *index, &spec) {
            Ok((host, made)) => {
                println!("  compose {} on {host}", made.name);
                acts.push(Act::Compose { host, spec: made });
            }
            Err(why) => {
                placed_all = false;
                println!("  compose {}-{index}: can't be placed: {why}", status.name);
            }
        }
    }
    acts.extend(restamps(&plan, &spec));
    let Some(audit) = &args.yes else {
        println!("(plan only: nothing was changed; --yes carries it out)");
        return Ok(placed_all && all_up);
    };
    if !placed_all {
        eprintln!(
            "vmdeck: set {}: not scaled: a member can't be placed",
            status.name
        );
        return Ok(false);
    }
    confirm_running(&plan)?;
    let mut ok = all_up;
    for act in &acts {
        ok &= carry_out_for(pool, (&status.name, "scale"), act, audit);
    }
    Ok(ok)
}

/// The set named in `pool` (or in the one pool of all that has it), as read.
fn find_set<'a>(
    config: &'a Config,
    args: &ScaleArgs,
) -> Result<(&'a PoolConfig, PoolRead, SetStatus), String> {
    let mut found = Vec::new();
    for pool in selected_pools(config, args.pool)? {
        let read = read_pool(pool, config.read_only);
        if let Some(set) = sets_of(pool, &read)
            .into_iter()
            .find(|s| s.name == args.set)
        {
            found.push((pool, read, set));
        }
    }
    match found.len() {
        0 => Err(format!("no set named '{}'", args.set)),
        1 => Ok(found.remove(0)),
        _ => {
            let pools: Vec<&str> = found.iter().map(|(p, _, _)| p.name.as_str()).collect();
            Err(format!(
                "set {} is in pools {}: name one with --pool",
                args.set,
                pools.join(", ")
            ))
        }
    }
}

/// The spec every member ends with: the set's newest with the new count, in a generation
/// newer than any member carries.
fn new_spec(status: &SetStatus, plan: &ScalePlan) -> Result<SetSpec, String> {
    let spec = plan.spec.clone().ok_or_else(|| {
        format!(
            "set {}: no member carries the set's spec to scale it by (scale it in the TUI, which reads the members' stamps)",
            status.name
        )
    })?;
    let newest = status.spec.as_ref().map_or(0, |s| s.generation + 1);
    let generation = generation_at(std::time::SystemTime::now()).max(newest);
    Ok(SetSpec { generation, ..spec })
}

/// A restamp for each member that stays on a host that answers (printed in one line).
fn restamps(plan: &ScalePlan, spec: &SetSpec) -> Vec<Act> {
    let (up, down): (Vec<_>, Vec<_>) = plan.keep.iter().partition(|m| m.host_up);
    if !up.is_empty() {
        let names: Vec<String> = up
            .iter()
            .map(|m| format!("{} on {}", m.name, m.host))
            .collect();
        println!(
            "  restamp {} with replicas {}",
            names.join(", "),
            spec.replicas
        );
    }
    for member in down {
        println!(
            "  leave {}: on down host {}, keeps its old spec",
            member.name, member.host
        );
    }
    up.into_iter()
        .map(|m| Act::Restamp {
            name: m.name.clone(),
            host: m.host.clone(),
            spec: Box::new(spec.clone()),
        })
        .collect()
}

/// From a terminal, deleting running members wants their count typed; without one, `--yes`
/// is the answer.
fn confirm_running(plan: &ScalePlan) -> Result<(), String> {
    let running = plan.running_deleted();
    if running == 0 || !std::io::stdin().is_terminal() {
        return Ok(());
    }
    let members = if running == 1 { "member" } else { "members" };
    print!(
        "This deletes {running} running {members} with their disks. Type {running} to confirm: "
    );
    std::io::stdout().flush().map_err(|e| e.to_string())?;
    let mut typed = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut typed)
        .map_err(|e| e.to_string())?;
    match typed.trim() == running.to_string() {
        true => Ok(()),
        false => Err(format!(
            "cancelled: '{}' is not '{running}'; nothing was changed",
            typed.trim()
        )),
    }
}
