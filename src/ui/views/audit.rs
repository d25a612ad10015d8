//! The audit log (`:audit`): who did what to which VM, newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::app::columns::Layout;
use crate::app::sheets::{self, AUDIT_COLUMNS};
use crate::model::action::AuditRecord;
use crate::theme::Theme;
use crate::ui::widgets::sheet_row;
use ratatui::style::Style;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let sheet = sheets::layout_for(state, usize::from(area.width.saturating_sub(2)));
    let lines: Vec<Line> = match &state.audit {
        None => vec![Line::from(Span::styled("reading…", theme.style("dim")))],
        Some(Err(e)) => vec![Line::from(Span::styled(
            e.clone(),
            theme.style("status_error"),
        ))],
        Some(Ok(records)) if records.is_empty() => {
            vec![Line::from(Span::styled(
                "nothing done yet",
                theme.style("dim"),
            ))]
        }
        Some(Ok(records)) => {
            let layout = &sheet.layout;
            let specs = &AUDIT_COLUMNS;
            let header = sheet_row::header(layout, specs, theme.style("header"));
            let rows = records.iter().map(|r| record_line(layout, r, theme));
            std::iter::once(header).chain(rows).collect()
        }
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(
            format!(" audit log (newest first){} ", sheet.hidden_note()),
            theme.style("title"),
        ));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((state.screen().scroll, 0)),
        area,
    );
}

/// One audit line: the time dim, the result in the colour of how it ended.
fn record_line<'a>(layout: &Layout, record: &AuditRecord, theme: &Theme) -> Line<'a> {
    let result = if record.result == "ok" {
        theme.style("state_running")
    } else {
        theme.style("state_crashed")
    };
    let style = |c: usize| match c {
        0 => theme.style("dim"),
        6 => result,
        _ => Style::default(),
    };
    sheet_row::line(
        layout,
        &AUDIT_COLUMNS,
        |c| sheets::audit_cell(record, c),
        style,
    )
}
