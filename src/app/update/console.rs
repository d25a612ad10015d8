//! Console tabs: opening, events from the backends, keys typed into a focused console
//! (with ssh-style escapes), tabs, zoom and resizing.

use crossterm::event::{KeyCode, KeyEvent};

use super::escape::{Escape, chord_bytes, escape_step};
use super::nav::selected_row;
use super::{copy, set_status};
use crate::app::console::{ConsoleStatus, ConsoleTab};
use crate::app::layout;
use crate::app::msg::Effect;
use crate::app::state::{Confirm, Level, Pending, State, View};
use crate::app::table::RowId;
use crate::backend::console::{ConsoleEvent, ConsoleId};
use crate::console::keys::{encode, paste};
use crate::console::screen::ConsoleScreen;
use crate::keymap::{Action, Chord, Context};

/// The guest terminal size for the current layout.
pub fn pane_size(state: &State) -> (u16, u16) {
    let (width, height) = state.size;
    let body = layout::body(width, height, true, state.consoles.zoomed);
    body.console.map_or((24, 80), layout::inner_size)
}

/// The VM the user points at: the selected row, or the VM on screen.
fn target_vm(state: &State) -> Option<(usize, usize, String)> {
    match (&state.screen().view, selected_row(state)) {
        (View::Vm { pool, host, uuid }, _) => Some((*pool, *host, uuid.clone())),
        (_, Some(RowId::Vm(p, h, v))) => Some((p, h, state.pools[p].hosts[h].vms[v].uuid.clone())),
        _ => None,
    }
}

/// `c` / `C`: attach to the VM's console, or show its existing tab (reconnecting if closed).
pub fn open(state: &mut State, watch_only: bool) -> Vec<Effect> {
    let Some((pool, host, uuid)) = target_vm(state) else {
        set_status(state, Level::Warn, "select a VM to open its console");
        return Vec::new();
    };
    open_vm(state, pool, host, uuid, watch_only)
}

/// `:console NAME` / `:watch NAME`: that VM's console, from any view.
pub fn open_vm(
    state: &mut State,
    pool: usize,
    host: usize,
    uuid: String,
    watch_only: bool,
) -> Vec<Effect> {
    let forced_watch = state.pools[pool].read_only && !watch_only;
    if forced_watch {
        set_status(
            state,
            Level::Info,
            "read-only pool: the console opens watch-only",
        );
    }
    let watch_only = watch_only || state.pools[pool].read_only;
    let consoles = &mut state.consoles;
    consoles.visible = true;
    consoles.focused = true;
    if let Some(index) = consoles
        .tabs
        .iter()
        .position(|t| t.uuid == uuid && t.pool == pool)
    {
        consoles.active = index;
        let tab = &mut consoles.tabs[index];
        tab.watch_only = watch_only;
        // The VM may have migrated since: its console is on its new host now.
        tab.host = host;
        tab.host_name = state.pools[pool].hosts[host].name.clone();
        let reconnect = matches!(
            tab.status,
            ConsoleStatus::Closed(_) | ConsoleStatus::Failed(_)
        );
        return if reconnect {
            reconnect_active(state, false)
        } else {
            Vec::new()
        };
    }
    let (rows, cols) = pane_size(state);
    let host_state = &state.pools[pool].hosts[host];
    let vm_name = host_state
        .vms
        .iter()
        .find(|v| v.uuid == uuid)
        .map_or(uuid.clone(), |v| v.name.clone());
    let id = state.consoles.next_id;
    state.consoles.next_id += 1;
    state.consoles.tabs.push(ConsoleTab {
        id,
        pool,
        host,
        uuid: uuid.clone(),
        vm_name,
        host_name: host_state.name.clone(),
        screen: ConsoleScreen::new(rows, cols, state.consoles.scrollback),
        status: ConsoleStatus::Connecting,
        watch_only,
        held: Vec::new(),
        at_line_start: true,
        copy: None,
    });
    state.consoles.active = state.consoles.tabs.len() - 1;
    vec![Effect::OpenConsole {
        pool,
        host,
        uuid,
        id,
        force: false,
    }]
}

/// Opens the active tab's console again (after it closed, or forcing it from another client).
pub fn reconnect_active(state: &mut State, force: bool) -> Vec<Effect> {
    let Some(tab) = state.consoles.active_mut() else {
        return Vec::new();
    };
    tab.status = ConsoleStatus::Connecting;
    tab.at_line_start = true;
    let (pool, host, uuid, id) = (tab.pool, tab.host, tab.uuid.clone(), tab.id);
    vec![
        Effect::ConsoleClose { id },
        Effect::OpenConsole {
            pool,
            host,
            uuid,
            id,
            force,
        },
    ]
}

pub fn on_event(state: &mut State, id: ConsoleId, event: ConsoleEvent) -> Vec<Effect> {
    let Some(index) = state.consoles.find(id) else {
        return Vec::new();
    };
    let tab = &mut state.consoles.tabs[index];
    match event {
        ConsoleEvent::Opened => {
            tab.status = ConsoleStatus::Attached;
            let (rows, cols) = tab.screen.size();
            return vec![Effect::ConsoleResize { id, cols, rows }];
        }
        ConsoleEvent::Data(bytes) => {
            let in_history = tab.copy.is_some();
            let before = in_history.then(|| (tab.screen.scrollback(), copy::count_lines(tab)));
            let replies = tab.screen.feed(&bytes);
            if let Some((offset, lines)) = before {
                copy::follow_output(tab, offset, lines);
            }
            let watch_only = tab.watch_only;
            // Output of a console not on screen draws nothing (and no output rebuilds rows).
            let consoles = &state.consoles;
            if consoles.visible && consoles.active == index {
                state.dirty.console = true;
            }
            if !replies.is_empty() && !watch_only {
                return vec![Effect::ConsoleSend { id, bytes: replies }];
            }
        }
        ConsoleEvent::Busy(reason) => {
            tab.status = ConsoleStatus::Busy(reason);
            let (vm, host) = (tab.vm_name.clone(), tab.host_name.clone());
            state.consoles.active = index;
            // Read-only never takes anything from anyone: the other client keeps it.
            if tab.watch_only || state.pools[tab.pool].read_only {
                let text = format!(
                    "the console of {vm} on {host} is held by another client; vmdeck does not take it over watch-only or in a read-only pool"
                );
                set_status(state, Level::Warn, text);
                return Vec::new();
            }
            let question =
                format!("{vm} on {host}: another client holds this console. Take it over?");
            state.confirm = Some(Confirm::yes_no(question, Pending::ForceConsole(id)));
        }
        // The first reason stays: the host's loss is reported before the stream's own end.
        ConsoleEvent::Closed(_) if matches!(tab.status, ConsoleStatus::Closed(_)) => {}
        ConsoleEvent::Closed(reason) => {
            let text = format!("console of {} closed: {reason}", tab.vm_name);
            tab.status = ConsoleStatus::Closed(reason);
            set_status(state, Level::Warn, text);
            return vec![Effect::ConsoleClose { id }];
        }
        ConsoleEvent::Failed(reason) => {
            let text = format!("console of {}: {reason}", tab.vm_name);
            tab.status = ConsoleStatus::Failed(reason);
            set_status(state, Level::Error, text);
        }
    }
    Vec::new()
}

/// Keys while the console has focus: bound chords, then escape sequences, then the guest.
pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let chord = Chord::from_event(&key);
    if state.consoles.active().is_some_and(|t| t.copy.is_some()) {
        return copy::on_key(state, &chord);
    }
    if let Some(action) = state.keymap.action(Context::Console, &chord) {
        return run(state, action);
    }
    let released = match escape_step(state, &chord) {
        Escape::Run(action) => return run(state, action),
        Escape::Held => return Vec::new(),
        Escape::Literal(held) => {
            let bytes = chord_bytes(state, &[held]);
            return send(state, bytes);
        }
        Escape::Released(held) => held,
    };
    let Some(tab) = state.consoles.active_mut() else {
        return Vec::new();
    };
    let reconnectable = matches!(
        tab.status,
        ConsoleStatus::Closed(_) | ConsoleStatus::Failed(_)
    );
    if reconnectable && key.code == KeyCode::Enter {
        return reconnect_active(state, false);
    }
    tab.at_line_start = key.code == KeyCode::Enter;
    let app_cursor = tab.screen.application_cursor();
    let mut bytes = chord_bytes(state, &released);
    bytes.extend(encode(&key, app_cursor).unwrap_or_default());
    send(state, bytes)
}

/// Sends typed bytes, unless the console is watch-only or not attached.
fn send(state: &mut State, bytes: Vec<u8>) -> Vec<Effect> {
    let Some(tab) = state.consoles.active() else {
        return Vec::new();
    };
    if bytes.is_empty() {
        return Vec::new();
    }
    if tab.watch_only {
        set_status(
            state,
            Level::Warn,
            "watch-only console: nothing was sent (c attaches for typing)",
        );
        return Vec::new();
    }
    if tab.status != ConsoleStatus::Attached {
        return Vec::new();
    }
    vec![Effect::ConsoleSend { id: tab.id, bytes }]
}

/// Pasted text goes to the guest (bracketed when it asked for it).
pub fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    let bracketed = state
        .consoles
        .active()
        .is_some_and(|t| t.screen.bracketed_paste());
    send(state, paste(text, bracketed))
}

/// Console actions, from the console context or from the list.
pub fn run(state: &mut State, action: Action) -> Vec<Effect> {
    let consoles = &mut state.consoles;
    match action {
        Action::Detach => {
            consoles.focused = false;
            consoles.zoomed = false;
            return resize_all(state);
        }
        Action::Zoom if consoles.active().is_some() => {
            consoles.visible = true;
            consoles.zoomed = !consoles.zoomed;
            return resize_all(state);
        }
        Action::NextTab | Action::PrevTab if !consoles.tabs.is_empty() => {
            let n = consoles.tabs.len();
            let step = if action == Action::NextTab { 1 } else { n - 1 };
            consoles.active = (consoles.active + step) % n;
            consoles.visible = true;
        }
        Action::CloseTab => return close_active(state),
        Action::CopyMode => copy::enter(state),
        Action::PageUp if consoles.active().is_some() => copy::enter_paged(state),
        _ => {}
    }
    Vec::new()
}

fn close_active(state: &mut State) -> Vec<Effect> {
    let consoles = &mut state.consoles;
    if consoles.active().is_none() {
        return Vec::new();
    }
    let tab = consoles.tabs.remove(consoles.active);
    consoles.active = consoles.active.min(consoles.tabs.len().saturating_sub(1));
    if consoles.tabs.is_empty() {
        consoles.visible = false;
        consoles.focused = false;
        consoles.zoomed = false;
    }
    let mut effects = vec![Effect::ConsoleClose { id: tab.id }];
    effects.extend(resize_all(state));
    effects
}

/// Every tab takes the pane's size; attached ones tell the guest side.
pub fn resize_all(state: &mut State) -> Vec<Effect> {
    let (rows, cols) = pane_size(state);
    let mut effects = Vec::new();
    for tab in &mut state.consoles.tabs {
        if tab.screen.size() != (rows, cols) {
            tab.screen.resize(rows, cols);
            if tab.status == ConsoleStatus::Attached {
                effects.push(Effect::ConsoleResize {
                    id: tab.id,
                    cols,
                    rows,
                });
            }
        }
    }
    effects
}

/// The wheel scrolls the visible console's history (entering copy mode), else the list.
pub fn on_wheel(state: &mut State, up: bool) {
    const LINES: isize = 3;
    if !state.consoles.visible || state.consoles.active().is_none() {
        super::nav::move_by(state, if up { -LINES } else { LINES });
        return;
    }
    let copying = state.consoles.active().is_some_and(|t| t.copy.is_some());
    if !copying && up {
        copy::enter(state);
    }
    copy::scroll(state, if up { LINES } else { -LINES });
}
