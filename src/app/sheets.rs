//! Every table on screen as a sheet of columns: which columns it has, which the admin chose
//! to see (`:columns`, saved in the config), and the layout of the one on screen — derived by
//! `update` when its rows, its width or the choice change, never per frame.

use std::collections::BTreeMap;

mod cells;

pub use cells::{
    AUDIT_COLUMNS, IMAGE_COLUMNS, INCUS_IMAGE_COLUMNS, OP_COLUMNS, OP_RESULT_COLUMN, audit_cell,
    bar, clock, duration, image_cell, images_of, list_cell, op_cell,
};

use super::columns::{self, Layout, Spec};
use super::state::{State, View};
use super::table;
use crate::model::Driver;

/// Cells between two columns.
pub const GAP: usize = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Sheet {
    Pools,
    Hosts,
    Vms,
    Ops,
    Audit,
    Images,
}

impl Sheet {
    pub const ALL: [Sheet; 6] = [
        Sheet::Pools,
        Sheet::Hosts,
        Sheet::Vms,
        Sheet::Ops,
        Sheet::Audit,
        Sheet::Images,
    ];

    /// Its name in the config's `[columns]` table.
    pub fn name(self) -> &'static str {
        match self {
            Sheet::Pools => "pools",
            Sheet::Hosts => "hosts",
            Sheet::Vms => "vms",
            Sheet::Ops => "ops",
            Sheet::Audit => "audit",
            Sheet::Images => "images",
        }
    }

    pub fn named(name: &str) -> Option<Sheet> {
        Sheet::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The sheet a view shows, if it is a table.
    pub fn of(view: &View) -> Option<Sheet> {
        match view {
            View::Pools => Some(Sheet::Pools),
            View::Hosts { .. } => Some(Sheet::Hosts),
            View::Vms { .. } => Some(Sheet::Vms),
            View::Ops => Some(Sheet::Ops),
            View::Audit => Some(Sheet::Audit),
            View::Images { .. } => Some(Sheet::Images),
            _ => None,
        }
    }

    pub fn specs(self) -> &'static [Spec] {
        match self {
            Sheet::Pools => &table::POOL_COLUMNS,
            Sheet::Hosts => &table::HOST_COLUMNS,
            Sheet::Vms => &table::VM_COLUMNS,
            Sheet::Ops => &OP_COLUMNS,
            Sheet::Audit => &AUDIT_COLUMNS,
            Sheet::Images => &IMAGE_COLUMNS,
        }
    }

    /// The words `:columns` and the config take: the first word of each title, lower case.
    pub fn keys(self) -> Vec<String> {
        let specs = self.specs().iter();
        specs
            .map(|s| super::commands::column_key(s.title))
            .collect()
    }
}

/// The columns the admin chose per sheet, by key; a sheet not named shows them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chosen(pub BTreeMap<String, Vec<String>>);

impl Chosen {
    /// Whether each column of `sheet` is wanted.
    /// Asked on every message that reaches the table on screen, so the keys (words made
    /// from the titles) are made only for a sheet the admin chose columns of.
    pub fn wanted(&self, sheet: Sheet) -> Vec<bool> {
        match self.0.get(sheet.name()) {
            Some(chosen) => sheet.keys().iter().map(|k| chosen.contains(k)).collect(),
            None => vec![true; sheet.specs().len()],
        }
    }
}

/// The layout of the table on screen and what it was derived from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetLayout {
    pub view: View,
    /// Cells inside the pane's borders.
    pub width: usize,
    pub wanted: Vec<bool>,
    /// The row derivations it was made for (lists: all, and full ones), None for the other
    /// tables.
    rows: Option<(u64, u64)>,
    /// The widest cell of each column.
    preferred: Vec<usize>,
    pub layout: Layout,
}

impl SheetLayout {
    /// How many of the sheet's columns are not on screen (dropped or not chosen).
    pub fn hidden(&self) -> usize {
        self.layout.widths.iter().filter(|w| w.is_none()).count()
    }

    /// ` › +2 cols` for a pane's title when columns are not on screen, else nothing.
    pub fn hidden_note(&self) -> String {
        match self.hidden() {
            0 => String::new(),
            1 => " › +1 col".into(),
            n => format!(" › +{n} cols"),
        }
    }
}

/// Brings the layout of the table on screen up to date: lists when their rows were derived
/// again, the other tables when anything beyond console output changed.
pub fn refresh(state: &mut State, inputs_changed: bool) {
    let view = state.screen().view.clone();
    let Some(sheet) = Sheet::of(&view) else {
        state.derived.table = None;
        return;
    };
    let width = table_width(state);
    let wanted = wanted(state, &view, sheet);
    let cache = &state.row_cache;
    let rows = view
        .is_table()
        .then_some((cache.derivations, cache.rederivations));
    let Some(old) = state.derived.table.take() else {
        state.derived.table = Some(derive(state, view, width, wanted, rows));
        return;
    };
    let same_table = old.view == view && old.width == width && old.wanted == wanted;
    let fresh = same_table && old.rows == rows && (rows.is_some() || !inputs_changed);
    // Only some VMs moved: their cells can only widen a column (one gone is a new order).
    let moved_only = same_table
        && matches!((old.rows, rows), (Some((_, full)), Some((_, now_full))) if full == now_full);
    state.derived.table = Some(match () {
        () if fresh => old,
        () if moved_only => widened(state, old, rows),
        () => derive(state, view, width, wanted, rows),
    });
}

/// `old` with the columns widened to the moved rows' cells.
fn widened(state: &State, old: SheetLayout, rows: Option<(u64, u64)>) -> SheetLayout {
    let specs = specs_of(state, &old.view);
    let moved = &state.row_cache.last_moved;
    let cells = columns::preferred(specs, moved.len(), |r, c| list_cell(state, moved[r], c));
    let preferred: Vec<usize> = old
        .preferred
        .iter()
        .zip(cells)
        .map(|(a, b)| (*a).max(b))
        .collect();
    let layout = columns::layout(specs, &preferred, &old.wanted, old.width, GAP);
    SheetLayout {
        rows,
        preferred,
        layout,
        ..old
    }
}

/// The layout of `view` in `width` cells.
fn derive(
    state: &State,
    view: View,
    width: usize,
    wanted: Vec<bool>,
    rows: Option<(u64, u64)>,
) -> SheetLayout {
    let specs = specs_of(state, &view);
    let preferred = preferred(state, &view, specs);
    let layout = columns::layout(specs, &preferred, &wanted, width, GAP);
    SheetLayout {
        view,
        width,
        wanted,
        rows,
        preferred,
        layout,
    }
}

/// The layout of the table on screen in `width` cells: the derived one, or (for a state no
/// message has reached yet, such as a test's first frame) one made now.
pub fn layout_for(state: &State, width: usize) -> SheetLayout {
    let view = state.screen().view.clone();
    match &state.derived.table {
        Some(t) if t.view == view && t.width == width => t.clone(),
        _ => {
            let sheet = Sheet::of(&view).unwrap_or(Sheet::Vms);
            let wanted = wanted(state, &view, sheet);
            derive(state, view, width, wanted, None)
        }
    }
}

/// The columns chosen for `view`; an Incus image has no host of its own.
fn wanted(state: &State, view: &View, sheet: Sheet) -> Vec<bool> {
    let mut wanted = state.columns.wanted(sheet);
    if let View::Images { pool } = view
        && state.pools[*pool].driver == Driver::Incus
    {
        wanted[1] = false;
    }
    wanted
}

/// The columns of a view (an Incus pool's images under Incus's words).
pub fn specs_of(state: &State, view: &View) -> &'static [Spec] {
    match view {
        View::Images { pool } if state.pools[*pool].driver == Driver::Incus => &INCUS_IMAGE_COLUMNS,
        _ => Sheet::of(view).map_or(&table::VM_COLUMNS, Sheet::specs),
    }
}

/// Cells inside the borders of the pane the table is drawn in.
fn table_width(state: &State) -> usize {
    let area = super::update::list_area(state);
    area.map_or(0, |a| usize::from(a.width.saturating_sub(2)))
}

/// The widest cell of each column over every row of the view.
fn preferred(state: &State, view: &View, specs: &[Spec]) -> Vec<usize> {
    match view {
        View::Ops => {
            let ops = &state.ops.list;
            columns::preferred(specs, ops.len(), |r, c| op_cell(&ops[r], c, state.now))
        }
        View::Audit => {
            let records = match &state.audit {
                Some(Ok(records)) => records.as_slice(),
                _ => &[],
            };
            columns::preferred(specs, records.len(), |r, c| audit_cell(&records[r], c))
        }
        View::Images { pool } => {
            let images = images_of(state, *pool);
            let rows = images.len();
            columns::preferred(specs, rows, |r, c| image_cell(images[r].0, images[r].1, c))
        }
        _ => {
            let rows = &state.rows;
            let mut widest =
                columns::preferred(specs, rows.len(), |r, c| list_cell(state, rows[r], c));
            // The sorted column's title carries an arrow.
            let sorted = state.screen().table.sort_column;
            if let Some(w) = widest.get_mut(sorted) {
                *w = (*w).max(columns::width(specs[sorted].title) + 1);
            }
            widest
        }
    }
}
