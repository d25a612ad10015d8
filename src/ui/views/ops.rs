//! The operations of this session: what runs, what finished, what failed and why.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::app::ops::{OpKind, OpStatus};
use crate::app::update::describe_progress;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{:>4}  {:<10} {:<28} {:<10} RESULT",
            "ID", "ACTION", "VM", "HOST"
        ),
        theme.style("header"),
    ))];
    for op in state.ops.list.iter().rev() {
        let (text, style) = match &op.status {
            OpStatus::Running => ("running".to_string(), theme.style("status_info")),
            OpStatus::Done => ("done".to_string(), theme.style("state_running")),
            OpStatus::Failed(e) => (format!("failed: {e}"), theme.style("state_crashed")),
        };
        let host = match &op.kind {
            OpKind::Migrate { to, .. } => format!("{} → {}", op.host_name, to.host_name),
            _ => op.host_name.clone(),
        };
        lines.push(Line::from(vec![
            Span::raw(format!(
                "{:>4}  {:<10} {:<28} {:<14} ",
                op.id,
                op.kind.command(),
                op.target.name,
                host
            )),
            Span::styled(text, style),
        ]));
        let figures = match (&op.progress, &op.note) {
            (Some(progress), _) => Some(describe_progress(&op.kind, progress)),
            (None, Some(note)) => Some(note.clone()),
            (None, None) => None,
        };
        if let Some(figures) = figures {
            let figures = format!("{:>4}  {figures}", "");
            lines.push(Line::from(Span::styled(figures, theme.style("dim"))));
        }
    }
    if state.ops.list.is_empty() {
        lines.push(Line::from(Span::styled(
            "no operations yet",
            theme.style("dim"),
        )));
    }
    let title = format!(" operations [{} running] ", state.ops.running());
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
