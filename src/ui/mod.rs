//! Drawing. Views take `&State` and draw; no I/O and no state changes here.

mod views;
mod widgets;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

use crate::app::State;
use crate::app::state::View;

/// Draws the whole screen.
pub fn render(frame: &mut Frame, state: &State) {
    let [header, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    widgets::header::render(frame, header, state);
    match &state.screen().view {
        View::Vm { pool, host, uuid } => views::vm::render(frame, body, state, *pool, *host, uuid),
        View::Help => views::help::render(frame, body, state),
        _ => views::list::render(frame, body, state),
    }
    widgets::status::render(frame, status, state);
    widgets::hints::render(frame, hints, state);
}
