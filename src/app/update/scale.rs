//! `:scale N [highest|stopped|loaded]` on a VM of a set or on the sets view's selected set
//! (`s` there): the plan of `sets::scale` — a scale-in deletes members by the strategy, with
//! their disks, running or not; a scale-out composes the lowest free indexes from the set's
//! spec, placed under its group — then every member that stays is restamped with the new
//! count and generation, so every admin's sets view counts the new number as desired.
//! Deleting running members wants their count typed.

use super::ask::{ask_typing, typing, vms_phrase};
use super::set_status;
use super::sets::{member_target, place_requests, selected_set};
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, OpRequest};
use crate::app::state::{Level, State};
use crate::model::set::SetSpec;
use crate::sets::SetStatus;
use crate::sets::scale::{ScalePlan, Strategy, host_load, plan};

const USAGE: &str =
    "usage: :scale N [highest|stopped|loaded] (on a VM of a set, or a set in :sets)";

pub fn command(state: &mut State, args: &[&str]) -> Vec<Effect> {
    let Some(wanted) = args.first().and_then(|n| n.parse::<u32>().ok()) else {
        set_status(state, Level::Error, USAGE);
        return Vec::new();
    };
    let strategy = match args.get(1).map(|w| Strategy::parse(w)).transpose() {
        Ok(strategy) => strategy.unwrap_or_default(),
        Err(why) => {
            set_status(state, Level::Error, why);
            return Vec::new();
        }
    };
    let Some((pool, status)) = selected_set(state, "scale") else {
        return Vec::new();
    };
    let load = |host: &str| {
        state.pools[pool]
            .hosts
            .iter()
            .find(|h| h.name == host)
            .map_or(0.0, |h| {
                host_load(&h.vms, h.facts.as_ref().map_or(1, |f| f.cpus))
            })
    };
    let planned = plan(&status, wanted, strategy, &load)
        .and_then(|plan| with_spec(state, pool, &status, plan));
    let (plan, spec) = match planned {
        Ok(planned) => planned,
        Err(why) => {
            set_status(state, Level::Error, why);
            return Vec::new();
        }
    };
    if plan.delete.is_empty() && plan.add.is_empty() && status.desired == wanted {
        let text = format!("set {} has {wanted} members already", status.name);
        set_status(state, Level::Info, text);
        return Vec::new();
    }
    match requests(state, pool, &plan, &spec) {
        Ok(requests) => ask_scale(state, &plan, strategy, requests),
        Err(why) => {
            set_status(state, Level::Error, why);
            Vec::new()
        }
    }
}

/// The spec every member ends with: the plan's (the set's newest with the new count), else
/// one made from the VM stamps of a set composed before specs; with a fresh generation.
fn with_spec(
    state: &State,
    pool: usize,
    status: &SetStatus,
    plan: ScalePlan,
) -> Result<(ScalePlan, SetSpec), String> {
    let spec = match plan.spec.clone() {
        Some(spec) => spec,
        None => stamped_spec(state, pool, status, plan.to)?,
    };
    let generation = crate::app::sets::next_generation(state, pool, &status.name);
    Ok((plan, SetSpec { generation, ..spec }))
}

fn stamped_spec(
    state: &State,
    pool: usize,
    status: &SetStatus,
    replicas: u32,
) -> Result<SetSpec, String> {
    let stamp = status
        .members
        .iter()
        .filter_map(|m| member_target(state, pool, m))
        .filter_map(|t| state.vm(t.pool, t.host, &t.uuid))
        .map(|vm| &vm.stamp)
        .find(|stamp| stamp.vm_type.is_some() && stamp.image.is_some())
        .ok_or_else(|| {
            format!(
                "set {} has no type or image stamp to compose more like it",
                status.name
            )
        })?;
    Ok(SetSpec {
        replicas,
        vm_type: stamp.vm_type.clone().unwrap_or_default(),
        image: stamp.image.clone().unwrap_or_default(),
        group: stamp.group.clone(),
        ..SetSpec::default()
    })
}

/// Deletes first, then the new members, then a restamp of each member that stays.
fn requests(
    state: &State,
    pool: usize,
    plan: &ScalePlan,
    spec: &SetSpec,
) -> Result<Vec<OpRequest>, String> {
    let mut requests: Vec<OpRequest> = plan
        .delete
        .iter()
        .filter_map(|m| member_target(state, pool, m))
        .map(|target| OpRequest {
            target,
            kind: OpKind::Delete {
                with_storage: true,
                force: true,
            },
        })
        .collect();
    requests.extend(place_requests(state, pool, &plan.set, &plan.add, spec)?);
    requests.extend(
        plan.keep
            .iter()
            .filter(|m| m.host_up)
            .filter_map(|m| member_target(state, pool, m))
            .map(|target| OpRequest {
                target,
                kind: OpKind::Restamp(Box::new(spec.clone())),
            }),
    );
    Ok(requests)
}

fn ask_scale(
    state: &mut State,
    plan: &ScalePlan,
    strategy: Strategy,
    requests: Vec<OpRequest>,
) -> Vec<Effect> {
    let running: Vec<String> = plan
        .delete
        .iter()
        .filter(|m| m.state.is_active())
        .map(|m| m.name.clone())
        .collect();
    let (set, from, to) = (plan.set.clone(), plan.from, plan.to);
    let strategy = strategy.word();
    let heading = move |state: &State, eligible: &[OpRequest]| {
        let of = |pick: fn(&OpKind) -> bool| -> Vec<OpRequest> {
            eligible.iter().filter(|r| pick(&r.kind)).cloned().collect()
        };
        let deleted = of(|k| matches!(k, OpKind::Delete { .. }));
        let composed = of(|k| matches!(k, OpKind::Compose(_)));
        let restamped = of(|k| matches!(k, OpKind::Restamp(_)));
        let mut parts = Vec::new();
        if !deleted.is_empty() {
            let phrase = vms_phrase(state, &deleted);
            parts.push(format!("delete {phrase} with disks ({strategy} first)"));
        }
        if !composed.is_empty() {
            parts.push(format!("compose {}", vms_phrase(state, &composed)));
        }
        if !restamped.is_empty() {
            parts.push(format!("restamp {}", restamped.len()));
        }
        format!("Scale set {set} {from} → {to}: {}?", parts.join(", "))
    };
    // Deleting running members wants how many of them typed; stopped ones are asked as any
    // delete is (a lone one's name, several their count).
    ask_typing(state, requests, heading, move |eligible| {
        let deletes: Vec<OpRequest> = eligible
            .iter()
            .filter(|r| matches!(r.kind, OpKind::Delete { .. }))
            .cloned()
            .collect();
        let count = deletes
            .iter()
            .filter(|r| running.contains(&r.target.name))
            .count();
        if count == 0 {
            return typing(&deletes);
        }
        let prompt = format!(" Type {count} (running ones) to confirm:");
        Some((count.to_string(), prompt))
    })
}
