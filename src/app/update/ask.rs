//! The one way an operation is asked for: each request is checked first (what cannot succeed
//! is refused or, in bulk, skipped and named), then the question — `[y/N]`, or a word to type
//! for a delete and for destroying running VMs in bulk — unless the admin turned it off.

use super::launch::launch;
use super::precheck::check;
use super::set_status;
use crate::app::msg::Effect;
use crate::app::ops::OpRequest;
use crate::app::state::{Confirm, Level, Pending, State};
use crate::model::op::OpKind;

/// Asks about `requests`; `heading` words the question for the ones that pass the checks.
pub fn ask(
    state: &mut State,
    requests: Vec<OpRequest>,
    heading: impl Fn(&State, &[OpRequest]) -> String,
) -> Vec<Effect> {
    ask_typing(state, requests, heading, typing)
}

/// The word the safety rules want typed for `requests`, and the sentence asking for it: a
/// delete's name, or how many VMs are destroyed in bulk; None asks `[y/N]`.
pub fn typing(requests: &[OpRequest]) -> Option<(String, String)> {
    let word = typed_word(requests)?;
    let prompt = match requests.len() {
        1 => format!(" Type {word} to confirm:"),
        _ => format!(" Type {word} (how many) to confirm:"),
    };
    Some((word, prompt))
}

/// [`ask`] with the word to type (and the sentence asking for it) chosen by `typed` from the
/// requests that pass the checks; None asks `[y/N]`.
pub fn ask_typing(
    state: &mut State,
    requests: Vec<OpRequest>,
    heading: impl Fn(&State, &[OpRequest]) -> String,
    typed: impl Fn(&[OpRequest]) -> Option<(String, String)>,
) -> Vec<Effect> {
    let targets: Vec<_> = requests.iter().map(|r| r.target.clone()).collect();
    if let Err(why) = super::actions::read_only_refusal(state, &targets) {
        set_status(state, Level::Error, why);
        return Vec::new();
    }
    let (eligible, skipped) = sort_out(state, requests);
    if eligible.is_empty() {
        let text = match skipped.as_slice() {
            [one] => one.clone(),
            many => format!("nothing to do: {}", many.join("; ")),
        };
        set_status(state, Level::Error, text);
        return Vec::new();
    }
    let typed = typed(&eligible);
    let command = eligible[0].kind.command();
    if typed.is_none() && state.unasked.contains(command) {
        let effects = launch(state, eligible);
        if !skipped.is_empty() {
            set_status(
                state,
                Level::Warn,
                format!("skipped: {}", skipped.join("; ")),
            );
        }
        return effects;
    }
    let mut question = heading(state, &eligible);
    if let Some((_, prompt)) = &typed {
        question.push_str(prompt);
    }
    let mut lines = if eligible.len() > 1 {
        listed(state, &eligible)
    } else {
        Vec::new()
    };
    lines.extend(skipped.iter().map(|why| format!("skipped: {why}")));
    state.confirm = Some(Confirm {
        question,
        lines,
        pending: Pending::Ops(eligible),
        typed: typed.map(|(word, _)| (word, String::new())),
        scroll: 0,
    });
    Vec::new()
}

/// The requests that pass the checks, and a sentence for each that does not.
fn sort_out(state: &State, requests: Vec<OpRequest>) -> (Vec<OpRequest>, Vec<String>) {
    let mut eligible = Vec::new();
    let mut skipped = Vec::new();
    for request in requests {
        match check(state, &request) {
            Ok(()) => eligible.push(request),
            Err(why) => skipped.push(why),
        }
    }
    (eligible, skipped)
}

/// A delete wants the VM's name typed; destroying several VMs, how many.
fn typed_word(requests: &[OpRequest]) -> Option<String> {
    let destroying = requests.iter().filter(|r| r.kind.destroys()).count();
    match requests {
        [one] if matches!(one.kind, OpKind::Delete { .. }) => Some(one.target.name.clone()),
        _ if destroying > 1 => Some(destroying.to_string()),
        _ => None,
    }
}

/// `lab1-web on lab1` (a new VM: `db-0 → lab2`), one line each; led by what is done to it
/// when the requests do different things (a scale deletes, composes and restamps).
fn listed(state: &State, requests: &[OpRequest]) -> Vec<String> {
    let mixed = requests
        .iter()
        .any(|r| r.kind.command() != requests[0].kind.command());
    requests
        .iter()
        .map(|r| {
            let line = line(state, r);
            match mixed {
                true => format!("{} {line}", r.kind.command()),
                false => line,
            }
        })
        .collect()
}

/// One request: `lab1-web on lab1`, `db-0 → lab2`, `web-2 on lab3 (running)`.
fn line(state: &State, r: &OpRequest) -> String {
    let host = &state.pools[r.target.pool].hosts[r.target.host];
    let running = host
        .vms
        .iter()
        .any(|v| v.uuid == r.target.uuid && v.state.is_active());
    match &r.kind {
        OpKind::Compose(_) => format!("{} → {}", r.target.name, host.name),
        kind if kind.destroys() && running => {
            format!("{} on {} (running)", r.target.name, host.name)
        }
        _ => format!("{} on {}", r.target.name, host.name),
    }
}

/// How a question names its VMs: `lab1-web on lab1`, or `3 VMs`.
pub fn vms_phrase(state: &State, requests: &[OpRequest]) -> String {
    match requests {
        [one] => {
            let host = &state.pools[one.target.pool].hosts[one.target.host].name;
            match one.kind {
                OpKind::Compose(_) => format!("{} → {host}", one.target.name),
                _ => format!("{} on {host}", one.target.name),
            }
        }
        many => format!("{} VMs", many.len()),
    }
}

/// A question is open. While a word is asked for, characters type it and Enter (`submit`)
/// checks it; else only `yes` (`y`) confirms. The arrows and page keys scroll a long list;
/// every other key cancels, and says so. The keys are the keymap's `[confirm]`.
pub fn answer(state: &mut State, key: crossterm::event::KeyEvent) -> Vec<Effect> {
    use crate::keymap::{Action, Chord, Context};
    use crossterm::event::{KeyCode, KeyModifiers};
    let Some(mut confirm) = state.confirm.take() else {
        return Vec::new();
    };
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    if let Some((_, typed)) = &mut confirm.typed {
        let edited = match key.code {
            KeyCode::Char(c) if plain => {
                typed.push(c);
                true
            }
            KeyCode::Backspace => {
                typed.pop();
                true
            }
            _ => false,
        };
        if edited {
            state.confirm = Some(confirm);
            return Vec::new();
        }
    }
    let action = state
        .keymap
        .action(Context::Confirm, &Chord::from_event(&key));
    let scroll = match action {
        Some(Action::Up) => Some(-1),
        Some(Action::Down) => Some(1),
        Some(Action::PageUp) => Some(-10),
        Some(Action::PageDown) => Some(10),
        _ => None,
    };
    if let Some(by) = scroll {
        let last = confirm.lines.len().saturating_sub(1);
        confirm.scroll = confirm.scroll.saturating_add_signed(by).min(last);
        state.confirm = Some(confirm);
        return Vec::new();
    }
    let confirmed = match (&confirm.typed, action) {
        (Some((word, typed)), Some(Action::Submit)) => word == typed,
        (None, Some(Action::Yes)) => true,
        _ => false,
    };
    if confirmed {
        return super::keys::carry_out(state, confirm.pending);
    }
    let why = match confirm.typed {
        Some((word, typed)) if !typed.is_empty() => {
            format!("cancelled: '{typed}' is not '{word}'; nothing was done")
        }
        _ => "cancelled; nothing was done".to_string(),
    };
    set_status(state, Level::Warn, why);
    Vec::new()
}
