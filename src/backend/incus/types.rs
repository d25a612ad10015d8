//! The parts of Incus's JSON that vmdeck reads (doc/rest-api.yaml). Every field defaults, so
//! a server that omits one still parses.

use std::collections::HashMap;

use serde::{Deserialize, Deserializer};

/// Incus sends `null` for some objects while an instance changes state (seen for its state's
/// parts during a stop); read it as empty instead of failing the whole list.
fn null_as_default<'de, D: Deserializer<'de>, T: Default + Deserialize<'de>>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Every response: sync (`metadata` is the answer), async (`metadata` describes the
/// operation) or error.
#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    #[serde(default)]
    pub error: String,
    pub metadata: T,
}

/// `GET /1.0`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Server {
    pub environment: Environment,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Environment {
    pub server_name: String,
    pub server_version: String,
    pub server_clustered: bool,
    pub driver: String,
    pub driver_version: String,
}

/// One element of `GET /1.0/instances?recursion=2`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct Instance {
    pub name: String,
    pub project: String,
    pub status: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub location: String,
    /// Deleted when stopped.
    pub ephemeral: bool,
    #[serde(deserialize_with = "null_as_default")]
    pub config: HashMap<String, String>,
    #[serde(deserialize_with = "null_as_default")]
    pub expanded_config: HashMap<String, String>,
    #[serde(deserialize_with = "null_as_default")]
    pub expanded_devices: HashMap<String, HashMap<String, String>>,
    pub state: Option<InstanceState>,
    #[serde(deserialize_with = "null_as_default")]
    pub snapshots: Vec<InstanceSnapshot>,
}

/// A snapshot, as `recursion=1` lists it with its instance.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct InstanceSnapshot {
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub stateful: bool,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct InstanceState {
    /// How many processes run inside: a container's init and its children; a VM's only
    /// when its agent reports them, else -1. None from a server that does not say.
    pub processes: Option<i64>,
    #[serde(deserialize_with = "null_as_default")]
    pub memory: MemoryState,
    #[serde(deserialize_with = "null_as_default")]
    pub cpu: CpuState,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct MemoryState {
    pub usage: u64,
    pub total: u64,
}

#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct CpuState {
    /// Nanoseconds of CPU time used.
    pub usage: u64,
}

/// `GET /1.0/resources`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Resources {
    pub cpu: Cpu,
    pub memory: Memory,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Cpu {
    pub total: u32,
    pub sockets: Vec<Socket>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Socket {
    pub name: String,
    pub cores: Vec<Core>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Core {
    /// MHz.
    pub frequency: u32,
    pub threads: Vec<Thread>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Thread {
    pub id: u32,
    pub numa_node: u32,
    /// Servers that do not say are taken to have every CPU online.
    #[serde(default = "yes")]
    pub online: bool,
    pub isolated: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Memory {
    pub total: u64,
    pub hugepages_size: u64,
    pub nodes: Vec<MemoryNode>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemoryNode {
    pub numa_node: u32,
    pub total: u64,
    pub used: u64,
    pub hugepages_total: u64,
    pub hugepages_used: u64,
}

/// One element of `GET /1.0/storage-pools?recursion=1`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StoragePool {
    pub name: String,
    pub status: String,
}

/// `GET /1.0/storage-pools/<name>/resources`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PoolResources {
    pub space: Space,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Space {
    pub used: u64,
    pub total: u64,
}

/// A message of the `/1.0/events` websocket.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: String,
    pub project: String,
    pub metadata: EventMetadata,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EventMetadata {
    /// Lifecycle events: `instance-started`, …
    pub action: String,
    /// Lifecycle events: `/1.0/instances/c1` (with `?project=` outside the default project).
    pub source: String,
}

/// The metadata of an async operation (`POST …/console`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Operation {
    pub id: String,
    pub metadata: OperationMetadata,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OperationMetadata {
    /// Websocket secrets by stream: `"0"` (data) and `"control"`.
    pub fds: HashMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::Instance;

    #[test]
    fn nulls_during_state_changes_parse() {
        let json = r#"{"name":"c2","config":null,"expanded_devices":null,"state":{"memory":null,"cpu":null}}"#;
        let instance: Instance = serde_json::from_str(json).unwrap();
        assert_eq!(instance.name, "c2");
        assert_eq!(instance.state.unwrap().memory.usage, 0);
    }
}

/// One element of `GET /1.0/storage-pools/<pool>/volumes?recursion=1`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct Volume {
    pub name: String,
    /// container, virtual-machine, image, custom.
    #[serde(rename = "type")]
    pub kind: String,
    pub content_type: String,
    pub location: String,
    #[serde(deserialize_with = "null_as_default")]
    pub used_by: Vec<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub config: HashMap<String, String>,
}

/// `GET …/volumes/<type>/<name>/state`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VolumeState {
    pub usage: Option<VolumeUsage>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VolumeUsage {
    pub used: u64,
    pub total: i64,
}

/// One element of `GET /1.0/cluster/members?recursion=1`.
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(default)]
pub struct ClusterMember {
    pub server_name: String,
    /// "Online", "Offline", "Evacuated", …
    pub status: String,
    pub message: String,
}

impl ClusterMember {
    /// Why the member can't be used, when it can't.
    pub fn unusable(&self) -> Option<String> {
        (self.status != "Online").then(|| {
            let status = self.status.to_lowercase();
            if self.message.is_empty() {
                status
            } else {
                format!("{status}: {}", self.message)
            }
        })
    }
}
