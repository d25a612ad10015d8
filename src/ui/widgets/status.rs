//! The line above the hints: the input line while typing, else the latest message.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::state::{InputKind, Level};
use crate::app::{State, filter};

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    if let Some(confirm) = &state.confirm {
        let text = match &confirm.typed {
            Some((_, typed)) => format!("{} {typed}", confirm.question),
            None => format!("{} [y/N]", confirm.question),
        };
        let text = tail(&text, usize::from(area.width));
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme.style("status_warn"))),
            area,
        );
        return;
    }
    if let Some(input) = &state.input {
        let prompt = match input.kind {
            InputKind::Filter => "/",
            InputKind::Command => ":",
            InputKind::ConsoleSearch => "search history: ",
        };
        let mut spans = vec![
            Span::styled(prompt, theme.style("title")),
            Span::styled(input.text.as_str(), theme.style("text")),
        ];
        if input.kind == InputKind::Filter {
            spans.push(Span::raw("  "));
            spans.push(match state.row_cache.filter_error() {
                Some(error) => Span::styled(error, theme.style("status_error")),
                None => Span::styled(filter::HINT, theme.style("dim")),
            });
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        let x = area.x + (prompt.chars().count() + input.text.chars().count()) as u16;
        frame.set_cursor_position(Position::new(x.min(area.right().saturating_sub(1)), area.y));
        return;
    }
    if let Some(status) = &state.status {
        let style = match status.level {
            Level::Info => theme.style("status_info"),
            Level::Warn => theme.style("status_warn"),
            Level::Error => theme.style("status_error"),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(status.text.as_str(), style)),
            area,
        );
    }
}

/// A question wider than the line loses its start, not its end: what to type (or `[y/N]`)
/// and what was typed stay in sight.
fn tail(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width || width == 0 {
        return text.to_string();
    }
    let kept: String = text.chars().skip(count - width + 1).collect();
    format!("…{kept}")
}
