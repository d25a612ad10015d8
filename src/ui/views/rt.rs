//! `:rt`: the real-time check of every libvirt host (of one pool): each VM in a slice or
//! under a real-time scheduler with every rule's verdict, violations first in colour. The
//! checks are computed in `update` when a host's placement arrives; this only draws them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::model::Driver;
use crate::rt::{Verdict, VmCheck};
use crate::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, state: &State, pool: Option<usize>) {
    let theme = state.theme();
    let mut lines = Vec::new();
    let (mut checked, mut bad) = (0, 0);
    for (p, pool_state) in state.pools.iter().enumerate() {
        if pool.is_some_and(|want| want != p) || pool_state.driver != Driver::Libvirt {
            continue;
        }
        for (h, host) in pool_state.hosts.iter().enumerate() {
            let head = format!("{} / {}", pool_state.name, host.name);
            lines.push(Line::from(Span::styled(head, theme.style("header"))));
            match state.rt.of(p, h) {
                None if host.is_up() => lines.push(dim("  reading its VMs' placement…", theme)),
                None => lines.push(dim("  not checked: the host is not up", theme)),
                Some([]) => lines.push(dim("  no VM in a slice or under fifo/rr", theme)),
                Some(checks) => {
                    for check in checks {
                        checked += 1;
                        bad += usize::from(!check.is_clean());
                        lines.extend(vm_lines(check, theme));
                    }
                }
            }
        }
    }
    if lines.is_empty() {
        lines.push(dim(
            "no libvirt pools: Incus has no slices or vCPU schedulers",
            theme,
        ));
    }
    let vms = if checked == 1 { "VM" } else { "VMs" };
    let title = format!(" real-time check: {checked} {vms}, {bad} with violations ");
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(title, theme.style("title")));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((state.screen().scroll, 0)),
        area,
    );
}

fn dim<'a>(text: &str, theme: &Theme) -> Line<'a> {
    Line::from(Span::styled(text.to_string(), theme.style("dim")))
}

/// The VM's line (name, state, slice, RT or not), then one line per rule.
fn vm_lines<'a>(check: &VmCheck, theme: &Theme) -> Vec<Line<'a>> {
    let summary = match check.violations().count() {
        0 => Span::styled("ok", theme.style("gauge_low")),
        n => Span::styled(
            format!("{n} violation{}", if n == 1 { "" } else { "s" }),
            theme.style("gauge_high"),
        ),
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("  {:<24} ", check.vm), theme.style("text")),
        Span::styled(
            format!("{:<10} ", check.state.as_str()),
            theme.vm_state(check.state),
        ),
        Span::raw(format!(
            "{:<14} {:<4} ",
            check.partition.as_deref().unwrap_or("-"),
            if check.realtime { "RT" } else { "" }
        )),
        summary,
    ])];
    for finding in &check.rules {
        let style = match finding.verdict {
            Verdict::Ok => theme.style("gauge_low"),
            Verdict::Violation => theme.style("gauge_high"),
            Verdict::Unknown => theme.style("gauge_mid"),
        };
        lines.push(Line::from(vec![
            Span::raw(format!("    {:<16} ", finding.rule.as_str())),
            Span::styled(format!("{:<10} ", finding.verdict.as_str()), style),
            Span::styled(finding.detail.clone(), theme.style("dim")),
        ]));
    }
    lines
}

/// The host view's line: how its VMs stand, when any is in a slice or real-time.
pub fn host_line<'a>(state: &State, pool: usize, host: usize, theme: &Theme) -> Option<Line<'a>> {
    let (checked, bad) = state.rt.tally(pool, host).filter(|(n, _)| *n > 0)?;
    let unknown = state.rt.of(pool, host).map_or(0, |checks| {
        let open = |c: &&VmCheck| c.rules.iter().any(|f| f.verdict == Verdict::Unknown);
        checks.iter().filter(open).count()
    });
    let (text, style) = match (bad, unknown) {
        (0, 0) => ("all rules hold".to_string(), "gauge_low"),
        (0, n) => (format!("{n} not judged (slice CPUs unknown)"), "gauge_mid"),
        (n, _) => (format!("{n} with violations"), "gauge_high"),
    };
    Some(Line::from(vec![
        Span::styled("Real-time ", theme.style("header")),
        Span::raw(format!(
            "{checked} VM{} in a slice or under fifo/rr: ",
            if checked == 1 { "" } else { "s" }
        )),
        Span::styled(text, theme.style(style)),
        Span::styled(" (:rt)", theme.style("dim")),
    ]))
}
