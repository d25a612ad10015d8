//! Removing what interrupted clones left on a host, once it answers again.

use virt::connect::Connect;

use super::journal::Journal;
use super::made::{Removal, remove};

/// Removes the volumes the journal lists for the host at `uri` that belong to no domain and
/// that no running clone owns; returns one sentence per volume removed. The worker calls it
/// after each connect, and every clone before it starts. Nothing is removed when the host's
/// domains cannot be listed.
pub fn cleanup_pending(conn: &Connect, uri: &str) -> Vec<String> {
    let journal = Journal::default_location();
    let mut keys = vec![uri.to_string()];
    // Clones note the URI as libvirt gives it back, which may be spelled differently.
    if let Ok(own) = conn.uri()
        && own != uri
    {
        keys.push(own);
    }
    let entries: Vec<_> = keys
        .iter()
        .flat_map(|key| journal.leftovers(key).into_iter().map(move |e| (key, e)))
        .collect();
    if entries.is_empty() {
        return Vec::new();
    }
    let Ok(domains) = super::super::usage::domains(conn) else {
        return Vec::new();
    };
    let in_use: Vec<String> = domains
        .into_iter()
        .flat_map(|d| d.disks.into_iter().chain(d.nvram))
        .collect();
    let mut notes = Vec::new();
    for (key, entry) in entries {
        let mut remaining = Vec::new();
        for vol in entry.volumes {
            match remove(conn, &vol, &in_use) {
                Removal::Removed => notes.push(format!(
                    "removed {} from storage pool '{}', left over from an interrupted clone {}",
                    vol.name, vol.pool, entry.clone
                )),
                Removal::Gone => {}
                Removal::Failed(e) => {
                    tracing::warn!("cannot remove the leftover {}: {e}", vol.name);
                    remaining.push(vol);
                }
            }
        }
        journal.settle(key, &entry.id, remaining);
    }
    notes
}
