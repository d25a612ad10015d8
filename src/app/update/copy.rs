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
        count_lines(tab);
    }
}

/// `S-PgUp` on the live console: into history, already one page back.
pub fn enter_paged(state: &mut State) {
    enter(state);
    page(state, true);
}

pub fn on_key(state: &mut State, chord: &Chord) -> Vec<Effect> {
    match state.keymap.action(Context::CopyMode, chord) {
        Some(Action::Up) => move_cursor(state, 1),
        Some(Action::Down) => move_cursor(state, -1),
        Some(Action::PageUp) => page(state, true),
        Some(Action::PageDown) => page(state, false),
        Some(Action::Top) => to_end(state, true),
        Some(Action::Bottom) => to_end(state, false),
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
        Some(Action::SearchNext) => search(state, true, true),
        Some(Action::SearchPrev) => search(state, false, true),
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

/// One page (the pane's height) older or newer: the view moves by a page and the cursor
/// with it, staying on the same row of the pane (at the oldest or newest line at an end).
fn page(state: &mut State, older: bool) {
    let Some(tab) = state.consoles.active_mut() else {
        return;
    };
    let rows = usize::from(tab.screen.size().0);
    let max = count_lines(tab).saturating_sub(1);
    let offset = tab.screen.scrollback();
    let Some(copy) = tab.copy.as_mut() else {
        return;
    };
    let (view, cursor) = if older {
        (offset + rows, (copy.cursor + rows).min(max))
    } else {
        (
            offset.saturating_sub(rows),
            copy.cursor.saturating_sub(rows),
        )
    };
    copy.cursor = cursor;
    tab.screen.set_scrollback(view);
    show_line(tab, cursor);
}

/// `g` / `G`: the oldest or the newest line.
fn to_end(state: &mut State, oldest: bool) {
    let Some(tab) = state.consoles.active_mut() else {
        return;
    };
    let max = count_lines(tab).saturating_sub(1);
    if let Some(copy) = tab.copy.as_mut() {
        copy.cursor = if oldest { max } else { 0 };
        tab.screen
            .set_scrollback(if oldest { usize::MAX } else { 0 });
    }
}

/// Guest output arrived while in history: the view stays on what the admin reads (the emulator
/// keeps a view that is scrolled back; one at the newest line is held here) and the cursor
/// stays on its line. `offset` and `lines` are the view's scrollback and `count_lines`
/// before the output.
pub fn follow_output(tab: &mut ConsoleTab, offset: usize, lines: usize) {
    let now = count_lines(tab);
    if offset == 0 {
        tab.screen.set_scrollback(now.saturating_sub(lines));
    }
    let moved = tab.screen.scrollback().saturating_sub(offset);
    let max = now.saturating_sub(1);
    if let Some(copy) = tab.copy.as_mut() {
        copy.cursor = (copy.cursor + moved).min(max);
        copy.mark = copy.mark.map(|m| (m + moved).min(max));
    }
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

/// Lines of history plus the screen (the highest cursor position is one less), also kept
/// in the copy mode for the position shown.
pub fn count_lines(tab: &mut ConsoleTab) -> usize {
    let lines = tab.screen.history_len() + usize::from(tab.screen.size().0);
    if let Some(copy) = tab.copy.as_mut() {
        copy.lines = lines;
    }
    lines
}

fn move_cursor(state: &mut State, delta: isize) {
    let Some(tab) = state.consoles.active_mut() else {
        return;
    };
    let max = count_lines(tab).saturating_sub(1) as isize;
    let Some(copy) = tab.copy.as_mut() else {
        return;
    };
    copy.cursor = (copy.cursor as isize).saturating_add(delta).clamp(0, max) as usize;
    let cursor = copy.cursor;
    show_line(tab, cursor);
}

/// Scrolls so that line `pos` is visible.
fn show_line(tab: &mut ConsoleTab, pos: usize) {
    let rows = usize::from(tab.screen.size().0);
    let offset = tab.screen.scrollback();
    if pos < offset {
        tab.screen.set_scrollback(pos);
    } else if pos >= offset + rows {
        tab.screen.set_scrollback(pos + 1 - rows);
    }
}

/// Searches older (`older`) or newer lines from the cursor for the last search text; `again`
/// for `n`/`N`, which say when they ran out of matches.
pub fn search(state: &mut State, older: bool, again: bool) {
    let Some(tab) = state.consoles.active_mut() else {
        return;
    };
    let total = count_lines(tab);
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
        .find(|pos| tab.screen.line_text(*pos).contains(&copy.last_search));
    if let Some(pos) = found {
        if let Some(c) = tab.copy.as_mut() {
            c.cursor = pos;
        }
        show_line(tab, pos);
        return;
    }
    let what = &copy.last_search;
    let anywhere = again || (0..total).any(|pos| tab.screen.line_text(pos).contains(what));
    let text = if anywhere {
        let end = if older { "oldest" } else { "newest" };
        format!("no more matches for '{what}' (the {end} line is reached)")
    } else {
        format!("'{what}' not found")
    };
    set_status(state, Level::Warn, text);
}

/// Submitted from the input line.
pub fn set_search(state: &mut State, text: String) {
    if let Some(copy) = state.consoles.active_mut().and_then(|t| t.copy.as_mut()) {
        copy.last_search = text;
    }
    search(state, true, false);
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
        .map(|pos| tab.screen.line_text(pos).trim_end().to_string())
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
