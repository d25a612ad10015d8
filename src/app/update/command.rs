//! The `:` command bar, with aliases as in k9s.

use super::nav::{jump, open_vm, push};
use super::set_status;
use crate::app::msg::Effect;
use crate::app::state::{Level, State, View};
use crate::model::action::PowerAction;

/// What `:help` and errors list.
pub const COMMANDS: [&str; 8] = [
    ":pools (:p)  :hosts [POOL] (:h)  :host NAME  :vms [POOL] (:v)  :vm NAME  :dashboard [POOL] (:dash, :types)  :ops  :audit  :help  :quit (:q)",
    ":mark (every VM the filter shows)  :unmark",
    "on the selected or marked VMs: :start :shutdown :reboot :reset :off :suspend :resume",
    ":migrate HOST [--offline] [--copy-storage] [--auto-converge] [--bw MiB/s] [--max-downtime MS]",
    ":delete [--storage] [--force] (one VM; asks for its name)  :abort (the running migration or Incus operation)",
    ":snapshot NAME [--memory|--disk-only] [DESCRIPTION]  :revert NAME  :snapshot-delete NAME (one VM)",
    ":clone [NEWNAME] [--linked|--full|--instant-full] (one shut-off VM)",
    ":compose NAME --type T --image I [--count N] [--group G] [--host H] [--user-data FILE] (n)  :images [POOL]  :scale N (a set)",
];

pub fn run(state: &mut State, line: &str) -> Vec<Effect> {
    let mut words = line.split_whitespace();
    let name = words.next().unwrap_or("");
    let arg = words.next();
    match (name, arg) {
        ("", _) => {}
        ("pools" | "pool" | "p", _) => jump(state, View::Pools),
        ("host", Some(name)) if pool_arg(state, Some(name)).is_err() => {
            return goto_host(state, name);
        }
        ("hosts" | "host" | "h", pool) => match pool_arg(state, pool) {
            Ok(pool) => jump(state, View::Hosts { pool }),
            Err(e) => set_status(state, Level::Error, e),
        },
        ("vms" | "v", pool) | ("vm", pool @ None) => match pool_arg(state, pool) {
            Ok(pool) => jump(state, View::Vms { pool, host: None }),
            Err(e) => set_status(state, Level::Error, e),
        },
        ("vm", Some(vm)) => return goto_vm(state, vm),
        ("help" | "?", _) => push(state, View::Help),
        ("dashboard" | "dash" | "types", pool) => match pool_arg(state, pool) {
            Ok(pool) => super::nav::dashboard(state, pool),
            Err(e) => set_status(state, Level::Error, e),
        },
        ("quit" | "q", _) => super::nav::quit(state),
        ("q!", _) => state.quit = true,
        ("ops" | "operations", _) => jump(state, View::Ops),
        ("audit", _) => {
            jump(state, View::Audit);
            return vec![Effect::LoadAudit];
        }
        ("mark", _) => mark_visible(state),
        ("unmark", _) => state.marked.clear(),
        ("delete", _) => {
            let flags: Vec<&str> = line.split_whitespace().skip(1).collect();
            if let Some(bad) = flags.iter().find(|f| !["--storage", "--force"].contains(f)) {
                let usage = format!("unknown option {bad}; usage: :delete [--storage] [--force]");
                set_status(state, Level::Error, usage);
                return Vec::new();
            }
            let with_storage = flags.contains(&"--storage");
            let force = flags.contains(&"--force");
            return super::actions::request_delete(state, with_storage, force);
        }
        ("abort", _) => return super::migrate::abort(state),
        ("snapshot" | "revert" | "snapshot-delete", _) => {
            let args: Vec<&str> = line.split_whitespace().skip(1).collect();
            return super::snapshots::command(state, name, &args);
        }
        ("clone", _) => {
            let args: Vec<&str> = line.split_whitespace().skip(1).collect();
            return super::clone::command(state, &args);
        }
        ("scale", _) => {
            let args: Vec<&str> = line.split_whitespace().skip(1).collect();
            return super::scale::command(state, &args);
        }
        ("compose", _) => {
            let args: Vec<&str> = line.split_whitespace().skip(1).collect();
            return super::compose::command(state, &args);
        }
        ("images", pool) => match pool_arg(state, pool) {
            Ok(pool) => return super::compose::images(state, pool),
            Err(e) => set_status(state, Level::Error, e),
        },
        ("migrate", _) => {
            let args: Vec<&str> = line.split_whitespace().skip(1).collect();
            return super::migrate::request(state, &args);
        }
        (word, None) if PowerAction::from_command(word).is_some() => {
            if let Some(action) = PowerAction::from_command(word) {
                return super::actions::request(state, action);
            }
        }
        (other, _) => set_status(
            state,
            Level::Error,
            format!(
                "unknown command ':{other}' — try {} (:help lists all)",
                COMMANDS[0]
            ),
        ),
    }
    Vec::new()
}

fn pool_arg(state: &State, name: Option<&str>) -> Result<Option<usize>, String> {
    let Some(name) = name else {
        return Ok(None);
    };
    state
        .pools
        .iter()
        .position(|p| p.name == name)
        .map(Some)
        .ok_or_else(|| format!("no pool named '{name}'"))
}

/// `:vm NAME`: the VM with that exact name; if several hosts have one, the list filtered to it.
fn goto_vm(state: &mut State, name: &str) -> Vec<Effect> {
    let found: Vec<(usize, usize, String)> = state
        .pools
        .iter()
        .enumerate()
        .flat_map(|(p, pool)| {
            pool.hosts
                .iter()
                .enumerate()
                .map(move |(h, host)| (p, h, host))
        })
        .flat_map(|(p, h, host)| {
            host.vms
                .iter()
                .filter(|v| v.name == name)
                .map(move |v| (p, h, v.uuid.clone()))
        })
        .collect();
    match found.as_slice() {
        [] => {
            set_status(state, Level::Error, format!("no VM named '{name}'"));
            Vec::new()
        }
        [(p, h, uuid)] => {
            let (p, h, uuid) = (*p, *h, uuid.clone());
            jump(
                state,
                View::Vms {
                    pool: None,
                    host: None,
                },
            );
            open_vm(state, p, h, uuid)
        }
        _ => {
            jump(
                state,
                View::Vms {
                    pool: None,
                    host: None,
                },
            );
            state.screen_mut().table.filter = name.to_string();
            set_status(
                state,
                Level::Warn,
                format!("{} VMs are named '{name}'", found.len()),
            );
            Vec::new()
        }
    }
}

/// `:mark`: every VM in the (filtered) list, for a bulk action.
fn mark_visible(state: &mut State) {
    let rows = state.rows.clone();
    for row in rows {
        if let crate::app::table::RowId::Vm(p, h, v) = row {
            let vm = &state.pools[p].hosts[h].vms[v];
            let target = crate::app::ops::Target {
                pool: p,
                host: h,
                uuid: vm.uuid.clone(),
                name: vm.name.clone(),
            };
            state.marked.insert(target);
        }
    }
    let count = state.marked.len();
    set_status(
        state,
        Level::Info,
        format!("{count} VM(s) marked; an action now applies to all of them (:unmark clears)"),
    );
}

/// `:host NAME`: that host's capacity, NUMA nodes and storage.
fn goto_host(state: &mut State, name: &str) -> Vec<Effect> {
    let found = state.pools.iter().enumerate().find_map(|(p, pool)| {
        pool.hosts
            .iter()
            .position(|h| h.name == name)
            .map(|h| (p, h))
    });
    match found {
        Some((pool, host)) => {
            jump(state, View::Hosts { pool: Some(pool) });
            super::nav::open_host(state, pool, host)
        }
        None => {
            set_status(
                state,
                Level::Error,
                format!("no host or pool named '{name}'"),
            );
            Vec::new()
        }
    }
}
