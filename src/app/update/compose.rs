//! `n` or `:compose [NAME --type T --image I --count N --group G --host H --user-data FILE]`:
//! the compose form with its live placement preview, the confirmation, and one operation per
//! VM; `:images [POOL]` lists what VMs can be composed from.

use super::nav::{back, push, selected_row};
use super::set_status;
use crate::app::compose_form::{ComposeForm, image_hosts, preview};
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, Target};
use crate::app::state::{Confirm, Level, Pending, State, View};
use crate::app::table::RowId;
use crate::backend::HostCommand;
use crate::compose::{ComposeArgs, Plan};
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
    let image_pool = state.pools[pool].compose.image_pool.clone();
    image_hosts(state, pool)
        .into_iter()
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

/// Ctrl-S or Enter on the Compose button: ask to compose when every VM has a host.
pub(super) fn submit(state: &mut State) -> Vec<Effect> {
    let Some(form) = &state.compose else {
        return Vec::new();
    };
    let pool = form.pool;
    // The pool's flag includes global read-only mode; the backends refuse again.
    if state.pools[pool].read_only {
        let why = format!(
            "refused: pool {} is read-only (the form only previews)",
            state.pools[pool].name
        );
        set_status(state, Level::Error, why);
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
        1 => "1 VM".to_string(),
        n => format!("{n} VMs"),
    };
    state.confirm = Some(Confirm {
        question: format!("Compose {what} ({})?", placed.join(", ")),
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
