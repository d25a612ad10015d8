//! Moving around: the navigation stack, selection, sorting, drilling down.

use super::{refresh_rows, set_status};
use crate::app::msg::Effect;
use crate::app::state::{Level, Screen, State, View};
use crate::app::table::{RowId, columns};
use crate::backend::HostCommand;

/// Shows `view` on top; one already on the stack is returned to, so the breadcrumb never
/// says `dashboard › dashboard`.
pub fn push(state: &mut State, view: View) {
    if !return_to(state, &view) {
        state.nav.push(Screen::new(view));
    }
    refresh_rows(state);
}

/// Esc: clears an active filter first, then leaves the screen.
pub fn back(state: &mut State) {
    let table = &mut state.screen_mut().table;
    if !table.filter.is_empty() {
        table.filter.clear();
        return;
    }
    state.nav.pop();
}

/// Replaces the stack with the pools list and, on top, `view` — or, when `view` is on the
/// stack already, returns to it (with its selection and filter as they were).
pub fn jump(state: &mut State, view: View) {
    if view == View::Pools {
        state.nav.clear();
    } else if !return_to(state, &view) {
        state.nav.clear();
        state.nav.push(Screen::new(view));
    }
}

/// Drops the screens above `view` when it is on the stack; whether it was.
fn return_to(state: &mut State, view: &View) -> bool {
    match state.nav.iter().position(|s| &s.view == view) {
        Some(at) => {
            state.nav.truncate(at + 1);
            true
        }
        None => false,
    }
}

/// The VM `uuid` (named `name`, on `host`) is gone from its host: a view of it that is on top
/// goes back to where it was opened from, and the status line says why — unless vmdeck is
/// moving it, when the view stays to follow the move.
pub fn vm_gone(state: &mut State, uuid: &str, name: &str, host: &str) {
    let on_top = matches!(&state.screen().view, View::Vm { uuid: u, .. } if u == uuid);
    let moving = state.ops.list.iter().any(|op| {
        op.target.uuid == uuid
            && op.status == crate::app::ops::OpStatus::Running
            && matches!(op.kind, crate::model::op::OpKind::Migrate { .. })
    });
    if on_top && !moving {
        state.nav.pop();
        refresh_rows(state);
        set_status(
            state,
            Level::Warn,
            format!("{name} is gone from {host} (deleted or undefined)"),
        );
    }
}

pub fn move_by(state: &mut State, delta: isize) {
    let selectable = selectable(state);
    let screen = state.screen_mut();
    if let Some(rows) = selectable {
        let last = rows.saturating_sub(1) as isize;
        let next = (screen.table.selected as isize)
            .saturating_add(delta)
            .clamp(0, last.max(0));
        screen.table.selected = next as usize;
    } else {
        let next = (i64::from(screen.scroll) + delta as i64).clamp(0, i64::from(u16::MAX));
        screen.scroll = next as u16;
    }
}

/// How many rows the screen on top selects among: a list's, the operations'; None for a
/// screen that scrolls instead.
pub fn selectable(state: &State) -> Option<usize> {
    // The sets view selects a set, like a list selects a row.
    if let Some(sets) = super::sets::count(state) {
        return Some(sets);
    }
    match state.screen().view {
        View::Ops => Some(state.ops.list.len()),
        ref view if view.is_table() => Some(state.rows.len()),
        _ => None,
    }
}

pub fn selected_row(state: &State) -> Option<RowId> {
    state.rows.get(state.screen().table.selected).copied()
}

/// Enter: pools → their hosts → their VMs → one VM; a dashboard → its sets; a set → its
/// members.
pub fn open(state: &mut State) -> Vec<Effect> {
    match state.screen().view {
        View::Sets { .. } => return super::sets::open_members(state),
        View::Dashboard { pool } => {
            super::sets::open_view(state, Some(pool));
            return Vec::new();
        }
        View::Ops => {
            super::ops_view::open(state);
            return Vec::new();
        }
        _ => {}
    }
    let Some(row) = selected_row(state) else {
        return Vec::new();
    };
    match row {
        RowId::Pool(p) => push(state, View::Hosts { pool: Some(p) }),
        RowId::Host(p, h) => push(
            state,
            View::Vms {
                pool: Some(p),
                host: Some(h),
            },
        ),
        RowId::Vm(p, h, v) => {
            let uuid = state.pools[p].hosts[h].vms[v].uuid.clone();
            return open_vm(state, p, h, uuid);
        }
    }
    Vec::new()
}

/// Shows one VM and asks its host for disks, NICs and XML.
pub fn open_vm(state: &mut State, pool: usize, host: usize, uuid: String) -> Vec<Effect> {
    push(
        state,
        View::Vm {
            pool,
            host,
            uuid: uuid.clone(),
        },
    );
    vec![Effect::Host {
        pool,
        host,
        command: HostCommand::LoadDetails { uuid },
    }]
}

pub fn sort_next(state: &mut State) {
    let screen = state.screen_mut();
    if screen.view.is_table() {
        let count = columns(&screen.view).len();
        screen.table.sort_column = (screen.table.sort_column + 1) % count;
        let title = columns(&screen.view)[screen.table.sort_column].title;
        set_status(state, Level::Info, format!("sorted by {title}"));
    }
}

pub fn sort_reverse(state: &mut State) {
    let screen = state.screen_mut();
    screen.table.sort_descending = !screen.table.sort_descending;
}

pub fn toggle_xml(state: &mut State) {
    let screen = state.screen_mut();
    screen.show_xml = !screen.show_xml;
    screen.scroll = 0;
}

/// `r`: retry the selected host (or the host of the selected VM) now; in a host view or a
/// dashboard, read its hosts' live figures again.
pub fn reconnect(state: &mut State) -> Vec<Effect> {
    if let Some(effects) = crate::app::live::refresh_now(state) {
        return effects;
    }
    let target = match (selected_row(state), &state.screen().view) {
        (Some(RowId::Host(p, h) | RowId::Vm(p, h, _)), _) => Some((p, h)),
        (_, View::Vm { pool, host, .. }) => Some((*pool, *host)),
        _ => None,
    };
    let Some((pool, host)) = target else {
        return Vec::new();
    };
    let name = state.pools[pool].hosts[host].name.clone();
    set_status(state, Level::Info, format!("reconnecting to {name}…"));
    vec![Effect::Host {
        pool,
        host,
        command: HostCommand::ReconnectNow,
    }]
}

/// Quits, or asks first while operations are still running.
pub fn quit(state: &mut State) {
    let running = state.ops.running();
    if running == 0 {
        state.quit = true;
        return;
    }
    let question = format!("{running} operation(s) still running; quit anyway?");
    state.confirm = Some(crate::app::state::Confirm::yes_no(
        question,
        crate::app::state::Pending::Quit,
    ));
}

/// `i`: the selected host, or the host of the selected (or shown) VM.
pub fn host_info(state: &mut State) -> Vec<Effect> {
    let target = match (selected_row(state), &state.screen().view) {
        (Some(RowId::Host(p, h) | RowId::Vm(p, h, _)), _) => Some((p, h)),
        (_, View::Vm { pool, host, .. }) => Some((*pool, *host)),
        _ => None,
    };
    match target {
        Some((pool, host)) => open_host(state, pool, host),
        None => {
            set_status(state, Level::Warn, "select a host or a VM");
            Vec::new()
        }
    }
}

/// `D` or `:dashboard [POOL]`: the named pool, else the one in view or selected, else the
/// first.
pub fn dashboard(state: &mut State, pool: Option<usize>) {
    let selected = match selected_row(state) {
        Some(RowId::Pool(p) | RowId::Host(p, _) | RowId::Vm(p, _, _)) => Some(p),
        None => None,
    };
    let pool = pool.or(state.screen().view.pool()).or(selected);
    match pool.or((!state.pools.is_empty()).then_some(0)) {
        Some(pool) => push(state, View::Dashboard { pool }),
        None => set_status(state, Level::Warn, "no pools configured"),
    }
}

/// The host view, and the pinning of its VMs for the NUMA cards.
pub fn open_host(state: &mut State, pool: usize, host: usize) -> Vec<Effect> {
    push(state, View::Host { pool, host });
    vec![Effect::Host {
        pool,
        host,
        command: HostCommand::LoadHostView,
    }]
}
