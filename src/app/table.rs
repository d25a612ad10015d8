//! The three lists (pools, hosts, VMs): their columns, cell text, sort keys and filter text,
//! in one place so the views, the filter and `vmdeck list` agree.

use std::cmp::Ordering;

use super::filter::{CELL_SEPARATOR, Filter};
use super::rt::RtFlag;
use super::state::{HostState, HostStatus, PoolState, State, View};
use crate::app::capacity::{Capacity, host_capacity};
use crate::model::units::bytes;
use crate::model::{Vm, VmState};

/// A row of a list: indices into `State::pools`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowId {
    Pool(usize),
    Host(usize, usize),
    Vm(usize, usize, usize),
}

/// Selection, filter and sort of one list screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableNav {
    pub selected: usize,
    /// First visible row.
    pub offset: usize,
    pub filter: String,
    pub sort_column: usize,
    pub sort_descending: bool,
}

pub use super::columns::{Align, Spec};
use super::columns::{NAME_MIN, number, text};

// Priorities: 0 stays longest. Text columns shrink to their minimum (cut with `…`) and the
// least important drop out on narrow screens; figures are never cut.
pub const POOL_COLUMNS: [Spec; 7] = [
    text("POOL", NAME_MIN, 0),
    text("DRIVER", 6, 4),
    number("HOSTS UP", 1),
    number("VMS RUN/ALL", 1),
    // Counted by the allocation policy, with the defined figure in brackets when it differs.
    number("VCPU ALLOC", 2),
    number("MEMORY ALLOC", 2),
    text("MODE", 2, 3),
];

pub const HOST_COLUMNS: [Spec; 9] = [
    text("HOST", NAME_MIN, 0),
    text("POOL", 8, 5),
    text("STATE", 6, 1),
    number("CPUS", 3),
    number("MEMORY", 3),
    number("NUMA", 6),
    number("VMS", 2),
    number("ALLOC", 2),
    text("CPU MODEL / WHY DOWN", 12, 4),
];

pub const VM_COLUMNS: [Spec; 9] = [
    text("NAME", NAME_MIN, 0),
    text("STATE", 7, 1),
    text("HOST", 8, 2),
    text("POOL", 8, 5),
    number("VCPU", 3),
    number("MEMORY", 3),
    text("TYPE", 6, 6),
    number("CPU%", 4),
    // A VM in a slice or under fifo/rr: its real-time check, `RT✓` or `RT!2` (`:rt` says why).
    text("RT", 4, 7),
];

/// The VM list's live column: a list sorted by it moves with each stats sample.
pub const VM_CPU_COLUMN: usize = 7;

/// The VM list's real-time flag.
pub const VM_RT_COLUMN: usize = 8;

pub fn columns(view: &View) -> &'static [Spec] {
    match view {
        View::Pools => &POOL_COLUMNS,
        View::Hosts { .. } => &HOST_COLUMNS,
        _ => &VM_COLUMNS,
    }
}

/// vCPUs and memory of a host's VMs that its allocation policy counts.
pub fn host_allocation(host: &HostState) -> (u64, u64) {
    crate::app::capacity::counted(&host.vms, host.allocation)
}

/// The pool's hosts that told their size, added up.
fn pool_totals(pool: &PoolState) -> Capacity {
    pool.hosts
        .iter()
        .filter_map(|h| host_capacity(h, pool.overcommit))
        .fold(Capacity::default(), Capacity::sum)
}

/// `6/24`, and the defined vCPUs after it when they differ from what is counted: `6/24 (909)`.
fn vcpu_alloc(c: &Capacity) -> String {
    let counted = format!("{}/{}", c.vcpus_allocated, c.vcpus_physical);
    if c.vcpus_defined == c.vcpus_allocated {
        counted
    } else {
        format!("{counted} ({})", c.vcpus_defined)
    }
}

/// The text of one cell.
pub fn cell(state: &State, row: RowId, column: usize) -> String {
    match row {
        RowId::Pool(p) => pool_cell(&state.pools[p], column),
        RowId::Host(p, h) => host_cell(&state.pools[p], &state.pools[p].hosts[h], column),
        RowId::Vm(p, h, v) => {
            let pool = &state.pools[p];
            let host = &pool.hosts[h];
            let vm = &host.vms[v];
            if column == VM_RT_COLUMN {
                return state
                    .rt
                    .flag(p, h, &vm.uuid)
                    .map_or(String::new(), RtFlag::text);
            }
            vm_cell(pool, host, vm, column)
        }
    }
}

fn pool_cell(pool: &PoolState, column: usize) -> String {
    match column {
        0 => pool.name.clone(),
        1 => pool.driver.as_str().into(),
        2 => format!(
            "{}/{}",
            pool.hosts.iter().filter(|h| h.is_up()).count(),
            pool.hosts.len()
        ),
        3 => {
            let vms = pool.hosts.iter().flat_map(|h| &h.vms);
            let running = vms.clone().filter(|v| v.state == VmState::Running).count();
            format!("{running}/{}", vms.count())
        }
        4 => vcpu_alloc(&pool_totals(pool)),
        5 => {
            let totals = pool_totals(pool);
            format!(
                "{}/{}",
                bytes(totals.memory_allocated_bytes),
                bytes(totals.memory_physical_bytes)
            )
        }
        _ => {
            if pool.read_only {
                "RO".into()
            } else {
                "rw".into()
            }
        }
    }
}

fn host_cell(pool: &PoolState, host: &HostState, column: usize) -> String {
    let facts = host.facts.as_ref();
    let (cpu, mem) = host_allocation(host);
    let fact = |f: fn(&crate::model::HostFacts) -> String| facts.map_or(String::new(), f);
    match column {
        0 => host.name.clone(),
        1 => pool.name.clone(),
        2 => host.status.label().into(),
        3 => fact(|f| f.cpus.to_string()),
        4 => fact(|f| bytes(f.memory_bytes)),
        5 => fact(|f| f.numa.len().to_string()),
        6 => host.vms.len().to_string(),
        7 => format!("{cpu} / {}", bytes(mem)),
        _ if host.is_up() => fact(|f| f.cpu_model.clone()),
        _ => host_status_text(&host.status),
    }
}

fn vm_cell(pool: &PoolState, host: &HostState, vm: &Vm, column: usize) -> String {
    match column {
        // Members of a VM set read as a group: they sort together and say which set.
        0 => match &vm.stamp.set {
            Some(set) => format!("{}  ⟨{set}⟩", vm.name),
            None => vm.name.clone(),
        },
        1 if !host.is_up() => format!("{}?", vm.state.as_str()),
        1 => vm.state.as_str().into(),
        2 => host.name.clone(),
        3 => pool.name.clone(),
        4 => limit(vm.vcpus.into(), "—", |n| n.to_string()),
        5 => limit(vm.memory_bytes, "—", bytes),
        6 => vm.stamp.vm_type.clone().unwrap_or_default(),
        _ => vm.cpu_percent.map_or(String::new(), |c| format!("{c:.0}")),
    }
}

/// A VM's vCPUs or memory; 0 is an Incus container without that limit, shown as `none`.
pub fn limit(value: u64, none: &str, show: impl Fn(u64) -> String) -> String {
    if value == 0 { none.into() } else { show(value) }
}

/// A comparable key for sorting by a column.
#[derive(Debug, PartialEq, PartialOrd)]
pub(crate) enum SortKey {
    Number(f64),
    Text(String),
}

pub(crate) fn sort_key(state: &State, row: RowId, column: usize) -> SortKey {
    let number = |n: u64| SortKey::Number(n as f64);
    match row {
        RowId::Vm(p, h, v) => {
            let vm = &state.pools[p].hosts[h].vms[v];
            match column {
                1 => number(vm.state as u64),
                4 => number(vm.vcpus.into()),
                5 => number(vm.memory_bytes),
                VM_CPU_COLUMN => SortKey::Number(vm.cpu_percent.unwrap_or(-1.0)),
                _ => SortKey::Text(cell(state, row, column)),
            }
        }
        RowId::Host(p, h) => {
            let host = &state.pools[p].hosts[h];
            let facts = host.facts.as_ref();
            match column {
                3 => number(facts.map_or(0, |f| f.cpus.into())),
                4 => number(facts.map_or(0, |f| f.memory_bytes)),
                6 => number(host.vms.len() as u64),
                _ => SortKey::Text(cell(state, row, column)),
            }
        }
        RowId::Pool(_) => SortKey::Text(cell(state, row, column)),
    }
}

/// The text the filter matches against: the row's cells as shown, one per line. The live
/// CPU% is left out: it changes with every sample, and this text is built once per change
/// of the row.
pub(crate) fn haystack(state: &State, row: RowId) -> String {
    let count = match row {
        RowId::Pool(_) => POOL_COLUMNS.len(),
        RowId::Host(..) => HOST_COLUMNS.len(),
        RowId::Vm(..) => VM_COLUMNS.len(),
    };
    let cells: Vec<String> = (0..count)
        .filter(|c| !matches!(row, RowId::Vm(..)) || *c != VM_CPU_COLUMN)
        .map(|c| cell(state, row, c))
        .collect();
    cells.join(&CELL_SEPARATOR.to_string())
}

/// Every row a view lists, before filtering.
pub(crate) fn all_rows(state: &State, view: &View) -> Vec<RowId> {
    let pools = state.pools.iter().enumerate();
    match view {
        View::Pools => (0..state.pools.len()).map(RowId::Pool).collect(),
        View::Hosts { pool } => pools
            .filter(|(p, _)| pool.is_none_or(|want| want == *p))
            .flat_map(|(p, pool)| (0..pool.hosts.len()).map(move |h| RowId::Host(p, h)))
            .collect(),
        View::Vms { pool, host } => pools
            .filter(|(p, _)| pool.is_none_or(|want| want == *p))
            .flat_map(|(p, pl)| {
                pl.hosts
                    .iter()
                    .enumerate()
                    .filter(move |(h, _)| host.is_none_or(|want| want == *h))
                    .flat_map(move |(h, hs)| (0..hs.vms.len()).map(move |v| RowId::Vm(p, h, v)))
            })
            .collect(),
        View::Compose { .. }
        | View::Images { .. }
        | View::Rt { .. }
        | View::Sets { .. }
        | View::Vm { .. }
        | View::Help
        | View::Ops
        | View::Op { .. }
        | View::Audit
        | View::Host { .. }
        | View::Dashboard { .. } => Vec::new(),
    }
}

/// The rows of a list screen: filtered, then sorted.
pub fn visible_rows(state: &State, view: &View, nav: &TableNav) -> Vec<RowId> {
    let mut rows = all_rows(state, view);
    match Filter::parse(&nav.filter) {
        Ok(Some(filter)) => rows.retain(|row| filter.matches(&haystack(state, *row))),
        Ok(None) => {}
        // An invalid filter picks nothing (`update` refuses one before it is applied).
        Err(_) => rows.clear(),
    }
    sorted(state, rows, nav.sort_column, nav.sort_descending)
}

/// `rows` sorted by `column` (stable: equal keys keep their order), each key computed once.
pub(crate) fn sorted(
    state: &State,
    rows: Vec<RowId>,
    column: usize,
    descending: bool,
) -> Vec<RowId> {
    let mut keyed: Vec<(SortKey, RowId)> = rows
        .into_iter()
        .map(|r| (sort_key(state, r, column), r))
        .collect();
    keyed.sort_by(|a, b| {
        let order = a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal);
        if descending { order.reverse() } else { order }
    });
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// Short words for a host's state, with the reason when it is down.
pub fn host_status_text(status: &HostStatus) -> String {
    match status {
        // An Incus cluster member is watched, not retried: no retry time.
        HostStatus::Down {
            reason,
            retry_in_secs: 0,
        } => format!("down: {reason}"),
        HostStatus::Down {
            reason,
            retry_in_secs,
        } => format!("down: {reason} (retry in {retry_in_secs}s)"),
        HostStatus::Unsupported(reason) => format!("unsupported: {reason}"),
        HostStatus::Connecting => "connecting…".into(),
        HostStatus::Up => "up".into(),
    }
}
