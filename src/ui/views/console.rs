//! The console pane: the emulated screen, tabs and state in the title, how to
//! leave always shown, and what happened when the console is not attached.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::app::State;
use crate::app::console::{ConsoleStatus, ConsoleTab};
use crate::keymap::{Action, Context, describe_keys};
use crate::ui::widgets::terminal::TerminalView;

pub fn render(frame: &mut Frame, area: Rect, state: &State) {
    let consoles = &state.consoles;
    let Some(tab) = consoles.active() else { return };
    let theme = state.theme();
    let border = if consoles.has_focus() {
        theme.style("border_focus")
    } else {
        theme.style("border")
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(Line::from(title_spans(state, tab)))
        .title_bottom(Line::from(Span::styled(
            leave_hint(state, tab),
            theme.style("dim"),
        )));
    let live = tab.copy.is_none() && consoles.has_focus() && tab.status == ConsoleStatus::Attached;

    let terminal = TerminalView::new(&tab.screen)
        .block(block)
        .show_cursor(live);
    frame.render_widget(terminal, area);
    if let Some(copy) = &tab.copy {
        highlight_copy(frame, area, tab, copy.cursor, copy.mark);
    }
    if let Some(message) = status_message(tab) {
        let inner_bottom = area.bottom().saturating_sub(2);
        let line = Rect {
            x: area.x + 1,
            y: inner_bottom,
            width: area.width.saturating_sub(2),
            height: 1,
        };
        frame.render_widget(Clear, line);
        // Clear leaves the terminal's colours: the theme's background goes back on.
        frame
            .buffer_mut()
            .set_style(line, state.theme().style("text"));
        frame.render_widget(
            Paragraph::new(Span::styled(message, theme.style("status_warn"))),
            line,
        );
    }
}

fn title_spans<'a>(state: &'a State, active: &'a ConsoleTab) -> Vec<Span<'a>> {
    let theme = state.theme();
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in state.consoles.tabs.iter().enumerate() {
        let style = if std::ptr::eq(tab, active) {
            theme.style("title")
        } else {
            theme.style("dim")
        };
        spans.push(Span::styled(format!("{}:{}", i + 1, tab.vm_name), style));
        spans.push(Span::raw(" "));
    }
    let status = match &active.status {
        ConsoleStatus::Attached => active.status.label().to_string(),
        other => other.label().to_string(),
    };
    spans.push(Span::styled(
        format!("│ {} @ {} · {status}", active.vm_name, active.host_name),
        theme.style("text"),
    ));
    if active.watch_only {
        spans.push(Span::styled(" · WATCH-ONLY", theme.style("status_warn")));
    }
    if let Some(copy) = &active.copy {
        let text = format!(" · HISTORY {}", copy.position());
        spans.push(Span::styled(text, theme.style("status_info")));
    }
    spans.push(Span::raw(" "));
    spans
}

/// The keys that leave the console, from the live keymap.
fn leave_hint(state: &State, tab: &ConsoleTab) -> String {
    let find = |context, action| {
        state
            .keymap
            .bindings(context)
            .iter()
            .find(|b| b.action == action)
            .map(describe_keys)
            .unwrap_or_default()
    };
    if tab.copy.is_some() {
        return format!(
            " {} back to live · {} search · {} mark · {} copy ",
            find(Context::CopyMode, Action::Cancel),
            find(Context::CopyMode, Action::Search),
            find(Context::CopyMode, Action::Mark),
            find(Context::CopyMode, Action::Yank),
        );
    }
    if state.consoles.has_focus() {
        let history = [Action::PageUp, Action::CopyMode].map(|a| find(Context::Console, a));
        let history: Vec<_> = history.into_iter().filter(|k| !k.is_empty()).collect();
        format!(
            " detach: {} · history: {} ",
            find(Context::Console, Action::Detach),
            history.join(", ")
        )
    } else {
        // The keys of the list or VM view behind the pane, only those bound there.
        let behind = crate::app::update::view_context(state);
        let keys: Vec<String> = [
            (Action::Console, "attach"),
            (Action::Zoom, "zoom"),
            (Action::NextTab, "next"),
            (Action::CloseTab, "close"),
        ]
        .iter()
        .filter_map(|(action, what)| {
            let key = state.keymap.key_for(behind, *action)?;
            Some(format!("{key} {what}"))
        })
        .collect();
        format!(" {} ", keys.join(" · "))
    }
}

fn status_message(tab: &ConsoleTab) -> Option<String> {
    match &tab.status {
        ConsoleStatus::Attached => None,
        ConsoleStatus::Connecting => Some("connecting…".into()),
        ConsoleStatus::Busy(_) => Some("another client holds this console".into()),
        ConsoleStatus::Closed(reason) | ConsoleStatus::Failed(reason) => {
            Some(format!("{reason} — Enter (or c) reconnects"))
        }
    }
}

/// Marks the copy-mode cursor line and the selection.
fn highlight_copy(
    frame: &mut Frame,
    area: Rect,
    tab: &ConsoleTab,
    cursor: usize,
    mark: Option<usize>,
) {
    let rows = usize::from(area.height.saturating_sub(2));
    let offset = tab.screen.scrollback();
    let (low, high) = mark.map_or((cursor, cursor), |m| (m.min(cursor), m.max(cursor)));
    for pos in low.max(offset)..=high.min(offset + rows.saturating_sub(1)) {
        let row = rows - 1 - (pos - offset);
        let y = area.y + 1 + row as u16;
        let line = Rect {
            x: area.x + 1,
            y,
            width: area.width.saturating_sub(2),
            height: 1,
        };
        frame
            .buffer_mut()
            .set_style(line, Style::default().add_modifier(Modifier::REVERSED));
    }
}
