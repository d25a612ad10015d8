//! Drawing. Views take `&State` and draw; no I/O and no state changes here.

mod views;
mod widgets;

// The console pane's screen widget, for the console bench.
pub use widgets::terminal::TerminalView;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::State;
use crate::app::layout::{Area, body};
use crate::app::state::View;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, state: &State) {
    // The theme's own background under everything, so a theme reads the same on any
    // terminal background.
    let all = frame.area();
    frame
        .buffer_mut()
        .set_style(all, state.theme().style("text"));
    let [header, _, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    widgets::header::render(frame, header, state);
    let full = frame.area();
    let consoles = &state.consoles;
    let layout = body(
        full.width,
        full.height,
        consoles.visible && consoles.active().is_some(),
        consoles.zoomed,
    );
    if let Some(area) = layout.list {
        render_screen(frame, rect(area), state);
    }
    if let Some(area) = layout.console {
        views::console::render(frame, rect(area), state);
    }
    widgets::question::render(frame, status, state);
    widgets::completion::render(frame, status, state);
    widgets::status::render(frame, status, state);
    widgets::hints::render(frame, hints, state);
}

fn render_screen(frame: &mut Frame, area: Rect, state: &State) {
    match &state.screen().view {
        View::Vm { pool, host, uuid } => views::vm::render(frame, area, state, *pool, *host, uuid),
        View::Help => views::help::render(frame, area, state),
        View::Ops => views::ops::render(frame, area, state),
        View::Op { id } => views::op::render(frame, area, state, *id),
        View::Audit => views::audit::render(frame, area, state),
        View::Host { pool, host } => views::host::render(frame, area, state, *pool, *host),
        View::Dashboard { pool } => views::dashboard::render(frame, area, state, *pool),
        View::Compose { .. } => views::compose::render(frame, area, state),
        View::Images { pool } => views::images::render(frame, area, state, *pool),
        View::Rt { pool } => views::rt::render(frame, area, state, *pool),
        View::Sets { .. } => views::sets::render(frame, area, state),
        _ => views::list::render(frame, area, state),
    }
}

fn rect(area: Area) -> Rect {
    Rect {
        x: area.x,
        y: area.y,
        width: area.width,
        height: area.height,
    }
}
