//! From verdicts to a decision: the best fitting host, or a line on why there is none.

use super::groups::GroupRule;
use super::types::{Decision, HostRoom, PlacementGroup, Verdict, VmRequest};
use super::verdict::judge;
use crate::config::Overcommit;

/// A decision and the index of the chosen host in the hosts given, so a caller that keeps
/// the hosts can update the right one even if two share a name.
pub(super) struct Placed {
    pub(super) decision: Decision,
    pub(super) host_index: Option<usize>,
}

pub(super) fn decide(
    hosts: &[HostRoom],
    overcommit: Overcommit,
    groups: &[PlacementGroup],
    vm: &VmRequest,
) -> Placed {
    let rule = GroupRule::for_vm(groups, hosts, vm);
    let verdicts: Vec<Verdict> = hosts
        .iter()
        .map(|host| judge(host, overcommit, rule.as_ref(), vm))
        .collect();
    let host_index = best(&verdicts);
    let decision = Decision {
        chosen: host_index.map(|index| verdicts[index].host.clone()),
        why_none: host_index.is_none().then(|| why_none(&verdicts)),
        verdicts,
    };
    Placed {
        decision,
        host_index,
    }
}

/// The fitting host with the highest score; on equal scores the first name in
/// alphabetical order, so the same room always gives the same answer.
fn best(verdicts: &[Verdict]) -> Option<usize> {
    verdicts
        .iter()
        .enumerate()
        .filter(|(_, verdict)| verdict.fits)
        .max_by(|(_, a), (_, b)| {
            a.score
                .total_cmp(&b.score)
                .then_with(|| b.host.cmp(&a.host))
        })
        .map(|(index, _)| index)
}

/// `no host fits: lab1: host down: …; lab2: no room after overcommit: … and …`: hosts apart
/// by `;` and a host's reasons by `and`, as the reasons themselves hold commas.
fn why_none(verdicts: &[Verdict]) -> String {
    if verdicts.is_empty() {
        return "no host fits: the pool has no hosts".into();
    }
    let hosts: Vec<String> = verdicts
        .iter()
        .map(|verdict| format!("{}: {}", verdict.host, verdict.reasons.join(" and ")))
        .collect();
    format!("no host fits: {}", hosts.join("; "))
}
