//! The sets view: `:sets [POOL]` (and Enter on a pool's dashboard) opens it; Enter on a set
//! opens its members as a VM list of its pool, filtered to the set's names.

use super::nav::push;
use super::set_status;
use crate::app::msg::Effect;
use crate::app::sets::listed;
use crate::app::state::{Level, State, View};

/// `:sets [POOL]`: a pool named, or the pool of the screen, or every pool.
pub fn open_view(state: &mut State, pool: Option<usize>) {
    let pool = pool.or(state.screen().view.pool());
    push(state, View::Sets { pool });
}

/// How many sets the sets view on screen lists.
pub fn count(state: &State) -> Option<usize> {
    match state.screen().view {
        View::Sets { pool } => Some(listed(state, pool).len()),
        _ => None,
    }
}

/// Enter on a set: its pool's VM list, filtered to the set's members (`^<set>-`).
pub fn open_members(state: &mut State) -> Vec<Effect> {
    let View::Sets { pool } = state.screen().view else {
        return Vec::new();
    };
    let selected = state.screen().table.selected;
    let Some((pool, name)) = listed(state, pool)
        .get(selected)
        .map(|(p, set)| (*p, set.name.clone()))
    else {
        set_status(
            state,
            Level::Info,
            "no set here: sets are composed with a count",
        );
        return Vec::new();
    };
    push(
        state,
        View::Vms {
            pool: Some(pool),
            host: None,
        },
    );
    let table = &mut state.screen_mut().table;
    // A regex anchored at a cell's start: the members are `SET-N`. Only the characters a
    // regex treats specially are escaped (`-` is plain here), so the filter reads as typed.
    let literal: String = name
        .chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect();
    table.filter = format!("~^{literal}-");
    table.selected = 0;
    table.offset = 0;
    super::refresh_rows(state);
    Vec::new()
}
