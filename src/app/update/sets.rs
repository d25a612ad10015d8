//! The sets view: `:sets [POOL]` (and Enter on a pool's dashboard) opens it; Enter on a set
//! opens its members as a VM list of its pool, filtered to the set's names. And what `:scale`
//! and `:heal` share: the set they are about, its members' targets, new members placed.

use super::actions::single_target;
use super::nav::push;
use super::set_status;
use crate::app::compose_form::pool_view;
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, OpRequest, Target};
use crate::app::sets::listed;
use crate::app::state::{Level, State, View};
use crate::model::set::SetSpec;
use crate::sets::place::place_member;
use crate::sets::{Member, SetStatus};

/// `:sets [POOL]`: a pool named, or the pool of the screen, or every pool.
pub fn open_view(state: &mut State, pool: Option<usize>) {
    let pool = pool.or(state.screen().view.pool());
    push(state, View::Sets { pool });
}

/// How many sets the sets view on screen lists.
pub fn count(state: &State) -> Option<usize> {
    match state.screen().view {
        View::Sets { pool } => Some(listed(state, pool).len()),
        _ => None,
    }
}

/// Enter on a set: its pool's VM list, filtered to the set's members (`^<set>-`).
pub fn open_members(state: &mut State) -> Vec<Effect> {
    let View::Sets { pool } = state.screen().view else {
        return Vec::new();
    };
    let selected = state.screen().table.selected;
    let Some((pool, name)) = listed(state, pool)
        .get(selected)
        .map(|(p, set)| (*p, set.name.clone()))
    else {
        set_status(
            state,
            Level::Info,
            "no set here: sets are composed with a count",
        );
        return Vec::new();
    };
    push(
        state,
        View::Vms {
            pool: Some(pool),
            host: None,
        },
    );
    let table = &mut state.screen_mut().table;
    // A regex anchored at a cell's start: the members are `SET-N`. Only the characters a
    // regex treats specially are escaped (`-` is plain here), so the filter reads as typed.
    let literal: String = name
        .chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special.then_some('\\').into_iter().chain([c])
        })
        .collect();
    table.filter = format!("~^{literal}-");
    table.selected = 0;
    table.offset = 0;
    super::refresh_rows(state);
    Vec::new()
}

/// The set a `:scale` or `:heal` is about: the selected one in the sets view, else the set
/// of the selected VM; its pool and status. Says why when there is none.
pub fn selected_set(state: &mut State, what: &str) -> Option<(usize, SetStatus)> {
    match state.screen().view {
        View::Sets { pool } => {
            let selected = state.screen().table.selected;
            let found = listed(state, pool)
                .get(selected)
                .map(|(p, set)| (*p, (*set).clone()));
            if found.is_none() {
                set_status(state, Level::Warn, format!("select the set to {what}"));
            }
            found
        }
        _ => {
            let target = single_target(state, what)?;
            let vm = state.vm(target.pool, target.host, &target.uuid)?;
            let Some(set) = vm.stamp.set.clone() else {
                let why = format!(
                    "{} is not in a set (sets are composed with a count)",
                    vm.name
                );
                set_status(state, Level::Error, why);
                return None;
            };
            crate::app::sets::derive(state, target.pool);
            state.derived.sets[target.pool]
                .iter()
                .find(|s| s.name == set)
                .map(|s| (target.pool, s.clone()))
        }
    }
}

/// A member's target in the app (its host's index, its uuid), found by its host and name.
pub fn member_target(state: &State, pool: usize, member: &Member) -> Option<Target> {
    let hosts = &state.pools[pool].hosts;
    let host = hosts.iter().position(|h| h.name == member.host)?;
    let vm = hosts[host].vms.iter().find(|vm| vm.name == member.name)?;
    Some(Target {
        pool,
        host,
        uuid: vm.uuid.clone(),
        name: vm.name.clone(),
    })
}

/// One compose request per index, each placed by the placement engine under the set's
/// group (members placed earlier in the same request count, so anti-affinity holds), made
/// from `spec`. Err names the first member no host takes.
pub fn place_requests(
    state: &State,
    pool: usize,
    set: &str,
    indexes: &[u32],
    spec: &SetSpec,
) -> Result<Vec<OpRequest>, String> {
    let mut view = pool_view(state, pool);
    let mut requests = Vec::new();
    for index in indexes {
        let (host, made) = place_member(&mut view, &state.vm_types, set, *index, spec)
            .map_err(|why| format!("{set}-{index} can't be placed: {why}"))?;
        let host = state.pools[pool]
            .hosts
            .iter()
            .position(|h| h.name == host)
            .ok_or_else(|| format!("no host {host} in the pool"))?;
        let target = Target {
            pool,
            host,
            uuid: String::new(),
            name: made.name.clone(),
        };
        requests.push(OpRequest {
            target,
            kind: OpKind::Compose(made),
        });
    }
    Ok(requests)
}

/// `s` on the sets view: the command line, ready for the selected set's new count.
pub fn ask_count(state: &mut State) {
    let View::Sets { pool } = state.screen().view else {
        return;
    };
    let selected = state.screen().table.selected;
    let Some(text) = listed(state, pool).get(selected).map(|(_, set)| {
        format!(
            "scale set {} ({} desired) to N [highest|stopped|loaded first]",
            set.name, set.desired
        )
    }) else {
        set_status(state, Level::Warn, "select the set to scale");
        return;
    };
    set_status(state, Level::Info, text);
    super::input::open_command_with(state, "scale ");
}
