//! The audit log (`:audit`): who did what to which VM, newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::model::units;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
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
        Some(Ok(records)) => records
            .iter()
            .map(|r| {
                let result_style = if r.result == "ok" {
                    theme.style("state_running")
                } else {
                    theme.style("state_crashed")
                };
                Line::from(vec![
                    Span::styled(
                        format!("{}  ", units::utc(r.time as i64)),
                        theme.style("dim"),
                    ),
                    Span::raw(format!(
                        "{:<10} {:<10} {:<22} {:<16} {:<24} ",
                        r.user,
                        r.pool,
                        format!("{}/{}", r.host, r.vm),
                        r.action,
                        r.params
                    )),
                    Span::styled(r.result.clone(), result_style),
                ])
            })
            .collect(),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(
            " audit log (newest first) ",
            theme.style("title"),
        ));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((state.screen().scroll, 0)),
        area,
    );
}
