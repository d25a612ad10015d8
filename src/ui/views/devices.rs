//! The host view's devices and networks: GPUs, network cards with their SR-IOV functions and
//! mediated device types, each with its NUMA node, IOMMU group, driver and the VM that holds
//! it; then the networks VMs can be put on, with the VMs on each.

use ratatui::text::{Line, Span};

use crate::model::devices::{DeviceKind, HostDevice, HostDevices, HostNetwork};
use crate::theme::Theme;

/// Virtual functions listed under their physical function before "+N more".
const VFS_SHOWN: usize = 8;

/// Nothing for a host that reports neither (no node-device driver, a test host).
pub fn device_lines<'a>(host: &HostDevices, theme: &Theme) -> Vec<Line<'a>> {
    if host.devices.is_empty() && host.networks.is_empty() {
        return Vec::new();
    }
    let shown: Vec<&HostDevice> = host
        .devices
        .iter()
        .filter(|d| worth_showing(d) && d.physical_function.is_none())
        .collect();
    let mut lines = vec![Line::from(Span::styled(
        format!("Devices · {}", summary(host)),
        theme.style("header"),
    ))];
    if shown.is_empty() {
        lines.push(Line::from(Span::styled(
            "  no GPUs or network cards reported",
            theme.style("dim"),
        )));
    }
    for device in shown {
        lines.push(device_line(device, "  ", theme));
        lines.extend(vf_lines(host, device, theme));
        for mdev in &device.mdev_types {
            lines.push(Line::from(Span::styled(
                format!(
                    "      mdev {} {} · {} available",
                    mdev.id, mdev.name, mdev.available
                ),
                theme.style("dim"),
            )));
        }
    }
    lines.push(Line::default());
    lines.extend(network_lines(&host.networks, theme));
    lines.push(Line::default());
    lines
}

/// GPUs, network cards, their functions, and anything a VM holds or that offers mdevs; the
/// host bridges and USB controllers of the PCI tree are left out.
fn worth_showing(device: &HostDevice) -> bool {
    device.kind != DeviceKind::Other || device.used_by.is_some() || !device.mdev_types.is_empty()
}

/// `2 GPUs (1 free) · 1 NIC · 6 VFs (5 free)`.
fn summary(host: &HostDevices) -> String {
    let count = |kind: DeviceKind| {
        let n = host.devices.iter().filter(|d| d.kind == kind).count();
        let plural = if n == 1 { "" } else { "s" };
        format!("{n} {}{plural}", kind.as_str())
    };
    format!(
        "{} ({} free) · {} · {} ({} free)",
        count(DeviceKind::Gpu),
        host.free(DeviceKind::Gpu, None),
        count(DeviceKind::Nic),
        count(DeviceKind::VirtualFunction),
        host.free(DeviceKind::VirtualFunction, None)
    )
}

/// `0000:02:00.0 GPU  node 0 · iommu 12 · used by db-1 · vfio-pci · NVIDIA GA100`: who holds
/// it first, so it stays visible on narrow terminals.
fn device_line<'a>(device: &HostDevice, indent: &str, theme: &Theme) -> Line<'a> {
    let node = device.numa_node.map_or("?".into(), |n| n.to_string());
    let group = device
        .iommu_group
        .map_or(String::new(), |g| format!(" · iommu {g}"));
    let user = match &device.used_by {
        Some(vm) => Span::styled(format!(" · used by {vm}"), theme.style("status_warn")),
        None => Span::styled(" · free", theme.style("dim")),
    };
    let mut rest = Vec::new();
    rest.extend(device.driver.clone());
    rest.extend(device.interface.clone());
    if let Some(max) = device.max_virtual_functions {
        rest.push(format!("{}/{max} VFs", device.virtual_functions.len()));
    }
    let name = format!("{} {}", device.vendor, device.product);
    rest.extend(Some(name.trim().to_string()).filter(|n| !n.is_empty()));
    Line::from(vec![
        Span::styled(
            format!("{indent}{} {:<6}", device.address, device.kind.as_str()),
            theme.style("text"),
        ),
        Span::raw(format!("node {node}{group}")),
        user,
        Span::styled(format!(" · {}", rest.join(" · ")), theme.style("dim")),
    ])
}

/// A physical function's virtual functions, the used ones first.
fn vf_lines<'a>(host: &HostDevices, pf: &HostDevice, theme: &Theme) -> Vec<Line<'a>> {
    let mut vfs: Vec<&HostDevice> = host
        .devices
        .iter()
        .filter(|d| d.physical_function.as_deref() == Some(pf.address.as_str()))
        .collect();
    vfs.sort_by_key(|d| d.used_by.is_none());
    let mut lines: Vec<Line> = vfs
        .iter()
        .take(VFS_SHOWN)
        .map(|vf| device_line(vf, "    └ ", theme))
        .collect();
    let more = vfs.len().saturating_sub(VFS_SHOWN);
    if more > 0 {
        lines.push(Line::from(Span::styled(
            format!("    └ +{more} more VFs"),
            theme.style("dim"),
        )));
    }
    lines
}

fn network_lines<'a>(networks: &[HostNetwork], theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![Line::from(Span::styled(
        format!("Networks ({})", networks.len()),
        theme.style("header"),
    ))];
    if networks.is_empty() {
        lines.push(Line::from(Span::styled(
            "  none reported",
            theme.style("dim"),
        )));
    }
    for network in networks {
        let mut facts = vec![network.kind.clone()];
        facts.extend(network.bridge.as_ref().map(|b| format!("bridge {b}")));
        facts.extend(network.forward.clone());
        facts.extend(network.vlan.map(|v| format!("VLAN {v}")));
        facts.push(if network.active { "active" } else { "inactive" }.into());
        let vms = if network.vms.is_empty() {
            "no VMs".to_string()
        } else {
            format!("VMs {}", network.vms.join(", "))
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<12}", network.name), theme.style("text")),
            Span::raw(format!("{} · ", facts.join(" · "))),
            Span::styled(vms, theme.style("dim")),
        ]));
    }
    lines
}
