//! `:scale N` on a VM of a set (composed with a count): up composes the next indexes with the
//! set's type, image and group, placed like any compose; down deletes the highest indexes,
//! running or not, with their disks — after a confirmation naming them.
//! New members carry the set's newest spec with the new count; the members already there keep
//! the spec they were made with (restamping them is not built yet), so after scaling down the
//! sets view still counts the old number as desired.

use super::actions::single_target;
use super::ask::{ask, vms_phrase};
use super::set_status;
use crate::app::compose_form::pool_view;
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, OpRequest, Target};
use crate::app::state::{Level, State};
use crate::compose::{ComposeArgs, plan, template_for};

/// A member of a set: its index and target.
struct Member {
    index: u32,
    target: Target,
}

pub fn command(state: &mut State, args: &[&str]) -> Vec<Effect> {
    let Some(wanted) = args.first().and_then(|n| n.parse::<u32>().ok()) else {
        set_status(state, Level::Error, "usage: :scale N (on a VM of a set)");
        return Vec::new();
    };
    let Some(target) = single_target(state, "scale") else {
        return Vec::new();
    };
    let Some(vm) = state.vm(target.pool, target.host, &target.uuid).cloned() else {
        return Vec::new();
    };
    let Some(set) = vm.stamp.set.clone() else {
        let why = format!(
            "{} is not in a set (sets are composed with a count)",
            vm.name
        );
        set_status(state, Level::Error, why);
        return Vec::new();
    };
    let members = members(state, target.pool, &set);
    let have = members.len() as u32;
    match wanted.cmp(&have) {
        std::cmp::Ordering::Equal => {
            set_status(
                state,
                Level::Info,
                format!("set {set} has {have} VMs already"),
            );
        }
        std::cmp::Ordering::Less => return ask_down(state, &set, wanted, members),
        std::cmp::Ordering::Greater => {
            let next = members.iter().map(|m| m.index + 1).max().unwrap_or(0);
            return ask_up(state, target.pool, &vm, (&set, next), (have, wanted - have));
        }
    }
    Vec::new()
}

/// The set's VMs in the pool, by index (a name that is not `<set>-<n>` counts after them).
fn members(state: &State, pool: usize, set: &str) -> Vec<Member> {
    let mut found: Vec<Member> = state.pools[pool]
        .hosts
        .iter()
        .enumerate()
        .flat_map(|(host, h)| h.vms.iter().map(move |vm| (host, vm)))
        .filter(|(_, vm)| vm.stamp.set.as_deref() == Some(set))
        .map(|(host, vm)| Member {
            index: vm
                .name
                .strip_prefix(set)
                .and_then(|rest| rest.strip_prefix('-'))
                .and_then(|n| n.parse().ok())
                .unwrap_or(u32::MAX),
            target: Target {
                pool,
                host,
                uuid: vm.uuid.clone(),
                name: vm.name.clone(),
            },
        })
        .collect();
    found.sort_by_key(|m| m.index);
    found
}

fn ask_down(state: &mut State, set: &str, wanted: u32, members: Vec<Member>) -> Vec<Effect> {
    let requests = members
        .into_iter()
        .skip(wanted as usize)
        .rev()
        .map(|m| OpRequest {
            target: m.target,
            kind: OpKind::Delete {
                with_storage: true,
                force: true,
            },
        })
        .collect();
    let set = set.to_string();
    ask(state, requests, move |state, doomed| {
        format!(
            "Scale set {set} down to {wanted}: delete {} with their disks, running or not?",
            vms_phrase(state, doomed)
        )
    })
}

fn ask_up(
    state: &mut State,
    pool: usize,
    like: &crate::model::Vm,
    set: (&str, u32),
    (have, more): (u32, u32),
) -> Vec<Effect> {
    let (set, first_index) = set;
    // The set's newest spec, else the VM's own stamp (a set composed before specs).
    let newest = crate::app::sets::newest_spec(state, pool, set);
    let group = newest.map_or(like.stamp.group.clone(), |s| s.group.clone());
    let made_of = newest.map_or(
        (like.stamp.vm_type.clone(), like.stamp.image.clone()),
        |s| (Some(s.vm_type.clone()), Some(s.image.clone())),
    );
    let (Some(vm_type), Some(image)) = made_of else {
        let why = format!(
            "{} has no type or image stamp to compose more like it",
            like.name
        );
        set_status(state, Level::Error, why);
        return Vec::new();
    };
    let args = ComposeArgs {
        name: set.to_string(),
        vm_type,
        image,
        count: Some(more),
        group,
        first_index,
        replicas: Some(have + more),
        ..ComposeArgs::default()
    };
    let planned = plan(
        &args,
        pool_view(state, pool),
        &state.vm_types,
        &template_for(set, true),
    );
    let planned = match planned {
        Ok(planned) => planned,
        Err(e) => {
            set_status(state, Level::Error, e);
            return Vec::new();
        }
    };
    if let Some(refused) = planned.refused().next() {
        let why = refused.decision.why_none.clone().unwrap_or_default();
        let text = format!("{} can't be placed: {why}", refused.name);
        set_status(state, Level::Error, text);
        return Vec::new();
    }
    let requests = super::compose::requests(state, pool, &planned);
    let set = set.to_string();
    ask(state, requests, move |state, more| {
        format!("Scale set {set} up: compose {}?", vms_phrase(state, more))
    })
}
