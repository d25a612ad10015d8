//! The line editor at the bottom: the `/` filter (applied as you type) and the `:` command bar.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{command, copy, refresh_rows};
use crate::app::msg::Effect;
use crate::app::state::{InputKind, InputLine, State};

pub fn open_filter(state: &mut State) {
    state.status = None;
    if !state.screen().view.is_table() {
        return;
    }
    let current = state.screen().table.filter.clone();
    state.input = Some(InputLine {
        kind: InputKind::Filter,
        text: current.clone(),
        previous: current,
    });
}

pub fn open_command(state: &mut State) {
    state.status = None;
    state.input = Some(InputLine {
        kind: InputKind::Command,
        text: String::new(),
        previous: String::new(),
    });
}

pub fn on_text_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(line) = state.input.as_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => line.text.clear(),
        KeyCode::Char('w') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            delete_word(&mut line.text)
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => line.text.push(c),
        KeyCode::Backspace => {
            line.text.pop();
        }
        _ => return Vec::new(),
    }
    apply_live(state);
    Vec::new()
}

pub fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    if let Some(line) = state.input.as_mut() {
        line.text.extend(text.chars().filter(|c| !c.is_control()));
        apply_live(state);
    }
    Vec::new()
}

fn delete_word(text: &mut String) {
    let trimmed = text.trim_end().len();
    let cut = text[..trimmed].rfind(' ').map_or(0, |i| i + 1);
    text.truncate(cut);
}

/// The filter follows every keystroke.
fn apply_live(state: &mut State) {
    if let Some(InputLine {
        kind: InputKind::Filter,
        text,
        ..
    }) = &state.input
    {
        let text = text.clone();
        let nav = &mut state.screen_mut().table;
        nav.filter = text;
        nav.selected = 0;
        nav.offset = 0;
        refresh_rows(state);
    }
}

pub fn submit(state: &mut State) -> Vec<Effect> {
    match state.input.take() {
        Some(InputLine {
            kind: InputKind::Command,
            text,
            ..
        }) => command::run(state, &text),
        Some(InputLine {
            kind: InputKind::ConsoleSearch,
            text,
            ..
        }) => {
            copy::set_search(state, text);
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Esc: a filter goes back to what it was before editing; a command is dropped.
pub fn cancel(state: &mut State) {
    if let Some(InputLine {
        kind: InputKind::Filter,
        previous,
        ..
    }) = state.input.take()
    {
        state.screen_mut().table.filter = previous;
    }
}

/// The command line, pre-filled (`M` → `:migrate `).
pub fn open_command_with(state: &mut State, text: &str) {
    state.input = Some(InputLine {
        kind: InputKind::Command,
        text: text.to_string(),
        previous: String::new(),
    });
}
