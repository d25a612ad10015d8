//! `:migrate HOST [--offline] [--copy-storage] [--auto-converge] [--bw MiB/s] [--max-downtime MS]`: checks, a
//! confirmation, one operation per VM (its figures: `op_progress`), and abort.

use super::actions::{read_only_refusal, targets};
use super::ask::ask;
use super::launch::launch;
use super::migrate_fit::{check_fit, verdicts_on};
use super::set_status;
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, OpRequest, OpStatus, Target};
use crate::app::state::{Level, State};
use crate::backend::MigrationTarget;
use crate::model::Driver;
use crate::model::action::MigrateOptions;
use crate::model::op::MoveHow;

/// The words after `:migrate`.
pub fn request(state: &mut State, args: &[&str]) -> Vec<Effect> {
    let (host_name, options) = match parse(args) {
        Ok(parsed) => parsed,
        Err(e) => {
            set_status(state, Level::Error, e);
            return Vec::new();
        }
    };
    let targets = targets(state);
    let to_host = match check(state, &targets, &host_name) {
        Ok(to_host) => to_host,
        Err(e) => {
            set_status(state, Level::Error, e);
            return Vec::new();
        }
    };
    let dest = &state.pools[targets[0].pool].hosts[to_host];
    let to = MigrationTarget {
        host: to_host,
        host_name: dest.name.clone(),
        uri: dest.uri.clone(),
        migration_uri: dest.migration_uri.clone(),
    };
    let requests = targets
        .into_iter()
        .map(|target| {
            let how = move_how(state, &target, &options);
            let kind = OpKind::Migrate {
                to: to.clone(),
                options,
                how,
            };
            OpRequest { target, kind }
        })
        .collect();
    ask(state, requests, move |state, vms| {
        let from = &state.pools[vms[0].target.pool].hosts[vms[0].target.host].name;
        let names: Vec<&str> = vms.iter().map(|r| r.target.name.as_str()).collect();
        format!(
            "{} {} from {from} to {host_name}?{}",
            verb(state, vms, &options),
            names.join(", "),
            cold_move_warning(vms)
        )
    })
}

/// How the move will really happen: live for a running VM, offline when asked (libvirt)
/// or when it is shut off, cold for a running Incus container.
fn move_how(state: &State, target: &Target, options: &MigrateOptions) -> MoveHow {
    let vm = state.vm(target.pool, target.host, &target.uuid);
    let running = vm.is_some_and(|v| v.state.is_active());
    let container = vm.is_some_and(|v| v.kind.as_deref() == Some("container"));
    match (running, container, options.offline) {
        (true, true, _) => MoveHow::Cold,
        (true, false, false) => MoveHow::Live,
        _ => MoveHow::Offline,
    }
}

fn verb(state: &State, requests: &[OpRequest], options: &MigrateOptions) -> &'static str {
    let incus = state.pools[requests[0].target.pool].driver == Driver::Incus;
    match (incus, options.offline) {
        (true, _) => "Move",
        (false, true) => "Migrate (offline)",
        (false, false) => "Live-migrate",
    }
}

/// Incus moves a running container cold: the question says so.
fn cold_move_warning(requests: &[OpRequest]) -> &'static str {
    let cold = requests.iter().any(|r| {
        matches!(
            r.kind,
            OpKind::Migrate {
                how: MoveHow::Cold,
                ..
            }
        )
    });
    if cold {
        " Running containers are stopped, moved and started again."
    } else {
        ""
    }
}

fn parse(args: &[&str]) -> Result<(String, MigrateOptions), String> {
    let usage = "usage: :migrate HOST [--offline] [--copy-storage] [--auto-converge] [--bw MiB/s] [--max-downtime MS]";
    let mut options = MigrateOptions::default();
    let mut host = None;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match *word {
            "--offline" => options.offline = true,
            "--copy-storage" => options.copy_storage = true,
            "--auto-converge" => options.auto_converge = true,
            "--bw" => {
                let value = words.next().and_then(|v| v.parse().ok()).ok_or(usage)?;
                options.bandwidth_mib = Some(value);
            }
            "--max-downtime" => {
                let value = words.next().and_then(|v| v.parse().ok()).ok_or(usage)?;
                options.max_downtime_ms = Some(value);
            }
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {flag}; {usage}"));
            }
            name if host.is_none() => host = Some(name.to_string()),
            _ => return Err(usage.into()),
        }
    }
    Ok((host.ok_or(usage)?, options))
}

/// `M`: every other host of the pool and whether the selected VMs could move there.
pub fn candidates(state: &State) -> String {
    let targets = targets(state);
    let Some(first) = targets.first() else {
        return "select or mark (Space) the VMs first".into();
    };
    let pool = &state.pools[first.pool];
    let mut best: Option<(f64, &str)> = None;
    let verdicts: Vec<String> = pool
        .hosts
        .iter()
        .enumerate()
        .filter(|(_, h)| targets.iter().all(|t| pool.hosts[t.host].name != h.name))
        .map(|(index, h)| match check(state, &targets, &h.name) {
            Ok(_) => {
                let verdicts = verdicts_on(state, &targets, index);
                let score = verdicts.iter().map(|v| v.score).fold(f64::MAX, f64::min);
                if best.is_none_or(|(top, _)| score > top) {
                    best = Some((score, &h.name));
                }
                let notes: Vec<String> = verdicts.into_iter().flat_map(|v| v.reasons).collect();
                if notes.is_empty() {
                    format!("{} ✓", h.name)
                } else {
                    format!("{} ✓ ({})", h.name, notes.join("; "))
                }
            }
            Err(why) => format!("{} ✗ ({why})", h.name),
        })
        .collect();
    if verdicts.is_empty() {
        return format!("pool {} has no other host", pool.name);
    }
    let advice = best.map_or(String::new(), |(_, host)| {
        format!("  · placement picks {host}")
    });
    format!("migrate to: {}{advice}", verdicts.join("  "))
}

/// The destination's index, or why the move can't be made.
fn check(state: &State, targets: &[Target], host_name: &str) -> Result<usize, String> {
    let first = targets
        .first()
        .ok_or("select or mark (Space) the VMs first")?;
    read_only_refusal(state, targets)?;
    let pool = &state.pools[first.pool];
    let to = pool
        .hosts
        .iter()
        .position(|h| h.name == host_name)
        .ok_or_else(|| {
            let names: Vec<&str> = pool.hosts.iter().map(|h| h.name.as_str()).collect();
            format!(
                "pool {} has no host '{host_name}' (hosts: {})",
                pool.name,
                names.join(", ")
            )
        })?;
    if !pool.hosts[to].is_up() {
        return Err(format!("{host_name} is not up"));
    }
    if let Some(t) = targets.iter().find(|t| t.pool != first.pool) {
        return Err(format!(
            "{} is in another pool; migrate within one pool",
            t.name
        ));
    }
    if let Some(t) = targets.iter().find(|t| t.host == to) {
        return Err(format!("{} is already on {host_name}", t.name));
    }
    check_fit(state, targets, to)?;
    Ok(to)
}

/// `x`: aborts the newest running migration (of the selected VM, if it has one). In an
/// Incus pool every operation can be asked to cancel; the server says when it can't.
pub fn abort(state: &mut State) -> Vec<Effect> {
    let selected = targets(state).into_iter().next();
    let incus = |pool: usize| {
        state
            .pools
            .get(pool)
            .is_some_and(|p| p.driver == Driver::Incus)
    };
    // A compose has no VM yet to cancel a job of; an abort is not aborted.
    let running = |o: &&crate::app::ops::Op| {
        o.status == OpStatus::Running
            && !o.abort_requested
            && !matches!(o.kind, OpKind::Abort { .. } | OpKind::Compose(_))
            && (matches!(o.kind, OpKind::Migrate { .. } | OpKind::Adopted { .. })
                || incus(o.target.pool))
    };
    // In the operations view (or one's details), the operation selected.
    let picked = super::ops_view::selected(state);
    let op = match picked {
        Some(id) => state.ops.get(id).filter(running),
        None => state
            .ops
            .list
            .iter()
            .rev()
            .filter(running)
            .find(|o| selected.as_ref().is_none_or(|t| t.uuid == o.target.uuid))
            .or_else(|| state.ops.list.iter().rev().find(running)),
    };
    let Some(op) = op else {
        let why = match picked {
            Some(id) => format!("operation {id} is not a running migration or Incus operation"),
            None => "no migration or Incus operation is running".into(),
        };
        set_status(state, Level::Warn, why);
        return Vec::new();
    };
    if let Err(why) = read_only_refusal(state, std::slice::from_ref(&op.target)) {
        set_status(state, Level::Error, why);
        return Vec::new();
    }
    let request = OpRequest {
        target: op.target.clone(),
        kind: OpKind::Abort { of: op.id },
    };
    let what = format!("{} of {}", op.kind.command(), op.target.name);
    // Stopping a change is not a change of its own: it does not ask.
    let effects = launch(state, vec![request]);
    set_status(state, Level::Warn, format!("aborting {what}…"));
    effects
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_options() {
        let (host, o) = parse(&["lab2", "--copy-storage", "--bw", "5", "--auto-converge"]).unwrap();
        assert_eq!(host, "lab2");
        assert!(o.copy_storage && o.auto_converge && !o.offline);
        assert_eq!(o.bandwidth_mib, Some(5));
        assert!(parse(&[]).is_err());
        assert!(parse(&["lab2", "--fast"]).is_err());
        assert!(parse(&["lab2", "--bw"]).is_err());
    }
}
