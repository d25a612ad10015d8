//! The operations of this session: what runs, what finished, what failed and why.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::app::columns::{Layout, cut};
use crate::app::ops::{Op, OpStatus};
use crate::app::sheets::{self, OP_COLUMNS};
use crate::app::update::describe_progress;
use crate::ui::widgets::sheet_row;
use ratatui::style::Style;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let sheet = sheets::layout_for(state, usize::from(area.width.saturating_sub(2)));
    let layout = &sheet.layout;
    let specs = &sheets::OP_COLUMNS;
    let mut lines = vec![sheet_row::header(layout, specs, theme.style("header"))];
    for op in state.ops.list.iter().rev() {
        let style = match &op.status {
            OpStatus::Running => theme.style("status_info"),
            OpStatus::Done => theme.style("state_running"),
            OpStatus::Failed(_) => theme.style("state_crashed"),
        };
        lines.push(op_line(layout, op, style));
        let figures = match (&op.progress, &op.note) {
            (Some(progress), _) => Some(describe_progress(&op.kind, progress)),
            (None, Some(note)) => Some(note.clone()),
            (None, None) => None,
        };
        if let Some(figures) = figures {
            let figures = cut(&format!("{:>4}  {figures}", ""), sheet.width);
            lines.push(Line::from(Span::styled(figures, theme.style("dim"))));
        }
    }
    if state.ops.list.is_empty() {
        lines.push(Line::from(Span::styled(
            "no operations yet",
            theme.style("dim"),
        )));
    }
    let title = format!(
        " operations [{} running]{} ",
        state.ops.running(),
        sheet.hidden_note()
    );
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

/// One operation's row, its result in the colour of how it ended.
fn op_line<'a>(layout: &Layout, op: &Op, style: Style) -> Line<'a> {
    let styles = |c: usize| if c == 4 { style } else { Style::default() };
    sheet_row::line(layout, &OP_COLUMNS, |c| sheets::op_cell(op, c), styles)
}
