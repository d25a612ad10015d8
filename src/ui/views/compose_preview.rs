//! The compose form's placement preview: for each VM, every host's verdict (the engine's
//! own words), the score of the hosts that fit, the chosen host marked; why a VM has none;
//! for a real-time type, the cores it gets (vCPU → CPU, emulator → CPUs).

use ratatui::text::{Line, Span};

use crate::compose::Plan;
use crate::config::RtSettings;
use crate::model::compose::CorePins;
use crate::model::tuning::cpu_list;
use crate::theme::Theme;

/// One line that says it all (the list below may not fit), then each VM with its hosts.
pub fn plan_lines<'a>(plan: &Plan, theme: &Theme) -> Vec<Line<'a>> {
    // Host names as wide as the longest: the reasons get the room.
    let width = plan
        .vms
        .iter()
        .flat_map(|vm| vm.decision.verdicts.iter())
        .map(|v| v.host.chars().count())
        .max()
        .unwrap_or(0)
        .max(4);
    let mut lines = vec![summary(plan, theme)];
    lines.push(Line::from(Span::styled(
        format!("   {:<width$} {:<8} {:>5}  WHY", "HOST", "VERDICT", "SCORE"),
        theme.style("header"),
    )));
    for vm in &plan.vms {
        let head = match &vm.decision.chosen {
            Some(host) => Span::styled(format!("{} → {host}", vm.name), theme.style("title")),
            None => Span::styled(
                format!("{} → refused", vm.name),
                theme.style("status_error"),
            ),
        };
        lines.push(Line::from(head));
        if let Some(cores) = vm.spec.as_ref().and_then(|s| s.cores.as_ref()) {
            lines.push(Line::from(Span::styled(
                format!("   {}", cores_text(cores, &plan.vm_type.rt)),
                theme.style("text"),
            )));
        }
        for verdict in &vm.decision.verdicts {
            let chosen = vm.decision.chosen.as_deref() == Some(verdict.host.as_str());
            let (word, style) = match (chosen, verdict.fits) {
                (true, _) => ("fits", theme.style("selected")),
                (false, true) => ("fits", theme.style("state_running")),
                (false, false) => ("rejected", theme.style("state_shutoff")),
            };
            let score = if verdict.fits {
                format!("{:.3}", verdict.score)
            } else {
                "—".into()
            };
            let marker = if chosen { " ▶ " } else { "   " };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("{marker}{:<width$} {word:<8} {score:>5}", verdict.host),
                    style,
                ),
                Span::raw("  "),
                Span::styled(verdict.reasons.join("; "), theme.style("dim")),
            ]));
        }
        if let Some(why) = &vm.decision.why_none {
            lines.push(Line::from(Span::styled(
                format!("   {why}"),
                theme.style("status_error"),
            )));
        }
    }
    lines
}

/// Where core-aware placement put a real-time VM: `node 0 · vCPU 0 → 2, vCPU 1 → 3 ·
/// emulator → 0-1 · fifo priority 1`.
fn cores_text(cores: &CorePins, rt: &RtSettings) -> String {
    let vcpus: Vec<String> = cores
        .vcpus
        .iter()
        .enumerate()
        .map(|(vcpu, cpus)| format!("vCPU {vcpu} → {}", cpu_list(cpus)))
        .collect();
    let sched = rt.scheduler.map_or(String::new(), |s| {
        format!(" · {} priority {}", s.as_str(), rt.priority)
    });
    format!(
        "node {} · {} · emulator → {}{sched}",
        cores.node,
        vcpus.join(", "),
        cpu_list(&cores.emulator)
    )
}

/// `web-0 → lab1, web-1 → lab2`, or how many found no host and which.
fn summary<'a>(plan: &Plan, theme: &Theme) -> Line<'a> {
    let refused: Vec<&str> = plan.refused().map(|vm| vm.name.as_str()).collect();
    if refused.is_empty() {
        let placed: Vec<String> = plan
            .vms
            .iter()
            .filter_map(|vm| Some(format!("{} → {}", vm.name, vm.decision.chosen.as_ref()?)))
            .collect();
        return Line::from(Span::styled(
            format!("ready: {}", placed.join(", ")),
            theme.style("state_running"),
        ));
    }
    Line::from(Span::styled(
        format!(
            "{} of {} without a host: {}",
            refused.len(),
            plan.vms.len(),
            refused.join(", ")
        ),
        theme.style("status_error"),
    ))
}
