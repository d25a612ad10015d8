//! A host's storage: its pools with their use, and its volumes with what uses them.

use ratatui::text::{Line, Span};

use super::host::gauge;
use crate::app::columns::{Align, fit, width};
use crate::app::state::HostState;
use crate::model::units::bytes;
use crate::model::{HostFacts, StorageVolume};
use crate::theme::Theme;

/// A block's title line, followed by how old its live figures are when that is worth saying
/// ("as of 3 min ago", or "stale" while the host is down).
pub(super) fn titled<'a>(title: String, host: &HostState, theme: &Theme) -> Line<'a> {
    let mut spans = vec![Span::styled(title, theme.style("header"))];
    if let Some(age) = host.live.age.label() {
        spans.push(Span::styled(
            format!(" · {age}"),
            theme.style("status_warn"),
        ));
    }
    Line::from(spans)
}

/// The storage pools with their use, and the age of those figures when they are old.
pub(super) fn storage_lines<'a>(
    host: &HostState,
    facts: &HostFacts,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = vec![titled(
        format!("Storage pools ({})", facts.storage.len()),
        host,
        theme,
    )];
    if facts.storage.is_empty() {
        lines.push(Line::from(Span::styled(
            "  none (or no storage driver)",
            theme.style("dim"),
        )));
    }
    // Names line up before the gauges; a long one is cut rather than pushing its gauge.
    let widest = facts.storage.iter().map(|p| width(&p.name)).max();
    let name_width = widest.unwrap_or(0).clamp(7, 20);
    for pool in &facts.storage {
        let state = if pool.active { "" } else { " (inactive)" };
        let name = fit(&pool.name, name_width, Align::Left);
        lines.push(Line::from(vec![
            Span::styled(format!("  {name} "), theme.style("text")),
            gauge(
                pool.allocation_bytes as f64,
                pool.capacity_bytes as f64,
                theme,
            ),
            Span::raw(format!(
                "{} of {} used, {} free{state}",
                bytes(pool.allocation_bytes),
                bytes(pool.capacity_bytes),
                bytes(pool.available_bytes)
            )),
        ]));
    }
    lines
}

/// `3 GiB of 20 GiB`; some storage (Incus on a directory) does not measure its volumes.
fn volume_size(volume: &StorageVolume) -> String {
    if volume.capacity_bytes == 0 && volume.allocation_bytes == 0 {
        return "size not reported".into();
    }
    format!(
        "{} of {}",
        bytes(volume.allocation_bytes),
        bytes(volume.capacity_bytes)
    )
}

/// `/a/b/web.qcow2` → `web.qcow2`.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// One line per volume: size, format, the VMs on it, its backing chain, and how many volumes
/// are based on it (an image or a linked clone's base).
pub(super) fn volume_lines<'a>(volumes: &[StorageVolume], theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![Line::from(Span::styled(
        format!("Volumes ({})", volumes.len()),
        theme.style("header"),
    ))];
    if volumes.is_empty() {
        lines.push(Line::from(Span::styled(
            "  none (or not read yet)",
            theme.style("dim"),
        )));
    }
    for volume in volumes {
        let bases = volumes
            .iter()
            .filter(|v| v.backing.first() == Some(&volume.path))
            .count();
        let mut spans = vec![
            Span::styled(
                format!("  {}/{:<24} ", volume.pool, volume.name),
                theme.style("text"),
            ),
            Span::raw(format!(
                "{:<10} {:<22}  ",
                volume.format,
                volume_size(volume)
            )),
        ];
        let users = if volume.used_by.is_empty() {
            "unused".to_string()
        } else {
            volume.used_by.join(", ")
        };
        spans.push(Span::raw(users));
        if !volume.backing.is_empty() {
            let chain: Vec<&str> = volume.backing.iter().map(|p| file_name(p)).collect();
            spans.push(Span::styled(
                format!("  ← {}", chain.join(" ← ")),
                theme.style("dim"),
            ));
        }
        if bases > 0 {
            spans.push(Span::styled(
                format!("  base of {bases}"),
                theme.style("title"),
            ));
        }
        lines.push(Line::from(spans));
    }
    lines
}
