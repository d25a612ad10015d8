//! Operations start here and end here: one backend command per request, and exactly one
//! result per operation — done, failed (in a sentence), refused or cancelled — written to
//! the status line, the operations view and the audit log.

use super::set_status;
use crate::app::msg::Effect;
use crate::app::ops::{OpRequest, OpStatus, audit_text};
use crate::app::state::{Level, State, View};
use crate::backend::{HostCommand, OpId};
use crate::model::op::OpKind;

/// Starts each request as an operation on its VM's host.
pub fn launch(state: &mut State, requests: Vec<OpRequest>) -> Vec<Effect> {
    state.marked.clear();
    let composing = requests
        .iter()
        .any(|r| matches!(r.kind, OpKind::Compose(_)));
    // From the form, or from `:scale` on a list, which stays.
    if composing && matches!(state.screen().view, View::Compose { .. }) {
        super::compose::close(state);
    }
    let what = match requests.as_slice() {
        [] => return Vec::new(),
        [first, ..] => first.kind.command(),
    };
    let names: Vec<String> = requests.iter().map(|r| r.target.name.clone()).collect();
    let mut effects = Vec::new();
    for request in requests {
        let (pool, host) = (request.target.pool, request.target.host);
        let host_name = state.pools[pool].hosts[host].name.clone();
        let (now, abort_id) = (state.now, state.ops.next_id);
        if let OpKind::Abort { of } = request.kind
            && let Some(aborted) = state.ops.get_mut(of)
        {
            aborted.abort_requested = true;
            aborted.step(now, format!("cancel asked for (operation {abort_id})"));
        }
        let uuid = request.target.uuid.clone();
        let kind = request.kind.clone();
        let op = state.ops.add(request, host_name, now);
        super::ops_view::keep_selection(state);
        effects.push(Effect::Host {
            pool,
            host,
            command: HostCommand::Op { op, uuid, kind },
        });
    }
    let text = format!("{what} {}… (O shows the operations)", names.join(", "));
    set_status(state, Level::Info, text);
    effects
}

/// A backend ended an operation.
pub fn finished(state: &mut State, op: OpId, result: Result<(), String>) -> Vec<Effect> {
    // Exactly one result per operation: a late answer (after vmdeck gave it one when it
    // quit, or after an abort settled it) changes nothing.
    let Some(entry) = state.ops.get(op).filter(|o| o.status == OpStatus::Running) else {
        return Vec::new();
    };
    if let OpKind::Abort { of } = entry.kind {
        return abort_answered(state, op, of, result);
    }
    let aborted = entry.abort_requested;
    // The hypervisor's words become a sentence; its own text stays in the details.
    let result = match result {
        Ok(()) => Ok(()),
        Err(raw) => {
            let sentence = super::explain::sentence(entry, &raw, aborted);
            if let Some(entry) = state.ops.get_mut(op) {
                entry.detail = Some(raw);
            }
            Err(sentence)
        }
    };
    let mut effects = settle(state, op, result.clone());
    if aborted && let Some(abort) = pending_abort(state, op) {
        let outcome = match result {
            Ok(()) => Err("too late: the job had already finished".to_string()),
            Err(_) => Ok(()),
        };
        effects.extend(settle(state, abort, outcome));
    }
    effects
}

/// The hypervisor answered an abort: a refusal ends it; a yes waits for the job's own end,
/// which says whether the cancel took effect.
fn abort_answered(
    state: &mut State,
    abort: OpId,
    of: OpId,
    result: Result<(), String>,
) -> Vec<Effect> {
    let job = state.ops.get(of).map(|o| o.status.clone());
    match (result, job) {
        (Err(raw), _) => {
            if let Some(job) = state.ops.get_mut(of) {
                job.abort_requested = false;
            }
            let why = super::explain::abort_refusal(&raw);
            settle(state, abort, Err(why))
        }
        (Ok(()), Some(OpStatus::Running)) => {
            let now = state.now;
            if let Some(entry) = state.ops.get_mut(abort) {
                let text = "cancel asked for; waiting for the job to stop";
                entry.note = Some(text.into());
                entry.step(now, text);
            }
            Vec::new()
        }
        (Ok(()), Some(OpStatus::Done)) => settle(
            state,
            abort,
            Err("too late: the job had already finished".into()),
        ),
        (Ok(()), _) => settle(state, abort, Ok(())),
    }
}

/// The abort of `op` that is still waiting for the job to end.
fn pending_abort(state: &State, op: OpId) -> Option<OpId> {
    state
        .ops
        .list
        .iter()
        .find(|o| o.kind == OpKind::Abort { of: op } && o.status == OpStatus::Running)
        .map(|o| o.id)
}

/// Records the one result of `op`: its status, the status line, the audit line.
fn settle(state: &mut State, op: OpId, result: Result<(), String>) -> Vec<Effect> {
    let Some(entry) = state.ops.get(op).cloned() else {
        return Vec::new();
    };
    let outcome = match (&result, &entry.kind) {
        (Ok(()), OpKind::Abort { .. }) => "cancelled".to_string(),
        (Ok(()), _) => "ok".to_string(),
        (Err(e), _) => format!("failed: {e}"),
    };
    let place = match &entry.kind {
        OpKind::Migrate { to, .. } => format!("{} → {}", entry.host_name, to.host_name),
        _ => format!("on {}", entry.host_name),
    };
    let level = if result.is_ok() {
        Level::Info
    } else {
        Level::Error
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
    let pool = state.pools[entry.target.pool].name.clone();
    let (action, params) = (entry.kind.command().to_string(), entry.kind.params());
    let audit = audit_text(
        &pool,
        &entry.host_name,
        &entry.target.name,
        &action,
        &params,
        &outcome,
    );
    let status = match result {
        Ok(()) => OpStatus::Done,
        Err(e) => OpStatus::Failed(e),
    };
    let now = state.now;
    if let Some(entry) = state.ops.get_mut(op) {
        entry.settle(now, status, audit);
        // The last step in words ("starting") is no longer what is happening.
        entry.note = None;
    }
    effects.push(Effect::Audit {
        pool,
        host: entry.host_name,
        vm: entry.target.name,
        action,
        params,
        result: outcome,
    });
    effects
}
