//! Power actions on the selected or marked VMs: refused in read-only pools, confirmed when
//! they interrupt the guest, carried out as operations, each result audited.

use super::nav::selected_row;
use super::set_status;
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, OpStatus, Target};
use crate::app::state::{Confirm, Level, Pending, State, View};
use crate::app::table::RowId;
use crate::backend::{HostCommand, OpId};
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

/// The one VM an action on a single VM applies to, if it may be changed; else says why.
pub fn single_writable_target(state: &mut State, what: &str) -> Option<Target> {
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
    let target = target.clone();
    refuse_read_only(state, std::slice::from_ref(&target)).ok()?;
    Some(target)
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

/// `read_only_refusal`, said in the status line.
fn refuse_read_only(state: &mut State, targets: &[Target]) -> Result<(), ()> {
    read_only_refusal(state, targets).map_err(|why| set_status(state, Level::Error, why))
}

/// Asks for (or starts) `action` on the targets.
pub fn request(state: &mut State, action: PowerAction) -> Vec<Effect> {
    let targets = targets(state);
    if targets.is_empty() {
        set_status(state, Level::Warn, "select or mark (Space) the VMs first");
        return Vec::new();
    }
    if refuse_read_only(state, &targets).is_err() {
        return Vec::new();
    }
    if !action.needs_confirmation() {
        return start(state, action, targets);
    }
    let question = format!("{} {}?", action.verb(), describe(state, &targets));
    state.confirm = Some(Confirm {
        question,
        pending: Pending::Power(action, targets),
        typed: None,
    });
    Vec::new()
}

/// `lab1-web on lab1` or `3 VMs (a, b, c)`.
fn describe(state: &State, targets: &[Target]) -> String {
    match targets {
        [one] => format!(
            "{} on {}",
            one.name, state.pools[one.pool].hosts[one.host].name
        ),
        many => {
            let names: Vec<&str> = many.iter().take(4).map(|t| t.name.as_str()).collect();
            let more = if many.len() > 4 { ", …" } else { "" };
            format!("{} VMs ({}{more})", many.len(), names.join(", "))
        }
    }
}

/// One operation per VM.
pub fn start(state: &mut State, action: PowerAction, targets: Vec<Target>) -> Vec<Effect> {
    state.marked.clear();
    let mut effects = Vec::new();
    for target in targets {
        let host_name = state.pools[target.pool].hosts[target.host].name.clone();
        let (pool, host, uuid) = (target.pool, target.host, target.uuid.clone());
        let op = state.ops.add(OpKind::Power(action), target, host_name);
        effects.push(Effect::Host {
            pool,
            host,
            command: HostCommand::Power { uuid, action, op },
        });
    }
    let running = state.ops.running();
    set_status(
        state,
        Level::Info,
        format!(
            "{}: {running} operation(s) running (O shows them)",
            action.command()
        ),
    );
    effects
}

/// A backend finished an operation: record, report, audit.
pub fn finished(state: &mut State, op: OpId, result: Result<(), String>) -> Vec<Effect> {
    let Some(entry) = state.ops.get_mut(op) else {
        return Vec::new();
    };
    entry.status = match &result {
        Ok(()) => OpStatus::Done,
        Err(e) => OpStatus::Failed(e.clone()),
    };
    // The last step in words ("starting") is no longer what is happening.
    entry.note = None;
    let entry = entry.clone();
    let outcome = match &result {
        Ok(()) => "ok".to_string(),
        Err(e) => format!("failed: {e}"),
    };
    let level = if result.is_ok() {
        Level::Info
    } else {
        Level::Error
    };
    let place = match &entry.kind {
        OpKind::Migrate { to_name, .. } => format!("{} → {to_name}", entry.host_name),
        _ => format!("on {}", entry.host_name),
    };
    let text = format!(
        "{} {} {place}: {outcome}",
        entry.kind.command(),
        entry.target.name
    );
    set_status(state, level, text);
    let mut effects = Vec::new();
    if matches!(entry.kind, OpKind::Snapshot(_)) {
        // The detail view lists snapshots: show the change.
        let command = HostCommand::LoadDetails {
            uuid: entry.target.uuid.clone(),
        };
        effects.push(Effect::Host {
            pool: entry.target.pool,
            host: entry.target.host,
            command,
        });
    }
    effects.push(Effect::Audit {
        pool: state.pools[entry.target.pool].name.clone(),
        host: entry.host_name,
        vm: entry.target.name,
        action: entry.kind.command().to_string(),
        params: entry.kind.params(),
        result: outcome,
    });
    effects
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

/// `Delete` / `:delete [--storage]`: one stopped VM, after its name is typed.
pub fn request_delete(state: &mut State, with_storage: bool) -> Vec<Effect> {
    let Some(target) = single_writable_target(state, "delete") else {
        return Vec::new();
    };
    let pool = &state.pools[target.pool];
    let what = if with_storage {
        "and its disks"
    } else {
        "(its disks stay)"
    };
    let question = format!(
        "Delete {} on {} {what}? Type its name:",
        target.name, pool.hosts[target.host].name
    );
    state.confirm = Some(Confirm {
        question,
        pending: Pending::Delete {
            target: target.clone(),
            with_storage,
        },
        typed: Some((target.name.clone(), String::new())),
    });
    Vec::new()
}

/// Confirmed by name.
pub fn start_delete(state: &mut State, target: Target, with_storage: bool) -> Vec<Effect> {
    state.marked.clear();
    let host_name = state.pools[target.pool].hosts[target.host].name.clone();
    let (pool, host, uuid) = (target.pool, target.host, target.uuid.clone());
    let op = state
        .ops
        .add(OpKind::Delete { with_storage }, target, host_name);
    vec![Effect::Host {
        pool,
        host,
        command: HostCommand::Delete {
            uuid,
            op,
            with_storage,
            stop_first: false,
        },
    }]
}
