//! What vmdeck already knows says an operation cannot succeed: it is refused before any
//! question, with one plain sentence naming the VM and the reason, and nothing reaches the
//! hypervisor.

use crate::app::ops::OpRequest;
use crate::app::state::State;
use crate::model::action::{PowerAction, SnapshotAction};
use crate::model::op::{MoveHow, OpKind};
use crate::model::{Driver, Vm, VmState};

/// Why `request` cannot be done now, if vmdeck can tell.
pub fn check(state: &State, request: &OpRequest) -> Result<(), String> {
    let target = &request.target;
    let pool = &state.pools[target.pool];
    if pool.read_only {
        return Err(format!("refused: pool {} is read-only", pool.name));
    }
    let host = &pool.hosts[target.host];
    if !host.is_up() {
        return Err(format!(
            "{}: its host {} is {}",
            target.name,
            host.name,
            host.status.label()
        ));
    }
    if let OpKind::Compose(spec) = &request.kind {
        return name_free(state, target.pool, target.host, &spec.name);
    }
    if let OpKind::Abort { .. } = request.kind {
        return Ok(());
    }
    let Some(vm) = host.vms.iter().find(|v| v.uuid == target.uuid) else {
        return Err(format!("{} is no longer on {}", target.name, host.name));
    };
    match &request.kind {
        OpKind::Power(action) => power(vm, *action),
        OpKind::Delete { force: false, .. } if vm.state.is_active() => Err(format!(
            "{} is {}: shut it down first, or :delete --force to pull the plug",
            vm.name,
            vm.state.as_str()
        )),
        OpKind::Snapshot(action) => {
            crate::model::names::check_snapshot_name(action.name(), pool.driver)?;
            snapshot(state, request, action)
        }
        OpKind::Clone(clone) => {
            let on = clone
                .to_host
                .as_deref()
                .and_then(|name| pool.hosts.iter().position(|h| h.name == name));
            name_free(state, target.pool, on.unwrap_or(target.host), &clone.name)
        }
        OpKind::Migrate { how, .. } => migrate(vm, *how),
        _ => Ok(()),
    }
}

/// Each power action wants the VM in a state where it means something.
fn power(vm: &Vm, action: PowerAction) -> Result<(), String> {
    let state = vm.state;
    let wrong = match action {
        PowerAction::Start => state.is_active().then_some("is already running"),
        PowerAction::Resume => (state != VmState::Paused).then_some("is not paused"),
        PowerAction::Suspend if state == VmState::Paused => Some("is already paused"),
        _ if !state.is_active() => Some("is not running"),
        _ => None,
    };
    match wrong {
        Some(why) => Err(format!("{} {why} ({})", vm.name, state.as_str())),
        None => Ok(()),
    }
}

/// A live move needs a running VM; vmdeck decided `how` from the VM's state when asked.
fn migrate(vm: &Vm, how: MoveHow) -> Result<(), String> {
    if how == MoveHow::Live && !vm.state.is_active() {
        return Err(format!(
            "{} is {}: a live migration needs a running VM (:migrate HOST --offline moves it shut off)",
            vm.name,
            vm.state.as_str()
        ));
    }
    Ok(())
}

/// Reverting to or deleting a snapshot wants it to exist; a new one, a name not yet taken.
/// Known only once the VM's details were read (the VM view).
fn snapshot(state: &State, request: &OpRequest, action: &SnapshotAction) -> Result<(), String> {
    let target = &request.target;
    let details = state.pools[target.pool].hosts[target.host]
        .details
        .get(&target.uuid);
    let Some(Ok(details)) = details else {
        return Ok(());
    };
    let exists = details.snapshots.iter().any(|s| s.name == action.name());
    match (action, exists) {
        (SnapshotAction::Create { name, .. }, true) => Err(format!(
            "{} already has a snapshot named {name}",
            target.name
        )),
        (SnapshotAction::Revert { name } | SnapshotAction::Delete { name }, false) => {
            Err(format!("{} has no snapshot named {name}", target.name))
        }
        _ => Ok(()),
    }
}

/// A new VM's name must be valid and not taken where it goes: on its host (libvirt), in the
/// whole server or cluster (Incus names are unique there).
fn name_free(state: &State, pool: usize, host: usize, name: &str) -> Result<(), String> {
    let pool_state = &state.pools[pool];
    crate::model::names::check_vm_name(name, pool_state.driver)?;
    let hosts: Vec<usize> = match pool_state.driver {
        Driver::Incus => (0..pool_state.hosts.len()).collect(),
        Driver::Libvirt => vec![host],
    };
    for h in hosts {
        let host = &pool_state.hosts[h];
        if host.vms.iter().any(|v| v.name == name) {
            return Err(format!("a VM named {name} already exists on {}", host.name));
        }
    }
    Ok(())
}
