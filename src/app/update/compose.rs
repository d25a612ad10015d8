//! `n` or `:compose [NAME --type T --image I --count N --group G --host H --user-data FILE]`:
//! the compose form with its live placement preview, the confirmation, and one operation per
//! VM; `:images [POOL]` lists what VMs can be composed from.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::nav::{back, push, selected_row};
use super::set_status;
use crate::app::compose_form::{ComposeForm, Field, cycle, known_images, offered_types, preview};
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, Target};
use crate::app::state::{Confirm, Level, Pending, State, View};
use crate::app::table::RowId;
use crate::backend::HostCommand;
use crate::compose::{ComposeArgs, Plan};
use crate::model::Driver;
use crate::model::compose::ComposeSpec;

/// The pool a command means: the one in view, else the selected row's.
fn current_pool(state: &State) -> Option<usize> {
    state.screen().view.pool().or(match selected_row(state) {
        Some(RowId::Pool(p) | RowId::Host(p, _) | RowId::Vm(p, _, _)) => Some(p),
        None => None,
    })
}

/// `n`: an empty form for the pool in view or selected.
pub fn open_empty(state: &mut State) -> Vec<Effect> {
    open(state, &ComposeArgs::default(), None)
}

/// `:compose …`: the form filled from the words (the user-data read from its file).
pub fn command(state: &mut State, words: &[&str]) -> Vec<Effect> {
    let args = match ComposeArgs::parse_words(words) {
        Ok(args) => args,
        Err(e) => {
            set_status(state, Level::Error, format!("compose: {e}"));
            return Vec::new();
        }
    };
    let user_data = match &args.user_data {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) => {
                let text = format!("--user-data {}: {e}", path.display());
                set_status(state, Level::Error, text);
                return Vec::new();
            }
        },
        None => None,
    };
    open(state, &args, user_data)
}

fn open(state: &mut State, args: &ComposeArgs, user_data: Option<String>) -> Vec<Effect> {
    let Some(pool) = current_pool(state) else {
        set_status(
            state,
            Level::Warn,
            "select a pool (or a host or VM of it) to compose in",
        );
        return Vec::new();
    };
    state.compose = Some(ComposeForm::new(state, pool, args, user_data));
    push(state, View::Compose { pool });
    if state.pools[pool].read_only {
        set_status(
            state,
            Level::Warn,
            "read-only: the preview only, nothing is composed",
        );
    }
    load_images(state, pool)
}

/// Asks the pool's hosts for their images (an Incus server answers for all its members).
pub fn load_images(state: &State, pool: usize) -> Vec<Effect> {
    let pool_state = &state.pools[pool];
    let image_pool = pool_state.compose.image_pool.clone();
    let hosts = match pool_state.driver {
        Driver::Incus => 0..pool_state.hosts.len().min(1),
        Driver::Libvirt => 0..pool_state.hosts.len(),
    };
    hosts
        .filter(|h| pool_state.hosts[*h].is_up())
        .map(|host| Effect::Host {
            pool,
            host,
            command: HostCommand::LoadImages {
                image_pool: image_pool.clone(),
            },
        })
        .collect()
}

/// `:images [POOL]`.
pub fn images(state: &mut State, pool: Option<usize>) -> Vec<Effect> {
    let Some(pool) = pool
        .or_else(|| current_pool(state))
        .or((!state.pools.is_empty()).then_some(0))
    else {
        set_status(state, Level::Warn, "no pools configured");
        return Vec::new();
    };
    push(state, View::Images { pool });
    load_images(state, pool)
}

pub fn close(state: &mut State) {
    state.compose = None;
    back(state);
}

pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(form) = state.compose.as_mut() else {
        back(state);
        return Vec::new();
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc if form.edited => {
            state.confirm = Some(Confirm {
                question: "Close the compose form and lose the user-data written in it?".into(),
                pending: Pending::DiscardCompose,
                typed: None,
            });
        }
        KeyCode::Esc => close(state),
        KeyCode::Char('c') if ctrl => close(state),
        // The preview may be longer than its box (a large set, a narrow terminal).
        KeyCode::PageDown => {
            let screen = state.screen_mut();
            screen.scroll = screen.scroll.saturating_add(5);
        }
        KeyCode::PageUp => {
            let screen = state.screen_mut();
            screen.scroll = screen.scroll.saturating_sub(5);
        }
        KeyCode::Tab => form.field = form.field.step(false),
        KeyCode::BackTab => form.field = form.field.step(true),
        KeyCode::Char('s') if ctrl => return submit(state),
        KeyCode::Enter if form.field != Field::UserData => return submit(state),
        _ => edit(state, key),
    }
    Vec::new()
}

/// A key on the field that has focus.
fn edit(state: &mut State, key: KeyEvent) {
    let types = state
        .compose
        .as_ref()
        .map(|f| offered_types(state, f.pool))
        .unwrap_or_default();
    let images = state
        .compose
        .as_ref()
        .map(|f| known_images(state, f.pool))
        .unwrap_or_default();
    let (groups, hosts) = match &state.compose {
        Some(form) => {
            let pool = &state.pools[form.pool];
            let groups = pool.compose.placement_groups.iter().map(|g| g.name.clone());
            let hosts = pool.hosts.iter().map(|h| h.name.clone());
            (groups.collect::<Vec<_>>(), hosts.collect::<Vec<_>>())
        }
        None => return,
    };
    let Some(form) = state.compose.as_mut() else {
        return;
    };
    let back = key.code == KeyCode::Left;
    let turn = matches!(key.code, KeyCode::Left | KeyCode::Right);
    match (form.field, key.code) {
        (Field::Name, code) => {
            edit_text(&mut form.name, code, |_| true);
            form.refresh_template();
        }
        (Field::Count, code) => {
            edit_text(&mut form.count, code, |c| c.is_ascii_digit());
            form.refresh_template();
        }
        (Field::Type, _) if turn => {
            form.vm_type = cycle(&types, Some(&form.vm_type), back, false).unwrap_or_default();
        }
        (Field::Image, _) if turn => {
            form.image = cycle(&images, Some(&form.image), back, false).unwrap_or_default();
        }
        (Field::Image, code) => edit_text(&mut form.image, code, |_| true),
        (Field::Group, _) if turn => form.group = cycle(&groups, form.group.as_deref(), back, true),
        (Field::Host, _) if turn => form.host = cycle(&hosts, form.host.as_deref(), back, true),
        (Field::UserData, _) if form.user_data.input(key) => {
            form.edited = form.user_data_text() != form.template();
        }
        _ => {}
    }
}

fn edit_text(text: &mut String, code: KeyCode, allowed: impl Fn(char) -> bool) {
    match code {
        KeyCode::Char(c) if allowed(c) => text.push(c),
        KeyCode::Backspace => {
            text.pop();
        }
        _ => {}
    }
}

/// Ctrl-S (or Enter outside the text area): ask to compose when every VM has a host.
fn submit(state: &mut State) -> Vec<Effect> {
    let Some(form) = &state.compose else {
        return Vec::new();
    };
    let pool = form.pool;
    if state.read_only || state.pools[pool].read_only {
        set_status(state, Level::Error, "refused: this pool is read-only");
        return Vec::new();
    }
    let plan = match preview(state, form) {
        Ok(plan) => plan,
        Err(e) => {
            set_status(state, Level::Error, e);
            return Vec::new();
        }
    };
    if let Some(refused) = plan.refused().next() {
        let why = refused.decision.why_none.clone().unwrap_or_default();
        set_status(
            state,
            Level::Error,
            format!("{} can't be placed: {why}", refused.name),
        );
        return Vec::new();
    }
    let (vms, placed) = placed(state, pool, &plan);
    let what = match vms.len() {
        1 => "Compose".to_string(),
        n => format!("Compose {n} VMs:"),
    };
    state.confirm = Some(Confirm {
        question: format!("{what} {}?", placed.join(", ")),
        pending: Pending::Compose { pool, vms },
        typed: None,
    });
    Vec::new()
}

/// Each placed VM's spec with its host's index, and `name → host` for the question.
pub(super) fn placed(
    state: &State,
    pool: usize,
    plan: &Plan,
) -> (Vec<(usize, ComposeSpec)>, Vec<String>) {
    let hosts = &state.pools[pool].hosts;
    let vms: Vec<(usize, ComposeSpec)> = plan
        .vms
        .iter()
        .filter_map(|vm| {
            let chosen = vm.decision.chosen.as_ref()?;
            let host = hosts.iter().position(|h| &h.name == chosen)?;
            Some((host, vm.spec.clone()?))
        })
        .collect();
    let names = vms
        .iter()
        .map(|(host, spec)| format!("{} → {}", spec.name, hosts[*host].name))
        .collect();
    (vms, names)
}

/// Confirmed: one operation per VM, sent to the host placement chose.
pub fn start(state: &mut State, pool: usize, vms: Vec<(usize, ComposeSpec)>) -> Vec<Effect> {
    // From the form, or from `:scale` on a list, which stays.
    if matches!(state.screen().view, View::Compose { .. }) {
        close(state);
    }
    let names: Vec<String> = vms.iter().map(|(_, spec)| spec.name.clone()).collect();
    set_status(
        state,
        Level::Info,
        format!("composing {}…", names.join(", ")),
    );
    vms.into_iter()
        .map(|(host, spec)| {
            let host_name = state.pools[pool].hosts[host].name.clone();
            let target = Target {
                pool,
                host,
                uuid: String::new(),
                name: spec.name.clone(),
            };
            let op = state
                .ops
                .add(OpKind::Compose(Box::new(spec.clone())), target, host_name);
            Effect::Host {
                pool,
                host,
                command: HostCommand::Compose {
                    op,
                    spec: Box::new(spec),
                },
            }
        })
        .collect()
}
