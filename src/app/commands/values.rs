//! The words an argument can take, read from the live inventory.

use super::Kind;
use crate::app::state::{State, View};
use crate::app::table::RowId;

/// Every value of `kind` that exists now, sorted and without repeats; empty for kinds that
/// are not looked up (numbers, new names, free text).
pub fn values(state: &State, kind: Kind) -> Vec<String> {
    let mut found: Vec<String> = match kind {
        Kind::Vm => vm_names(state),
        Kind::Host | Kind::Member => host_names(state),
        Kind::HostOrPool => [host_names(state), pool_names(state)].concat(),
        Kind::Pool => pool_names(state),
        Kind::Snapshot => snapshot_names(state),
        Kind::VmType => state.vm_types.iter().map(|t| t.name.clone()).collect(),
        Kind::Image => image_names(state),
        Kind::Column => column_keys(&state.screen().view),
        Kind::Choice(words) => return words.iter().map(ToString::to_string).collect(),
        Kind::Number | Kind::NewName | Kind::Text => Vec::new(),
    };
    found.sort();
    found.dedup();
    found
}

fn vm_names(state: &State) -> Vec<String> {
    let hosts = state.pools.iter().flat_map(|p| &p.hosts);
    hosts
        .flat_map(|h| h.vms.iter().map(|v| v.name.clone()))
        .collect()
}

fn host_names(state: &State) -> Vec<String> {
    let hosts = state.pools.iter().flat_map(|p| &p.hosts);
    hosts.map(|h| h.name.clone()).collect()
}

fn pool_names(state: &State) -> Vec<String> {
    state.pools.iter().map(|p| p.name.clone()).collect()
}

fn image_names(state: &State) -> Vec<String> {
    let hosts = state.pools.iter().flat_map(|p| &p.hosts);
    let images = hosts.filter_map(|h| h.images.as_ref()?.as_ref().ok());
    images.flatten().map(|i| i.name.clone()).collect()
}

/// The snapshots of the VM in view (or selected), once its details are loaded.
fn snapshot_names(state: &State) -> Vec<String> {
    let target = match (
        &state.screen().view,
        state.rows.get(state.screen().table.selected),
    ) {
        (View::Vm { pool, host, uuid }, _) => Some((*pool, *host, uuid.clone())),
        (_, Some(RowId::Vm(p, h, v))) => {
            Some((*p, *h, state.pools[*p].hosts[*h].vms[*v].uuid.clone()))
        }
        _ => None,
    };
    let Some((pool, host, uuid)) = target else {
        return Vec::new();
    };
    let details = state.host(pool, host).and_then(|h| h.details.get(&uuid));
    match details {
        Some(Ok(details)) => details.snapshots.iter().map(|s| s.name.clone()).collect(),
        _ => Vec::new(),
    }
}

/// What `:sort` and `:columns` take for a column: the first word of its title, in lower
/// case (`cpu%`, `memory`), unique within each table.
pub fn column_keys(view: &View) -> Vec<String> {
    crate::app::sheets::Sheet::of(view).map_or_else(Vec::new, |s| s.keys())
}

pub fn column_key(title: &str) -> String {
    title
        .split_whitespace()
        .next()
        .unwrap_or(title)
        .to_lowercase()
}
