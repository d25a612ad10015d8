//! The hint bar: `app::hints` for what has focus, as many as fit, help always.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::State;
use crate::app::hints::Hint;
use crate::app::update::focus_context;
use crate::keymap::Context;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let theme = state.theme();
    let context = focus_context(state);
    // While the input line covers the status line, the latest message shows here instead
    // (`M` lists where the VM can move while `:migrate` is typed).
    if let (Context::Input, Some(status)) = (context, &state.status) {
        frame.render_widget(
            Paragraph::new(Span::styled(
                status.text.as_str(),
                theme.style("status_info"),
            )),
            area,
        );
        return;
    }
    let hints = &state.derived.hints;
    // Help comes last but is always shown: room for it is kept first.
    let (help, rest) = match hints.split_last() {
        Some((last, rest)) if last.key == "?" => (Some(last), rest),
        _ => (None, hints.as_slice()),
    };
    let width_of = |h: &Hint| h.key.chars().count() + h.desc.chars().count() + 4;
    let mut room = usize::from(area.width).saturating_sub(help.map_or(0, width_of));
    let mut spans = Vec::new();
    for hint in rest.iter().chain(help) {
        let width = width_of(hint);
        if width > room && !help.is_some_and(|h| std::ptr::eq(h, hint)) {
            continue;
        }
        room = room.saturating_sub(width);
        spans.push(Span::styled(
            format!(" {} ", hint.key),
            theme.style("hint_key"),
        ));
        spans.push(Span::styled(
            format!(" {} ", hint.desc),
            theme.style("hint_desc"),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
