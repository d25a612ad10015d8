//! Actions on an Incus instance: each is one or a few async calls, whose operations are
//! followed to the end with their progress reported and their id kept so that they can be
//! cancelled.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc::UnboundedSender;

use super::client::Client;
use crate::backend::{HostEvent, MigrationTarget, OpId, OpKind};
use crate::model::Driver;
use crate::model::action::{MigrateOptions, PowerAction, SnapshotAction};
use crate::model::names::{check_snapshot_name, check_vm_name};

/// An operation as the server describes it: when started, and on each look while it runs.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Operation {
    id: String,
    status_code: u16,
    err: String,
    may_cancel: bool,
    #[serde(deserialize_with = "null_as_object")]
    pub(super) metadata: Value,
}

impl Operation {
    /// An operation known by its id only (found running), to follow with `wait`.
    pub(super) fn with_id(id: String) -> Operation {
        Operation {
            id,
            ..Operation::default()
        }
    }
}

fn null_as_object<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    Ok(Option::<Value>::deserialize(d)?.unwrap_or(Value::Null))
}

/// The operation running for each instance (by uuid), so that `AbortJob` can cancel it.
pub type Running = Arc<Mutex<HashMap<String, String>>>;

/// What an action reports to while it runs.
pub struct Watch {
    pub op: OpId,
    pub uuid: String,
    pub news: UnboundedSender<HostEvent>,
    pub running: Running,
}

impl Watch {
    /// A watch for a headless command: no operation record to report to but `news`.
    pub(super) fn headless(news: UnboundedSender<HostEvent>) -> Watch {
        Watch {
            op: 0,
            uuid: String::new(),
            news,
            running: Default::default(),
        }
    }

    pub(super) fn note(&self, text: impl Into<String>) {
        let text = text.into();
        let _ = self.news.send(HostEvent::OpNote { op: self.op, text });
    }

    fn track(&self, operation: Option<&str>) {
        if let Ok(mut running) = self.running.lock() {
            match operation {
                Some(id) => running.insert(self.uuid.clone(), id.to_string()),
                None => running.remove(&self.uuid),
            };
        }
    }
}

/// Cancels the operation running for the instance `uuid`.
pub async fn cancel(client: &Client, running: &Running, uuid: &str) -> Result<(), String> {
    let id = running.lock().ok().and_then(|r| r.get(uuid).cloned());
    let Some(id) = id else {
        return Err("no Incus operation is running for it".into());
    };
    client
        .delete::<Value>(&format!("/1.0/operations/{id}"))
        .await
        .map(|_| ())
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

/// Follows an async operation to its end (a second at a time, reporting its progress) and
/// turns its outcome into a result. While it runs it can be cancelled by the instance's uuid.
pub(super) async fn wait(
    client: &Client,
    started: &Operation,
    watch: &Watch,
) -> Result<(), String> {
    watch.track(Some(&started.id));
    let mut last_note = String::new();
    let outcome = loop {
        let now = match look(client, &started.id).await {
            Ok(now) => now,
            Err(e) => break Err(e),
        };
        if let Some(result) = outcome(&now) {
            break result;
        }
        let note = progress_note(&now);
        if !note.is_empty() && note != last_note {
            watch.note(note.clone());
            last_note = note;
        }
    };
    watch.track(None);
    outcome
}

/// The operation after waiting up to a second for it to end. A member waiting on another
/// member's operation answers a wait that runs out with an error instead of the operation;
/// then the operation is read as it is.
async fn look(client: &Client, id: &str) -> Result<Operation, String> {
    match client
        .get(&format!("/1.0/operations/{id}/wait?timeout=1"))
        .await
    {
        Err(e) if e.contains("deadline exceeded") => {
            client.get(&format!("/1.0/operations/{id}")).await
        }
        other => other,
    }
}

/// Success, failure or cancellation ends an operation; every other status is on the way.
fn outcome(operation: &Operation) -> Option<Result<(), String>> {
    match operation.status_code {
        200 => Some(Ok(())),
        401 => Some(Err("incus: the operation was cancelled".into())),
        code if code >= 400 => Some(Err(format!(
            "incus: {}",
            if operation.err.is_empty() {
                "the operation failed"
            } else {
                &operation.err
            }
        ))),
        _ => None,
    }
}

/// The words Incus puts in an operation's metadata while it works (`…_progress`, or the
/// `progress` object's stage and percent), and whether it can be cancelled.
fn progress_note(operation: &Operation) -> String {
    let Some(metadata) = operation.metadata.as_object() else {
        return String::new();
    };
    let text = metadata
        .iter()
        .filter(|(key, _)| key.ends_with("_progress"))
        .find_map(|(_, value)| value.as_str().map(str::to_string))
        .or_else(|| {
            let progress = metadata.get("progress")?;
            let stage = progress.get("stage")?.as_str()?;
            let percent = progress.get("percent")?.as_str()?;
            Some(format!("{stage} {percent}%"))
        })
        .unwrap_or_default();
    match (text.is_empty(), operation.may_cancel) {
        (false, true) => format!("{text} · x cancels"),
        _ => text,
    }
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

    fn operation(json: &str) -> Operation {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn progress_from_an_operations_metadata() {
        // As `incus monitor --type operation` showed for a copy between members.
        let unpacking = operation(
            r#"{"id":"x","status_code":103,"may_cancel":false,"metadata":
            {"create_instance_from_image_unpack_progress":"Unpacking image: 45% (1.08GB/s)",
             "progress":{"percent":"45","speed":"1084112149","stage":"create_instance_from_image_unpack"}}}"#,
        );
        assert_eq!(progress_note(&unpacking), "Unpacking image: 45% (1.08GB/s)");
        assert_eq!(outcome(&unpacking), None);
        let staged = operation(
            r#"{"status_code":103,"may_cancel":true,"metadata":{"progress":{"percent":"10","stage":"fs"}}}"#,
        );
        assert_eq!(progress_note(&staged), "fs 10% · x cancels");
        let quiet = operation(r#"{"status_code":105,"metadata":null}"#);
        assert_eq!(progress_note(&quiet), "");
        assert_eq!(
            outcome(&operation(r#"{"status_code":401}"#)),
            Some(Err("incus: the operation was cancelled".into()))
        );
        assert_eq!(
            outcome(&operation(r#"{"status_code":400,"err":"no room"}"#)),
            Some(Err("incus: no room".into()))
        );
        assert_eq!(outcome(&operation(r#"{"status_code":200}"#)), Some(Ok(())));
    }
}
