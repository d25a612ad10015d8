//! A VM's NICs with what they attach to on the host (the network's bridge, its forward mode)
//! and their VLAN, and the host devices assigned to it.

use ratatui::text::{Line, Span};

use crate::model::Nic;
use crate::model::devices::HostDevices;
use crate::theme::Theme;

pub fn nic_lines<'a>(nics: &[Nic], host: &HostDevices, theme: &Theme) -> Vec<Line<'a>> {
    if nics.is_empty() {
        return vec![Line::from(Span::styled("  none", theme.style("dim")))];
    }
    nics.iter()
        .map(|nic| {
            let network = host.network(&nic.source);
            // The NIC's own tag wins; a network with a VLAN tags every port on it.
            let vlan = nic.vlan.or(network.and_then(|n| n.vlan));
            let vlan = vlan.map_or(String::new(), |tag| format!("  VLAN {tag}"));
            let on = match network {
                Some(n) => match (&n.bridge, &n.forward) {
                    (Some(bridge), _) if *bridge != nic.source => format!("  on bridge {bridge}"),
                    (_, Some(mode)) => format!("  ({mode})"),
                    _ => String::new(),
                },
                // A host that lists no networks (no network driver) says nothing either way.
                None if nic.source.is_empty() || host.networks.is_empty() => String::new(),
                None => "  (not a network this host lists)".to_string(),
            };
            Line::from(format!(
                "  {:<18} {:<10} {:<12} {}{on}{vlan}",
                nic.mac, nic.kind, nic.source, nic.model
            ))
        })
        .collect()
}

/// The host's PCI devices (GPUs, VFs) the VM holds, or nothing when it holds none.
pub fn hostdev_lines<'a>(vm: &str, host: &HostDevices, theme: &Theme) -> Vec<Line<'a>> {
    let held: Vec<Line> = host
        .devices
        .iter()
        .filter(|d| d.used_by.as_deref() == Some(vm))
        .map(|d| {
            let node = d.numa_node.map_or("?".to_string(), |n| n.to_string());
            Line::from(format!(
                "  {} {:<6} {} {} · node {node}",
                d.address,
                d.kind.as_str(),
                d.vendor,
                d.product
            ))
        })
        .collect();
    if held.is_empty() {
        return held;
    }
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled("Host devices", theme.style("title"))),
    ];
    lines.extend(held);
    lines
}
