//! `:heal` on the sets view's selected set or on a VM of a set: the heal plan of
//! `sets::heal` — restart stopped members, recreate missing indexes from the set's spec as it
//! stands, each placed by the placement engine under the set's group — asked as one question
//! listing the steps, then carried out as operations (progress in the operations view, an
//! audit line each). Members on hosts that do not answer are left, and the question says so.

use super::ask::{ask, vms_phrase};
use super::set_status;
use super::sets::{member_target, place_requests, selected_set};
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, OpRequest};
use crate::app::state::{Level, State};
use crate::model::action::PowerAction;
use crate::sets::heal::{Step, plan};
use crate::sets::{Member, SetStatus};

pub fn command(state: &mut State) -> Vec<Effect> {
    let Some((pool, status)) = selected_set(state, "heal") else {
        return Vec::new();
    };
    let all_up = state.pools[pool].hosts.iter().all(|h| h.is_up());
    let steps = plan(&status, all_up, false);
    let left: Vec<String> = steps
        .iter()
        .filter(|s| matches!(s, Step::Skip { .. }))
        .map(Step::text)
        .collect();
    let requests = match requests(state, pool, &status, &steps) {
        Ok(requests) => requests,
        Err(why) => {
            set_status(state, Level::Error, format!("set {}: {why}", status.name));
            return Vec::new();
        }
    };
    if requests.is_empty() {
        let text = match left.as_slice() {
            [] => format!("set {} is whole: nothing to heal", status.name),
            _ => format!("set {}: nothing to do; {}", status.name, left.join("; ")),
        };
        set_status(state, Level::Info, text);
        return Vec::new();
    }
    let set = status.name.clone();
    ask(state, requests, move |state, eligible| {
        let of = |compose: bool| -> Vec<OpRequest> {
            let picked = eligible.iter();
            let picked = picked.filter(|r| matches!(r.kind, OpKind::Compose(_)) == compose);
            picked.cloned().collect()
        };
        let (starts, composes) = (of(false), of(true));
        let mut parts = Vec::new();
        if !starts.is_empty() {
            parts.push(format!("restart {}", vms_phrase(state, &starts)));
        }
        if !composes.is_empty() {
            parts.push(format!("recreate {}", vms_phrase(state, &composes)));
        }
        let mut question = format!("Heal set {set}: {}?", parts.join(", "));
        if !left.is_empty() {
            question.push_str(&format!(" (left as is: {})", left.join("; ")));
        }
        question
    })
}

/// A start for each stopped member, then a compose for each missing index, placed.
fn requests(
    state: &State,
    pool: usize,
    status: &SetStatus,
    steps: &[Step],
) -> Result<Vec<OpRequest>, String> {
    let mut requests: Vec<OpRequest> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Start { name, host } => status
                .members
                .iter()
                .find(|m| &m.name == name && &m.host == host),
            _ => None,
        })
        .filter_map(|member: &Member| member_target(state, pool, member))
        .map(|target| OpRequest {
            target,
            kind: OpKind::Power(PowerAction::Start),
        })
        .collect();
    let missing: Vec<u32> = steps
        .iter()
        .filter_map(|step| match step {
            Step::Recreate { index, .. } => Some(*index),
            _ => None,
        })
        .collect();
    if let (false, Some(spec)) = (missing.is_empty(), &status.spec) {
        // The set's spec as it stands: healing changes nothing about the set.
        requests.extend(place_requests(state, pool, &status.name, &missing, spec)?);
    }
    Ok(requests)
}
