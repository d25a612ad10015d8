//! Actions on an Incus instance: each is one async call and a wait for its operation.

use serde::Deserialize;
use serde_json::json;

use super::client::Client;
use crate::backend::HostCommand;
use crate::model::action::{PowerAction, SnapshotAction};

/// The operation an async call returns, and what waiting on it tells.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Operation {
    id: String,
    status_code: u16,
    err: String,
}

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
    project: &str,
    name: &str,
    command: HostCommand,
) -> Result<(), String> {
    match command {
        HostCommand::Power { action, .. } => power(client, project, name, action).await,
        HostCommand::Delete { .. } => delete(client, project, name).await,
        HostCommand::Snapshot { action, .. } => snapshot(client, project, name, &action).await,
        HostCommand::Clone { name: new_name, .. } => copy(client, project, name, &new_name).await,
        HostCommand::Migrate { .. } => {
            Err("moving Incus instances between members is not supported yet".into())
        }
        _ => Ok(()),
    }
}

/// Snapshots: `POST …/snapshots`, restore with `PUT …{"restore"}`, `DELETE …/snapshots/<s>`.
async fn snapshot(
    client: &Client,
    project: &str,
    name: &str,
    action: &SnapshotAction,
) -> Result<(), String> {
    let base = format!("/1.0/instances/{name}");
    let started = match action {
        SnapshotAction::Create { name: snap, .. } => {
            // Incus snapshots carry no description.
            let body = json!({ "name": snap, "stateful": false });
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
    wait(client, &started.metadata).await
}

/// A copy of the instance on the same server (Incus picks the storage driver's fast path).
async fn copy(client: &Client, project: &str, name: &str, new_name: &str) -> Result<(), String> {
    let body = json!({
        "name": new_name,
        "source": { "type": "copy", "source": name, "instance_only": true },
        "config": { "user.vmdeck.clone-of": name },
    });
    let started = client
        .post::<Operation>(&format!("/1.0/instances?project={project}"), &body)
        .await?;
    wait(client, &started.metadata).await
}

/// Deletes a stopped instance with its storage (Incus always removes the root disk).
async fn delete(client: &Client, project: &str, name: &str) -> Result<(), String> {
    let started = client
        .delete::<Operation>(&format!("/1.0/instances/{name}?project={project}"))
        .await?
        .metadata;
    wait(client, &started).await
}

/// Waits for an async operation and turns its outcome into a result.
async fn wait(client: &Client, started: &Operation) -> Result<(), String> {
    let done: Operation = client
        .get(&format!("/1.0/operations/{}/wait?timeout=120", started.id))
        .await?;
    if done.status_code == 200 {
        Ok(())
    } else {
        Err(format!(
            "incus: {}",
            if done.err.is_empty() {
                "the operation failed"
            } else {
                &done.err
            }
        ))
    }
}

async fn power(
    client: &Client,
    project: &str,
    name: &str,
    action: PowerAction,
) -> Result<(), String> {
    let (verb, force) = incus_action(action);
    let body = json!({ "action": verb, "force": force, "timeout": 30 });
    let path = format!("/1.0/instances/{name}/state?project={project}");
    let started = client.put::<Operation>(&path, &body).await?.metadata;
    wait(client, &started).await
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
