//! Commands that name things: a VM or host to go to, VMs to mark, a host to reconnect.

use super::nav::{jump, open_vm};
use super::set_status;
use crate::app::filter::Filter;
use crate::app::msg::Effect;
use crate::app::ops::Target;
use crate::app::state::{Level, State, View};
use crate::app::table::{RowId, TableNav, visible_rows};
use crate::backend::HostCommand;

/// Every VM called `name`: pool, host, uuid.
fn vms_named(state: &State, name: &str) -> Vec<(usize, usize, String)> {
    let mut found = Vec::new();
    for (p, pool) in state.pools.iter().enumerate() {
        for (h, host) in pool.hosts.iter().enumerate() {
            let named = host.vms.iter().filter(|v| v.name == name);
            found.extend(named.map(|v| (p, h, v.uuid.clone())));
        }
    }
    found
}

/// The one VM called `name`; when several hosts have one, says where and returns none.
pub fn one_vm_named(state: &mut State, name: &str) -> Option<(usize, usize, String)> {
    let mut found = vms_named(state, name);
    if found.len() > 1 {
        let hosts: Vec<&str> = found
            .iter()
            .map(|(p, h, _)| state.pools[*p].hosts[*h].name.as_str())
            .collect();
        let why = format!(
            "{} VMs are named '{name}' (on {}); open one from :vm {name}",
            found.len(),
            hosts.join(", ")
        );
        set_status(state, Level::Warn, why);
        return None;
    }
    found.pop()
}

fn all_vms() -> View {
    View::Vms {
        pool: None,
        host: None,
    }
}

/// `:vm NAME`: the VM with that name; if several hosts have one, the list filtered to it.
pub fn goto_vm(state: &mut State, name: &str) -> Vec<Effect> {
    let found = vms_named(state, name);
    jump(state, all_vms());
    match found.as_slice() {
        [(p, h, uuid)] => open_vm(state, *p, *h, uuid.clone()),
        _ => {
            state.screen_mut().table.filter = name.to_string();
            let text = format!("{} VMs are named '{name}'", found.len());
            set_status(state, Level::Warn, text);
            Vec::new()
        }
    }
}

/// `:host NAME`: that host's capacity, NUMA nodes and storage (the parser made sure it
/// exists).
pub fn goto_host(state: &mut State, name: &str) -> Vec<Effect> {
    let found = state.pools.iter().enumerate().find_map(|(p, pool)| {
        let h = pool.hosts.iter().position(|h| h.name == name)?;
        Some((p, h))
    });
    let Some((pool, host)) = found else {
        return Vec::new();
    };
    jump(state, View::Hosts { pool: Some(pool) });
    super::nav::open_host(state, pool, host)
}

/// `:reconnect HOST`: retry that host now.
pub fn reconnect_named(state: &mut State, name: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for (pool, p) in state.pools.iter().enumerate() {
        let hosts = p.hosts.iter().enumerate().filter(|(_, h)| h.name == name);
        effects.extend(hosts.map(|(host, _)| Effect::Host {
            pool,
            host,
            command: HostCommand::ReconnectNow,
        }));
    }
    set_status(state, Level::Info, format!("reconnecting to {name}…"));
    effects
}

/// `:mark [FILTER]`: every VM the filter matches in the VM list in view (all VMs from
/// elsewhere); no filter: the list as shown.
pub fn mark_matching(state: &mut State, filter: Option<&str>) {
    let rows = match filter {
        None => state.rows.clone(),
        Some(filter) => {
            if let Err(error) = Filter::parse(filter) {
                set_status(state, Level::Error, error);
                return;
            }
            let view = match &state.screen().view {
                view @ View::Vms { .. } => view.clone(),
                _ => all_vms(),
            };
            let nav = TableNav {
                filter: filter.to_string(),
                ..TableNav::default()
            };
            visible_rows(state, &view, &nav)
        }
    };
    let before = state.marked.len();
    for row in rows {
        if let RowId::Vm(p, h, v) = row {
            let vm = &state.pools[p].hosts[h].vms[v];
            state.marked.insert(Target {
                pool: p,
                host: h,
                uuid: vm.uuid.clone(),
                name: vm.name.clone(),
            });
        }
    }
    let (count, new) = (state.marked.len(), state.marked.len() - before);
    let text = format!(
        "{new} VM(s) marked, {count} in all; an action now applies to all of them (:unmark clears)"
    );
    set_status(state, Level::Info, text);
}
