//! The libvirt backend: a supervisor thread per host over `virt` 0.5, with the calls virt
//! lacks (bulk stats, events, close callback) done over `virt::sys` in `ffi` and `events`.

mod clone;
mod compose;
mod compose_xml;
mod console;
mod delete;
mod events;
mod ffi;
pub mod images;
mod init;
mod inventory;
mod migrate;
mod power;
mod snapshot;
mod usage;
mod volumes;
mod worker;
mod xml;

pub use worker::{HostHandle, spawn_host};

use virt::connect::Connect;

use crate::model::HostInventory;
use crate::model::compose::{ComposeSpec, Image};

/// One bulk inventory of the host at `uri`, for headless commands.
pub fn inventory_once(uri: &str) -> Result<HostInventory, String> {
    init::ensure_event_loop()?;
    let conn = Connect::open(Some(uri)).map_err(|e| e.message().to_string())?;
    inventory::snapshot(&conn)
}

/// Where each domain of the host is placed, for headless reports.
pub fn placement_once(uri: &str) -> Result<Vec<crate::model::VmPlacement>, String> {
    init::ensure_event_loop()?;
    let conn = Connect::open(Some(uri)).map_err(|e| e.message().to_string())?;
    Ok(inventory::placement(&conn))
}

/// The images of the host's `image_pool`, for headless commands.
pub fn images_once(uri: &str, image_pool: &str, host: &str) -> Result<Vec<Image>, String> {
    init::ensure_event_loop()?;
    let conn = Connect::open(Some(uri)).map_err(|e| e.message().to_string())?;
    images::list(&conn, image_pool, host)
}

/// Composes one VM on the host at `uri`, for headless commands; `note` hears each step.
pub fn compose_once(uri: &str, spec: &ComposeSpec, note: &dyn Fn(String)) -> Result<(), String> {
    init::ensure_event_loop()?;
    let conn = Connect::open(Some(uri)).map_err(|e| e.message().to_string())?;
    compose::compose(&conn, spec, note)
}
