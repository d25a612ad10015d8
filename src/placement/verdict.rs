//! One host's verdict: whether the VM fits, why not, and how good a home it would be.

use super::capacity::{FreeShare, Room};
use super::groups::GroupRule;
use super::numa::pick_node;
use super::types::{HostRoom, NumaFit, Verdict, VmRequest};
use crate::config::Overcommit;

/// Judges `host` for `vm`. Reasons come in the order the rules apply: what the host lacks
/// (the image), capacity, NUMA, group.
pub(super) fn judge(
    host: &HostRoom,
    overcommit: Overcommit,
    rule: Option<&GroupRule>,
    vm: &VmRequest,
) -> Verdict {
    // A host that is down may report stale room; its other reasons would only mislead.
    if let Some(why) = &host.down {
        return Verdict {
            host: host.name.clone(),
            fits: false,
            reasons: vec![format!("host down: {why}")],
            score: 0.0,
            numa_node: None,
        };
    }
    let room = Room::of(host, overcommit);
    let mut reasons: Vec<String> = host.lacks.iter().cloned().collect();
    reasons.extend(room.shortfalls(vm));
    reasons.extend(host.devices.missing_networks(&vm.devices));
    // Devices the whole host lacks are named as such, before any node is looked at.
    let lacking = host.devices.shortfalls(&vm.devices, None);
    let node = match vm.numa {
        _ if !lacking.is_empty() => {
            reasons.extend(lacking);
            None
        }
        NumaFit::Any => None,
        NumaFit::SingleNode => match pick_node(&host.nodes, &host.devices, vm) {
            Ok(id) => Some(id),
            Err(why) => {
                reasons.push(why);
                None
            }
        },
    };
    let breach = rule.and_then(|rule| rule.breach(host));
    let mut fits = reasons.is_empty();
    if let Some(breach) = &breach {
        fits &= !breach.rejects;
        reasons.push(breach.note.clone());
    }
    Verdict {
        host: host.name.clone(),
        fits,
        reasons,
        score: if fits {
            score(breach.is_none(), room.free_after(vm))
        } else {
            0.0
        },
        numa_node: node.filter(|_| fits),
    }
}

/// Higher is better, in the order hosts are compared: first whether the VM's group prefers
/// the host (2 when it does, so preference outweighs any balance), then the share of memory
/// left free after placement, in steps of 0.1 %, then the share of vCPUs left free, scaled
/// below one memory step so it only decides between hosts whose memory ties.
fn score(preferred: bool, free: FreeShare) -> f64 {
    let preference = if preferred { 2.0 } else { 0.0 };
    let memory = (free.memory * 1000.0).floor() / 1000.0;
    preference + memory + free.vcpus * 0.0009
}
