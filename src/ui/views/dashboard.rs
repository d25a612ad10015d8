//! The pool dashboard: capacity, how many more of each VM type fit, hosts by free room, top
//! consumers and the hosts that are down.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::host::capacity_lines;
use crate::app::State;
use crate::app::columns::{self, NAME_MIN, Spec, number, text};
use crate::app::dashboard::{PoolSummary, summarize};
use crate::app::sheets::GAP;
use crate::app::state::PoolState;
use crate::model::units::bytes;
use crate::theme::Theme;
use crate::ui::widgets::sheet_row;

pub fn render(frame: &mut Frame, area: Rect, state: &State, pool: usize) {
    let theme = state.theme();
    let pool_state = &state.pools[pool];
    // Derived by `update`; computed here only for a state no message has reached yet.
    let computed;
    let summary = match state.derived.dashboard(pool) {
        Some(summary) => summary,
        None => {
            computed = summarize(pool_state, &state.vm_types);
            &computed
        }
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{} ", pool_state.name), theme.style("title")),
        Span::raw(format!(
            "· {} · {}/{} hosts up · {} VMs ({} running)",
            pool_state.driver.as_str(),
            summary.hosts_up,
            summary.hosts,
            summary.vms,
            summary.vms_running
        )),
    ])];
    lines.extend(age_line(pool_state, theme));
    lines.extend(sets_line(state, pool, theme));
    lines.extend(capacity_lines(
        &summary.capacity,
        pool_state.overcommit,
        theme,
    ));
    lines.extend(fit_lines(summary, theme));
    let width = usize::from(area.width.saturating_sub(2)).max(2);
    lines.extend(room_lines(summary, width, theme));
    lines.extend(consumer_lines(summary, theme));
    lines.extend(down_lines(summary, theme));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(" pool dashboard ", theme.style("title")));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((state.screen().scroll, 0)),
        area,
    );
}

/// The pool's VM sets in a few words, and how to get to them.
fn sets_line<'a>(state: &State, pool: usize, theme: &Theme) -> Option<Line<'a>> {
    let (sets, troubled) = crate::app::sets::summary(state, pool).filter(|(n, _)| *n > 0)?;
    let (text, style) = match troubled {
        0 => ("all whole".to_string(), "gauge_low"),
        n => (format!("{n} with problems"), "gauge_high"),
    };
    Some(Line::from(vec![
        Span::raw(format!(
            "{sets} VM set{}: ",
            if sets == 1 { "" } else { "s" }
        )),
        Span::styled(text, theme.style(style)),
        Span::styled(" (Enter or :sets)", theme.style("dim")),
    ]))
}

/// The hosts whose NUMA and storage figures are old or stale, so no one trusts them as live.
fn age_line<'a>(pool: &PoolState, theme: &Theme) -> Option<Line<'a>> {
    let old: Vec<String> = pool
        .hosts
        .iter()
        .filter_map(|h| Some(format!("{} {}", h.name, h.live.age.label()?)))
        .collect();
    (!old.is_empty()).then(|| {
        Line::from(Span::styled(
            format!("figures: {}", old.join(" · ")),
            theme.style("status_warn"),
        ))
    })
}

fn header<'a>(text: String, theme: &Theme) -> Line<'a> {
    Line::from(Span::styled(text, theme.style("header")))
}

fn dim<'a>(text: &str, theme: &Theme) -> Line<'a> {
    Line::from(Span::styled(format!("  {text}"), theme.style("dim")))
}

fn fit_lines<'a>(summary: &PoolSummary, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![header("How many more fit, by VM type".into(), theme)];
    if summary.fits.is_empty() {
        lines.push(dim("no VM types in the config ([[vm_type]])", theme));
    }
    for fit in &summary.fits {
        let per_host: Vec<String> = fit
            .per_host
            .iter()
            .map(|(host, n)| format!("{host} {n}"))
            .collect();
        let t = &fit.vm_type;
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<10}", t.name), theme.style("text")),
            Span::raw(format!(
                "{:>2} vCPU {:>9}  ",
                t.vcpus,
                bytes(t.memory_bytes)
            )),
            Span::styled(format!("{:>5} more", fit.total), theme.style("title")),
            Span::raw(match &fit.next_on {
                Some(host) => format!(
                    "  fits on {} host{} now, next on {host}",
                    fit.hosts_fitting,
                    if fit.hosts_fitting == 1 { "" } else { "s" }
                ),
                None => "  fits on no host now".into(),
            }),
            Span::styled(format!("  ({})", per_host.join(" · ")), theme.style("dim")),
        ]));
    }
    lines
}

/// The hosts by room, as a table: a long host name is cut with `…`, figures never.
const ROOM_COLUMNS: [Spec; 4] = [
    text("HOST", NAME_MIN, 0),
    number("FREE VCPUS", 1),
    number("FREE MEMORY", 1),
    number("VMS", 2),
];

fn room_lines<'a>(summary: &PoolSummary, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![header("Hosts by room".into(), theme)];
    if summary.by_room.is_empty() {
        lines.push(dim("no host is up", theme));
        return lines;
    }
    let cells: Vec<[String; 4]> = summary
        .by_room
        .iter()
        .map(|room| {
            [
                room.host.clone(),
                signed(room.free_vcpus, |n| n.to_string()),
                signed(room.free_memory_bytes, bytes),
                room.vms.to_string(),
            ]
        })
        .collect();
    let preferred = columns::preferred(&ROOM_COLUMNS, cells.len(), |r, c| cells[r][c].as_str());
    let wanted = [true; 4];
    let layout = columns::layout(&ROOM_COLUMNS, &preferred, &wanted, width - 2, GAP);
    let indent = |line: Line<'a>| {
        let mut spans = vec![Span::raw("  ")];
        spans.extend(line.spans);
        Line::from(spans)
    };
    lines.push(indent(sheet_row::header(
        &layout,
        &ROOM_COLUMNS,
        theme.style("header"),
    )));
    for (room, cells) in summary.by_room.iter().zip(&cells) {
        let style = if room.free_vcpus < 0 || room.free_memory_bytes < 0 {
            theme.style("status_error")
        } else {
            theme.style("text")
        };
        let row = sheet_row::line(&layout, &ROOM_COLUMNS, |c| cells[c].clone(), |_| style);
        lines.push(indent(row));
    }
    lines
}

fn consumer_lines<'a>(summary: &PoolSummary, theme: &Theme) -> Vec<Line<'a>> {
    let cpu: Vec<String> = summary
        .top_cpu
        .iter()
        .map(|c| format!("{} {:.0}% ({})", c.vm, c.value, c.host))
        .collect();
    let memory: Vec<String> = summary
        .top_memory
        .iter()
        .map(|c| format!("{} {} ({})", c.vm, bytes(c.value), c.host))
        .collect();
    let row = |label: &str, items: Vec<String>| {
        let text = if items.is_empty() {
            "no figures yet".to_string()
        } else {
            items.join(" · ")
        };
        Line::from(vec![
            Span::styled(format!("  {label:<8}"), theme.style("text")),
            Span::raw(text),
        ])
    };
    vec![
        header("Top consumers".into(), theme),
        row("CPU", cpu),
        row("memory", memory),
    ]
}

fn down_lines<'a>(summary: &PoolSummary, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![header(
        format!("Hosts down ({})", summary.down.len()),
        theme,
    )];
    if summary.down.is_empty() {
        lines.push(dim("none", theme));
    }
    for (host, reason) in &summary.down {
        lines.push(Line::from(vec![
            Span::styled(format!("  {host:<10}"), theme.style("status_error")),
            Span::raw(reason.clone()),
        ]));
    }
    lines
}

/// A free figure that may be negative: `over 3 GiB` rather than a minus sign, and never a
/// wrapped number (beyond u64 it reads as the largest u64, which is still "over").
fn signed(value: i128, unit: fn(u64) -> String) -> String {
    let size = u64::try_from(value.unsigned_abs()).unwrap_or(u64::MAX);
    if value < 0 {
        format!("over {}", unit(size))
    } else {
        unit(size)
    }
}
