//! Incus operations already running on instances when vmdeck connects (those of a vmdeck
//! that was stopped, or of `incus move` in a shell): reported as found jobs, then followed
//! to their end like vmdeck's own, and cancellable by the instance's uuid.

use std::collections::HashMap;

use serde::Deserialize;

use super::client::Client;
use super::convert::instance_of_source;
use super::operation::{self, Operation, Watch};
use crate::backend::HostEvent;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Listed {
    running: Vec<Found>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Found {
    id: String,
    class: String,
    description: String,
    resources: Option<HashMap<String, Vec<String>>>,
}

/// The running task operations that name an instance vmdeck knows (by uuid, from
/// `names`: uuid → project, name), as (uuid, operation id, description). Console and exec
/// sessions (websocket operations) are not jobs. A server that can't list them has none
/// for us (logged).
pub async fn running(
    client: &Client,
    names: &HashMap<String, (String, String)>,
) -> Vec<(String, String, String)> {
    let path = format!("/1.0/operations?recursion=1&{}", client.project_query());
    let listed: Listed = match client.get(&path).await {
        Ok(listed) => listed,
        Err(e) => {
            tracing::warn!("incus: cannot list running operations: {e}");
            return Vec::new();
        }
    };
    listed
        .running
        .into_iter()
        .filter(|op| op.class == "task")
        .filter_map(|op| {
            let uuid = instance_uuid(&op, names)?;
            Some((uuid, op.id, op.description))
        })
        .collect()
}

/// The first instance an operation names (`/1.0/instances/c1?project=p`).
fn instance_uuid(op: &Found, names: &HashMap<String, (String, String)>) -> Option<String> {
    let instances = op.resources.as_ref()?.get("instances")?;
    instances.iter().find_map(|source| {
        let name = instance_of_source(source)?;
        let project = source
            .split_once("project=")
            .map_or("default", |(_, p)| p.split('&').next().unwrap_or("default"));
        names
            .iter()
            .find(|(_, (p, n))| *n == name && p == project)
            .map(|(uuid, _)| uuid.clone())
    })
}

/// Follows the found operation `id` to its end as operation `watch.op`.
pub fn follow(client: Client, id: String, watch: Watch) {
    tokio::spawn(async move {
        let result = operation::wait(&client, &Operation::with_id(id), &watch).await;
        let op = watch.op;
        let _ = watch.news.send(HostEvent::OpFinished { op, result });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_names_its_instance_by_project() {
        let op: Found = serde_json::from_str(
            r#"{"id":"o1","class":"task","description":"Migrating instance",
                "resources":{"instances":["/1.0/instances/c1?project=p2"]}}"#,
        )
        .unwrap();
        let mut names = HashMap::new();
        names.insert("u-default".to_string(), ("default".into(), "c1".into()));
        names.insert("u-p2".to_string(), ("p2".into(), "c1".into()));
        assert_eq!(instance_uuid(&op, &names).as_deref(), Some("u-p2"));
        let none: Found = serde_json::from_str(r#"{"id":"o2","resources":null}"#).unwrap();
        assert_eq!(instance_uuid(&none, &names), None);
    }
}
