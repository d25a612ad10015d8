//! A question that lists what it is about (VMs with their hosts, what is skipped): a box
//! over the bottom of the screen, scrolled with the arrows and page keys when long. The
//! question itself stays on the status line below it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::State;

/// Rows of the list shown at most; the rest scrolls.
const MAX_ROWS: u16 = 10;

/// Draws the list just above `status` (the status line's area).
pub fn render(frame: &mut Frame, status: Rect, state: &State) {
    let Some(confirm) = &state.confirm else {
        return;
    };
    if confirm.lines.is_empty() {
        return;
    }
    let theme = state.theme();
    let rows = (confirm.lines.len() as u16).min(MAX_ROWS);
    let height = (rows + 2).min(status.y.saturating_sub(1));
    if height < 3 {
        return;
    }
    let area = Rect {
        x: status.x,
        y: status.y - height,
        width: status.width,
        height,
    };
    let shown = usize::from(height - 2);
    let more = confirm.lines.len().saturating_sub(confirm.scroll + shown);
    let skipped = confirm
        .lines
        .iter()
        .filter(|l| l.starts_with("skipped"))
        .count();
    let what = match (confirm.lines.len() - skipped, skipped) {
        (vms, 0) => format!("{vms} VMs"),
        (vms, skipped) => format!("{vms} VMs, {skipped} skipped"),
    };
    let title = match (confirm.scroll, more) {
        (0, 0) => format!(" {what} "),
        (from, _) => format!(
            " {what} · {}–{} of {} · ↑↓ PgUp PgDn scroll ",
            from + 1,
            (from + shown).min(confirm.lines.len()),
            confirm.lines.len()
        ),
    };
    let lines: Vec<Line> = confirm
        .lines
        .iter()
        .skip(confirm.scroll)
        .take(shown)
        .map(|l| {
            let style = if l.starts_with("skipped") {
                theme.style("dim")
            } else {
                theme.style("text")
            };
            Line::from(Span::styled(l.as_str(), style))
        })
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("status_warn"))
        .title(Span::styled(title, theme.style("title")));
    frame.render_widget(Clear, area);
    // Clear leaves the terminal's colours: the theme's background goes back on.
    frame
        .buffer_mut()
        .set_style(area, state.theme().style("text"));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
