//! One VM: what the list shows plus its stamp, disks (with backing chains), NICs, and its XML
//! on demand.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::State;
use crate::app::history::History;
use crate::app::table::{host_status_text, limit};
use crate::model::devices::HostDevices;
use crate::model::units::{self, bytes};
use crate::model::{Snapshot, Vm, VmDetails};
use crate::theme::Theme;

const NO_LIMIT: &str = "no limit (may use the whole host)";

pub fn render(frame: &mut Frame, area: Rect, state: &State, pool: usize, host: usize, uuid: &str) {
    let theme = state.theme();
    let screen = state.screen();
    let host_state = state.host(pool, host);
    let details = host_state.and_then(|h| h.details.get(uuid));
    let lines = match (state.vm(pool, host, uuid), host_state) {
        (Some(vm), Some(h)) if screen.show_xml => xml_lines(details, theme, &vm.name, &h.name),
        (Some(vm), Some(h)) => {
            let mut lines = summary_lines(
                vm,
                &h.name,
                &state.pools[pool].name,
                &host_status_text(&h.status),
                theme,
            );
            lines.extend(history_lines(h.history.get(uuid), vm, theme));
            let devices = h.facts.as_ref().map(|f| &f.devices);
            let none = HostDevices::default();
            let devices = devices.unwrap_or(&none);
            lines.extend(device_lines(details, devices, theme));
            lines.extend(super::vm_nics::hostdev_lines(&vm.name, devices, theme));
            lines
        }
        _ => vec![Line::from(Span::styled(
            "this VM is gone (undefined or moved)",
            theme.style("status_warn"),
        ))],
    };
    let title = if screen.show_xml { " XML " } else { " VM " };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(title, theme.style("title")));
    let paragraph = Paragraph::new(lines)
        .block(block)
        .scroll((screen.scroll, 0));
    let paragraph = if screen.show_xml {
        paragraph
    } else {
        paragraph.wrap(Wrap { trim: false })
    };
    frame.render_widget(paragraph, area);
}

fn field<'a>(theme: &Theme, name: &'a str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{name:<14}"), theme.style("header")),
        Span::raw(value),
    ])
}

/// Width of a sparkline: the samples of the last minutes.
const SPARK: usize = 40;

/// The last minutes of CPU and memory as sparklines, once there are samples.
fn history_lines<'a>(history: Option<&History>, vm: &Vm, theme: &Theme) -> Vec<Line<'a>> {
    let Some(history) = history.filter(|h| !h.cpu_percent.is_empty()) else {
        return Vec::new();
    };
    let spark = |text: String| Span::styled(text, theme.style("title"));
    vec![
        Line::from(vec![
            Span::styled(format!("{:<14}", "cpu history"), theme.style("header")),
            spark(history.cpu_percent.sparkline(SPARK, 100.0)),
        ]),
        Line::from(vec![
            Span::styled(format!("{:<14}", "memory hist."), theme.style("header")),
            spark(
                history
                    .memory_bytes
                    .sparkline(SPARK, vm.memory_bytes as f64),
            ),
        ]),
    ]
}

fn summary_lines<'a>(
    vm: &Vm,
    host: &str,
    pool: &str,
    host_status: &str,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let stamp = &vm.stamp;
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let yes_no = |b: bool| {
        if b {
            "yes".to_string()
        } else {
            "no".to_string()
        }
    };
    let mut lines = vec![
        field(theme, "name", vm.name.clone()),
        Line::from(vec![
            Span::styled(format!("{:<14}", "state"), theme.style("header")),
            Span::styled(vm.state.as_str().to_string(), theme.vm_state(vm.state)),
        ]),
        field(theme, "uuid", vm.uuid.clone()),
        field(theme, "host", format!("{host} ({host_status})")),
        field(theme, "pool", pool.to_string()),
        field(
            theme,
            "vcpus",
            limit(vm.vcpus.into(), NO_LIMIT, |n| n.to_string()),
        ),
        field(theme, "memory", limit(vm.memory_bytes, NO_LIMIT, bytes)),
        field(
            theme,
            "cpu",
            vm.cpu_percent.map_or("—".into(), |c| format!("{c:.1} %")),
        ),
        field(
            theme,
            // libvirt reports the QEMU process's resident memory, not what the guest uses
            // (a 128 MiB guest shows 200+ MiB); Incus reports the instance's own use.
            if vm.kind.is_none() {
                "QEMU RSS"
            } else {
                "memory used"
            },
            vm.memory_used_bytes.map_or("—".into(), bytes),
        ),
        field(theme, "autostart", yes_no(vm.autostart)),
        field(theme, "persistent", yes_no(vm.persistent)),
        field(theme, "type", or_dash(&stamp.vm_type)),
        field(theme, "group", or_dash(&stamp.group)),
        field(theme, "vm set", or_dash(&stamp.set)),
        field(theme, "image", or_dash(&stamp.image)),
        field(theme, "clone of", or_dash(&stamp.clone_of)),
    ];
    // What a libvirt guest itself reports through its balloon (when its stats period is
    // set), beside QEMU's RSS.
    if vm.kind.is_none() {
        let used = vm
            .guest_used_bytes
            .map_or("— (no balloon stats)".into(), bytes);
        lines.insert(9, field(theme, "guest used", used));
    }
    // Incus pools mix containers and virtual machines; libvirt has only VMs.
    if let Some(kind) = &vm.kind {
        lines.insert(1, field(theme, "kind", kind.clone()));
    }
    lines
}

fn device_lines<'a>(
    details: Option<&Result<VmDetails, String>>,
    host: &HostDevices,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled("Disks", theme.style("title"))),
    ];
    let details = match details {
        None => {
            return vec![
                Line::default(),
                Line::from(Span::styled("loading disks and NICs…", theme.style("dim"))),
            ];
        }
        Some(Err(e)) => {
            return vec![
                Line::default(),
                Line::from(Span::styled(
                    format!("details unavailable: {e}"),
                    theme.style("status_error"),
                )),
            ];
        }
        Some(Ok(d)) => d,
    };
    if details.disks.is_empty() {
        lines.push(Line::from(Span::styled("  none", theme.style("dim"))));
    }
    for disk in &details.disks {
        lines.push(Line::from(format!(
            "  {:<6} {:<6} {:<6} {}",
            disk.target, disk.device, disk.format, disk.source
        )));
        for (depth, base) in disk.backing.iter().enumerate() {
            let indent = "  ".repeat(depth + 1);
            lines.push(Line::from(Span::styled(
                format!("         {indent}└─ backing {base}"),
                theme.style("dim"),
            )));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "Network interfaces",
        theme.style("title"),
    )));
    lines.extend(super::vm_nics::nic_lines(&details.nics, host, theme));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Snapshots", theme.style("title"))));
    lines.extend(snapshot_lines(&details.snapshots, theme));
    lines
}

/// The snapshot tree: children under their parent, the current one marked.
fn snapshot_lines<'a>(snapshots: &[Snapshot], theme: &Theme) -> Vec<Line<'a>> {
    if snapshots.is_empty() {
        return vec![Line::from(Span::styled("  none", theme.style("dim")))];
    }
    let mut lines = Vec::new();
    let mut stack: Vec<(&Snapshot, usize)> = snapshots
        .iter()
        .filter(|s| {
            s.parent
                .as_ref()
                .is_none_or(|p| !snapshots.iter().any(|o| &o.name == p))
        })
        .rev()
        .map(|s| (s, 0))
        .collect();
    while let Some((snap, depth)) = stack.pop() {
        let mark = if snap.current { "*" } else { " " };
        let text = format!(
            "  {mark} {:<26} {:<9} {}  {}",
            format!("{}{}", "  ".repeat(depth), snap.name),
            snap.state,
            units::utc(snap.created),
            snap.description
        );
        lines.push(Line::from(text));
        let children = snapshots
            .iter()
            .filter(|c| c.parent.as_deref() == Some(&snap.name))
            .rev();
        stack.extend(children.map(|c| (c, depth + 1)));
    }
    lines
}

fn xml_lines<'a>(
    details: Option<&Result<VmDetails, String>>,
    theme: &Theme,
    vm: &str,
    host: &str,
) -> Vec<Line<'a>> {
    match details {
        Some(Ok(d)) => d.xml.lines().map(|l| Line::from(l.to_string())).collect(),
        Some(Err(e)) => vec![Line::from(Span::styled(
            format!("XML of {vm} on {host} unavailable: {e}"),
            theme.style("status_error"),
        ))],
        None => vec![Line::from(Span::styled("loading…", theme.style("dim")))],
    }
}
