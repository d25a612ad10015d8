//! The console's ssh-style escapes (`Enter ~ .`): which typed keys are held back, which run
//! an action, and which finally go to the guest.

use crate::app::state::State;
use crate::console::keys::encode;
use crate::keymap::{Action, Chord, Context};

pub enum Escape {
    /// Part of a sequence so far: wait for the next key.
    Held,
    /// A whole sequence: run its action.
    Run(Action),
    /// The escape key typed twice: send it once.
    Literal(Chord),
    /// Not a sequence after all: send what was held, then this key.
    Released(Vec<Chord>),
}

/// Follows the escape sequences bound in the console context (`<Enter>~.`). Each starts with
/// a line-ending key, which has already gone to the guest; the keys after it are held back
/// while they may still complete a sequence.
pub fn escape_step(state: &mut State, chord: &Chord) -> Escape {
    let tails: Vec<(Vec<Chord>, Action)> = state
        .keymap
        .sequences(Context::Console)
        .filter(|(s, _)| s.len() > 1)
        .map(|(s, a)| (s[1..].to_vec(), a))
        .collect();
    let Some(tab) = state.consoles.active_mut() else {
        return Escape::Released(Vec::new());
    };
    if !tab.at_line_start {
        return Escape::Released(Vec::new());
    }
    let mut typed = std::mem::take(&mut tab.held);
    typed.push(*chord);
    if let Some((_, action)) = tails.iter().find(|(tail, _)| *tail == typed) {
        tab.at_line_start = false;
        return Escape::Run(*action);
    }
    if tails.iter().any(|(tail, _)| tail.starts_with(&typed)) {
        tab.held = typed;
        return Escape::Held;
    }
    tab.at_line_start = false;
    if typed.len() == 2 && typed[0] == typed[1] {
        return Escape::Literal(typed[0]);
    }
    typed.pop();
    Escape::Released(typed)
}

pub fn chord_bytes(state: &State, chords: &[Chord]) -> Vec<u8> {
    let app_cursor = state
        .consoles
        .active()
        .is_some_and(|t| t.screen.application_cursor());
    chords
        .iter()
        .filter_map(|c| encode(&c.to_key_event(), app_cursor))
        .flatten()
        .collect()
}
