//! One host: its facts, capacity against the pool's overcommit ratios, one card per NUMA node,
//! and its storage pools, with gauges coloured by the theme's thresholds.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::app::capacity::{Capacity, host_capacity, hugepage_bytes, sized};
use crate::app::state::HostState;
use crate::app::table::host_status_text;
use crate::model::HostFacts;
use crate::model::units::{bytes, percent};
use crate::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, state: &State, pool: usize, host: usize) {
    let theme = state.theme();
    let pool_state = &state.pools[pool];
    let host_state = &pool_state.hosts[host];
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} ", host_state.name), theme.style("title")),
        Span::raw(format!(
            "· pool {} · {}",
            pool_state.name,
            host_status_text(&host_state.status)
        )),
    ])];
    match &host_state.facts {
        None => lines.push(Line::from(Span::styled(
            "no facts yet (the host has not answered)",
            theme.style("dim"),
        ))),
        Some(facts) => {
            let huge = hugepage_bytes(
                &host_state.vms,
                &host_state.placement,
                host_state.allocation,
            );
            // Derived by `update`; computed here only for a state no message has reached yet.
            let capacity = state
                .derived
                .host_capacity(pool, host)
                .unwrap_or_else(|| host_capacity(host_state, pool_state.overcommit))
                .unwrap_or_default();
            lines.extend(facts_lines(facts, theme));
            lines.extend(load_lines(host_state, facts, theme));
            lines.extend(capacity_lines(&capacity, pool_state.overcommit, theme));
            if huge > 0 {
                // Under the memory gauge, before the blank line that ends the section.
                let at = lines.len() - 1;
                lines.insert(
                    at,
                    Line::from(Span::styled(
                        format!(
                            "  of which {} on hugepages: counted once, never overcommitted",
                            bytes(huge)
                        ),
                        theme.style("dim"),
                    )),
                );
            }
            lines.extend(super::numa_cards::numa_lines(
                host_state,
                &facts.numa,
                state.rt.host(pool, host),
                theme,
            ));
            lines.extend(super::rt::host_line(state, pool, host, theme));
            lines.extend(super::storage::storage_lines(host_state, facts, theme));
            lines.extend(super::storage::volume_lines(&host_state.volumes, theme));
        }
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(" host ", theme.style("title")));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((state.screen().scroll, 0)),
        area,
    );
}

fn facts_lines<'a>(facts: &HostFacts, theme: &Theme) -> Vec<Line<'a>> {
    vec![
        Line::from(format!(
            "{} · {} CPUs ({}){} · {} memory · {}",
            facts.hostname,
            facts.cpus,
            facts.cpu_model,
            // Some hosts (guests, mostly) do not tell their clock.
            if facts.mhz > 0 {
                format!(" at {} MHz", facts.mhz)
            } else {
                String::new()
            },
            bytes(facts.memory_bytes),
            facts.hypervisor
        )),
        Line::from(Span::styled("", theme.style("dim"))),
    ]
}

/// `[██████░░░░]  60% `, coloured by how full it is. It comes before the figures so it stays
/// visible on narrow terminals.
pub(super) fn gauge<'a>(used: f64, whole: f64, theme: &Theme) -> Span<'a> {
    const WIDTH: usize = 10;
    let pct = percent(used, whole);
    let filled = ((pct / 100.0) * WIDTH as f64)
        .round()
        .clamp(0.0, WIDTH as f64) as usize;
    // Past 999 % the figure says nothing more than "over" (an 8 EiB domain is 10¹⁰ %).
    let shown = if pct >= 1000.0 {
        "over ".to_string()
    } else {
        format!("{pct:>4.0}%")
    };
    let bar = format!(
        "[{}{}] {shown:>5} ",
        "█".repeat(filled),
        "░".repeat(WIDTH - filled)
    );
    Span::styled(bar, theme.gauge(pct))
}

/// The gauges measure what placement counts; under each, what runs and what is defined when
/// those differ, so a pool of stopped templates reads as what it is.
pub(super) fn capacity_lines<'a>(
    c: &Capacity,
    overcommit: crate::config::Overcommit,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let warn = |exceeded: bool| {
        if exceeded {
            Span::styled(" over the ratio!", theme.style("status_error"))
        } else {
            Span::raw("")
        }
    };
    let label = |text: &str| Span::styled(format!("  {text:<8}"), theme.style("text"));
    let mut lines = vec![
        Line::from(Span::styled(
            format!("Capacity of physical × pool ratio · {}", c.policy_text()),
            theme.style("header"),
        )),
        Line::from(vec![
            label("vCPUs"),
            gauge(c.vcpus_allocated as f64, c.vcpus_capacity as f64, theme),
            Span::raw(format!(
                "{} / {} ({} × {})",
                sized(c.vcpus_allocated, |n| n.to_string()),
                c.vcpus_capacity,
                c.vcpus_physical,
                overcommit.cpu
            )),
            warn(c.cpu_exceeded()),
        ]),
    ];
    lines.extend(beside(c.vcpus_running_defined(), theme));
    lines.push(Line::from(vec![
        label("memory"),
        gauge(
            c.memory_allocated_bytes as f64,
            c.memory_capacity_bytes as f64,
            theme,
        ),
        Span::raw(format!(
            "{} / {} ({} × {})",
            sized(c.memory_allocated_bytes, bytes),
            bytes(c.memory_capacity_bytes),
            bytes(c.memory_physical_bytes),
            overcommit.memory
        )),
        warn(c.memory_exceeded()),
    ]));
    lines.extend(beside(c.memory_running_defined(), theme));
    lines.push(Line::default());
    lines
}

/// The running and defined figures under a gauge, lined up with its figures.
fn beside<'a>(text: Option<String>, theme: &Theme) -> Option<Line<'a>> {
    text.map(|t| Line::from(Span::styled(format!("{:28}{t}", ""), theme.style("dim"))))
}

/// `0-3,8` for a CPU list.
pub fn cpu_ranges(cpus: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < cpus.len() {
        let start = cpus[i];
        while i + 1 < cpus.len() && cpus[i + 1] == cpus[i] + 1 {
            i += 1;
        }
        parts.push(if cpus[i] == start {
            start.to_string()
        } else {
            format!("{start}-{}", cpus[i])
        });
        i += 1;
    }
    parts.join(",")
}

/// The guests' CPU and memory over the last minutes, once there are samples.
fn load_lines<'a>(host: &HostState, facts: &HostFacts, theme: &Theme) -> Vec<Line<'a>> {
    let load = &host.load;
    let (Some(cpu), Some(memory)) = (
        load.cpu_percent.values().last(),
        load.memory_bytes.values().last(),
    ) else {
        return Vec::new();
    };
    vec![
        Line::from(vec![
            Span::styled("  guests' CPU     ", theme.style("text")),
            Span::styled(load.cpu_percent.sparkline(40, 100.0), theme.style("title")),
            Span::raw(format!(" {cpu:.0}% of the host")),
        ]),
        Line::from(vec![
            Span::styled("  guests' memory  ", theme.style("text")),
            Span::styled(
                load.memory_bytes.sparkline(40, facts.memory_bytes as f64),
                theme.style("title"),
            ),
            Span::raw(format!(" {} in use", bytes(memory as u64))),
        ]),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn compresses_cpu_lists() {
        assert_eq!(super::cpu_ranges(&[0, 1, 2, 3, 8, 10, 11]), "0-3,8,10-11");
        assert_eq!(super::cpu_ranges(&[]), "");
    }
}
