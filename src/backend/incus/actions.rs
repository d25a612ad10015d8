//! Actions on an Incus instance: each is one or a few async calls, whose operations are
//! followed to the end with their progress reported and their id kept so that they can be
//! cancelled.

use serde::Deserialize;
use serde_json::json;

use super::client::Client;
use super::operation::{Operation, Watch, wait};
use crate::backend::{MigrationTarget, OpKind};
use crate::model::Driver;
use crate::model::action::{MigrateOptions, PowerAction, SnapshotAction};
use crate::model::names::{check_snapshot_name, check_vm_name};

/// Incus's word for each action, and whether it forces (no clean shutdown).
fn incus_action(action: PowerAction) -> (&'static str, bool) {
    match action {
        PowerAction::Start => ("start", false),
        PowerAction::Shutdown => ("stop", false),
        PowerAction::Reboot => ("restart", false),
        PowerAction::Reset => ("restart", true),
        PowerAction::PowerOff => ("stop", true),
        PowerAction::Suspend => ("freeze", false),
        PowerAction::Resume => ("unfreeze", false),
    }
}

/// Carries out a mutating command on the instance `project`/`name`.
pub async fn run(
    client: &Client,
    instance: (&str, &str),
    kind: OpKind,
    watch: &Watch,
) -> Result<(), String> {
    let (project, name) = instance;
    // Names are data: a bad one is refused before anything is made.
    match &kind {
        OpKind::Clone(request) => check_vm_name(&request.name, Driver::Incus)?,
        OpKind::Snapshot(action) => check_snapshot_name(action.name(), Driver::Incus)?,
        _ => {}
    }
    match kind {
        OpKind::Power(action) => power(client, instance, action, watch).await,
        OpKind::Delete { force, .. } => {
            if force {
                stop_if_running(client, instance, watch).await?;
            }
            delete(client, project, name, watch).await
        }
        OpKind::Snapshot(action) => snapshot(client, project, name, &action, watch).await,
        OpKind::Clone(request) => super::copy::copy(client, project, name, &request, watch).await,
        OpKind::Migrate { to, options, .. } => {
            move_to(client, instance, &to, &options, watch).await
        }
        OpKind::Restamp(spec) => super::restamp::restamp(client, instance, &spec, watch).await,
        // The worker runs these itself: a compose has no instance yet, an abort is a cancel,
        // a found job is followed, not started.
        OpKind::Compose(_) | OpKind::Abort { .. } | OpKind::Adopted { .. } => Ok(()),
    }
}

/// The parts of an instance a move depends on.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InstanceStatus {
    status: String,
    #[serde(rename = "type")]
    kind: String,
    location: String,
}

/// Moves the instance to another cluster member: live for a running VM (Incus needs
/// `migration.stateful` on it), otherwise cold — a running container is stopped, moved and
/// started again, which the confirmation said.
async fn move_to(
    client: &Client,
    instance: (&str, &str),
    target: &MigrationTarget,
    options: &MigrateOptions,
    watch: &Watch,
) -> Result<(), String> {
    let (project, name) = instance;
    let now: InstanceStatus = client
        .get(&format!("/1.0/instances/{name}?project={project}"))
        .await?;
    let member = &target.host_name;
    if &now.location == member {
        return Err(format!("{name} is already on {member}"));
    }
    let running = now.status == "Running";
    let live = running && now.kind == "virtual-machine" && !options.offline;
    if running && !live {
        watch.note(format!("stopping {name} for a cold move"));
        power(client, instance, PowerAction::Shutdown, watch).await?;
    }
    watch.note(format!("moving to {member}"));
    let body = json!({ "name": name, "migration": true, "live": live });
    let path = format!("/1.0/instances/{name}?project={project}&target={member}");
    let started = client.post::<Operation>(&path, &body).await?.metadata;
    wait(client, &started, watch).await?;
    if running && !live {
        watch.note(format!("starting {name} on {member}"));
        power(client, instance, PowerAction::Start, watch).await?;
    }
    Ok(())
}

/// Snapshots: `POST …/snapshots`, restore with `PUT …{"restore"}`, `DELETE …/snapshots/<s>`.
async fn snapshot(
    client: &Client,
    project: &str,
    name: &str,
    action: &SnapshotAction,
    watch: &Watch,
) -> Result<(), String> {
    let base = format!("/1.0/instances/{name}");
    let started = match action {
        SnapshotAction::Create {
            name: snap,
            with_memory,
            ..
        } => {
            // Incus snapshots carry no description. A stateful one needs CRIU (containers)
            // or `migration.stateful` (VMs); the server says so when it is missing.
            let body = json!({ "name": snap, "stateful": with_memory.unwrap_or(false) });
            client
                .post::<Operation>(&format!("{base}/snapshots?project={project}"), &body)
                .await?
        }
        SnapshotAction::Revert { name: snap } => {
            client
                .put::<Operation>(
                    &format!("{base}?project={project}"),
                    &json!({ "restore": snap }),
                )
                .await?
        }
        SnapshotAction::Delete { name: snap } => {
            client
                .delete::<Operation>(&format!("{base}/snapshots/{snap}?project={project}"))
                .await?
        }
    };
    wait(client, &started.metadata, watch).await
}

/// Forces a running instance off (scaling a set down removes running members).
async fn stop_if_running(
    client: &Client,
    instance: (&str, &str),
    watch: &Watch,
) -> Result<(), String> {
    let (project, name) = instance;
    let now: InstanceStatus = client
        .get(&format!("/1.0/instances/{name}?project={project}"))
        .await?;
    if now.status == "Stopped" {
        return Ok(());
    }
    power(client, instance, PowerAction::PowerOff, watch).await
}

/// Deletes a stopped instance with its storage (Incus always removes the root disk).
async fn delete(client: &Client, project: &str, name: &str, watch: &Watch) -> Result<(), String> {
    let started = client
        .delete::<Operation>(&format!("/1.0/instances/{name}?project={project}"))
        .await?
        .metadata;
    wait(client, &started, watch).await
}

pub(super) async fn power(
    client: &Client,
    instance: (&str, &str),
    action: PowerAction,
    watch: &Watch,
) -> Result<(), String> {
    let (project, name) = instance;
    let (verb, force) = incus_action(action);
    let body = json!({ "action": verb, "force": force, "timeout": 30 });
    let path = format!("/1.0/instances/{name}/state?project={project}");
    let started = client.put::<Operation>(&path, &body).await?.metadata;
    wait(client, &started, watch).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_actions_to_incus_words() {
        assert_eq!(incus_action(PowerAction::PowerOff), ("stop", true));
        assert_eq!(incus_action(PowerAction::Shutdown), ("stop", false));
        assert_eq!(incus_action(PowerAction::Suspend), ("freeze", false));
    }
}
