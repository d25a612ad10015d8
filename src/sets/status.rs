//! A set's status from its members as the inventory knows them: desired (the newest spec's
//! count), present, running, ready, members by host, and what is wrong. Pure, so the TUI
//! (in `update`, when the inventory changes) and `vmdeck sets` compute it alike.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::model::set::{SetSpec, member_index};
use crate::model::{Vm, VmState};
use crate::placement::{PlacedVm, PlacementGroup, placed_breach};

/// One host of the pool as the status needs it.
pub struct HostInput<'a> {
    pub name: &'a str,
    /// It answers; a host that does not may still hold members (last known, or unknown).
    pub up: bool,
    pub vms: &'a [Vm],
}

/// One member of a set, where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub name: String,
    /// Its index (`web-2` is 2); None for a name that is not `<set>-<n>`.
    pub index: Option<u32>,
    pub host: String,
    pub state: VmState,
    pub host_up: bool,
    /// Booted, where the hypervisor can tell (see [`Vm::booted`]).
    pub booted: Option<bool>,
}

impl Member {
    /// Running on a host that answers (a member last seen running on one that does not is
    /// not counted on), and booted unless the hypervisor says it has not.
    fn ready(&self) -> bool {
        self.state == VmState::Running && self.host_up && self.booted != Some(false)
    }
}

/// What is wrong with a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum Problem {
    /// No member has this index (below the desired count).
    Missing { index: u32 },
    /// The member exists but does not run.
    Stopped { name: String, host: String },
    /// The member's host does not answer: it may or may not still run there.
    OnDownHost { name: String, host: String },
    /// The member's placement goes against its group (hard or soft).
    Violates {
        name: String,
        host: String,
        hard: bool,
        why: String,
    },
    /// A member beyond the desired count.
    Surplus { name: String },
}

impl Problem {
    /// The problem in words, for the view and the table.
    pub fn text(&self) -> String {
        match self {
            Problem::Missing { index } => format!("index {index} missing"),
            Problem::Stopped { name, host } => format!("{name} stopped (on {host})"),
            Problem::OnDownHost { name, host } => format!("{name} on down host {host}"),
            Problem::Violates { name, why, .. } => format!("{name} violates its group: {why}"),
            Problem::Surplus { name } => format!("{name} beyond the desired count"),
        }
    }
}

/// A set, derived from its members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetStatus {
    pub name: String,
    /// The newest spec any member carries.
    pub spec: Option<SetSpec>,
    pub desired: u32,
    pub present: u32,
    pub running: u32,
    /// Members running on hosts that answer and booted — where the hypervisor can tell (a
    /// guest agent, Incus's process count); where it can't, running is taken for booted.
    pub ready: u32,
    /// How many of `ready` are counted on running alone (booted unknown).
    pub ready_unverified: u32,
    /// Member count per host, in the pool's host order (hosts without members left out).
    pub by_host: Vec<(String, u32)>,
    /// By index (names without one last).
    pub members: Vec<Member>,
    pub problems: Vec<Problem>,
    /// Members disagreeing on the spec, or no spec at all.
    pub warnings: Vec<String>,
}

impl SetStatus {
    /// Says when ready is partly a guess: members counted as ready because they run, with
    /// no guest agent (or Incus process count) to say they booted.
    pub fn ready_note(&self) -> Option<String> {
        (self.ready_unverified > 0).then(|| {
            format!(
                "ready: {} of {} counted as running (no guest agent says booted)",
                self.ready_unverified, self.ready
            )
        })
    }
}

/// Every set of the pool (sorted by name).
pub fn statuses(hosts: &[HostInput], groups: &[PlacementGroup]) -> Vec<SetStatus> {
    // One pass over the pool's VMs: each set's members, and (only when a group can be
    // broken) every VM where it is — not a pass per set.
    let mut sets: BTreeMap<&str, Vec<(&HostInput, &Vm)>> = BTreeMap::new();
    for host in hosts {
        for vm in host.vms {
            if let Some(set) = vm.stamp.set.as_deref() {
                sets.entry(set).or_default().push((host, vm));
            }
        }
    }
    let placed: Vec<(&str, PlacedVm)> = match groups.is_empty() || sets.is_empty() {
        true => Vec::new(),
        false => hosts
            .iter()
            .flat_map(|h| h.vms.iter().map(move |vm| (h.name, placed_vm(vm))))
            .collect(),
    };
    let order: HashMap<&str, usize> = hosts.iter().enumerate().map(|(i, h)| (h.name, i)).collect();
    let pool = Pool {
        hosts,
        order: &order,
        groups,
        placed: &placed,
    };
    sets.into_iter()
        .map(|(name, vms)| status(name, &vms, &pool))
        .collect()
}

/// What every set's status is judged against.
struct Pool<'a> {
    hosts: &'a [HostInput<'a>],
    /// Each host's position in the pool.
    order: &'a HashMap<&'a str, usize>,
    groups: &'a [PlacementGroup],
    /// Every VM of the pool where it is (empty without groups).
    placed: &'a [(&'a str, PlacedVm)],
}

fn status(name: &str, vms: &[(&HostInput, &Vm)], pool: &Pool) -> SetStatus {
    let (spec, warnings) = newest_spec(vms);
    let mut members: Vec<Member> = vms
        .iter()
        .map(|(host, vm)| Member {
            name: vm.name.clone(),
            index: member_index(name, &vm.name),
            host: host.name.to_string(),
            state: vm.state,
            host_up: host.up,
            booted: vm.booted,
        })
        .collect();
    members.sort_by_key(|m| (m.index.unwrap_or(u32::MAX), m.name.clone()));
    let highest = members.iter().filter_map(|m| m.index).max();
    let desired = spec
        .as_ref()
        .map_or(highest.map_or(0, |i| i + 1), |s| s.replicas);
    let running = members
        .iter()
        .filter(|m| m.state == VmState::Running)
        .count() as u32;
    let ready = members.iter().filter(|m| m.ready()).count() as u32;
    let ready_unverified = members
        .iter()
        .filter(|m| m.ready() && m.booted.is_none())
        .count() as u32;
    let counted = counted(&members, desired);
    let mut problems = missing(&members, desired);
    problems.extend(
        members
            .iter()
            .zip(&counted)
            .filter_map(|(m, counted)| member_problem(m, *counted)),
    );
    problems.extend(violations(vms, pool));
    SetStatus {
        name: name.to_string(),
        spec,
        desired,
        present: members.len() as u32,
        running,
        ready,
        ready_unverified,
        by_host: by_host(pool, &members),
        members,
        problems,
        warnings,
    }
}

/// The newest spec among the members, and what to warn about: members that carry an older
/// (different) spec, or none.
fn newest_spec(vms: &[(&HostInput, &Vm)]) -> (Option<SetSpec>, Vec<String>) {
    let newest = vms
        .iter()
        .filter_map(|(_, vm)| vm.stamp.set_spec.as_ref())
        .max_by_key(|spec| spec.generation)
        .cloned();
    let Some(spec) = newest else {
        let warning =
            "no member carries the set's spec: the desired count is taken from the highest index";
        return (None, vec![warning.to_string()]);
    };
    let mut warnings = Vec::new();
    let disagree: Vec<&str> = vms
        .iter()
        .filter(|(_, vm)| {
            !vm.stamp
                .set_spec
                .as_ref()
                .is_some_and(|s| s.agrees_with(&spec))
        })
        .map(|(_, vm)| vm.name.as_str())
        .collect();
    if !disagree.is_empty() {
        warnings.push(format!(
            "members disagree on the spec: the newest ({} × {}, {}) wins over {}'s",
            spec.replicas,
            spec.vm_type,
            spec.image,
            disagree.join(", ")
        ));
    }
    (Some(spec), warnings)
}

/// Which members count towards the desired number: the first `desired` with an index, in
/// index order. A set scaled in by another strategy than highest-first has gaps, and is
/// whole as long as enough members are there.
fn counted(members: &[Member], desired: u32) -> Vec<bool> {
    let mut left = desired;
    members
        .iter()
        .map(|m| {
            let counts = m.index.is_some() && left > 0;
            left -= u32::from(counts);
            counts
        })
        .collect()
}

/// As many lowest free indexes as members are short of `desired`.
fn missing(members: &[Member], desired: u32) -> Vec<Problem> {
    let taken: HashSet<u32> = members.iter().filter_map(|m| m.index).collect();
    let short = desired.saturating_sub(taken.len() as u32);
    (0..)
        .filter(|i| !taken.contains(i))
        .take(short as usize)
        .map(|index| Problem::Missing { index })
        .collect()
}

fn member_problem(member: &Member, counted: bool) -> Option<Problem> {
    let (name, host) = (member.name.clone(), member.host.clone());
    if !member.host_up {
        return Some(Problem::OnDownHost { name, host });
    }
    if !counted {
        return Some(Problem::Surplus { name });
    }
    (member.state != VmState::Running).then_some(Problem::Stopped { name, host })
}

/// Members placed against their group, judged with every other VM of the pool where it is.
fn violations(vms: &[(&HostInput, &Vm)], pool: &Pool) -> Vec<Problem> {
    if pool.groups.is_empty() {
        return Vec::new();
    }
    vms.iter()
        .filter_map(|(host, vm)| {
            let (hard, why) = placed_breach(pool.groups, pool.placed, &placed_vm(vm), host.name)?;
            Some(Problem::Violates {
                name: vm.name.clone(),
                host: host.name.to_string(),
                hard,
                why,
            })
        })
        .collect()
}

fn placed_vm(vm: &Vm) -> PlacedVm {
    PlacedVm {
        name: vm.name.clone(),
        group: vm.stamp.group.clone(),
    }
}

/// Members per host, in the pool's host order.
fn by_host(pool: &Pool, members: &[Member]) -> Vec<(String, u32)> {
    let mut counts: BTreeMap<usize, u32> = BTreeMap::new();
    for member in members {
        if let Some(at) = pool.order.get(member.host.as_str()) {
            *counts.entry(*at).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|(at, count)| (pool.hosts[at].name.to_string(), count))
        .collect()
}
