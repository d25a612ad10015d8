//! Copying an instance (`:clone` in an Incus pool): its definition goes along, with what
//! must be new for a new machine made anew.

use serde_json::{Value, json};

use super::client::Client;
use super::operation::{Operation, Watch, wait};
use crate::model::action::CloneRequest;

/// A copy of the instance, on its own member or another one (Incus picks the storage
/// driver's fast path), with or without its snapshots.
pub async fn copy(
    client: &Client,
    project: &str,
    name: &str,
    request: &CloneRequest,
    watch: &Watch,
) -> Result<(), String> {
    // The source's own definition goes along, as the incus client sends it: a member that
    // is not the source's can't fill it in (it refuses with "Architecture isn't supported").
    let source: Value = client
        .get(&format!("/1.0/instances/{name}?project={project}"))
        .await?;
    let mut config = source["config"].as_object().cloned().unwrap_or_default();
    // Volatile keys (MACs, the cloud-init instance id) are made anew for the copy; its
    // user-data names the copy, not its source.
    config.retain(|key, _| !key.starts_with("volatile."));
    renamed_user_data(&mut config, &request.name);
    config.insert("user.vmdeck.clone-of".into(), Value::from(name));
    let body = json!({
        "name": request.name,
        "architecture": source["architecture"],
        "type": source["type"],
        "profiles": source["profiles"],
        "devices": source["devices"],
        "ephemeral": source["ephemeral"],
        "config": config,
        "source": {
            "type": "copy",
            "source": name,
            "instance_only": !request.with_snapshots,
        },
    });
    let target = request
        .to_host
        .as_ref()
        .map_or(String::new(), |member| format!("&target={member}"));
    let path = format!("/1.0/instances?project={project}{target}");
    let started = client.post::<Operation>(&path, &body).await?;
    wait(client, &started.metadata, watch).await
}

/// The cloud-init user-data keys of a copy with their `hostname:` set to the copy's name.
fn renamed_user_data(config: &mut serde_json::Map<String, Value>, hostname: &str) {
    for key in ["cloud-init.user-data", "user.user-data"] {
        if let Some(Value::String(text)) = config.get(key) {
            let renamed = crate::cloudinit::with_hostname(text, hostname);
            config.insert(key.to_string(), Value::from(renamed));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    #[test]
    fn a_copy_gets_its_own_hostname_in_its_user_data() {
        let mut config = json!({
            "cloud-init.user-data": "#cloud-config\nhostname: web\npackages: [htop]\n",
            "limits.cpu": "2",
        })
        .as_object()
        .cloned()
        .unwrap();
        super::renamed_user_data(&mut config, "web-copy");
        let text = config["cloud-init.user-data"].as_str().unwrap();
        assert!(
            text.contains("hostname: web-copy\n") && text.contains("packages"),
            "{text}"
        );
        assert_eq!(config["limits.cpu"], Value::from("2"));
    }
}
