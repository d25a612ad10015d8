//! Keys in the compose form: every key goes to the form (typing a name or YAML must never
//! run a list's command), to the field that has focus.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::compose::{close, submit};
use super::nav::back;
use crate::app::compose_form::{Field, cycle, known_images, offered_types};
use crate::app::msg::Effect;
use crate::app::state::{Confirm, Pending, State};
use crate::keymap::{Action, Chord, Context};

pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(form) = state.compose.as_ref() else {
        back(state);
        return Vec::new();
    };
    let field = form.field;
    let action = state.keymap.action(Context::Form, &Chord::from_event(&key));
    match action {
        Some(Action::Cancel) => ask_to_close(state),
        // The preview may be longer than its box (a large set, a narrow terminal).
        Some(Action::PageDown) => {
            let screen = state.screen_mut();
            screen.scroll = screen.scroll.saturating_add(5);
        }
        Some(Action::PageUp) => {
            let screen = state.screen_mut();
            screen.scroll = screen.scroll.saturating_sub(5);
        }
        Some(Action::SubmitForm) => return submit(state),
        Some(Action::NextField) => focus(state, false),
        Some(Action::PrevField) => focus(state, true),
        Some(Action::ChooseNext | Action::ChoosePrev) if field.is_choice() => {
            choose(state, action == Some(Action::ChoosePrev));
        }
        // Enter: composing is deliberate (the button); on a one-line field it moves on,
        // as in most forms; in the text area it is a newline.
        _ if key.code == KeyCode::Enter && field == Field::Compose => return submit(state),
        _ if key.code == KeyCode::Enter && field != Field::UserData => focus(state, false),
        _ => edit(state, key),
    }
    Vec::new()
}

/// Esc: closes the form, asking first when written user-data would be lost.
fn ask_to_close(state: &mut State) {
    if state.compose.as_ref().is_some_and(|f| f.edited) {
        state.confirm = Some(Confirm::yes_no(
            "Close the compose form and lose the user-data written in it?",
            Pending::DiscardCompose,
        ));
    } else {
        close(state);
    }
}

/// The next (or previous) field; an old message (a refusal) no longer applies.
fn focus(state: &mut State, back: bool) {
    if let Some(form) = state.compose.as_mut() {
        form.field = form.field.step(back);
    }
    state.status = None;
}

/// The choices of the form's pool: offered types, known images, groups, hosts.
struct Choices {
    types: Vec<String>,
    images: Vec<String>,
    groups: Vec<String>,
    hosts: Vec<String>,
}

fn choices(state: &State, pool: usize) -> Choices {
    let pool_state = &state.pools[pool];
    Choices {
        types: offered_types(state, pool),
        images: known_images(state, pool),
        groups: pool_state
            .compose
            .placement_groups
            .iter()
            .map(|g| g.name.clone())
            .collect(),
        hosts: pool_state.hosts.iter().map(|h| h.name.clone()).collect(),
    }
}

/// The next (or previous) value of the focused choice field.
fn choose(state: &mut State, back: bool) {
    let Some(pool) = state.compose.as_ref().map(|f| f.pool) else {
        return;
    };
    let choices = choices(state, pool);
    let Some(form) = state.compose.as_mut() else {
        return;
    };
    match form.field {
        Field::Type => {
            form.vm_type =
                cycle(&choices.types, Some(&form.vm_type), back, false).unwrap_or_default();
        }
        Field::Image => {
            form.image = cycle(&choices.images, Some(&form.image), back, false).unwrap_or_default();
        }
        Field::Group => form.group = cycle(&choices.groups, form.group.as_deref(), back, true),
        Field::Host => form.host = cycle(&choices.hosts, form.host.as_deref(), back, true),
        _ => return,
    }
    state.status = None;
}

/// A key on the field that has focus: typing edits, the text area takes its own.
fn edit(state: &mut State, key: KeyEvent) {
    let Some(form) = state.compose.as_mut() else {
        return;
    };
    let changed = match form.field {
        Field::Name => {
            let changed = edit_text(&mut form.name, key, |_| true);
            form.refresh_template();
            changed
        }
        Field::Count => {
            let changed = edit_text(&mut form.count, key, |c| c.is_ascii_digit());
            form.refresh_template();
            changed
        }
        Field::Type => edit_text(&mut form.vm_type, key, |_| true),
        Field::Image => edit_text(&mut form.image, key, |_| true),
        Field::UserData if form.user_data.input(key) => {
            form.edited = form.user_data_text() != form.template();
            true
        }
        _ => false,
    };
    if changed {
        state.status = None;
    }
}

/// Typing and Backspace in a one-line field; whether the text changed.
fn edit_text(text: &mut String, key: KeyEvent, allowed: impl Fn(char) -> bool) -> bool {
    let plain = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    match key.code {
        KeyCode::Char(c) if plain && !c.is_whitespace() && allowed(c) => {
            text.push(c);
            true
        }
        KeyCode::Backspace => text.pop().is_some(),
        _ => false,
    }
}

/// A paste (bracketed, so it arrives whole): into the text area as it is, into a one-line
/// field as its first line.
pub fn on_paste(state: &mut State, text: &str) {
    let Some(form) = state.compose.as_mut() else {
        return;
    };
    let first_line = text.lines().next().unwrap_or_default().trim();
    match form.field {
        Field::UserData => {
            // Terminals send Enter as CR in pastes.
            form.user_data
                .insert_str(text.replace("\r\n", "\n").replace('\r', "\n"));
            form.edited = form.user_data_text() != form.template();
        }
        Field::Name => {
            form.name.push_str(first_line);
            form.refresh_template();
        }
        Field::Count => {
            form.count
                .extend(first_line.chars().filter(char::is_ascii_digit));
            form.refresh_template();
        }
        Field::Type => form.vm_type.push_str(first_line),
        Field::Image => form.image.push_str(first_line),
        Field::Group | Field::Host | Field::Compose => return,
    }
    state.status = None;
}
