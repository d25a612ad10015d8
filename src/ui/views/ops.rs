//! The operations of this session (`O`), newest first: what runs (with a progress bar), what
//! finished, what failed and why; a selection, Enter for one's details. The header stays;
//! the columns are the layout engine's, like every table's.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::app::columns::Layout;
use crate::app::ops::{Op, OpKind, OpStatus};
use crate::app::sheets::{self, OP_COLUMNS, OP_RESULT_COLUMN};
use crate::keymap::{Action, Context};
use crate::theme::Theme;
use crate::ui::widgets::sheet_row;

pub use crate::app::sheets::{bar, clock, duration};

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let nav = &state.screen().table;
    let sheet = sheets::layout_for(state, usize::from(area.width.saturating_sub(2)));
    let layout = &sheet.layout;
    let mut lines = vec![sheet_row::header(
        layout,
        &OP_COLUMNS,
        theme.style("header"),
    )];
    let shown = usize::from(area.height.saturating_sub(3));
    let rows = state.ops.list.iter().rev().enumerate().skip(nav.offset);
    for (i, op) in rows.take(shown) {
        let base = if i == nav.selected {
            theme.style("selected")
        } else {
            theme.style("text")
        };
        lines.push(op_line(layout, op, state, base, theme));
    }
    if state.ops.list.is_empty() {
        lines.push(Line::from(Span::styled(
            "no operations yet",
            theme.style("dim"),
        )));
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(
            title(state, &sheet.hidden_note()),
            theme.style("title"),
        ));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// ` operations [1 running of 4] · Enter details · x abort`, and the hidden columns' note.
fn title(state: &State, hidden: &str) -> String {
    let keys = [(Action::Open, "details"), (Action::AbortJob, "abort")];
    let keys: String = keys
        .iter()
        .filter_map(|(action, what)| {
            Some(format!(
                " · {} {what}",
                state.keymap.key_for(Context::Table, *action)?
            ))
        })
        .collect();
    format!(
        " operations [{} running of {}]{hidden}{keys} ",
        state.ops.running(),
        state.ops.list.len(),
    )
}

/// One operation's row, its result in the colour of how it ended.
fn op_line<'a>(layout: &Layout, op: &Op, state: &State, base: Style, theme: &Theme) -> Line<'a> {
    let result = match &op.status {
        OpStatus::Running => theme.style("status_info"),
        OpStatus::Done => theme.style("state_running"),
        OpStatus::Failed(_) => theme.style("state_crashed"),
    };
    let styles = |c: usize| {
        if c == OP_RESULT_COLUMN {
            base.patch(result)
        } else {
            base
        }
    };
    let cell = |c: usize| sheets::op_cell(op, c, state.now);
    sheet_row::line(layout, &OP_COLUMNS, cell, styles)
}

/// The host, or `from → to` for a move.
pub fn place(op: &Op) -> String {
    match &op.kind {
        OpKind::Migrate { to, .. } => format!("{} → {}", op.host_name, to.host_name),
        _ => op.host_name.clone(),
    }
}
