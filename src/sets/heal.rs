//! What healing a set would do, from its status: start stopped members, recreate missing
//! indexes, and (only when asked) replace members on hosts that do not answer. Where the new
//! members go is the placement engine's answer, asked by the caller.

use std::collections::HashSet;

use serde::Serialize;

use super::status::{Problem, SetStatus};

/// One step of a heal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Step {
    /// Start the stopped member where it is.
    Start { name: String, host: String },
    /// Compose the member of this index from the set's spec; in place of `replaces` (a
    /// member on a host that does not answer) when asked to replace those.
    Recreate {
        index: u32,
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        replaces: Option<String>,
    },
    /// Nothing is done about this, and why.
    Skip { what: String, why: String },
}

/// The steps for `status`. `all_up`: every host of the pool answered, so a missing index is
/// really missing (else it may sit on the host that did not answer). `replace_down`: also
/// recreate members on down hosts (the old one may still run there) and missing indexes
/// while a host is down.
pub fn plan(status: &SetStatus, all_up: bool, replace_down: bool) -> Vec<Step> {
    let member_name = |index: u32| format!("{}-{index}", status.name);
    // Indexes held by a member or recreated by this plan.
    let mut taken: HashSet<u32> = status.members.iter().filter_map(|m| m.index).collect();
    taken.extend(status.problems.iter().filter_map(|p| match p {
        Problem::Missing { index } => Some(*index),
        _ => None,
    }));
    let mut steps = Vec::new();
    if status.spec.is_none() && status.problems.iter().any(is_missing) {
        steps.push(Step::Skip {
            what: "missing indexes".into(),
            why: "no member carries the set's spec to recreate them from".into(),
        });
        return steps;
    }
    for problem in &status.problems {
        steps.push(match problem {
            Problem::Stopped { name, host } => Step::Start {
                name: name.clone(),
                host: host.clone(),
            },
            Problem::Missing { index } if all_up || replace_down => Step::Recreate {
                index: *index,
                name: member_name(*index),
                replaces: None,
            },
            Problem::Missing { index } => Step::Skip {
                what: member_name(*index),
                why: "a host does not answer and may hold it (--replace-down recreates it)".into(),
            },
            // A new index, not the same name: the old member may still run on its host, and
            // when that host answers again it is the one beyond the count.
            Problem::OnDownHost { name, .. } if replace_down => {
                let index = (0..).find(|i| !taken.contains(i)).unwrap_or(u32::MAX);
                taken.insert(index);
                Step::Recreate {
                    index,
                    name: member_name(index),
                    replaces: Some(name.clone()),
                }
            }
            Problem::OnDownHost { name, host } => Step::Skip {
                what: name.clone(),
                why: format!("on down host {host}, may still run there (--replace-down)"),
            },
            Problem::Violates { .. } | Problem::Surplus { .. } => continue,
        });
    }
    steps
}

fn is_missing(problem: &Problem) -> bool {
    matches!(problem, Problem::Missing { .. })
}

impl Step {
    /// The step in words, for the plan printed by `vmdeck sets heal`.
    pub fn text(&self) -> String {
        match self {
            Step::Start { name, host } => format!("restart {name} on {host}"),
            Step::Recreate {
                name,
                replaces: Some(old),
                ..
            } => format!("recreate {old} as {name} (its host does not answer)"),
            Step::Recreate { name, .. } => format!("recreate {name}"),
            Step::Skip { what, why } => format!("leave {what}: {why}"),
        }
    }
}
