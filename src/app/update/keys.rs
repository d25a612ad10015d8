//! Keys → actions through the live keymap.

use crossterm::event::{KeyEvent, KeyEventKind};

use super::{input, nav};
use crate::app::msg::Effect;
use crate::app::state::{State, View};
use crate::keymap::{Action, Chord, Context};

/// The keymap context of what has focus.
pub fn context(state: &State) -> Context {
    if state.input.is_some() {
        return Context::Input;
    }
    match state.screen().view {
        View::Help => Context::Help,
        View::Vm { .. } => Context::Detail,
        _ => Context::Table,
    }
}

pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let ctx = context(state);
    let chord = Chord::from_event(&key);
    match state.keymap.action(ctx, &chord) {
        Some(action) => run(state, action),
        None if ctx == Context::Input => input::on_text_key(state, key),
        None => Vec::new(),
    }
}

/// Carries out an action.
pub fn run(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => state.quit = true,
        Action::Back => nav::back(state),
        Action::Open => return nav::open(state),
        Action::Up => nav::move_by(state, -1),
        Action::Down => nav::move_by(state, 1),
        Action::PageUp => nav::move_by(state, -(state.page_rows as isize)),
        Action::PageDown => nav::move_by(state, state.page_rows as isize),
        Action::Top => nav::move_by(state, isize::MIN / 2),
        Action::Bottom => nav::move_by(state, isize::MAX / 2),
        Action::Filter => input::open_filter(state),
        Action::Command => input::open_command(state),
        Action::Help => nav::push(state, View::Help),
        Action::SortNext => nav::sort_next(state),
        Action::SortReverse => nav::sort_reverse(state),
        Action::ToggleXml => nav::toggle_xml(state),
        Action::Reconnect => return nav::reconnect(state),
        Action::Pools => nav::jump(state, View::Pools),
        Action::Hosts => nav::jump(state, View::Hosts { pool: None }),
        Action::Vms => nav::jump(
            state,
            View::Vms {
                pool: None,
                host: None,
            },
        ),
        Action::Submit => return input::submit(state),
        Action::Cancel => input::cancel(state),
    }
    Vec::new()
}
