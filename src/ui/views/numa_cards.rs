//! The host view's NUMA cards: each node's memory, CPUs and hugepages, and every VM placed on
//! it (by its vCPUs or its memory) with the ones spanning nodes flagged and each VM's
//! partition and real-time flag; emulator and I/O-thread pinning is listed apart, since the
//! guest does not run there. The CPUs real-time vCPUs hold are marked beside the isolated
//! ones.

use ratatui::text::{Line, Span};

use super::host::{cpu_ranges, gauge};
use crate::app::columns::{cut, width};
use crate::app::rt::{HostRt, RtCores};
use crate::app::state::HostState;
use crate::model::units::bytes;
use crate::model::{NumaCell, VmPlacement};
use crate::theme::Theme;

/// VM names shown per node before "+N more" (`vmdeck capacity` lists them all).
const SHOWN: usize = 6;

/// The indent of a card's lines under its node's title.
const INDENT: usize = 12;

/// The cards in `width` cells: a list of VMs that does not fit ends with "+N more".
pub fn numa_lines<'a>(
    host: &HostState,
    cells: &[NumaCell],
    rt: Option<&HostRt>,
    width: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = vec![super::storage::titled(
        format!("NUMA nodes ({})", cells.len()),
        host,
        theme,
    )];
    let dim = |text: String| {
        Line::from(Span::styled(
            format!("{:INDENT$}{text}", ""),
            theme.style("dim"),
        ))
    };
    let room = width.saturating_sub(INDENT);
    for cell in cells {
        lines.push(memory_line(cell, theme));
        lines.push(dim(format!(
            "{}{}",
            cpu_states(cell),
            rt.map_or(String::new(), |rt| rt_cpus(rt.cores(), cell))
        )));
        lines.push(dim(format!("hugepages {}", pages(cell))));
        if let Some(devices) = devices_on(host, cell.id) {
            lines.push(dim(devices));
        }
        let vms = vcpu_vms(host, cells, rt, cell.id);
        lines.push(dim(listed("VMs ", vms, "none placed here", room)));
        let emulators = emulator_vms(host, cell);
        if !emulators.is_empty() {
            let label = "emulator/iothreads of ";
            lines.push(dim(listed(label, emulators, "", room)));
        }
    }
    lines.push(Line::default());
    lines
}

/// A node whose free memory is not known says so, rather than looking full.
fn memory_line<'a>(cell: &NumaCell, theme: &Theme) -> Line<'a> {
    let head = Span::styled(format!("  node {:<3}", cell.id), theme.style("title"));
    let cpus = if cell.cpus.is_empty() {
        "no CPUs (memory only)".to_string()
    } else {
        format!("CPUs {}", cpu_ranges(&cell.cpus))
    };
    match cell.free_bytes {
        Some(free) => {
            let used = cell.memory_bytes.saturating_sub(free);
            Line::from(vec![
                head,
                gauge(used as f64, cell.memory_bytes as f64, theme),
                // Free as libvirt's freecell says it, to the MiB: what changes first when
                // guests start behind vmdeck's back.
                Span::raw(format!(
                    "memory {} / {}, {} free · {cpus}",
                    bytes(used),
                    bytes(cell.memory_bytes),
                    bytes(free)
                )),
            ])
        }
        None => Line::from(vec![
            head,
            Span::raw(format!(
                "memory {} (free not reported) · {cpus}",
                bytes(cell.memory_bytes)
            )),
        ]),
    }
}

/// `GPUs 1 free / 1 used · VFs 6 free / 1 used`, on hosts that have any (counted by `update`).
fn devices_on(host: &HostState, node: u32) -> Option<String> {
    let devices = &host.facts.as_ref()?.devices;
    if devices.nodes.is_empty() {
        return None;
    }
    let n = devices.on_node(Some(node));
    Some(format!(
        "GPUs {} free / {} used · VFs {} free / {} used",
        n.gpus_free, n.gpus_used, n.vfs_free, n.vfs_used
    ))
}

fn pages(cell: &NumaCell) -> String {
    let pages: Vec<String> = cell
        .pages
        .iter()
        .filter(|p| p.is_huge())
        .map(|p| {
            let free = p.free.map_or(String::new(), |f| format!(" ({f} free)"));
            format!(
                "{} × {}{free}",
                bytes(p.size_kib.saturating_mul(1024)),
                p.total
            )
        })
        .collect();
    if pages.is_empty() {
        "none".to_string()
    } else {
        pages.join(", ")
    }
}

/// `offline none · isolated 6-7`, or that the host does not say which are isolated.
fn cpu_states(cell: &NumaCell) -> String {
    let list = |cpus: &[u32]| {
        if cpus.is_empty() {
            "none".to_string()
        } else {
            cpu_ranges(cpus)
        }
    };
    let isolated = cell
        .isolated_cpus
        .as_deref()
        .map_or("not reported".to_string(), list);
    format!(
        "CPUs offline {} · isolated {isolated}",
        list(&cell.offline_cpus)
    )
}

/// ` · RT vCPUs on 2-3 (siblings idle 6-7)`: the node's CPUs real-time vCPUs hold.
fn rt_cpus(cores: &RtCores, cell: &NumaCell) -> String {
    let here = |cpus: &[u32]| -> Vec<u32> {
        cpus.iter()
            .copied()
            .filter(|c| cell.cpus.contains(c))
            .collect()
    };
    let (cpus, siblings) = (here(&cores.cpus), here(&cores.siblings));
    if cpus.is_empty() {
        return String::new();
    }
    let siblings = if siblings.is_empty() {
        String::new()
    } else {
        format!(" (siblings idle {})", cpu_ranges(&siblings))
    };
    format!(" · RT vCPUs on {}{siblings}", cpu_ranges(&cpus))
}

/// The VMs whose vCPUs or memory are on node `id`: `db-1 (spans nodes!) [/machine/rt] RT!1`.
fn vcpu_vms(host: &HostState, cells: &[NumaCell], rt: Option<&HostRt>, id: u32) -> Vec<String> {
    host.placement
        .iter()
        .filter_map(|p| {
            let nodes = p.nodes(cells);
            if !nodes.contains(&id) {
                return None;
            }
            let spans = if nodes.len() > 1 {
                " (spans nodes!)"
            } else {
                ""
            };
            let flag = rt
                .and_then(|rt| rt.flag(&p.uuid))
                .map_or(String::new(), |f| format!(" {}", f.text()));
            Some(format!("{}{spans}{}{flag}", name(host, p)?, partition(p)))
        })
        .collect()
}

/// The VMs whose emulator or I/O threads are pinned to CPUs of `cell`.
fn emulator_vms(host: &HostState, cell: &NumaCell) -> Vec<String> {
    host.placement
        .iter()
        .filter(|p| p.emulator_cpus.iter().any(|c| cell.cpus.contains(c)))
        .filter_map(|p| {
            Some(format!(
                "{} ({})",
                name(host, p)?,
                cpu_ranges(&p.emulator_cpus)
            ))
        })
        .collect()
}

fn name(host: &HostState, placed: &VmPlacement) -> Option<String> {
    host.vms
        .iter()
        .find(|v| v.uuid == placed.uuid)
        .map(|v| v.name.clone())
}

fn partition(placed: &VmPlacement) -> String {
    placed
        .partition
        .as_ref()
        .map_or(String::new(), |p| format!(" [{p}]"))
}

/// `label` and the first names that fit in `room` cells (at most `SHOWN`), then `+N more`;
/// `empty` when there are none. A first name too long for the room is cut with `…`.
fn listed(label: &str, names: Vec<String>, empty: &str, room: usize) -> String {
    if names.is_empty() {
        return format!("{label}{empty}");
    }
    let total = names.len();
    let more = |n: usize| match total - n {
        0 => String::new(),
        rest => format!(" +{rest} more"),
    };
    let mut text = label.to_string();
    let mut taken = 0;
    for name in names.iter().take(SHOWN) {
        let sep = if taken == 0 { "" } else { ", " };
        let candidate = format!("{text}{sep}{name}");
        if width(&candidate) + width(&more(taken + 1)) > room {
            break;
        }
        text = candidate;
        taken += 1;
    }
    if taken == 0 {
        let left = room.saturating_sub(width(label) + width(&more(1)));
        text.push_str(&cut(&names[0], left.max(1)));
        taken = 1;
    }
    text + &more(taken)
}
