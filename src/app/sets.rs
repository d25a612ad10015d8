//! The VM sets as the TUI shows them: each pool's sets derived from its hosts as the
//! inventory knows them, in `update` (see `derived`). A set's status takes every member of
//! the pool, so it is derived only when a view shows it (or a command asks) after the
//! inventory changed: a thousand hosts connecting do not derive it a thousand times.

use super::dirty::Dirty;
use super::state::{PoolState, State, View};
use crate::model::set::{SetSpec, generation_at};
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

/// Marks every pool's sets stale when the inventory changed, and derives those of the
/// pools the view on screen shows (the sets view, a dashboard's summary).
pub fn refresh(state: &mut State, changed: &mut Dirty) {
    let pools = state.pools.len();
    if changed.inventory || state.derived.sets_stale.len() != pools {
        state.derived.sets.resize_with(pools, Vec::new);
        state.derived.sets_stale = vec![true; pools];
    }
    let shown = match state.screen().view {
        View::Sets { pool } => pool,
        View::Dashboard { pool } => Some(pool),
        _ => return,
    };
    for pool in (0..pools).filter(|p| shown.is_none_or(|want| want == *p)) {
        changed.screen |= derive(state, pool);
    }
}

/// Derives the pool's sets if they are stale; true when they came out different.
pub fn derive(state: &mut State, pool: usize) -> bool {
    if !state.derived.sets_stale.get(pool).copied().unwrap_or(false) {
        return false;
    }
    state.derived.sets_stale[pool] = false;
    let sets = pool_sets(&state.pools[pool]);
    let different = sets != state.derived.sets[pool];
    state.derived.sets[pool] = sets;
    different
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

/// The newest spec the set's members in the pool carry.
pub fn newest_spec<'a>(state: &'a State, pool: usize, set: &str) -> Option<&'a SetSpec> {
    state.pools[pool]
        .hosts
        .iter()
        .flat_map(|h| h.vms.iter())
        .filter(|vm| vm.stamp.set.as_deref() == Some(set))
        .filter_map(|vm| vm.stamp.set_spec.as_ref())
        .max_by_key(|spec| spec.generation)
}

/// The generation of a spec written now: the clock's, yet always newer than the set's
/// newest (`State::now` moves with the hosts' samples and may lag another admin's clock).
pub fn next_generation(state: &State, pool: usize, set: &str) -> u64 {
    let newest = newest_spec(state, pool, set).map_or(0, |spec| spec.generation + 1);
    generation_at(state.now).max(newest)
}
