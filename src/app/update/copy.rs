//! Copy mode: move a cursor through a console's history, search it, mark lines and copy them
//! to the clipboard with OSC 52. Positions count lines up from the newest line.

use super::set_status;
use crate::app::console::{ConsoleTab, CopyMode};
use crate::app::msg::Effect;
use crate::app::state::{InputKind, InputLine, Level, State};
use crate::keymap::{Action, Chord, Context};

pub fn enter(state: &mut State) {
    if let Some(tab) = state.consoles.active_mut() {
        tab.copy = Some(CopyMode::default());
        tab.screen.set_scrollback(0);
    }
}

pub fn on_key(state: &mut State, chord: &Chord) -> Vec<Effect> {
    let page = state
        .consoles
        .active()
        .map_or(10, |t| t.screen.screen().size().0 as isize);
    match state.keymap.action(Context::CopyMode, chord) {
        Some(Action::Up) => move_cursor(state, 1),
        Some(Action::Down) => move_cursor(state, -1),
        Some(Action::PageUp) => move_cursor(state, page),
        Some(Action::PageDown) => move_cursor(state, -page),
        Some(Action::Top) => move_cursor(state, isize::MAX / 2),
        Some(Action::Bottom) => move_cursor(state, isize::MIN / 2),
        Some(Action::Search) => {
            let previous = state
                .consoles
                .active()
                .and_then(|t| t.copy.as_ref())
                .map(|c| c.last_search.clone())
                .unwrap_or_default();
            state.input = Some(InputLine {
                kind: InputKind::ConsoleSearch,
                text: String::new(),
                previous,
                completion: Default::default(),
            });
        }
        Some(Action::SearchNext) => search(state, true),
        Some(Action::SearchPrev) => search(state, false),
        Some(Action::Mark) => {
            if let Some(copy) = state.consoles.active_mut().and_then(|t| t.copy.as_mut()) {
                copy.mark = Some(copy.cursor);
            }
        }
        Some(Action::Yank) => return yank(state),
        Some(Action::Cancel) => leave(state),
        _ => {}
    }
    Vec::new()
}

/// Wheel scrolling: like moving the cursor, and back to live at the bottom.
pub fn scroll(state: &mut State, delta: isize) {
    move_cursor(state, delta);
    let at_bottom = state
        .consoles
        .active()
        .and_then(|t| t.copy.as_ref())
        .is_some_and(|c| c.cursor == 0);
    if at_bottom && delta < 0 {
        leave(state);
    }
}

fn leave(state: &mut State) {
    if let Some(tab) = state.consoles.active_mut() {
        tab.copy = None;
        tab.screen.set_scrollback(0);
    }
}

/// Lines of history plus the screen: the highest cursor position is one less.
fn line_count(tab: &mut ConsoleTab) -> usize {
    let offset = tab.screen.scrollback();
    tab.screen.set_scrollback(usize::MAX);
    let history = tab.screen.scrollback();
    tab.screen.set_scrollback(offset);
    history + usize::from(tab.screen.screen().size().0)
}

fn move_cursor(state: &mut State, delta: isize) {
    let Some(tab) = state.consoles.active_mut() else {
        return;
    };
    let max = line_count(tab).saturating_sub(1) as isize;
    let Some(copy) = tab.copy.as_mut() else {
        return;
    };
    copy.cursor = (copy.cursor as isize).saturating_add(delta).clamp(0, max) as usize;
    let cursor = copy.cursor;
    show_line(tab, cursor);
}

/// Scrolls so that line `pos` is visible.
fn show_line(tab: &mut ConsoleTab, pos: usize) {
    let rows = usize::from(tab.screen.screen().size().0);
    let offset = tab.screen.scrollback();
    if pos < offset {
        tab.screen.set_scrollback(pos);
    } else if pos >= offset + rows {
        tab.screen.set_scrollback(pos + 1 - rows);
    }
}

/// The text of line `pos` (lines up from the newest).
fn line_text(tab: &mut ConsoleTab, pos: usize) -> String {
    let (rows, cols) = tab.screen.screen().size();
    let rows = usize::from(rows);
    let offset = tab.screen.scrollback();
    let view = pos.saturating_sub(rows - 1);
    tab.screen.set_scrollback(view);
    let row = rows - 1 - (pos - tab.screen.scrollback()).min(rows - 1);
    let text = tab
        .screen
        .screen()
        .rows(0, cols)
        .nth(row)
        .unwrap_or_default();
    tab.screen.set_scrollback(offset);
    text
}

/// Searches older (`older`) or newer lines from the cursor for the last search text.
pub fn search(state: &mut State, older: bool) {
    let Some(tab) = state.consoles.active_mut() else {
        return;
    };
    let total = line_count(tab);
    let Some(copy) = tab.copy.clone() else { return };
    if copy.last_search.is_empty() {
        return;
    }
    let candidates: Box<dyn Iterator<Item = usize>> = if older {
        Box::new(copy.cursor + 1..total)
    } else {
        Box::new((0..copy.cursor).rev())
    };
    let found = candidates
        .into_iter()
        .find(|pos| line_text(tab, *pos).contains(&copy.last_search));
    match found {
        Some(pos) => {
            if let Some(c) = tab.copy.as_mut() {
                c.cursor = pos;
            }
            show_line(tab, pos);
        }
        None => {
            let text = format!("'{}' not found", copy.last_search);
            set_status(state, Level::Warn, text);
        }
    }
}

/// Submitted from the input line.
pub fn set_search(state: &mut State, text: String) {
    if let Some(copy) = state.consoles.active_mut().and_then(|t| t.copy.as_mut()) {
        copy.last_search = text;
    }
    search(state, true);
}

fn yank(state: &mut State) -> Vec<Effect> {
    let Some(tab) = state.consoles.active_mut() else {
        return Vec::new();
    };
    let Some(copy) = tab.copy.clone() else {
        return Vec::new();
    };
    let (low, high) = match copy.mark {
        Some(mark) => (mark.min(copy.cursor), mark.max(copy.cursor)),
        None => (copy.cursor, copy.cursor),
    };
    let lines: Vec<String> = (low..=high)
        .rev()
        .map(|pos| line_text(tab, pos).trim_end().to_string())
        .collect();
    tab.copy = None;
    tab.screen.set_scrollback(0);
    set_status(
        state,
        Level::Info,
        format!("copied {} line(s) to the clipboard", lines.len()),
    );
    vec![Effect::Clipboard(lines.join("\n"))]
}
