//! Power actions on an Incus instance: `PUT …/state`, then wait for the operation.

use serde::Deserialize;
use serde_json::json;

use super::client::Client;
use crate::model::action::PowerAction;

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

/// Deletes a stopped instance with its storage (Incus always removes the root disk).
pub async fn delete(client: &Client, project: &str, name: &str) -> Result<(), String> {
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

pub async fn power(
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
