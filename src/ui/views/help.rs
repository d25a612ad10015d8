//! Help, generated from the live keymap (so it is right after the user rebinds keys).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::State;
use crate::app::update::COMMANDS;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let mut lines = Vec::new();
    for (context, bindings) in state.keymap.contexts() {
        lines.push(Line::from(Span::styled(
            context.title(),
            theme.style("header"),
        )));
        // In read-only mode, what changes VMs is not offered at all.
        for binding in bindings
            .iter()
            .filter(|b| !(state.read_only && b.action.mutates()))
        {
            let keys = crate::keymap::describe_keys(binding);
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<22}"), theme.style("title")),
                Span::styled(binding.desc.clone(), theme.style("text")),
            ]));
        }
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled("Commands", theme.style("header"))));
    for command in COMMANDS {
        lines.push(Line::from(Span::styled(
            format!("  {command}"),
            theme.style("text"),
        )));
    }
    lines.push(Line::from(Span::styled(
        "  Filter: fuzzy; start with ! to show what does not match.",
        theme.style("text"),
    )));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style("border_focus"))
        .title(Span::styled(" help ", theme.style("title")));
    let scroll = state.screen().scroll;
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}
