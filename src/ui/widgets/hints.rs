//! The hint bar, generated from the live keymap for what has focus.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::State;
use crate::app::compose_form::Field;
use crate::app::update::focus_context;
use crate::keymap::{Action, Context};

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
    // The compose form takes every key itself: say its own.
    if matches!(state.screen().view, crate::app::state::View::Compose { .. })
        && context == Context::Table
    {
        let field = state.compose.as_ref().map(|f| f.field);
        let mut keys = vec![("Tab", "next field"), ("S-Tab", "previous")];
        match field {
            Some(Field::Type | Field::Image | Field::Group | Field::Host) => {
                keys.push(("←/→", "choose"));
            }
            Some(Field::Compose) => keys.push(("Enter", "compose")),
            _ => {}
        }
        keys.extend([
            ("C-s", "compose"),
            ("Esc", "close"),
            ("PgDn/PgUp", "scroll the preview"),
        ]);
        let spans: Vec<Span> = keys
            .iter()
            .flat_map(|(key, what)| {
                [
                    Span::styled(format!(" {key} "), theme.style("hint_key")),
                    Span::styled(format!(" {what} "), theme.style("hint_desc")),
                ]
            })
            .collect();
        frame.render_widget(Paragraph::new(ratatui::text::Line::from(spans)), area);
        return;
    }
    let global = state.keymap.bindings(Context::Global);
    let mut bindings: Vec<_> = Vec::new();
    if context != Context::Input {
        // Help first: whatever else does not fit, the way to find it does.
        bindings.extend(global.iter().filter(|b| b.action == Action::Help));
    }
    let local = state.keymap.bindings(context).iter();
    let read_only = state.read_only
        || state
            .screen()
            .view
            .pool()
            .is_some_and(|p| state.pools[p].read_only);
    bindings.extend(local.filter(|b| !(is_movement(b.action) || read_only && b.action.mutates())));
    if context != Context::Input {
        let rest = global.iter();
        bindings.extend(rest.filter(|b| !matches!(b.action, Action::Back | Action::Help)));
    }

    let mut spans = Vec::new();
    let mut width = 0usize;
    for binding in bindings {
        let Some(key) = binding.keys.first() else {
            continue;
        };
        let key = format!(" {key} ");
        let desc = format!(" {} ", binding.desc);
        width += key.chars().count() + desc.chars().count();
        if width > usize::from(area.width) {
            break;
        }
        spans.push(Span::styled(key, theme.style("hint_key")));
        spans.push(Span::styled(desc, theme.style("hint_desc")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Arrow-style movement is the same in every terminal program; the bar has room for more.
fn is_movement(action: Action) -> bool {
    matches!(
        action,
        Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom
    )
}
