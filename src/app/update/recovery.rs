//! Operations across a restart of vmdeck. When vmdeck stops while operations run, each gets
//! its one result — "unfinished" — in the audit log; the hypervisor's job is left running.
//! When a host connects, jobs already running on its VMs become operations again, watched
//! and abortable like vmdeck's own.

use super::set_status;
use crate::app::msg::Effect;
use crate::app::ops::{Op, OpRequest, OpStatus, Target, audit_text};
use crate::app::state::{Level, State};
use crate::backend::{FoundJob, HostCommand};
use crate::model::Driver;
use crate::model::op::{MoveHow, OpKind};

/// The note of an adopted operation, until its figures replace it.
pub const FOUND_NOTE: &str = "found running when vmdeck started";

/// vmdeck stops (`stopped` says why: "vmdeck stopped (SIGTERM)", …): every running operation
/// ends here with an honest result, written to the audit log; results that arrive later
/// are ignored (exactly one per operation).
pub fn unfinished(state: &mut State, stopped: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for index in 0..state.ops.list.len() {
        if state.ops.list[index].status != OpStatus::Running {
            continue;
        }
        let driver = state.pools[state.ops.list[index].target.pool].driver;
        let op = &state.ops.list[index];
        let result = format!("unfinished: {stopped} while it ran; {}", after(op, driver));
        let effect = audit(state, index, result.clone());
        let (now, text) = (state.now, summary(&effect));
        state.ops.list[index].settle(now, OpStatus::Failed(result), text);
        effects.push(effect);
    }
    effects
}

/// What becomes of an operation vmdeck no longer watches.
fn after(op: &Op, driver: Driver) -> &'static str {
    match (&op.kind, driver) {
        // libvirt clones and composes are steps vmdeck itself takes, one after the other.
        (OpKind::Clone(_), Driver::Libvirt) => {
            "the disks of a clone left half-made are removed when vmdeck next connects to the host"
        }
        (OpKind::Compose(_), Driver::Libvirt) => "it may be half done: check the host",
        // vmdeck would have started it again after the move.
        (
            OpKind::Migrate {
                how: MoveHow::Cold, ..
            },
            _,
        ) => "the step under way goes on; a container stopped for the move stays stopped",
        _ => "the job goes on on the host",
    }
}

fn audit(state: &State, index: usize, result: String) -> Effect {
    let op = &state.ops.list[index];
    Effect::Audit {
        pool: state.pools[op.target.pool].name.clone(),
        host: op.host_name.clone(),
        vm: op.target.name.clone(),
        action: op.kind.command().to_string(),
        params: op.kind.params(),
        result,
    }
}

/// The audit entry as the operation's details show it.
fn summary(effect: &Effect) -> String {
    match effect {
        Effect::Audit {
            pool,
            host,
            vm,
            action,
            params,
            result,
        } => audit_text(pool, host, vm, action, params, result),
        _ => String::new(),
    }
}

/// A host reports a job on one of its VMs that no running operation watches: it becomes a
/// running operation, and the host is asked to watch it to its end.
pub fn adopt(
    state: &mut State,
    pool: usize,
    host: usize,
    uuid: String,
    job: FoundJob,
) -> Vec<Effect> {
    let watched =
        state.ops.list.iter().any(|o| {
            o.status == OpStatus::Running && o.target.pool == pool && o.target.uuid == uuid
        });
    let Some(host_state) = state.pools.get(pool).and_then(|p| p.hosts.get(host)) else {
        return Vec::new();
    };
    if watched {
        return Vec::new();
    }
    let host_name = host_state.name.clone();
    let name = host_state
        .vms
        .iter()
        .find(|v| v.uuid == uuid)
        .map_or_else(|| uuid.clone(), |v| v.name.clone());
    let kind = OpKind::Adopted { job: job.what };
    let text = format!("{name} on {host_name}: {} {FOUND_NOTE}", kind.params());
    let target = Target {
        pool,
        host,
        uuid: uuid.clone(),
        name,
    };
    let request = OpRequest {
        target,
        kind: kind.clone(),
    };
    let op = state.ops.add(request, host_name, state.now);
    super::ops_view::keep_selection(state);
    let now = state.now;
    if let Some(entry) = state.ops.get_mut(op) {
        entry.progress = job.progress;
        entry.note = Some(FOUND_NOTE.into());
        entry.step(now, FOUND_NOTE);
    }
    set_status(state, Level::Info, format!("{text} (O shows it)"));
    vec![Effect::Host {
        pool,
        host,
        command: HostCommand::Op { op, uuid, kind },
    }]
}
