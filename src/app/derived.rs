//! What the views show that takes work to compute, computed by `update` when its inputs
//! change and kept here, so drawing a frame recomputes nothing: the hints, the dashboard's
//! summary, the host view's capacity, the compose form's placement preview, the VM sets.

use super::capacity::{Capacity, host_capacity};
use super::dashboard::{PoolSummary, summarize};
use super::dirty::Dirty;
use super::hints::{Hint, hints};
use super::state::{State, View};
use crate::compose::Plan;
use crate::sets::SetStatus;

#[derive(Debug, Default)]
pub struct Derived {
    /// The hint bar for what has focus.
    pub hints: Vec<Hint>,
    /// The summary of the dashboard on screen, and its pool.
    pub dashboard: Option<(usize, PoolSummary)>,
    /// The capacity of the host view on screen (None before it told its size), and the host.
    pub host_capacity: Option<((usize, usize), Option<Capacity>)>,
    /// The compose form's placement preview, while the form is open.
    pub compose_plan: Option<Result<Plan, String>>,
    /// The second of `State::now` every host's figure age was last computed for.
    pub ages_second: Option<u64>,
    /// The column layout of the table on screen.
    pub table: Option<super::sheets::SheetLayout>,
    /// Each pool's VM sets, as last derived (see `sets::refresh`).
    pub sets: Vec<Vec<SetStatus>>,
    /// The pools whose sets the inventory changed since they were derived.
    pub sets_stale: Vec<bool>,
}

impl Derived {
    pub fn dashboard(&self, pool: usize) -> Option<&PoolSummary> {
        self.dashboard
            .as_ref()
            .filter(|(p, _)| *p == pool)
            .map(|(_, s)| s)
    }

    pub fn host_capacity(&self, pool: usize, host: usize) -> Option<Option<Capacity>> {
        self.host_capacity
            .filter(|(at, _)| *at == (pool, host))
            .map(|(_, c)| c)
    }
}

/// Recomputes what `changed` (what one message changed) may have made stale; `sampled` is
/// the pool of a stats sample. A summary that came out different marks the screen.
pub fn refresh(state: &mut State, changed: &mut Dirty, sampled: Option<usize>) {
    // Host news other than a sample (pinning, figures) marks more than the inventory, so
    // anything beyond console output may be an input.
    let inputs_changed = changed.beyond_console();
    if inputs_changed {
        state.derived.hints = hints(state);
    }
    super::sheets::refresh(state, inputs_changed);
    super::sets::refresh(state, changed);
    match state.screen().view {
        View::Dashboard { pool } => {
            let stale = inputs_changed || sampled == Some(pool);
            if stale || state.derived.dashboard(pool).is_none() {
                let summary = summarize(&state.pools[pool], &state.vm_types);
                if state.derived.dashboard(pool) != Some(&summary) {
                    changed.screen = true;
                    state.derived.dashboard = Some((pool, summary));
                }
            }
        }
        View::Host { pool, host }
            if inputs_changed || state.derived.host_capacity(pool, host).is_none() =>
        {
            let pool_state = &state.pools[pool];
            let capacity = host_capacity(&pool_state.hosts[host], pool_state.overcommit);
            state.derived.host_capacity = Some(((pool, host), capacity));
        }
        View::Compose { .. } if inputs_changed || state.derived.compose_plan.is_none() => {
            let plan = state
                .compose
                .as_ref()
                .map(|form| super::compose_form::placement(state, form));
            state.derived.compose_plan = plan;
        }
        _ => {}
    }
}
