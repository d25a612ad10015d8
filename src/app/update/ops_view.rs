//! The operations view (`O`): a selection over the operations, newest first, and Enter for
//! one's details; the clock that times them.

use std::time::SystemTime;

use super::nav::push;
use crate::app::ops::OpStatus;
use crate::app::state::{State, View};
use crate::model::op::OpId;

/// The operation on row `index` of the view (row 0 is the newest).
pub fn listed(state: &State, index: usize) -> Option<OpId> {
    state.ops.list.iter().rev().nth(index).map(|o| o.id)
}

/// The operation selected in the operations view, or shown in details.
pub fn selected(state: &State) -> Option<OpId> {
    match state.screen().view {
        View::Ops => listed(state, state.screen().table.selected),
        View::Op { id } => Some(id),
        _ => None,
    }
}

/// A new operation is row 0 of the operations view: a selection there moves down with the
/// operation it is on (an abort asked from the view is such a new row), so the next key acts
/// on the operation the admin picked, not on whatever slid under the cursor.
pub fn keep_selection(state: &mut State) {
    if state.ops.list.len() < 2 {
        return;
    }
    for screen in state.nav.iter_mut().chain(std::iter::once(&mut state.base)) {
        if screen.view == View::Ops {
            screen.table.selected += 1;
        }
    }
}

/// Enter: the selected operation's details.
pub fn open(state: &mut State) {
    if let Some(id) = listed(state, state.screen().table.selected) {
        push(state, View::Op { id });
    }
}

/// The wall clock moved on (time only moves forward). A running operation's duration on
/// screen changes with it.
pub fn tick(state: &mut State, at: SystemTime) {
    let before = state.now;
    state.now = state.now.max(at);
    let seconds = |t: SystemTime| {
        t.duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_secs())
    };
    let running = |id: &OpId| {
        state
            .ops
            .get(*id)
            .is_some_and(|o| o.status == OpStatus::Running)
    };
    let timed = match state.screen().view {
        View::Ops => state.ops.running() > 0,
        View::Op { id } => running(&id),
        _ => false,
    };
    if timed && seconds(before).ok() != seconds(state.now).ok() {
        state.dirty.screen = true;
    }
}
