//! The rows of the list on screen, derived only when their inputs change: the order when the
//! view, its sort or the inventory changed; the filter's pick when the filter changed too.
//! An update of one VM in a VM list moves its one row. Nothing is derived for a console
//! chunk, a key that moves the selection, or a stats sample (unless the list is sorted by a
//! live figure).

use std::cmp::Ordering;

use super::filter::Filter;
use super::state::{State, View};
use super::table::{RowId, SortKey, all_rows, haystack, sort_key, sorted};

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
    /// Bumped by `update` whenever hosts or VMs are added, removed or changed in a way that
    /// moves other rows (or, for a list sorted by a live figure, a sample).
    pub inventory: u64,
    /// How many times the visible rows were derived (tests count them).
    pub derivations: u64,
    /// How many of those derived every row (a new order or filter), not only moved rows.
    pub rederivations: u64,
    /// The rows the last derivation moved, when it moved only those.
    pub last_moved: Vec<RowId>,
    /// VMs updated in place since the last derivation: only their rows move.
    moved: Vec<RowId>,
    /// Hosts whose VMs were all replaced (they connected) since the last derivation: only
    /// their rows leave and come back, each put where its key says.
    replaced: Vec<(usize, usize)>,
    ordered_for: Option<OrderInputs>,
    /// Every row of the view, in order.
    ordered: Vec<RowId>,
    /// The filter text of each row of `ordered`, built on the first filter after a re-order.
    haystacks: Option<Vec<String>>,
    /// Whether each row of `ordered` passes `filter`.
    matched: Vec<bool>,
    /// The filter text last applied (valid or not).
    filtered_for: Option<String>,
    /// The filter in force: `filtered_for` compiled, or the last valid one before it.
    filter: Option<Filter>,
    /// Why `filtered_for` is not in force (an invalid regex).
    filter_error: Option<String>,
}

impl RowCache {
    /// The inventory changed: the next derivation orders the rows again.
    pub fn inventory_changed(&mut self) {
        self.inventory += 1;
    }

    /// One VM changed where it is (same host, same index): its row alone moves.
    pub fn vm_changed(&mut self, row: RowId) {
        self.moved.push(row);
    }

    /// The host's VMs were replaced (a VM list is on screen): only its rows are placed again.
    pub fn host_replaced(&mut self, pool: usize, host: usize) {
        if !self.replaced.contains(&(pool, host)) {
            self.replaced.push((pool, host));
        }
    }

    /// The filter in force, for highlighting what it found.
    pub fn filter(&self) -> Option<&Filter> {
        self.filter.as_ref()
    }

    /// Why the filter typed is not applied (the rows stay as the previous one picked).
    pub fn filter_error(&self) -> Option<&str> {
        self.filter_error.as_deref()
    }

    /// How many rows the list has before filtering.
    pub fn total(&self) -> usize {
        self.ordered.len()
    }

    /// Takes the filter `text` if it is valid; keeps the one in force if not.
    fn compile(&mut self, text: &str) {
        match Filter::parse(text) {
            Ok(filter) => {
                self.filter = filter;
                self.filter_error = None;
            }
            Err(error) => self.filter_error = Some(error),
        }
        self.filtered_for = Some(text.to_string());
    }

    /// Another list: a filter of the previous one no longer applies.
    fn forget_filter(&mut self) {
        self.filtered_for = None;
        self.filter = None;
        self.filter_error = None;
    }
}

/// Brings `state.rows` up to date with the top screen, doing only the work its changed
/// inputs need.
pub fn derive(state: &mut State) {
    let screen = state.screen();
    if !screen.view.is_table() {
        state.rows.clear();
        state.row_cache.forget_filter();
        let cache = &mut state.row_cache;
        // Rows that moved meanwhile are ordered with the rest when a list is back.
        if !cache.moved.is_empty() || !cache.replaced.is_empty() {
            cache.moved.clear();
            cache.replaced.clear();
            cache.ordered_for = None;
        }
        return;
    }
    let inputs = OrderInputs {
        view: screen.view.clone(),
        column: screen.table.sort_column,
        descending: screen.table.sort_descending,
        inventory: state.row_cache.inventory,
    };
    let replaced = std::mem::take(&mut state.row_cache.replaced);
    // A replaced host's old rows are gone: their indexes may name other VMs now.
    let mut moved = std::mem::take(&mut state.row_cache.moved);
    moved.retain(|row| !matches!(row, RowId::Vm(p, h, _) if replaced.contains(&(*p, *h))));
    let other_list = state.row_cache.ordered_for.as_ref();
    if other_list.is_some_and(|o| o.view != inputs.view) {
        state.row_cache.forget_filter();
    }
    let vm_list = matches!(inputs.view, View::Vms { .. });
    // In the pools and hosts lists a VM changes totals: those few rows are ordered again.
    let reorder = state.row_cache.ordered_for.as_ref() != Some(&inputs)
        || ((!moved.is_empty() || !replaced.is_empty()) && !vm_list);
    let filter = state.screen().table.filter.clone();
    let refilter = state.row_cache.filtered_for.as_ref() != Some(&filter);
    if !reorder && !refilter && moved.is_empty() && replaced.is_empty() {
        return;
    }
    state.row_cache.last_moved = Vec::new();
    if reorder {
        let rows = all_rows(state, &inputs.view);
        let ordered = sorted(state, rows, inputs.column, inputs.descending);
        let cache = &mut state.row_cache;
        cache.ordered = ordered;
        cache.haystacks = None;
        cache.ordered_for = Some(inputs);
    } else {
        for &(pool, host) in &replaced {
            let inserted = replace_host(state, pool, host, &inputs);
            state.row_cache.last_moved.extend(inserted);
        }
        for row in moved {
            reposition(state, row, &inputs);
            state.row_cache.last_moved.push(row);
        }
    }
    if refilter {
        state.row_cache.compile(&filter);
    }
    if reorder || refilter {
        state.row_cache.rederivations += 1;
        match_all(state);
    }
    let cache = &state.row_cache;
    let picked = cache.ordered.iter().zip(&cache.matched);
    state.rows = picked.filter(|(_, m)| **m).map(|(r, _)| *r).collect();
    state.row_cache.derivations += 1;
}

/// Whether each ordered row passes the filter in force (all do without one).
fn match_all(state: &mut State) {
    if state.row_cache.filter.is_none() {
        state.row_cache.matched = vec![true; state.row_cache.ordered.len()];
        return;
    }
    if state.row_cache.haystacks.is_none() {
        let cache = &state.row_cache;
        let texts = cache.ordered.iter().map(|r| haystack(state, *r)).collect();
        state.row_cache.haystacks = Some(texts);
    }
    let cache = &mut state.row_cache;
    let texts = cache.haystacks.as_deref().unwrap_or_default();
    cache.matched = match &cache.filter {
        Some(filter) => texts.iter().map(|t| filter.matches(t)).collect(),
        None => vec![true; texts.len()],
    };
}

/// Takes the rows of `host` out of the order and puts its VMs now in where their keys say;
/// the rows put in. A host the view does not list has none.
fn replace_host(state: &mut State, pool: usize, host: usize, inputs: &OrderInputs) -> Vec<RowId> {
    let of_host = |row: &RowId| matches!(row, RowId::Vm(p, h, _) if (*p, *h) == (pool, host));
    let cache = &mut state.row_cache;
    let mut keep = cache.ordered.iter().map(|r| !of_host(r));
    cache.matched.retain(|_| keep.next().unwrap_or(true));
    if let Some(texts) = cache.haystacks.as_mut() {
        let mut keep = cache.ordered.iter().map(|r| !of_host(r));
        texts.retain(|_| keep.next().unwrap_or(true));
    }
    cache.ordered.retain(|r| !of_host(r));
    let listed = match inputs.view {
        View::Vms {
            pool: want_pool,
            host: want_host,
        } => want_pool.is_none_or(|p| p == pool) && want_host.is_none_or(|h| h == host),
        _ => false,
    };
    let vms = state.pools.get(pool).and_then(|p| p.hosts.get(host));
    let count = vms.filter(|_| listed).map_or(0, |h| h.vms.len());
    let rows: Vec<RowId> = (0..count).map(|v| RowId::Vm(pool, host, v)).collect();
    for row in &rows {
        insert(state, *row, inputs);
    }
    rows
}

/// Takes `row` out of the order and puts it back where its new key says, with its filter
/// text and match, comparing with O(log n) other rows.
fn reposition(state: &mut State, row: RowId, inputs: &OrderInputs) {
    let Some(at) = state.row_cache.ordered.iter().position(|r| *r == row) else {
        return;
    };
    let cache = &mut state.row_cache;
    cache.ordered.remove(at);
    cache.matched.remove(at);
    if let Some(texts) = cache.haystacks.as_mut() {
        texts.remove(at);
    }
    insert(state, row, inputs);
}

/// Puts `row` where its key says, with its filter text and match.
fn insert(state: &mut State, row: RowId, inputs: &OrderInputs) {
    let key = sort_key(state, row, inputs.column);
    let cache = &state.row_cache;
    let to = cache.ordered.partition_point(|other| {
        let other_key = sort_key(state, *other, inputs.column);
        goes_before((&other_key, *other), (&key, row), inputs.descending)
    });
    // Filter texts exist whenever a filter is applied (`match_all` built them).
    let text = cache.haystacks.is_some().then(|| haystack(state, row));
    let matched = match (&text, &cache.filter) {
        (Some(text), Some(filter)) => filter.matches(text),
        _ => true,
    };
    let cache = &mut state.row_cache;
    cache.ordered.insert(to, row);
    cache.matched.insert(to, matched);
    if let (Some(texts), Some(text)) = (cache.haystacks.as_mut(), text) {
        texts.insert(to, text);
    }
}

/// The order `table::sorted` gives: by key (reversed when descending), equal keys in the
/// order the view lists its rows (pool, host, VM).
fn goes_before(a: (&SortKey, RowId), b: (&SortKey, RowId), descending: bool) -> bool {
    let by_key = a.0.partial_cmp(b.0).unwrap_or(Ordering::Equal);
    let by_key = if descending { by_key.reverse() } else { by_key };
    match by_key {
        Ordering::Less => true,
        Ordering::Greater => false,
        Ordering::Equal => listed_at(a.1) < listed_at(b.1),
    }
}

fn listed_at(row: RowId) -> (usize, usize, usize) {
    match row {
        RowId::Pool(p) => (p, 0, 0),
        RowId::Host(p, h) => (p, h, 0),
        RowId::Vm(p, h, v) => (p, h, v),
    }
}
