//! The VM sets as the TUI shows them: each pool's sets derived from its hosts as the
//! inventory knows them (in `update`, when the inventory changes; see `derived`).

use super::state::{PoolState, State};
use crate::sets::{HostInput, SetStatus, statuses};

/// The sets of one pool. A host that is not up counts as down for its last-known members.
pub fn pool_sets(pool: &PoolState) -> Vec<SetStatus> {
    let hosts: Vec<HostInput> = pool
        .hosts
        .iter()
        .map(|host| HostInput {
            name: &host.name,
            up: host.is_up(),
            vms: &host.vms,
        })
        .collect();
    statuses(&hosts, &pool.compose.placement_groups)
}

/// The sets the sets view lists (of `pool`, or of every pool), with their pool, in order.
pub fn listed(state: &State, pool: Option<usize>) -> Vec<(usize, &SetStatus)> {
    state
        .derived
        .sets
        .iter()
        .enumerate()
        .filter(|(p, _)| pool.is_none_or(|want| want == *p))
        .flat_map(|(p, sets)| sets.iter().map(move |set| (p, set)))
        .collect()
}

/// A pool's sets in a few words, for the dashboard: `2 sets, 1 with problems`.
pub fn summary(state: &State, pool: usize) -> Option<(usize, usize)> {
    let sets = state.derived.sets.get(pool)?;
    let troubled = sets.iter().filter(|s| !s.problems.is_empty()).count();
    Some((sets.len(), troubled))
}
