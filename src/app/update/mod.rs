//! `update` is the only code that mutates `State`: no I/O, no awaits, no ratatui.
//! One file per concern: keys, navigation, the input line, `:` commands, host events.

mod actions;
mod ask;
mod clone;
mod cluster;
mod columns;
mod command;
mod command_goto;
mod compose;
mod compose_keys;
mod console;
mod copy;
mod devices;
mod escape;
mod explain;
mod launch;
mod precheck;
mod recovery;

pub use op_progress::describe_progress;
mod hosts;
mod input;
mod keys;
mod migrate;
mod migrate_fit;

pub use keys::{context as focus_context, view_context};
mod heal;
mod nav;
mod op_progress;
mod ops_view;
mod scale;
mod sets;
mod snapshots;
mod watch;

use super::layout;
use super::msg::{Effect, Msg};
use super::state::{Level, State, StatusLine};

/// Applies one message and returns the effects it asks for.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let watch = watch::Watch::before(state, &msg);
    watch::note_inventory(state, &msg);
    let effects = apply(state, msg);
    refresh_rows(state);
    let sampled = watch.sampled();
    let mut changed = watch.after(state);
    super::derived::refresh(state, &mut changed, sampled);
    state.dirty.merge(changed);
    effects
}

fn apply(state: &mut State, msg: Msg) -> Vec<Effect> {
    let quitting = state.quit;
    let signal = match msg {
        Msg::Terminate { signal } => Some(signal),
        _ => None,
    };
    let mut effects = match msg {
        Msg::Key(key) => keys::on_key(state, key),
        Msg::Paste(text) if state.input.is_none() && state.consoles.has_focus() => {
            console::on_paste(state, &text)
        }
        Msg::Paste(text)
            if state.input.is_none()
                && state.confirm.is_none()
                && matches!(state.screen().view, super::state::View::Compose { .. }) =>
        {
            compose_keys::on_paste(state, &text);
            Vec::new()
        }
        Msg::Paste(text) => input::on_paste(state, &text),
        Msg::Resize { width, height } => {
            state.size = (width, height);
            console::resize_all(state)
        }
        Msg::Console { id, event } => console::on_event(state, id, event),
        Msg::Wheel { up } => {
            console::on_wheel(state, up);
            Vec::new()
        }

        Msg::Host { pool, host, event } => hosts::on_host_event(state, pool, host, event),
        Msg::AuditLoaded(lines) => {
            let parsed = lines.map(|lines| {
                lines
                    .iter()
                    .rev()
                    .filter_map(|l| serde_json::from_str(l).ok())
                    .collect()
            });
            state.audit = Some(parsed);
            Vec::new()
        }
        Msg::UserData { args, text } => compose::user_data_read(state, args, text),
        Msg::Warnings(warnings) => {
            if let Some(first) = warnings.first() {
                let more = match warnings.len() {
                    1 => String::new(),
                    n => format!(" (+{} more in the log)", n - 1),
                };
                set_status(state, Level::Warn, format!("{first}{more}"));
            }
            Vec::new()
        }
        Msg::Terminate { .. } => {
            state.quit = true;
            Vec::new()
        }
        Msg::Clock(at) => {
            ops_view::tick(state, at);
            Vec::new()
        }
    };
    // However vmdeck is left (a signal, `q!`, quit anyway), what still runs is audited.
    if state.quit && !quitting {
        let stopped = signal.map_or("vmdeck was quit".into(), |s| {
            format!("vmdeck stopped ({s})")
        });
        effects.extend(recovery::unfinished(state, &stopped));
    }
    effects
}

/// Brings the visible rows of the top screen up to date (deriving them only if their inputs
/// changed) and keeps the selection in range and on screen.
pub fn refresh_rows(state: &mut State) {
    state.page_rows = list_rows(state);
    super::rows::derive(state);
    let Some(rows) = nav::selectable(state) else {
        return;
    };
    let page = state.page_rows;
    let nav = &mut state.screen_mut().table;
    nav.selected = nav.selected.min(rows.saturating_sub(1));
    if nav.selected < nav.offset {
        nav.offset = nav.selected;
    } else if nav.selected >= nav.offset + page {
        nav.offset = nav.selected + 1 - page;
    }
    nav.offset = nav.offset.min(rows.saturating_sub(page));
}

/// Table rows that fit in the list's area (borders and the header row excluded).
fn list_rows(state: &State) -> usize {
    list_area(state).map_or(1, |area| usize::from(area.height.saturating_sub(3)).max(1))
}

/// Where the screen's pane is (beside or above a console, or none when one is zoomed).
pub fn list_area(state: &State) -> Option<layout::Area> {
    let (width, height) = state.size;
    let consoles = &state.consoles;
    let shown = consoles.visible && consoles.active().is_some();
    layout::body(width, height, shown, consoles.zoomed).list
}

pub(super) fn set_status(state: &mut State, level: Level, text: impl Into<String>) {
    state.status = Some(StatusLine {
        level,
        text: text.into(),
    });
}
