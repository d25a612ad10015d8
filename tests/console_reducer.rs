//! Console tabs through `update`: opening, typing, ssh-style escapes, watch-only, taking a
//! console over, closing and reconnecting, query replies, tabs and copy mode.

mod common;

use common::{ctrl, key, state, typed};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use vmdeck::app::console::ConsoleStatus;
use vmdeck::app::{Effect, Msg, State, update};
use vmdeck::backend::console::ConsoleEvent;

fn event(s: &mut State, id: u64, event: ConsoleEvent) -> Vec<Effect> {
    update(s, Msg::Console { id, event })
}

/// The state with db-1's console open and attached.
fn attached() -> State {
    let mut s = state();
    key(&mut s, KeyCode::Char('j'));
    let effects = key(&mut s, KeyCode::Char('c'));
    assert_eq!(
        effects,
        [Effect::OpenConsole {
            pool: 0,
            host: 0,
            uuid: "uuid-db-1".into(),
            id: 0,
            force: false
        }]
    );
    assert!(s.consoles.has_focus());
    let effects = event(&mut s, 0, ConsoleEvent::Opened);
    assert!(matches!(
        effects.as_slice(),
        [Effect::ConsoleResize { id: 0, .. }]
    ));
    s
}

fn sent(effects: &[Effect]) -> Vec<u8> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::ConsoleSend { bytes, .. } => Some(bytes.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn typed_keys_go_to_the_guest_and_output_is_emulated() {
    let mut s = attached();
    let effects = key(&mut s, KeyCode::Char('q'));
    assert_eq!(sent(&effects), b"q", "q is text for the guest, not quit");
    assert!(!s.quit);
    assert_eq!(sent(&key(&mut s, KeyCode::Up)), b"\x1b[A");
    assert_eq!(sent(&ctrl(&mut s, 'c')), [3]);
    event(
        &mut s,
        0,
        ConsoleEvent::Data(b"\x1b[32mhello\x1b[0m\r\n# ".to_vec()),
    );
    let tab = s.consoles.active().unwrap();
    assert!(tab.screen.contents().contains("hello"));
}

#[test]
fn guest_queries_are_answered() {
    let mut s = attached();
    let effects = event(&mut s, 0, ConsoleEvent::Data(b"ab\x1b[6n".to_vec()));
    assert_eq!(sent(&effects), b"\x1b[1;3R");
}

#[test]
fn ctrl_bracket_and_enter_tilde_dot_detach() {
    let mut s = attached();
    assert!(sent(&ctrl(&mut s, ']')).is_empty());
    assert!(!s.consoles.focused);
    assert!(s.consoles.visible, "the pane stays beside the list");
    key(&mut s, KeyCode::Char('c'));
    assert!(s.consoles.has_focus(), "c re-attaches to the same tab");
    assert_eq!(s.consoles.tabs.len(), 1);
    assert_eq!(sent(&key(&mut s, KeyCode::Enter)), b"\r");
    assert!(
        sent(&key(&mut s, KeyCode::Char('~'))).is_empty(),
        "~ after Enter is held"
    );
    assert!(sent(&key(&mut s, KeyCode::Char('.'))).is_empty());
    assert!(!s.consoles.focused);
}

#[test]
fn tilde_twice_sends_one_and_other_keys_release_it() {
    let mut s = attached();
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char('~'));
    assert_eq!(sent(&key(&mut s, KeyCode::Char('~'))), b"~");
    assert!(s.consoles.has_focus());
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char('~'));
    assert_eq!(sent(&key(&mut s, KeyCode::Char('x'))), b"~x");
    assert_eq!(
        sent(&key(&mut s, KeyCode::Char('~'))),
        b"~",
        "not at a line start: plain text"
    );
}

#[test]
fn watch_only_sends_nothing() {
    let mut s = state();
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('C'));
    event(&mut s, 0, ConsoleEvent::Opened);
    assert!(s.consoles.active().unwrap().watch_only);
    typed(&mut s, "rm -rf /");
    assert!(sent(&key(&mut s, KeyCode::Enter)).is_empty());
    assert!(sent(&event(&mut s, 0, ConsoleEvent::Data(b"\x1b[6n".to_vec()))).is_empty());
    assert!(s.status.clone().unwrap().text.contains("watch-only"));
}

#[test]
fn busy_console_asks_before_taking_it_over() {
    let mut s = attached();
    event(
        &mut s,
        0,
        ConsoleEvent::Busy("Active console session exists".into()),
    );
    assert!(
        s.confirm
            .as_ref()
            .unwrap()
            .question
            .contains("Take it over?")
    );
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(
        effects,
        [
            Effect::ConsoleClose { id: 0 },
            Effect::OpenConsole {
                pool: 0,
                host: 0,
                uuid: "uuid-db-1".into(),
                id: 0,
                force: true
            }
        ]
    );
    event(&mut s, 0, ConsoleEvent::Busy("again".into()));
    assert!(
        key(&mut s, KeyCode::Char('n')).is_empty(),
        "anything but y declines"
    );
    assert!(s.confirm.is_none());
}

#[test]
fn a_closed_console_keeps_its_screen_and_reconnects_on_enter() {
    let mut s = attached();
    event(&mut s, 0, ConsoleEvent::Data(b"last words".to_vec()));
    let effects = event(&mut s, 0, ConsoleEvent::Closed("guest powered off".into()));
    assert_eq!(effects, [Effect::ConsoleClose { id: 0 }]);
    let tab = s.consoles.active().unwrap();
    assert_eq!(
        tab.status,
        ConsoleStatus::Closed("guest powered off".into())
    );
    assert!(tab.screen.contents().contains("last words"));
    assert!(
        sent(&key(&mut s, KeyCode::Char('x'))).is_empty(),
        "nothing is sent to a closed console"
    );
    let effects = key(&mut s, KeyCode::Enter);
    assert!(effects.contains(&Effect::OpenConsole {
        pool: 0,
        host: 0,
        uuid: "uuid-db-1".into(),
        id: 0,
        force: false
    }));
}

#[test]
fn tabs_switch_and_close() {
    let mut s = attached();
    ctrl(&mut s, ']');
    key(&mut s, KeyCode::Char('k'));
    key(&mut s, KeyCode::Char('c'));
    assert_eq!(s.consoles.tabs.len(), 2);
    assert_eq!(s.consoles.active().unwrap().vm_name, "api-1");
    ctrl(&mut s, ']');
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.consoles.active().unwrap().vm_name, "db-1");
    let effects = key(&mut s, KeyCode::Char('X'));
    assert!(effects.contains(&Effect::ConsoleClose { id: 0 }));
    assert_eq!(s.consoles.tabs.len(), 1);
    key(&mut s, KeyCode::Char('X'));
    assert!(!s.consoles.visible);
}

#[test]
fn zoom_resizes_the_guest_terminal() {
    let mut s = attached();
    let before = s.consoles.active().unwrap().screen.size();
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char('~'));
    let effects = key(&mut s, KeyCode::Char('z'));
    assert!(s.consoles.zoomed);
    let after = s.consoles.active().unwrap().screen.size();
    assert!(after.0 > before.0, "{before:?} → {after:?}");
    assert!(matches!(effects.as_slice(), [Effect::ConsoleResize { .. }]));
}

#[test]
fn copy_mode_searches_marks_and_copies() {
    let mut s = attached();
    let lines: String = (0..200).map(|i| format!("line {i}\r\n")).collect();
    event(&mut s, 0, ConsoleEvent::Data(lines.into_bytes()));
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::PageUp, KeyModifiers::SHIFT)),
    );
    assert!(s.consoles.active().unwrap().copy.is_some());
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "line 42");
    key(&mut s, KeyCode::Enter);
    assert!(
        s.consoles
            .active()
            .unwrap()
            .screen
            .contents()
            .contains("line 42")
    );
    key(&mut s, KeyCode::Char('v'));
    key(&mut s, KeyCode::Char('j'));
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(effects, [Effect::Clipboard("line 42\nline 43".into())]);
    assert!(
        s.consoles.active().unwrap().copy.is_none(),
        "copying returns to the live console"
    );
}

#[test]
fn read_only_pools_open_consoles_watch_only() {
    let mut s = common::read_only_state(false);
    key(&mut s, KeyCode::Char('c'));
    event(&mut s, 0, ConsoleEvent::Opened);
    assert!(s.consoles.active().unwrap().watch_only);
    assert!(sent(&key(&mut s, KeyCode::Char('x'))).is_empty());
}

#[test]
fn mouse_wheel_scrolls_history_and_returns_to_live() {
    let mut s = attached();
    let lines: String = (0..100).map(|i| format!("row {i}\r\n")).collect();
    event(&mut s, 0, ConsoleEvent::Data(lines.into_bytes()));
    update(&mut s, Msg::Wheel { up: true });
    let tab = s.consoles.active().unwrap();
    assert!(tab.copy.is_some());
    assert!(tab.screen.scrollback() > 0 || tab.copy.as_ref().unwrap().cursor == 3);
    for _ in 0..5 {
        update(&mut s, Msg::Wheel { up: true });
    }
    assert!(s.consoles.active().unwrap().screen.scrollback() > 0);
    for _ in 0..10 {
        update(&mut s, Msg::Wheel { up: false });
    }
    assert!(
        s.consoles.active().unwrap().copy.is_none(),
        "back at the bottom: live again"
    );
}
