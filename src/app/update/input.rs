//! The line editor at the bottom: the `/` filter (applied as you type) and the `:` command bar
//! (with Tab completion from the command table and the inventory).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{command, copy, refresh_rows};
use crate::app::commands::{Completion, complete};
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
        completion: Completion::default(),
    });
}

pub fn open_command(state: &mut State) {
    state.status = None;
    open_command_with(state, "");
}

/// The command line, pre-filled (`M` → `:migrate `), with what can follow.
pub fn open_command_with(state: &mut State, text: &str) {
    state.input = Some(InputLine {
        kind: InputKind::Command,
        text: text.to_string(),
        previous: String::new(),
        completion: Completion::default(),
    });
    if !text.is_empty() {
        apply_live(state);
    }
}

pub fn on_text_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(line) = state.input.as_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Tab => return cycle(state, true),
        KeyCode::BackTab => return cycle(state, false),
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

/// Tab / Shift-Tab in the `:` line: the next or previous candidate replaces the word being
/// typed. An empty line lists every command first.
fn cycle(state: &mut State, forward: bool) -> Vec<Effect> {
    let fresh = match &state.input {
        Some(line) if line.kind == InputKind::Command && line.completion.candidates.is_empty() => {
            Some(complete(state, &line.text))
        }
        _ => None,
    };
    if let Some(line) = state
        .input
        .as_mut()
        .filter(|l| l.kind == InputKind::Command)
    {
        if let Some(completion) = fresh {
            line.completion = completion;
        }
        if let Some(text) = line.completion.cycle(forward) {
            line.text = text;
        }
    }
    Vec::new()
}

fn delete_word(text: &mut String) {
    let trimmed = text.trim_end().len();
    let cut = text[..trimmed].rfind(' ').map_or(0, |i| i + 1);
    text.truncate(cut);
}

/// The filter follows every keystroke; a command's completion too.
fn apply_live(state: &mut State) {
    match &state.input {
        Some(InputLine {
            kind: InputKind::Filter,
            text,
            ..
        }) => {
            let text = text.clone();
            let nav = &mut state.screen_mut().table;
            nav.filter = text;
            nav.selected = 0;
            nav.offset = 0;
            refresh_rows(state);
        }
        Some(InputLine {
            kind: InputKind::Command,
            text,
            ..
        }) => {
            let completion = complete(state, text);
            if let Some(line) = state.input.as_mut() {
                line.completion = completion;
            }
        }
        _ => {}
    }
}

pub fn submit(state: &mut State) -> Vec<Effect> {
    match state.input.take() {
        // An invalid regex is not taken: the line stays open with its error, nothing lost.
        Some(line)
            if line.kind == InputKind::Filter && state.row_cache.filter_error().is_some() =>
        {
            state.input = Some(line);
            Vec::new()
        }
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
