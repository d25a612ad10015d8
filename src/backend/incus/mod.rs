//! The Incus backend: a REST client over the unix socket or HTTPS with a client certificate
//! and a pinned server certificate, the events websocket for live changes, and the console
//! websockets. A standalone server is one host; a cluster's members are the hosts of its pool,
//! all read and driven through the one endpoint the pool names.

mod actions;
mod client;
mod compose;
mod console;
mod convert;
mod copy;
pub mod devices;
mod found;
mod headless;
mod inventory;
mod operation;
mod restamp;
mod tls;
mod types;
pub mod watch_lock;
mod worker;

pub use inventory::{CpuSampler, Inventory};
pub use worker::{HostHandle, spawn_host};

use crate::config::{Deadlines, IncusConfig};
use crate::model::VmPlacement;
use crate::model::action::PowerAction;
use crate::model::compose::{ComposeSpec, Image};

/// One bulk inventory of the server (or cluster), for headless commands, with where each
/// instance is pinned.
pub fn inventory_once(
    config: &IncusConfig,
    deadlines: Deadlines,
) -> Result<(Inventory, Vec<VmPlacement>), String> {
    headless::run(config, deadlines, async |client| {
        let snapshot = inventory::snapshot(client).await?;
        let placement = snapshot
            .instances
            .iter()
            .filter_map(convert::placement)
            .collect();
        Ok((snapshot.inventory, placement))
    })
    .map_err(|e: String| format!("{}: {e}", config.url))
}

/// The running instances' CPU % since `meter` last read the server (none at its first
/// reading), for the sets watcher.
pub fn cpu_once(
    config: &IncusConfig,
    meter: &mut CpuSampler,
    deadlines: Deadlines,
) -> Result<Vec<crate::model::VmSample>, String> {
    headless::run(config, deadlines, async |client| {
        let snapshot = inventory::snapshot(client).await?;
        Ok(meter.sample(&snapshot.instances, &snapshot.cpus))
    })
    .map_err(|e: String| format!("{}: {e}", config.url))
}

/// The server's images, for headless commands; `host` names the pool's host in the rows.
pub fn images_once(
    config: &IncusConfig,
    host: &str,
    deadlines: Deadlines,
) -> Result<Vec<Image>, String> {
    headless::run(config, deadlines, async |client| {
        compose::images(client, client.own_project(), host).await
    })
    .map_err(|e| format!("{}: {e}", config.url))
}

/// Starts the instance `name`, for headless commands.
pub fn start_once(config: &IncusConfig, name: &str, deadlines: Deadlines) -> Result<(), String> {
    headless::run(config, deadlines, async |client| {
        let watch = operation::Watch::unheard();
        let instance = (client.own_project(), name);
        actions::power(client, instance, PowerAction::Start, &watch).await
    })
}

/// Deletes the instance `name` with its storage, forcing it off first if it runs, for
/// headless commands (scaling a set down).
pub fn delete_once(config: &IncusConfig, name: &str, deadlines: Deadlines) -> Result<(), String> {
    headless::run(config, deadlines, async |client| {
        let watch = operation::Watch::unheard();
        let kind = crate::model::op::OpKind::Delete {
            with_storage: true,
            force: true,
        };
        actions::run(client, (client.own_project(), name), kind, &watch).await
    })
}

/// Rewrites the set spec stamped on the instance `name`, for headless commands.
pub fn restamp_set_once(
    config: &IncusConfig,
    name: &str,
    spec: &crate::model::set::SetSpec,
    deadlines: Deadlines,
) -> Result<(), String> {
    headless::run(config, deadlines, async |client| {
        let watch = operation::Watch::unheard();
        restamp::restamp(client, (client.own_project(), name), spec, &watch).await
    })
}

/// Composes one instance, for headless commands; `note` hears each step.
pub fn compose_once(
    config: &IncusConfig,
    spec: &ComposeSpec,
    deadlines: Deadlines,
    note: impl Fn(String) + Send + 'static,
) -> Result<(), String> {
    headless::run(config, deadlines, async |client| {
        let (news, mut heard) = tokio::sync::mpsc::unbounded_channel();
        let watch = operation::Watch::headless(news);
        let printer = tokio::spawn(async move {
            while let Some(event) = heard.recv().await {
                if let crate::backend::HostEvent::OpNote { text, .. } = event {
                    note(text);
                }
            }
        });
        let result = compose::compose(client, client.own_project(), spec, &watch).await;
        drop(watch);
        let _ = printer.await;
        result
    })
}
