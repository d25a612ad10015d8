//! `vmdeck sets` (each set's figures and problems) and `vmdeck sets heal` (the plan that
//! makes a set whole, with the host placement chose for each member it recreates, carried
//! out with `--yes`).

use std::io::Write;

use super::execute::{Act, carry_out};
use super::heal::{Step, plan};
use super::place::place_member;
use super::status::{HostInput, SetStatus, statuses};
use crate::cli::Output;
use crate::compose::PoolView;
use crate::compose::headless::pool_view;
use crate::compose::headless::recreate_note;
use crate::config::{Config, PoolConfig};
use crate::headless::{HostRead, Skip, read_all, selected_pools};
use crate::model::Vm;
use crate::model::compose::ComposeSpec;

/// One pool's hosts as read: name, whether it answered, its VMs.
pub(super) struct PoolRead {
    pub(super) hosts: Vec<(String, bool, Vec<Vm>)>,
    pub(super) rows: Vec<(String, String, Result<HostRead, Skip>)>,
}

pub(super) fn read_pool(pool: &PoolConfig, read_only: bool) -> PoolRead {
    let rows = read_all(&[pool], true, read_only || pool.read_only);
    let hosts = rows
        .iter()
        .map(|(_, host, read)| match read {
            Ok(read) => (host.clone(), true, read.inventory.vms.clone()),
            Err(Skip::Failed(why) | Skip::Unsupported(why)) => {
                eprintln!("vmdeck: {}/{host}: {why}", pool.name);
                (host.clone(), false, Vec::new())
            }
        })
        .collect();
    PoolRead { hosts, rows }
}

pub(super) fn sets_of(pool: &PoolConfig, read: &PoolRead) -> Vec<SetStatus> {
    let inputs: Vec<HostInput> = read
        .hosts
        .iter()
        .map(|(name, up, vms)| HostInput { name, up: *up, vms })
        .collect();
    statuses(&inputs, &pool.compose.placement_groups)
}

#[derive(serde::Serialize)]
struct PoolSet<'a> {
    pool: &'a str,
    #[serde(flatten)]
    set: &'a SetStatus,
}

/// Prints every set of the pools. Ok(false) when a host could not be read.
pub fn run_list(config: &Config, pool: Option<&str>, output: Output) -> Result<bool, String> {
    let mut all_up = true;
    let mut found = Vec::new();
    for pool in selected_pools(config, pool)? {
        let read = read_pool(pool, config.read_only);
        all_up &= read.hosts.iter().all(|(_, up, _)| *up);
        found.extend(
            sets_of(pool, &read)
                .into_iter()
                .map(|s| (pool.name.clone(), s)),
        );
    }
    print_sets(&found, output).map_err(|e| e.to_string())?;
    Ok(all_up)
}

fn print_sets(sets: &[(String, SetStatus)], output: Output) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    if output == Output::Json {
        let rows: Vec<PoolSet> = sets
            .iter()
            .map(|(pool, set)| PoolSet { pool, set })
            .collect();
        serde_json::to_writer_pretty(&mut out, &rows)?;
        return writeln!(out);
    }
    writeln!(
        out,
        "{:<10} {:<16} {:>7} {:>7} {:>7} {:>5}  {:<24} PROBLEMS",
        "POOL", "SET", "DESIRED", "PRESENT", "RUNNING", "READY", "HOSTS"
    )?;
    for (pool, set) in sets {
        let hosts: Vec<String> = set
            .by_host
            .iter()
            .map(|(h, n)| format!("{h}:{n}"))
            .collect();
        let problems: Vec<String> = set.problems.iter().map(|p| p.text()).collect();
        writeln!(
            out,
            "{:<10} {:<16} {:>7} {:>7} {:>7} {:>5}  {:<24} {}",
            pool,
            set.name,
            set.desired,
            set.present,
            set.running,
            set.ready,
            hosts.join(" "),
            if problems.is_empty() {
                "—".to_string()
            } else {
                problems.join("; ")
            }
        )?;
        for warning in &set.warnings {
            writeln!(out, "{:<10} {:<16} warning: {warning}", "", "")?;
        }
        if let Some(note) = set.ready_note() {
            writeln!(out, "{:<10} {:<16} note: {note}", "", "")?;
        }
    }
    Ok(())
}

/// Options of `vmdeck sets heal`.
pub struct HealArgs<'a> {
    pub pool: Option<&'a str>,
    pub set: Option<&'a str>,
    pub replace_down: bool,
    /// Carry the plan out, writing each step to this audit log.
    pub yes: Option<std::path::PathBuf>,
}

/// Prints the heal plan of each set (or of `set`): each step, and for each member to
/// recreate the host placement chose under the set's group; with `yes`, carries it out (a
/// set with a member that can't be placed is left as it is). Ok(false) when a step could
/// not be placed or done, or a host could not be read.
pub fn run_heal(config: &Config, args: &HealArgs) -> Result<bool, String> {
    let mut ok = true;
    let mut matched = false;
    for pool in selected_pools(config, args.pool)? {
        let read = read_pool(pool, config.read_only);
        let all_up = read.hosts.iter().all(|(_, up, _)| *up);
        ok &= all_up;
        let sets: Vec<SetStatus> = sets_of(pool, &read)
            .into_iter()
            .filter(|s| args.set.is_none_or(|want| s.name == want))
            .collect();
        matched |= !sets.is_empty();
        if args.yes.is_some() && (config.read_only || pool.read_only) {
            return Err(format!("refused: pool {} is read-only", pool.name));
        }
        let mut view = pool_view(pool, read.rows, config.read_only || pool.read_only);
        for set in &sets {
            let steps = plan(set, all_up, args.replace_down);
            let (placed_all, acts) = print_heal(config, &mut view, set, &steps);
            ok &= placed_all;
            match &args.yes {
                Some(_) if !placed_all => {
                    eprintln!(
                        "vmdeck: set {}: not healed: a member can't be placed",
                        set.name
                    )
                }
                Some(audit) => {
                    for act in &acts {
                        ok &= carry_out(pool, &set.name, act, audit);
                    }
                }
                None => {}
            }
        }
    }
    if let (false, Some(set)) = (matched, args.set) {
        return Err(format!("no set named '{set}'"));
    }
    if args.yes.is_none() {
        println!("(plan only: nothing was changed; --yes carries it out)");
    }
    Ok(ok)
}

/// Prints the plan; whether every member to recreate found a host, and what to do.
pub(super) fn print_heal(
    config: &Config,
    view: &mut PoolView,
    set: &SetStatus,
    steps: &[Step],
) -> (bool, Vec<Act>) {
    println!(
        "set {} in pool {}: {} desired · {} present · {} running",
        set.name, view.name, set.desired, set.present, set.running
    );
    if steps.is_empty() {
        println!("  nothing to do");
    }
    let mut placed_all = true;
    let mut acts = Vec::new();
    for step in steps {
        match step {
            Step::Start { name, host } => acts.push(Act::Start {
                name: name.clone(),
                host: host.clone(),
            }),
            Step::Skip { .. } => {}
            Step::Recreate { index, name, .. } => {
                match place(config, view, set, *index) {
                    Ok((host, spec)) => {
                        println!(
                            "  recreate {name} on {host}{}",
                            recreate_note(config, view.name, &host, &spec)
                        );
                        acts.push(Act::Compose { host, spec });
                    }
                    Err(why) => {
                        placed_all = false;
                        println!("  recreate {name}: can't be placed: {why}");
                    }
                }
                continue;
            }
        }
        println!("  {}", step.text());
    }
    (placed_all, acts)
}

/// Places the member of `index` from the set's spec, and notes it on its host so the next
/// member placed sees it (anti-affinity).
pub(super) fn place(
    config: &Config,
    view: &mut PoolView,
    set: &SetStatus,
    index: u32,
) -> Result<(String, Box<ComposeSpec>), String> {
    let spec = set.spec.as_ref().ok_or("no spec")?;
    // The member gets the set's spec as it stands: nothing about the set changes.
    place_member(view, &config.vm_types, &set.name, index, spec)
}
