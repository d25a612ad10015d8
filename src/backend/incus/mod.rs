//! The Incus backend: a REST client over the unix socket or HTTPS with a client certificate
//! and a pinned server certificate, the events websocket for live changes, and the console
//! websockets. A standalone server is one host; a cluster's members are the hosts of its pool,
//! all read and driven through the one endpoint the pool names.

mod actions;
mod client;
mod console;
mod convert;
mod inventory;
mod tls;
mod types;
mod worker;

pub use inventory::Inventory;
pub use worker::{HostHandle, spawn_host};

use crate::config::IncusConfig;
use crate::model::VmPlacement;

/// One bulk inventory of the server (or cluster), for headless commands, with where each
/// instance is pinned.
pub fn inventory_once(config: &IncusConfig) -> Result<(Inventory, Vec<VmPlacement>), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime
        .block_on(async {
            let client = client::Client::new(config)?;
            let snapshot = inventory::snapshot(&client).await?;
            let placement = snapshot
                .instances
                .iter()
                .filter_map(convert::placement)
                .collect();
            Ok((snapshot.inventory, placement))
        })
        .map_err(|e: String| format!("{}: {e}", config.url))
}
