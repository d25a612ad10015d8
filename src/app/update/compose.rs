//! `n` or `:compose [NAME --type T --image I --count N --group G --host H --user-data FILE]`:
//! the compose form with its live placement preview, the confirmation, and one operation per
//! VM; `:images [POOL]` lists what VMs can be composed from.

use super::ask::ask;
use super::nav::{back, push, selected_row};
use super::set_status;
use crate::app::compose_form::{ComposeForm, image_hosts, preview};
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, OpRequest, Target};
use crate::app::state::{Level, State, View};
use crate::app::table::RowId;
use crate::backend::HostCommand;
use crate::compose::{ComposeArgs, Plan, UserData};

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

/// `:compose …`: the form filled from the words.
pub fn command(state: &mut State, words: &[&str]) -> Vec<Effect> {
    let args = match ComposeArgs::parse_words(words) {
        Ok(args) => args,
        Err(e) => {
            set_status(state, Level::Error, format!("compose: {e}"));
            return Vec::new();
        }
    };
    // The file is read by the effect runner (`update` does no I/O); the form opens when
    // its text comes back.
    if args.user_data.is_some() {
        return vec![Effect::ReadUserData(args)];
    }
    open(state, &args, None)
}

/// The `--user-data` file of a `:compose` was read: the form opens with it.
pub fn user_data_read(
    state: &mut State,
    args: ComposeArgs,
    text: Result<UserData, String>,
) -> Vec<Effect> {
    match text {
        Ok(text) => open(state, &args, Some(text)),
        Err(why) => {
            set_status(state, Level::Error, why);
            Vec::new()
        }
    }
}

fn open(state: &mut State, args: &ComposeArgs, user_data: Option<UserData>) -> Vec<Effect> {
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
    let mut effects = load_images(state, pool);
    // Real-time types take whole cores: the preview must know which cores VMs hold now.
    if !state.pools[pool].compose.partitions.is_empty() {
        effects.extend(crate::app::rt::reload(state, Some(pool)));
    }
    effects
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
    let requests = requests(state, pool, &plan);
    ask(state, requests, |state, vms| match vms {
        [one] => format!(
            "Compose 1 VM ({} → {})?",
            one.target.name,
            host_name(state, one)
        ),
        many => {
            let placed: Vec<String> = many
                .iter()
                .map(|r| format!("{} → {}", r.target.name, host_name(state, r)))
                .collect();
            format!("Compose {} VMs ({})?", many.len(), placed.join(", "))
        }
    })
}

fn host_name<'a>(state: &'a State, request: &OpRequest) -> &'a str {
    &state.pools[request.target.pool].hosts[request.target.host].name
}

/// One compose request per placed VM, on the host placement chose.
pub(super) fn requests(state: &State, pool: usize, plan: &Plan) -> Vec<OpRequest> {
    let hosts = &state.pools[pool].hosts;
    plan.vms
        .iter()
        .filter_map(|vm| {
            let chosen = vm.decision.chosen.as_ref()?;
            let host = hosts.iter().position(|h| &h.name == chosen)?;
            let mut spec = vm.spec.clone()?;
            if let (Some(set_spec), Some(set)) = (spec.set_spec.as_mut(), &spec.set) {
                set_spec.generation = crate::app::sets::next_generation(state, pool, set);
            }
            let target = Target {
                pool,
                host,
                uuid: String::new(),
                name: spec.name.clone(),
            };
            let kind = OpKind::Compose(Box::new(spec));
            Some(OpRequest { target, kind })
        })
        .collect()
}
