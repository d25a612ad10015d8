//! The VMs an action applies to (marked, else selected), power actions and delete: asked
//! for through `ask`, which checks them first.

use super::ask::{ask, vms_phrase};
use super::nav::selected_row;
use super::set_status;
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, OpRequest, Target};
use crate::app::state::{Level, State, View};
use crate::app::table::RowId;
use crate::model::action::PowerAction;

/// The marked VMs, or else the one selected (or shown).
pub fn targets(state: &State) -> Vec<Target> {
    if !state.marked.is_empty() {
        return state.marked.iter().cloned().collect();
    }
    let (pool, host, uuid) = match (&state.screen().view, selected_row(state)) {
        (View::Vm { pool, host, uuid }, _) => (*pool, *host, uuid.clone()),
        (_, Some(RowId::Vm(p, h, v))) => (p, h, state.pools[p].hosts[h].vms[v].uuid.clone()),
        _ => return Vec::new(),
    };
    let name = state
        .vm(pool, host, &uuid)
        .map_or(uuid.clone(), |v| v.name.clone());
    vec![Target {
        pool,
        host,
        uuid,
        name,
    }]
}

/// The one VM an action on a single VM applies to; else says why there is none.
pub fn single_target(state: &mut State, what: &str) -> Option<Target> {
    let targets = targets(state);
    let [target] = targets.as_slice() else {
        let why = if targets.is_empty() {
            format!("select the VM to {what}")
        } else {
            format!("{what} one VM at a time")
        };
        set_status(state, Level::Warn, why);
        return None;
    };
    Some(target.clone())
}

/// Why nothing may change these VMs: a read-only pool among them. UI side of read-only mode;
/// the backends refuse again before any hypervisor call.
pub fn read_only_refusal(state: &State, targets: &[Target]) -> Result<(), String> {
    match targets
        .iter()
        .map(|t| &state.pools[t.pool])
        .find(|p| p.read_only)
    {
        Some(pool) => Err(format!("refused: pool {} is read-only", pool.name)),
        None => Ok(()),
    }
}

/// Asks for `action` on the marked or selected VMs.
pub fn request(state: &mut State, action: PowerAction) -> Vec<Effect> {
    let targets = targets(state);
    if targets.is_empty() {
        set_status(state, Level::Warn, "select or mark (Space) the VMs first");
        return Vec::new();
    }
    let requests = targets
        .into_iter()
        .map(|target| OpRequest {
            target,
            kind: OpKind::Power(action),
        })
        .collect();
    ask(state, requests, move |state, eligible| {
        format!("{} {}?", action.verb(), vms_phrase(state, eligible))
    })
}

/// Space: mark or unmark the selected VM, then move down.
pub fn toggle_mark(state: &mut State) {
    let Some(RowId::Vm(p, h, v)) = selected_row(state) else {
        return;
    };
    let vm = &state.pools[p].hosts[h].vms[v];
    let target = Target {
        pool: p,
        host: h,
        uuid: vm.uuid.clone(),
        name: vm.name.clone(),
    };
    if !state.marked.remove(&target) {
        state.marked.insert(target);
    }
    super::nav::move_by(state, 1);
}

/// `Delete` / `:delete [--storage] [--force]`: one VM, after its name is typed; a running
/// one only with `--force`.
pub fn request_delete(state: &mut State, with_storage: bool, force: bool) -> Vec<Effect> {
    let Some(target) = single_target(state, "delete") else {
        return Vec::new();
    };
    let what = if with_storage {
        "and its disks"
    } else {
        "(its disks stay)"
    };
    let request = OpRequest {
        target,
        kind: OpKind::Delete {
            with_storage,
            force,
        },
    };
    ask(state, vec![request], move |state, eligible| {
        let stop = if force { ", forcing it off first" } else { "" };
        format!("Delete {} {what}{stop}?", vms_phrase(state, eligible))
    })
}
