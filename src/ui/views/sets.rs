//! `:sets`: each VM set with desired / present / running / ready, its members by host, and
//! what is wrong, the selected set highlighted (Enter opens its members). The statuses are
//! derived in `update` when the inventory changes; this only draws them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::app::sets::listed;
use crate::app::state::View;
use crate::sets::{Problem, SetStatus};
use crate::theme::Theme;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let View::Sets { pool } = state.screen().view else {
        return;
    };
    let sets = listed(state, pool);
    let selected = state.screen().table.selected;
    let name_width = sets
        .iter()
        .map(|(_, s)| s.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(3, 24);
    let head = format!(
        "{:<name_width$} {:<10} {:>7} {:>7} {:>7} {:>5}  HOSTS",
        "SET", "POOL", "DESIRED", "PRESENT", "RUNNING", "READY"
    );
    let mut lines = vec![Line::from(Span::styled(head, theme.style("header")))];
    let mut selected_line = 0;
    for (index, (p, set)) in sets.iter().enumerate() {
        if index == selected {
            selected_line = lines.len();
        }
        let row = set_row(set, &state.pools[*p].name, name_width);
        let style = if index == selected {
            theme.style("selected")
        } else {
            theme.style("text")
        };
        lines.push(Line::from(Span::styled(row, style)));
        lines.extend(detail_lines(set, theme));
    }
    if sets.is_empty() {
        lines.push(Line::from(Span::styled(
            "no VM sets: compose one with a count (:compose NAME --type T --image I --count N)",
            theme.style("dim"),
        )));
    }
    let troubled = sets.iter().filter(|(_, s)| !s.problems.is_empty()).count();
    let title = format!(
        " sets: {}, {troubled} with problems (Enter: members · s: scale · :heal) ",
        sets.len()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(title, theme.style("title")));
    // Keep the selected set in sight: scroll so its row is on the page.
    let inner = area.height.saturating_sub(2) as usize;
    let scroll = selected_line.saturating_sub(inner.saturating_sub(1));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        area,
    );
}

fn set_row(set: &SetStatus, pool: &str, name_width: usize) -> String {
    let hosts: Vec<String> = set
        .by_host
        .iter()
        .map(|(host, n)| format!("{host}:{n}"))
        .collect();
    format!(
        "{:<name_width$} {:<10} {:>7} {:>7} {:>7} {:>5}  {}",
        set.name,
        pool,
        set.desired,
        set.present,
        set.running,
        set.ready,
        hosts.join(" ")
    )
}

/// The set's figures in words, then one line per problem and per warning.
fn detail_lines<'a>(set: &SetStatus, theme: &Theme) -> Vec<Line<'a>> {
    let whole = set.present == set.desired && set.running == set.desired;
    let figures = format!(
        "  {} desired · {} present · {} running",
        set.desired, set.present, set.running
    );
    let mut lines = vec![Line::from(vec![
        Span::styled(figures, theme.style("dim")),
        match set.problems.is_empty() && whole {
            true => Span::styled("  whole", theme.style("gauge_low")),
            false => Span::raw(""),
        },
    ])];
    // The watcher's (`vmdeck sets watch`) last decision, as stamped on the members.
    if let Some(decision) = set.spec.as_ref().and_then(|s| s.decision.as_deref()) {
        lines.push(Line::from(Span::styled(
            format!("  last decision: {decision}"),
            theme.style("dim"),
        )));
    }
    for problem in &set.problems {
        let style = match problem {
            Problem::Violates { hard: false, .. } | Problem::Surplus { .. } => "gauge_mid",
            _ => "gauge_high",
        };
        lines.push(Line::from(Span::styled(
            format!("  ✗ {}", problem.text()),
            theme.style(style),
        )));
    }
    for warning in &set.warnings {
        lines.push(Line::from(Span::styled(
            format!("  ! {warning}"),
            theme.style("status_warn"),
        )));
    }
    if let Some(note) = set.ready_note() {
        lines.push(Line::from(Span::styled(
            format!("  ? {note}"),
            theme.style("dim"),
        )));
    }
    lines
}
