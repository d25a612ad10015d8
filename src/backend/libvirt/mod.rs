//! The libvirt backend: a supervisor thread per host over `virt` 0.5, with the calls virt
//! lacks (bulk stats, events, close callback) done over `virt::sys` in `ffi` and `events`.

mod clone;
mod compose;
mod compose_xml;
mod connection;
mod console;
mod deadline;
mod delete;
pub mod devices;
mod domain_xml;
mod domains;
mod events;
mod fanout;
mod ffi;
pub mod images;
mod init;
mod inventory;
mod jobs;
mod leftover;
mod migrate;
mod numa;
mod ops;
mod placement_xml;
mod power;
mod restamp;
mod sampler;
mod session;
mod shared;
mod snapshot;
mod ssh;
mod ssh_procs;
mod usage;
mod volumes;
pub mod watch_lock;
mod worker;
#[cfg(test)]
mod worker_panic_tests;
mod xml;

pub use sampler::CpuSampler;
pub use shared::close_all as close_headless_connections;
pub use ssh::end_children as end_ssh_children;
pub use worker::{HostHandle, spawn_host};

/// Real capabilities and domain XML read as the backend reads them, for tests of the pure
/// modules (the real-time check, core-aware placement).
#[cfg(test)]
pub(crate) use {
    placement_xml::parse_placement,
    xml::{hugepage_backed, parse_capabilities},
};

use crate::config::Deadlines;
use crate::model::compose::{ComposeSpec, Image};
use crate::model::{HostInventory, VmPlacement};

/// One bulk inventory of the host at `uri` over one connection, for headless commands; with
/// `with_placement` also where each domain is placed, from the same reads. Over a read-only
/// connection when `read_only`, as for every read below.
pub fn inventory_once(
    uri: &str,
    read_only: bool,
    with_placement: bool,
    deadlines: Deadlines,
) -> Result<(HostInventory, Vec<VmPlacement>), String> {
    let _inline = fanout::InlineHere::new(connection::in_process(uri));
    let conn = shared::connection(uri, read_only, deadlines)?;
    inventory::read(&conn, with_placement)
}

/// The images of the host's `image_pool`, for headless commands.
pub fn images_once(
    uri: &str,
    image_pool: &str,
    host: &str,
    read_only: bool,
    deadlines: Deadlines,
) -> Result<Vec<Image>, String> {
    let conn = shared::connection(uri, read_only, deadlines)?;
    images::list(&conn, image_pool, host)
}

/// Composes one VM on the host at `uri`, for headless commands; `note` hears each step.
pub fn compose_once(
    uri: &str,
    spec: &ComposeSpec,
    deadlines: Deadlines,
    note: &dyn Fn(String),
) -> Result<(), String> {
    let conn = shared::connection(uri, false, deadlines)?;
    compose::compose(&conn, spec, note)
}

/// The running domains' CPU % since `meter` last read the host at `uri` (none at its first
/// reading), for the sets watcher: one bulk stats call.
pub fn cpu_once(
    uri: &str,
    meter: &mut CpuSampler,
    deadlines: Deadlines,
) -> Result<Vec<crate::model::VmSample>, String> {
    let conn = shared::connection(uri, false, deadlines)?;
    let flags = virt::sys::VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE;
    let records = ffi::all_domain_stats(&conn, sampler::SAMPLE_STATS, flags, false)?;
    Ok(meter.samples(&records))
}

/// What a compose of `spec` on the host at `uri` would do with disks an earlier VM of its
/// name left in `disk_pool` (reuse, or refuse and why), for a heal plan; None when none.
pub fn leftovers_once(uri: &str, spec: &ComposeSpec, deadlines: Deadlines) -> Option<String> {
    let conn = shared::connection(uri, true, deadlines).ok()?;
    leftover::note(&conn, &spec.storage.as_ref()?.disk_pool, spec)
}

/// Starts the domain named `name` on the host at `uri`, for headless commands.
pub fn start_once(uri: &str, name: &str, deadlines: Deadlines) -> Result<(), String> {
    let conn = shared::connection(uri, false, deadlines)?;
    conn.lookup_domain_by_name(name)
        .and_then(|d| d.create().map(|_| ()))
        .map_err(|e| e.message().to_string())
}

/// Rewrites the set spec stamped on the domain named `name` on the host at `uri`, for
/// headless commands.
pub fn restamp_set_once(
    uri: &str,
    name: &str,
    spec: &crate::model::set::SetSpec,
    deadlines: Deadlines,
) -> Result<(), String> {
    let conn = shared::connection(uri, false, deadlines)?;
    restamp::restamp_named(&conn, name, spec)
}

/// Clones the domain named `source` on the host at `uri` as `name`, in this thread, for
/// headless commands and tests.
pub fn clone_once(
    uri: &str,
    source: &str,
    name: &str,
    mode: crate::model::action::CloneMode,
) -> Result<(), String> {
    let conn = shared::connection(uri, false, Deadlines::default())?;
    let uuid = conn
        .lookup_domain_by_name(source)
        .and_then(|d| d.uuid_string())
        .map_err(|e| e.message().to_string())?;
    // Progress figures have no one to go to here.
    let (tx, _rx) = std::sync::mpsc::channel();
    clone::clone(&conn, &uuid, name, mode, (0, &tx))
}

/// Deletes the domain named `name` on the host at `uri`, for headless commands and tests.
pub fn delete_once(uri: &str, name: &str, with_storage: bool) -> Result<(), String> {
    let conn = shared::connection(uri, false, Deadlines::default())?;
    let uuid = conn
        .lookup_domain_by_name(name)
        .and_then(|d| d.uuid_string())
        .map_err(|e| e.message().to_string())?;
    delete::delete(&conn, &uuid, with_storage, false)
}

/// Deletes the domain named `name` with its disks, pulling the plug first if it runs, for
/// headless commands (scaling a set down).
pub fn delete_forced_once(uri: &str, name: &str, deadlines: Deadlines) -> Result<(), String> {
    let conn = shared::connection(uri, false, deadlines)?;
    let uuid = conn
        .lookup_domain_by_name(name)
        .and_then(|d| d.uuid_string())
        .map_err(|e| e.message().to_string())?;
    delete::delete(&conn, &uuid, true, true)
}

/// Removes what interrupted clones left on the host at `uri` (see `clone::cleanup_pending`).
pub fn cleanup_once(uri: &str) -> Result<Vec<String>, String> {
    let conn = shared::connection(uri, false, Deadlines::default())?;
    Ok(clone::cleanup_pending(&conn, uri))
}
