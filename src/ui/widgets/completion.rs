//! Above the `:` line: the usage of the command being typed and what Tab can complete,
//! drawn over the bottom of the body (the candidates were computed by `update`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::State;
use crate::app::commands::Completion;
use crate::app::state::InputKind;
use crate::theme::Theme;

/// `input` is the input line's area; the box goes right above it.
pub fn render(frame: &mut Frame, input: Rect, state: &State) {
    let Some(line) = state
        .input
        .as_ref()
        .filter(|l| l.kind == InputKind::Command)
    else {
        return;
    };
    let completion = &line.completion;
    let theme = state.theme();
    let mut lines = Vec::new();
    if let Some(usage) = &completion.usage {
        lines.push(Line::from(Span::styled(usage.clone(), theme.style("dim"))));
    }
    let width = input.width.saturating_sub(2);
    if !completion.candidates.is_empty() {
        lines.push(candidates(completion, width, theme));
    }
    let height = lines.len() as u16 + 2;
    if lines.is_empty() || input.y < height + 1 {
        return;
    }
    let area = Rect {
        y: input.y - height,
        height,
        ..input
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(" Tab completes ", theme.style("title")));
    frame.render_widget(Clear, area);
    // Clear leaves the terminal's colours: the theme's background goes back on.
    frame
        .buffer_mut()
        .set_style(area, state.theme().style("text"));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The candidates in one line, starting early enough to show the selected one.
fn candidates(completion: &Completion, width: u16, theme: &Theme) -> Line<'static> {
    let all = &completion.candidates;
    let selected = completion.selected.unwrap_or(0);
    let width = usize::from(width);
    let fits = |from: usize| {
        all[from..=selected]
            .iter()
            .map(|c| c.chars().count() + 2)
            .sum::<usize>()
            <= width
    };
    let first = (0..=selected).find(|from| fits(*from)).unwrap_or(selected);
    let mut spans = Vec::new();
    let mut used = 0;
    if first > 0 {
        spans.push(Span::styled("… ", theme.style("dim")));
        used += 2;
    }
    for (i, candidate) in all.iter().enumerate().skip(first) {
        let wide = candidate.chars().count() + 2;
        if used + wide > width {
            spans.push(Span::styled(
                format!("+{}", all.len() - i),
                theme.style("dim"),
            ));
            break;
        }
        let style = match completion.selected {
            Some(s) if s == i => theme.style("selected"),
            _ => theme.style("text"),
        };
        spans.push(Span::styled(candidate.clone(), style));
        spans.push(Span::raw("  "));
        used += wide;
    }
    Line::from(spans)
}
