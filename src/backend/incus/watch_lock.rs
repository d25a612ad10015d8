//! Where `vmdeck sets watch` keeps its lease on an Incus server or cluster: the
//! `user.vmdeck.watch-lock` key of the project vmdeck works in (one project is one place for
//! the whole cluster, and every admin of it can read it). The project is read and put back
//! whole: a PATCH of the default project is refused ("You can't change the features of the
//! default project") and cannot remove a key.

use serde_json::{Map, Value};

use super::client::Client;
use super::headless;
use crate::config::{Deadlines, IncusConfig};

const KEY: &str = "user.vmdeck.watch-lock";

fn path(client: &Client) -> String {
    format!("/1.0/projects/{}", client.own_project())
}

/// The lease stamped on the project, if any.
pub fn read(config: &IncusConfig, deadlines: Deadlines) -> Result<Option<String>, String> {
    headless::run(config, deadlines, async |client| {
        let project: Value = client.get(&path(client)).await?;
        Ok(project
            .get("config")
            .and_then(|c| c.get(KEY))
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_string))
    })
}

/// Stamps `value` as the project's lease, or removes it (None).
pub fn write(
    config: &IncusConfig,
    value: Option<&str>,
    deadlines: Deadlines,
) -> Result<(), String> {
    headless::run(config, deadlines, async |client| {
        let path = path(client);
        let project: Value = client.get(&path).await?;
        let mut settings: Map<String, Value> = project
            .get("config")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        match value {
            Some(value) => settings.insert(KEY.into(), Value::String(value.into())),
            None => settings.remove(KEY),
        };
        let body = serde_json::json!({
            "config": settings,
            "description": project.get("description").cloned().unwrap_or_default(),
        });
        client.put::<Value>(&path, &body).await.map(|_| ())
    })
}
