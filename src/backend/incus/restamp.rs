//! Rewrites the set spec in one instance's `user.vmdeck.set-*` keys, keeping the rest of its
//! config: the instance is read and put back whole (a PATCH cannot remove a key), so a spec
//! field that was dropped is dropped from the instance too.

use serde_json::{Map, Value};

use super::client::Client;
use super::operation::{Operation, Watch, wait};
use crate::model::set::{KEYS, SetSpec};

/// Restamps `project`/`name` with `spec`.
pub async fn restamp(
    client: &Client,
    instance: (&str, &str),
    spec: &SetSpec,
    watch: &Watch,
) -> Result<(), String> {
    let (project, name) = instance;
    let path = format!("/1.0/instances/{name}?project={project}");
    let mut current: Value = client.get(&path).await?;
    let config = current
        .get_mut("config")
        .and_then(Value::as_object_mut)
        .ok_or("the instance has no config")?;
    if !config.contains_key("user.vmdeck.set") {
        return Err("the instance is in no set".into());
    }
    with_spec(config, spec);
    let started = client.put::<Operation>(&path, &current).await?.metadata;
    wait(client, &started, watch).await
}

/// Replaces every set-spec key of `config` with the fields of `spec`.
fn with_spec(config: &mut Map<String, Value>, spec: &SetSpec) {
    for key in KEYS {
        config.remove(&format!("user.vmdeck.{key}"));
    }
    for (key, value) in spec.fields() {
        config.insert(format!("user.vmdeck.{key}"), Value::String(value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_restamp_replaces_the_spec_keys_and_keeps_the_rest() {
        let mut config: Map<String, Value> = serde_json::from_str(
            r#"{"user.vmdeck.set":"web","user.vmdeck.type":"small","limits.cpu":"2",
                "user.vmdeck.set-replicas":"3","user.vmdeck.set-max":"5",
                "user.vmdeck.set-generation":"1"}"#,
        )
        .unwrap();
        let spec = SetSpec {
            replicas: 2,
            generation: 9,
            ..SetSpec::default()
        };
        with_spec(&mut config, &spec);
        let get = |k: &str| config.get(k).and_then(Value::as_str);
        assert_eq!(get("user.vmdeck.set-replicas"), Some("2"));
        assert_eq!(get("user.vmdeck.set-generation"), Some("9"));
        assert_eq!(get("user.vmdeck.set-max"), None);
        assert_eq!(get("user.vmdeck.set"), Some("web"));
        assert_eq!(get("limits.cpu"), Some("2"));
    }
}
