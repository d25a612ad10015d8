//! The operations of this session (`O`), newest first: what runs (with a progress bar), what
//! finished, what failed and why; a selection, Enter for one's details. The header stays.

use std::time::{Duration, SystemTime};

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table};

use crate::app::State;
use crate::app::ops::{Op, OpKind, OpStatus};
use crate::keymap::{Action, Context};
use crate::theme::Theme;

const HEADER: [&str; 7] = ["ID", "ACTION", "VM", "HOST", "STARTED", "TIME", "RESULT"];

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let nav = &state.screen().table;
    let keys = [(Action::Open, "details"), (Action::AbortJob, "abort")];
    let keys: Vec<String> = keys
        .iter()
        .filter_map(|(action, what)| {
            Some(format!(
                " · {} {what}",
                state.keymap.key_for(Context::Table, *action)?
            ))
        })
        .collect();
    let title = format!(
        " operations [{} running of {}]{} ",
        state.ops.running(),
        state.ops.list.len(),
        keys.concat()
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(title, theme.style("title")));
    let header = Row::new(
        HEADER
            .iter()
            .enumerate()
            .map(|(i, h)| right(h, i == 0 || i == 5)),
    )
    .style(theme.style("header"));
    let shown = usize::from(area.height.saturating_sub(3));
    let rows = state.ops.list.iter().rev().enumerate().skip(nav.offset);
    let rows = rows.take(shown).map(|(i, op)| {
        let style = if i == nav.selected {
            theme.style("selected")
        } else {
            theme.style("text")
        };
        Row::new(cells(op, state.now, theme)).style(style)
    });
    let widths = [
        Constraint::Length(4),
        Constraint::Length(10),
        Constraint::Fill(1),
        Constraint::Length(16),
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Fill(2),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1);
    frame.render_widget(table, area);
    if state.ops.list.is_empty() {
        let empty = Rect {
            x: area.x + 2,
            y: area.y + 2,
            width: area.width.saturating_sub(4),
            height: 1,
        };
        let text = Span::styled("no operations yet", theme.style("dim"));
        frame.render_widget(Line::from(text), empty);
    }
}

fn right(text: &str, right: bool) -> Cell<'static> {
    let line = Line::from(text.to_string());
    Cell::from(if right {
        line.alignment(Alignment::Right)
    } else {
        line
    })
}

fn cells(op: &Op, now: SystemTime, theme: &Theme) -> Vec<Cell<'static>> {
    vec![
        right(&op.id.to_string(), true),
        Cell::from(op.kind.command()),
        Cell::from(op.target.name.clone()),
        Cell::from(place(op)),
        Cell::from(clock(op.started)),
        right(&duration(op.duration(now)), true),
        Cell::from(result(op, theme)),
    ]
}

/// The host, or `from → to` for a move.
pub fn place(op: &Op) -> String {
    match &op.kind {
        OpKind::Migrate { to, .. } => format!("{} → {}", op.host_name, to.host_name),
        _ => op.host_name.clone(),
    }
}

/// A running operation's bar and words; a finished one's result.
fn result(op: &Op, theme: &Theme) -> Line<'static> {
    let (text, style) = match &op.status {
        OpStatus::Running => {
            let words = op.note.clone().unwrap_or_else(|| "running".into());
            let Some(percent) = op.percent() else {
                return Line::from(Span::styled(words, theme.style("status_info")));
            };
            // Progress, not load: one colour all the way (a gauge turns red when full).
            let text = format!("{} {percent:.0}% {words}", bar(percent, 10));
            return Line::from(Span::styled(text, theme.style("status_info")));
        }
        OpStatus::Done => ("done".to_string(), theme.style("state_running")),
        OpStatus::Failed(e) => (format!("failed: {e}"), theme.style("state_crashed")),
    };
    Line::from(Span::styled(text, style))
}

/// `█████░░░░░`: `percent` of `width` cells.
pub fn bar(percent: f64, width: usize) -> String {
    let filled = ((percent.clamp(0.0, 100.0) / 100.0) * width as f64).round() as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// `16:42:05`, UTC (the audit log's zone).
pub fn clock(at: SystemTime) -> String {
    let secs = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let day = secs % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day % 3600 / 60, day % 60)
}

/// `<1 s`, `42 s`, `3 m 07 s`, `2 h 05 m` (whole seconds: the clock ticks once a second).
pub fn duration(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => "<1 s".into(),
        1..60 => format!("{secs} s"),
        60..3600 => format!("{} m {:02} s", secs / 60, secs % 60),
        _ => format!("{} h {:02} m", secs / 3600, secs % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::{bar, clock, duration};

    #[test]
    fn bars_clocks_and_durations() {
        assert_eq!(bar(45.0, 10), "█████░░░░░");
        assert_eq!(bar(120.0, 4), "████");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_005);
        assert_eq!(clock(at), "22:13:25");
        assert_eq!(duration(Duration::from_millis(400)), "<1 s");
        assert_eq!(duration(Duration::from_millis(5_900)), "5 s");
        assert_eq!(duration(Duration::from_secs(187)), "3 m 07 s");
        assert_eq!(duration(Duration::from_secs(7_500)), "2 h 05 m");
    }
}
