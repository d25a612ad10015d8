//! What scaling a set to N does, from its status: which members a scale-in deletes (by the
//! chosen strategy), which indexes a scale-out composes (the lowest free ones), and the spec
//! every member is stamped with afterwards. Pure: the TUI and `vmdeck sets scale` share it;
//! where new members go is the placement engine's answer, asked by the caller.

use serde::Serialize;

use super::status::{Member, SetStatus};
use crate::model::Vm;
use crate::model::set::SetSpec;

/// Which members a scale-in deletes first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// The highest indexes (the newest members).
    #[default]
    Highest,
    /// Members that do not run, then the highest indexes.
    Stopped,
    /// Members on the most loaded host, then the highest indexes.
    Loaded,
}

impl Strategy {
    pub const WORDS: &'static [&'static str] = &["highest", "stopped", "loaded"];

    pub fn word(self) -> &'static str {
        match self {
            Strategy::Highest => "highest",
            Strategy::Stopped => "stopped",
            Strategy::Loaded => "loaded",
        }
    }

    pub fn parse(word: &str) -> Result<Strategy, String> {
        match word {
            "highest" => Ok(Strategy::Highest),
            "stopped" => Ok(Strategy::Stopped),
            "loaded" => Ok(Strategy::Loaded),
            other => Err(format!(
                "unknown scale-in strategy '{other}' (highest, stopped or loaded)"
            )),
        }
    }
}

/// What scaling a set does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScalePlan {
    pub set: String,
    pub from: u32,
    pub to: u32,
    /// Members to delete, in the order to delete them.
    pub delete: Vec<Member>,
    /// Indexes to compose.
    pub add: Vec<u32>,
    /// The members that stay, to restamp with `spec`.
    pub keep: Vec<Member>,
    /// The set's newest spec with the new count (its generation is the caller's to set);
    /// None for a set whose members carry no spec.
    pub spec: Option<SetSpec>,
}

impl ScalePlan {
    /// How many of the members to delete run (what a typed confirmation asks for).
    pub fn running_deleted(&self) -> usize {
        self.delete.iter().filter(|m| m.state.is_active()).count()
    }
}

/// The plan that takes `status` to `wanted` members. `load` gives a host's load (higher is
/// busier), for `Strategy::Loaded`. Refused: a count of 0 (no member would carry the spec),
/// a count outside the set's min/max, and a scale-in that would have to delete members on
/// hosts that do not answer.
pub fn plan(
    status: &SetStatus,
    wanted: u32,
    strategy: Strategy,
    load: &dyn Fn(&str) -> f64,
) -> Result<ScalePlan, String> {
    check_bounds(status, wanted)?;
    let present = status.members.len() as u32;
    let doomed = match present.checked_sub(wanted) {
        Some(surplus) if surplus > 0 => scale_in(&status.members, surplus, strategy, load)?,
        _ => Vec::new(),
    };
    let keep = status
        .members
        .iter()
        .filter(|m| !doomed.iter().any(|d| d.name == m.name))
        .cloned()
        .collect();
    let spec = status.spec.clone().map(|spec| SetSpec {
        replicas: wanted,
        ..spec
    });
    Ok(ScalePlan {
        set: status.name.clone(),
        from: status.desired,
        to: wanted,
        delete: doomed,
        add: free_indexes(&status.members, wanted.saturating_sub(present)),
        keep,
        spec,
    })
}

fn check_bounds(status: &SetStatus, wanted: u32) -> Result<(), String> {
    let set = &status.name;
    let spec = status.spec.as_ref();
    if wanted == 0 {
        return Err(format!(
            "set {set} can't scale to 0: no member would carry its spec (delete its members instead)"
        ));
    }
    if let Some(max) = spec.and_then(|s| s.max).filter(|max| wanted > *max) {
        return Err(format!(
            "set {set} can't grow to {wanted}: its max is {max}"
        ));
    }
    if let Some(min) = spec.and_then(|s| s.min).filter(|min| wanted < *min) {
        return Err(format!(
            "set {set} can't shrink to {wanted}: its min is {min}"
        ));
    }
    Ok(())
}

/// The `count` members to delete, in the order the strategy deletes them. Members on hosts
/// that do not answer can't be deleted, so they are never chosen.
pub fn scale_in(
    members: &[Member],
    count: u32,
    strategy: Strategy,
    load: &dyn Fn(&str) -> f64,
) -> Result<Vec<Member>, String> {
    let mut candidates: Vec<&Member> = members.iter().filter(|m| m.host_up).collect();
    // Highest index first; a name without an index counts as the highest.
    let highest = |m: &Member| std::cmp::Reverse(m.index.unwrap_or(u32::MAX));
    match strategy {
        Strategy::Highest => candidates.sort_by_key(|m| highest(m)),
        Strategy::Stopped => candidates.sort_by_key(|m| (m.state.is_active(), highest(m))),
        Strategy::Loaded => candidates.sort_by(|a, b| {
            load(&b.host)
                .total_cmp(&load(&a.host))
                .then(highest(a).cmp(&highest(b)))
        }),
    }
    let count = count as usize;
    if candidates.len() < count {
        let down = members.len() - candidates.len();
        return Err(format!(
            "can't delete {count} members: {down} of them are on hosts that do not answer"
        ));
    }
    Ok(candidates.into_iter().take(count).cloned().collect())
}

/// The `count` lowest indexes no member has.
pub fn free_indexes(members: &[Member], count: u32) -> Vec<u32> {
    (0..)
        .filter(|i| !members.iter().any(|m| m.index == Some(*i)))
        .take(count as usize)
        .collect()
}

/// A host's load from the VMs on it: its running VMs' vCPUs per CPU of the host, each
/// weighted by its CPU use where the live figures know it (a headless read does not, and
/// counts the vCPUs it commits).
pub fn host_load(vms: &[Vm], cpus: u32) -> f64 {
    let busy: f64 = vms
        .iter()
        .filter(|vm| vm.state.is_active())
        .map(|vm| f64::from(vm.vcpus) * vm.cpu_percent.map_or(1.0, |pct| pct / 100.0))
        .sum();
    busy / f64::from(cpus.max(1))
}

#[cfg(test)]
#[path = "scale_tests.rs"]
mod tests;
