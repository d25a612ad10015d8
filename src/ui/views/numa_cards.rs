//! The host view's NUMA cards: each node's memory, CPUs and hugepages, and every VM placed on
//! it (by its vCPUs or its memory) with the ones spanning nodes flagged and each VM's
//! partition and real-time flag; emulator and I/O-thread pinning is listed apart, since the
//! guest does not run there. The CPUs real-time vCPUs hold are marked beside the isolated
//! ones.

use ratatui::text::{Line, Span};

use super::host::{cpu_ranges, gauge};
use crate::app::rt::{HostRt, RtCores};
use crate::app::state::HostState;
use crate::model::units::bytes;
use crate::model::{NumaCell, VmPlacement};
use crate::theme::Theme;

/// VM names shown per node before "+N more" (`vmdeck capacity` lists them all).
const SHOWN: usize = 6;

pub fn numa_lines<'a>(
    host: &HostState,
    cells: &[NumaCell],
    rt: Option<&HostRt>,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = vec![super::storage::titled(
        format!("NUMA nodes ({})", cells.len()),
        host,
        theme,
    )];
    let dim = |text: String| {
        Line::from(Span::styled(
            format!("            {text}"),
            theme.style("dim"),
        ))
    };
    for cell in cells {
        lines.push(memory_line(cell, theme));
        lines.push(dim(format!(
            "{}{}",
            cpu_states(cell),
            rt.map_or(String::new(), |rt| rt_cpus(rt.cores(), cell))
        )));
        lines.push(dim(format!("hugepages {}", pages(cell))));
        lines.push(dim(format!(
            "VMs {}",
            listed(vcpu_vms(host, cells, rt, cell.id), "none placed here")
        )));
        let emulators = emulator_vms(host, cell);
        if !emulators.is_empty() {
            lines.push(dim(format!(
                "emulator/iothreads of {}",
                listed(emulators, "")
            )));
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

/// The first names and `+N more`, or `empty` when there are none.
fn listed(names: Vec<String>, empty: &str) -> String {
    if names.is_empty() {
        return empty.to_string();
    }
    let more = names.len().saturating_sub(SHOWN);
    let mut text = names.into_iter().take(SHOWN).collect::<Vec<_>>().join(", ");
    if more > 0 {
        text.push_str(&format!(" +{more} more"));
    }
    text
}
