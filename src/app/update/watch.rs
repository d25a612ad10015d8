//! What a message changed, for `State::dirty`: what the message is (a key, host news, console
//! output), what on the top screen differs after it (view, filter, sort, selection, status
//! line), and for a stats sample whether a figure on screen moved.

use crate::app::dirty::Dirty;
use crate::app::history::History;
use crate::app::live::FigureAge;
use crate::app::msg::Msg;
use crate::app::state::{State, StatusLine, View};
use crate::app::table::{RowId, VM_CPU_COLUMN, cell};
use crate::backend::HostEvent;
use crate::backend::console::ConsoleEvent;
use crate::model::{Driver, Vm};

/// The top screen's state a message may change.
#[derive(PartialEq)]
struct Seen {
    view: View,
    filter: String,
    sort: (usize, bool),
    selection: (usize, usize),
    status: Option<StatusLine>,
    inventory: u64,
}

impl Seen {
    fn of(state: &State) -> Seen {
        let screen = state.screen();
        let table = &screen.table;
        Seen {
            view: screen.view.clone(),
            filter: table.filter.clone(),
            sort: (table.sort_column, table.sort_descending),
            selection: (table.selected, table.offset),
            status: state.status.clone(),
            inventory: state.row_cache.inventory,
        }
    }
}

/// What a stats sample can change on the top screen.
#[derive(PartialEq)]
enum Figures {
    /// A list: the rows shown, and the CPU % as drawn of those of the sampled pool.
    Rows(Vec<(RowId, Option<String>)>),
    /// A VM of the sampled pool: its live numbers and their history.
    Vm(Option<Box<(Vm, Option<History>)>>),
    /// A host view: its guests' load (when of the sampled pool) and its figures' age.
    Host(Option<History>, Option<FigureAge>),
    /// A dashboard: the age of its hosts' figures (its summary is compared when derived).
    Ages(Vec<FigureAge>),
    Nothing,
}

impl Figures {
    /// `host` is the sampled host (None: the sample is for the whole pool, as Incus's are).
    fn of(state: &State, sampled: usize, host: Option<usize>) -> Figures {
        match &state.screen().view {
            view if view.is_table() => {
                let start = state.screen().table.offset.min(state.rows.len());
                let end = (start + state.page_rows).min(state.rows.len());
                let shown = state.rows[start..end].iter().map(|row| match row {
                    RowId::Vm(p, h, _) if *p == sampled && host.is_none_or(|s| s == *h) => {
                        (*row, Some(cell(state, *row, VM_CPU_COLUMN)))
                    }
                    _ => (*row, None),
                });
                Figures::Rows(shown.collect())
            }
            View::Vm { pool, host, uuid } if *pool == sampled => {
                let vm = state.vm(*pool, *host, uuid).cloned();
                let history = state.host(*pool, *host).and_then(|h| h.history.get(uuid));
                Figures::Vm(vm.map(|vm| Box::new((vm, history.cloned()))))
            }
            View::Host { pool, host } => {
                let host_state = state.host(*pool, *host);
                let load = host_state
                    .filter(|_| *pool == sampled)
                    .map(|h| h.load.clone());
                Figures::Host(load, host_state.map(|h| h.live.age))
            }
            View::Dashboard { pool } => Figures::Ages(
                state.pools[*pool]
                    .hosts
                    .iter()
                    .map(|h| h.live.age)
                    .collect(),
            ),
            _ => Figures::Nothing,
        }
    }
}

/// Taken before a message is applied; `after` says what it changed.
pub struct Watch {
    seen: Seen,
    /// What the message itself changes, whatever the screens show.
    changed: Dirty,
    /// A stats sample: its pool, its host (None: pool-wide) and the figures on screen
    /// before it.
    sample: Option<(usize, Option<usize>, Figures)>,
}

impl Watch {
    pub fn before(state: &State, msg: &Msg) -> Watch {
        let (changed, sample) = match msg {
            Msg::Host {
                pool,
                host,
                event: HostEvent::Samples { .. },
            } => {
                let pool_wide = state
                    .pools
                    .get(*pool)
                    .is_some_and(|p| p.driver == Driver::Incus);
                let host = (!pool_wide).then_some(*host);
                let figures = Figures::of(state, *pool, host);
                (Dirty::default(), Some((*pool, host, figures)))
            }
            Msg::Host { event, .. } if changes_inventory(event) => (inventory(), None),
            // Output is marked by the console code, and only for the console on screen.
            Msg::Console {
                event: ConsoleEvent::Data(_),
                ..
            } => (Dirty::default(), None),
            // Opened, closed, busy (a question): the pane's title, the status line, the hints.
            Msg::Console { .. } => (console_state(), None),
            // Marks the screen itself only where a running operation's duration is shown.
            Msg::Clock(_) => (Dirty::default(), None),
            Msg::Resize { .. } => (Dirty::ALL, None),
            _ => (screen(), None),
        };
        Watch {
            seen: Seen::of(state),
            changed,
            sample,
        }
    }

    /// The sampled pool, for a stats sample.
    pub fn sampled(&self) -> Option<usize> {
        self.sample.as_ref().map(|(pool, ..)| *pool)
    }

    /// What the message changed (also merged into `state.dirty`).
    pub fn after(self, state: &mut State) -> Dirty {
        let now = Seen::of(state);
        let mut changed = self.changed;
        if now != self.seen {
            changed.view |= now.view != self.seen.view;
            changed.filter |= now.filter != self.seen.filter;
            changed.sort |= now.sort != self.seen.sort;
            changed.selection |= now.selection != self.seen.selection;
            changed.status |= now.status != self.seen.status;
            changed.inventory |= now.inventory != self.seen.inventory;
        }
        if let Some((pool, host, figures)) = self.sample {
            changed.screen |= Figures::of(state, pool, host) != figures;
        }
        changed
    }
}

/// Before a message is applied: the inventory it changes invalidates the rows' order. A
/// sample changes it only for a VM list sorted by CPU %.
/// An update of a VM that keeps its place (same host, same name) moves only its own row.
pub fn note_inventory(state: &mut State, msg: &Msg) {
    let Msg::Host { pool, host, event } = msg else {
        return;
    };
    let sorted_by_live = matches!(state.screen().view, View::Vms { .. })
        && state.screen().table.sort_column == VM_CPU_COLUMN;
    let moves_rows = match event {
        HostEvent::Samples { .. } => sorted_by_live,
        // A host's whole inventory (it connected): its rows alone are replaced.
        HostEvent::Connected(_) if matches!(state.screen().view, View::Vms { .. }) => {
            state.row_cache.host_replaced(*pool, *host);
            false
        }
        HostEvent::VmUpdated(vm) => match in_place(state, *pool, *host, vm) {
            Some(index) => {
                state.row_cache.vm_changed(RowId::Vm(*pool, *host, index));
                false
            }
            None => true,
        },
        event => changes_inventory(event),
    };
    if moves_rows {
        state.row_cache.inventory_changed();
    }
}

/// Where the updated VM is now, if the update leaves it there: a libvirt host's VM of the
/// same name (an Incus pool's event may move it to another member).
fn in_place(state: &State, pool: usize, host: usize, vm: &Vm) -> Option<usize> {
    let pool_state = state.pools.get(pool)?;
    if pool_state.driver != Driver::Libvirt {
        return None;
    }
    let vms = &pool_state.hosts.get(host)?.vms;
    vms.iter()
        .position(|v| v.uuid == vm.uuid)
        .filter(|at| vms[*at].name == vm.name)
}

/// Host events that add, remove or change hosts or VMs (or what their rows show). The others
/// carry details of one thing, progress, or news for the status line.
fn changes_inventory(event: &HostEvent) -> bool {
    !matches!(
        event,
        HostEvent::Samples { .. }
            | HostEvent::Details { .. }
            | HostEvent::Placement(_)
            | HostEvent::VmPlaced(_)
            | HostEvent::Volumes(_)
            | HostEvent::Devices { .. }
            | HostEvent::DeviceUse(_)
            | HostEvent::Images(_)
            | HostEvent::OpProgress { .. }
            | HostEvent::OpNote { .. }
            | HostEvent::OpFinished { .. }
            | HostEvent::JobFound { .. }
            | HostEvent::Notice(_)
    )
}

fn inventory() -> Dirty {
    Dirty {
        inventory: true,
        ..Dirty::default()
    }
}

fn console_state() -> Dirty {
    Dirty {
        console: true,
        screen: true,
        ..Dirty::default()
    }
}

fn screen() -> Dirty {
    Dirty {
        screen: true,
        ..Dirty::default()
    }
}
