//! A set `web` of 5 on three hosts under hard anti-affinity: web-0 runs on h1, web-1 is
//! stopped on h2, web-3 sits on h3, which is down, and web-5 on h1 breaks the group; one
//! member is missing, at the lowest free index (2).

use super::heal::{Step, plan};
use super::*;
use crate::model::set::SetSpec;
use crate::model::{Vm, VmStamp, VmState};
use crate::placement::{Enforcement, PlacementGroup, Policy};

fn spec(replicas: u32, generation: u64) -> SetSpec {
    SetSpec {
        replicas,
        vm_type: "small".into(),
        image: "lab-busybox".into(),
        group: Some("apart".into()),
        generation,
        ..SetSpec::default()
    }
}

fn member(name: &str, state: VmState, spec: Option<SetSpec>) -> Vm {
    Vm {
        name: name.into(),
        uuid: format!("uuid-{name}"),
        state,
        stamp: VmStamp {
            set: Some("web".into()),
            group: Some("apart".into()),
            set_spec: spec,
            ..VmStamp::default()
        },
        ..Vm::default()
    }
}

fn groups() -> Vec<PlacementGroup> {
    vec![PlacementGroup {
        name: "apart".into(),
        policy: Policy::VmAntiAffinity,
        enforcement: Enforcement::Hard,
        hosts: Vec::new(),
    }]
}

fn pool() -> [Vec<Vm>; 3] {
    [
        vec![
            member("web-0", VmState::Running, Some(spec(5, 20))),
            member("web-5", VmState::Running, Some(spec(5, 20))),
        ],
        vec![member("web-1", VmState::Shutoff, Some(spec(5, 20)))],
        vec![member("web-3", VmState::Running, Some(spec(3, 10)))],
    ]
}

fn status_of(vms: &[Vec<Vm>; 3], up: [bool; 3]) -> SetStatus {
    let hosts: Vec<HostInput> = ["h1", "h2", "h3"]
        .iter()
        .zip(vms)
        .zip(up)
        .map(|((name, vms), up)| HostInput { name, up, vms })
        .collect();
    let mut all = statuses(&hosts, &groups());
    assert_eq!(all.len(), 1);
    all.remove(0)
}

#[test]
fn status_from_a_mix_of_members() {
    let status = status_of(&pool(), [true, true, false]);
    assert_eq!(
        (status.desired, status.present, status.running, status.ready),
        (5, 4, 3, 2)
    );
    assert_eq!(
        status.by_host,
        [("h1".into(), 2), ("h2".into(), 1), ("h3".into(), 1)]
    );
    let texts: Vec<String> = status.problems.iter().map(Problem::text).collect();
    assert_eq!(
        texts,
        [
            "index 2 missing",
            "web-1 stopped (on h2)",
            "web-3 on down host h3",
            "web-0 violates its group: hard anti-affinity: holds web-5 of group apart",
            "web-5 violates its group: hard anti-affinity: holds web-0 of group apart",
        ]
    );
    // web-3 carries the older spec of 3: the newest (5) wins, with a warning naming it.
    assert_eq!(status.spec.as_ref().map(|s| s.generation), Some(20));
    assert_eq!(status.warnings.len(), 1);
    assert!(
        status.warnings[0].contains("web-3"),
        "{:?}",
        status.warnings
    );
}

#[test]
fn a_set_with_gaps_is_whole_when_enough_members_are_there() {
    // Scaled in stopped-first: web-0 went, web-1 and web-2 stay for a count of 2.
    let gaps = [
        vec![member("web-1", VmState::Running, Some(spec(2, 3)))],
        vec![member("web-2", VmState::Running, Some(spec(2, 3)))],
        vec![],
    ];
    let status = status_of(&gaps, [true; 3]);
    assert!(status.problems.is_empty(), "{:?}", status.problems);
    // One too many: the highest index is the one beyond the count.
    let surplus = [
        vec![member("web-1", VmState::Running, Some(spec(2, 3)))],
        vec![member("web-4", VmState::Running, Some(spec(2, 3)))],
        vec![member("web-2", VmState::Running, Some(spec(2, 3)))],
    ];
    let status = status_of(&surplus, [true; 3]);
    assert_eq!(
        status.problems,
        [Problem::Surplus {
            name: "web-4".into()
        }]
    );
    // Two short of 4 with 1 and 3 taken: 0 and 2 are missing.
    let short = [
        vec![member("web-1", VmState::Running, Some(spec(4, 3)))],
        vec![member("web-3", VmState::Running, Some(spec(4, 3)))],
        vec![],
    ];
    let status = status_of(&short, [true; 3]);
    assert_eq!(
        status.problems,
        [Problem::Missing { index: 0 }, Problem::Missing { index: 2 }]
    );
}

#[test]
fn a_whole_set_has_no_problems_and_no_spec_means_the_highest_index() {
    let vms = [
        vec![member("web-0", VmState::Running, Some(spec(2, 1)))],
        vec![member("web-1", VmState::Running, Some(spec(2, 1)))],
        vec![],
    ];
    let status = status_of(&vms, [true; 3]);
    assert_eq!((status.desired, status.running), (2, 2));
    assert!(status.problems.is_empty() && status.warnings.is_empty());
    let legacy = [
        vec![member("web-0", VmState::Running, None)],
        vec![],
        vec![member("web-2", VmState::Running, None)],
    ];
    let status = status_of(&legacy, [true; 3]);
    assert_eq!((status.desired, status.present), (3, 2));
    assert_eq!(status.problems, [Problem::Missing { index: 1 }]);
    assert_eq!(status.warnings.len(), 1);
    // Without a spec there is nothing to recreate from.
    assert!(matches!(
        plan(&status, true, false)[..],
        [Step::Skip { .. }]
    ));
}

#[test]
fn heal_restarts_recreates_and_leaves_down_hosts_alone_unless_asked() {
    let status = status_of(&pool(), [true, true, false]);
    let texts = |steps: Vec<Step>| steps.iter().map(Step::text).collect::<Vec<_>>();
    assert_eq!(
        texts(plan(&status, false, false)),
        [
            "leave web-2: a host does not answer and may hold it (--replace-down recreates it)",
            "restart web-1 on h2",
            "leave web-3: on down host h3, may still run there (--replace-down)",
        ]
    );
    let asked = plan(&status, false, true);
    assert_eq!(
        asked[0],
        Step::Recreate {
            index: 2,
            name: "web-2".into(),
            replaces: None,
        }
    );
    // web-3's host does not answer: asked to, it is replaced under the lowest index no
    // member holds and no other step takes (0, 1, 3 and 5 are held, 2 is recreated).
    assert_eq!(
        texts(asked),
        [
            "recreate web-2",
            "restart web-1 on h2",
            "recreate web-3 as web-4 (its host does not answer)",
        ]
    );
    let all_up = status_of(&pool(), [true; 3]);
    assert_eq!(
        texts(plan(&all_up, true, false)),
        ["recreate web-2", "restart web-1 on h2"]
    );
}

#[test]
fn ready_is_booted_where_the_hypervisor_tells_and_running_where_it_cannot() {
    let with = |name: &str, booted: Option<bool>| Vm {
        booted,
        ..member(name, VmState::Running, Some(spec(3, 1)))
    };
    let vms = [
        vec![with("web-0", Some(true))],
        vec![with("web-1", Some(false))],
        vec![with("web-2", None)],
    ];
    let status = status_of(&vms, [true; 3]);
    // web-1 runs but its agent says it has not booted; web-2 has no agent to ask.
    assert_eq!((status.running, status.ready), (3, 2));
    assert_eq!(status.ready_unverified, 1);
    assert_eq!(
        status.ready_note().as_deref(),
        Some("ready: 1 of 2 counted as running (no guest agent says booted)")
    );
    let all_known = [
        vec![with("web-0", Some(true))],
        vec![with("web-1", Some(true))],
        vec![with("web-2", Some(true))],
    ];
    let status = status_of(&all_known, [true; 3]);
    assert_eq!((status.ready, status.ready_unverified), (3, 0));
    assert_eq!(status.ready_note(), None);
}
