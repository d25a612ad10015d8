//! The rows of the list on screen, derived only when their inputs change: the order when the
//! view, its sort or the inventory changed; the filter's pick when the filter changed too.
//! Nothing is derived for a console chunk, a key that moves the selection, or a stats
//! sample (unless the list is sorted by a live figure).

use super::filter::Filter;
use super::state::{State, View};
use super::table::{RowId, all_rows, haystack, sorted};

/// What a list's order is derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct OrderInputs {
    view: View,
    column: usize,
    descending: bool,
    inventory: u64,
}

/// The derived order of the list on screen and what it was derived from.
#[derive(Debug, Default)]
pub struct RowCache {
    /// Bumped by `update` whenever hosts or VMs change (or, for a list sorted by a live
    /// figure, a sample moved it).
    pub inventory: u64,
    /// How many times the visible rows were derived (tests count them).
    pub derivations: u64,
    ordered_for: Option<OrderInputs>,
    /// Every row of the view, in order.
    ordered: Vec<RowId>,
    /// The filter text of each row of `ordered`, built on the first filter after a re-order.
    haystacks: Option<Vec<String>>,
    filtered_for: Option<String>,
}

impl RowCache {
    /// The inventory changed: the next derivation orders the rows again.
    pub fn inventory_changed(&mut self) {
        self.inventory += 1;
    }
}

/// Brings `state.rows` up to date with the top screen, doing only the work its changed
/// inputs need.
pub fn derive(state: &mut State) {
    let screen = state.screen();
    if !screen.view.is_table() {
        state.rows.clear();
        state.row_cache.filtered_for = None;
        return;
    }
    let inputs = OrderInputs {
        view: screen.view.clone(),
        column: screen.table.sort_column,
        descending: screen.table.sort_descending,
        inventory: state.row_cache.inventory,
    };
    let reorder = state.row_cache.ordered_for.as_ref() != Some(&inputs);
    if reorder {
        let rows = all_rows(state, &inputs.view);
        let ordered = sorted(state, rows, inputs.column, inputs.descending);
        let cache = &mut state.row_cache;
        cache.ordered = ordered;
        cache.haystacks = None;
        cache.ordered_for = Some(inputs);
    }
    let filter = &state.screen().table.filter;
    if !reorder && state.row_cache.filtered_for.as_ref() == Some(filter) {
        return;
    }
    let filter = filter.clone();
    state.rows = pick(state, &filter);
    state.row_cache.filtered_for = Some(filter);
    state.row_cache.derivations += 1;
}

/// The ordered rows the filter keeps (all of them without one).
fn pick(state: &mut State, filter: &str) -> Vec<RowId> {
    if filter.is_empty() {
        return state.row_cache.ordered.clone();
    }
    if state.row_cache.haystacks.is_none() {
        let texts = state
            .row_cache
            .ordered
            .iter()
            .map(|row| haystack(state, *row))
            .collect();
        state.row_cache.haystacks = Some(texts);
    }
    let cache = &state.row_cache;
    let texts = cache.haystacks.as_deref().unwrap_or_default();
    let mut filter = Filter::new(filter);
    cache
        .ordered
        .iter()
        .zip(texts)
        .filter(|(_, text)| filter.matches(text))
        .map(|(row, _)| *row)
        .collect()
}
