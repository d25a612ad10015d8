//! Composing an instance on Incus from a VM type and an image: limits from the type,
//! cloud-init user-data, vmdeck's `user.vmdeck.*` stamp, created on the member placement
//! chose and started. A start that fails removes the new instance again.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::client::Client;
use super::operation::{Operation, Watch, wait};
use crate::model::compose::{ComposeSpec, Image, NetworkNic};

/// The parts of an image `GET /1.0/images?recursion=1` gives that vmdeck shows.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ImageEntry {
    fingerprint: String,
    size: u64,
    #[serde(rename = "type")]
    kind: String,
    aliases: Vec<Alias>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Alias {
    name: String,
}

/// The images of the server's project, one per alias (or per short fingerprint when unaliased).
pub async fn images(client: &Client, project: &str, host: &str) -> Result<Vec<Image>, String> {
    let entries: Vec<ImageEntry> = client
        .get(&format!("/1.0/images?recursion=1&project={project}"))
        .await?;
    Ok(to_images(entries, host))
}

fn to_images(entries: Vec<ImageEntry>, host: &str) -> Vec<Image> {
    let mut images: Vec<Image> = entries
        .into_iter()
        .flat_map(|entry| {
            let mut names: Vec<String> = entry.aliases.iter().map(|a| a.name.clone()).collect();
            if names.is_empty() {
                names.push(entry.fingerprint.chars().take(12).collect());
            }
            names.into_iter().map(move |name| Image {
                name,
                host: host.to_string(),
                format: entry.kind.clone(),
                size_bytes: entry.size,
                location: entry.fingerprint.clone(),
            })
        })
        .collect();
    images.sort_by(|a, b| a.name.cmp(&b.name));
    images
}

/// Creates the instance `spec` describes (on `spec.member` in a cluster) and starts it.
pub async fn compose(
    client: &Client,
    project: &str,
    spec: &ComposeSpec,
    watch: &Watch,
) -> Result<(), String> {
    if !spec.attach.vfs.is_empty() {
        return Err("SR-IOV functions are not given to Incus instances by vmdeck yet".into());
    }
    watch.note(format!("finding image {}", spec.image));
    let kind = image_kind(client, project, &spec.image).await?;
    let body = json!({
        "name": spec.name,
        "type": kind,
        "source": { "type": "image", "alias": spec.image },
        "config": instance_config(spec),
        "devices": instance_devices(spec),
    });
    let target = spec
        .member
        .as_ref()
        .map_or(String::new(), |member| format!("&target={member}"));
    watch.note(format!("creating {} from {}", spec.name, spec.image));
    let path = format!("/1.0/instances?project={project}{target}");
    let started = client.post::<Operation>(&path, &body).await?;
    wait(client, &started.metadata, watch).await?;
    if !spec.start {
        return Ok(());
    }
    watch.note("starting".to_string());
    let start = json!({ "action": "start", "timeout": 30 });
    let state = format!("/1.0/instances/{}/state?project={project}", spec.name);
    let started = client.put::<Operation>(&state, &start).await?;
    if let Err(e) = wait(client, &started.metadata, watch).await {
        let removed = remove(client, project, &spec.name, watch).await;
        return Err(format!("created but could not start: {e}{removed}"));
    }
    Ok(())
}

/// Whether the alias is a container or a virtual-machine image: the instance's type must
/// match, and Incus assumes a container when none is given.
async fn image_kind(client: &Client, project: &str, alias: &str) -> Result<String, String> {
    let target: Value = client
        .get(&format!("/1.0/images/aliases/{alias}?project={project}"))
        .await
        .map_err(|e| format!("no image '{alias}': {e}"))?;
    Ok(target["type"].as_str().unwrap_or("container").to_string())
}

/// The instance's config: the type's limits, the user-data and the stamp.
fn instance_config(spec: &ComposeSpec) -> Map<String, Value> {
    let t = &spec.vm_type;
    let mut config = Map::new();
    let mut set = |key: &str, value: String| {
        config.insert(key.to_string(), Value::from(value));
    };
    match (&spec.numa_node, t.cpu_pinning) {
        // Pinned: the vCPUs on the CPUs of the chosen node, which Incus takes as a set.
        (Some((_, cpus)), true) => set("limits.cpu", cpu_list(cpus, t.vcpus)),
        _ => set("limits.cpu", t.vcpus.to_string()),
    }
    if let (Some((node, _)), false) = (&spec.numa_node, t.cpu_pinning) {
        set("limits.cpu.nodes", node.to_string());
    }
    set(
        "limits.memory",
        format!("{}MiB", t.memory_bytes.div_ceil(1 << 20)),
    );
    if t.hugepage_kib.is_some() {
        set("limits.memory.hugepages", "true".into());
    }
    if !spec.user_data.trim().is_empty() {
        set("cloud-init.user-data", spec.user_data.clone());
    }
    set("user.vmdeck.type", t.name.clone());
    set("user.vmdeck.image", spec.image.clone());
    if let Some(group) = &spec.group {
        set("user.vmdeck.group", group.clone());
    }
    if let Some(name) = &spec.set {
        set("user.vmdeck.set", name.clone());
    }
    for (key, value) in spec.set_spec.iter().flat_map(|s| s.fields()) {
        set(&format!("user.vmdeck.{key}"), value);
    }
    config
}

/// The GPUs and NICs placement chose, as Incus devices (`gpu0`, `eth1`, …); the profile's
/// own devices stay.
fn instance_devices(spec: &ComposeSpec) -> Map<String, Value> {
    let mut devices = Map::new();
    for (i, pci) in spec.attach.gpus.iter().enumerate() {
        devices.insert(
            format!("gpu{i}"),
            json!({ "type": "gpu", "gputype": "physical", "pci": pci }),
        );
    }
    for (i, nic) in spec.attach.nics.iter().enumerate() {
        let device = match nic {
            NetworkNic::Network(name) => json!({ "type": "nic", "network": name }),
            NetworkNic::Bridge(name) => {
                json!({ "type": "nic", "nictype": "bridged", "parent": name })
            }
        };
        devices.insert(format!("eth{}", i + 1), device);
    }
    devices
}

/// The first `count` CPUs of the node, as Incus's `limits.cpu` set (`0,1,2`).
fn cpu_list(cpus: &[u32], count: u32) -> String {
    cpus.iter()
        .take(count as usize)
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

async fn remove(client: &Client, project: &str, name: &str, watch: &Watch) -> String {
    let path = format!("/1.0/instances/{name}?project={project}");
    let removed = match client.delete::<Operation>(&path).await {
        Ok(started) => wait(client, &started.metadata, watch).await,
        Err(e) => Err(e),
    };
    match removed {
        Ok(()) => format!(" (removed {name} again)"),
        Err(e) => format!(" ({name} is left behind: {e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::VmType;

    fn spec() -> ComposeSpec {
        ComposeSpec {
            name: "web-0".into(),
            vm_type: VmType {
                name: "small".into(),
                vcpus: 2,
                memory_bytes: 256 << 20,
                ..VmType::default()
            },
            image: "busybox".into(),
            group: Some("web".into()),
            set: Some("web".into()),
            user_data: "#cloud-config\nhostname: web-0\n".into(),
            numa_node: None,
            member: None,
            storage: None,
            cores: None,
            start: true,
            attach: Default::default(),
            set_spec: Some(crate::model::set::SetSpec {
                replicas: 3,
                vm_type: "small".into(),
                image: "busybox".into(),
                generation: 42,
                ..Default::default()
            }),
        }
    }

    #[test]
    fn limits_user_data_and_stamp_from_the_type() {
        let config = instance_config(&spec());
        let get = |key: &str| config.get(key).and_then(Value::as_str).unwrap_or("");
        assert_eq!(get("limits.cpu"), "2");
        assert_eq!(get("limits.memory"), "256MiB");
        assert_eq!(get("user.vmdeck.type"), "small");
        assert_eq!(get("user.vmdeck.group"), "web");
        assert_eq!(get("user.vmdeck.set-replicas"), "3");
        assert_eq!(get("user.vmdeck.set-generation"), "42");
        assert!(get("cloud-init.user-data").contains("hostname: web-0"));
        assert!(!config.contains_key("limits.cpu.nodes"));
    }

    #[test]
    fn a_node_pins_or_confines_the_cpus() {
        let mut one_node = spec();
        one_node.numa_node = Some((1, vec![4, 5, 6, 7]));
        let config = instance_config(&one_node);
        assert_eq!(config["limits.cpu.nodes"], "1");
        one_node.vm_type.cpu_pinning = true;
        let config = instance_config(&one_node);
        assert_eq!(config["limits.cpu"], "4,5");
        assert!(!config.contains_key("limits.cpu.nodes"));
    }

    #[test]
    fn images_by_alias() {
        let entries: Vec<ImageEntry> = serde_json::from_str(
            r#"[{"fingerprint":"abcdef0123456789","size":1000,"type":"container",
                 "aliases":[{"name":"busybox"},{"name":"bb"}]},
                {"fingerprint":"99887766554433221100","size":5,"type":"virtual-machine","aliases":[]}]"#,
        )
        .unwrap();
        let images = to_images(entries, "incus");
        let names: Vec<_> = images.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["998877665544", "bb", "busybox"]);
        assert_eq!(images[2].format, "container");
    }
}
