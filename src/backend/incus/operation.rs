//! An Incus operation followed to its end: its progress reported, its id kept while it runs
//! so that it can be cancelled, its outcome turned into a result.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use super::client::Client;
use crate::backend::{HostEvent, OpId};

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

    /// A watch for a headless command whose steps nobody hears (their notes are dropped).
    pub(super) fn unheard() -> Watch {
        let (news, _) = tokio::sync::mpsc::unbounded_channel();
        Watch::headless(news)
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

#[cfg(test)]
mod tests {
    use super::*;

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
