//! A set `web` of 4 on three hosts: web-0 runs on h1, web-1 is stopped on h2, web-2 runs on
//! h3 (the busiest host), web-3 runs on h2; and a member on a host that does not answer.

use super::*;
use crate::model::VmState;
use crate::model::set::SetSpec;

fn member(name: &str, host: &str, state: VmState) -> Member {
    Member {
        name: name.into(),
        index: crate::model::set::member_index("web", name),
        host: host.into(),
        state,
        host_up: true,
        booted: None,
    }
}

fn members() -> Vec<Member> {
    vec![
        member("web-0", "h1", VmState::Running),
        member("web-1", "h2", VmState::Shutoff),
        member("web-2", "h3", VmState::Running),
        member("web-3", "h2", VmState::Running),
    ]
}

fn status(members: Vec<Member>, min: Option<u32>, max: Option<u32>) -> SetStatus {
    SetStatus {
        name: "web".into(),
        spec: Some(SetSpec {
            replicas: 4,
            vm_type: "small".into(),
            image: "lab-busybox".into(),
            min,
            max,
            generation: 7,
            ..SetSpec::default()
        }),
        desired: 4,
        present: members.len() as u32,
        running: 0,
        ready: 0,
        ready_unverified: 0,
        by_host: Vec::new(),
        members,
        problems: Vec::new(),
        warnings: Vec::new(),
    }
}

fn load(host: &str) -> f64 {
    match host {
        "h3" => 0.9,
        "h2" => 0.5,
        _ => 0.1,
    }
}

fn names(members: &[Member]) -> Vec<&str> {
    members.iter().map(|m| m.name.as_str()).collect()
}

fn doomed(strategy: Strategy, count: u32) -> Vec<String> {
    let chosen = scale_in(&members(), count, strategy, &load).unwrap();
    chosen.into_iter().map(|m| m.name).collect()
}

#[test]
fn highest_deletes_the_highest_indexes_first() {
    assert_eq!(doomed(Strategy::Highest, 2), ["web-3", "web-2"]);
}

#[test]
fn stopped_deletes_members_that_do_not_run_first_then_the_highest() {
    assert_eq!(doomed(Strategy::Stopped, 1), ["web-1"]);
    assert_eq!(doomed(Strategy::Stopped, 2), ["web-1", "web-3"]);
}

#[test]
fn loaded_deletes_members_on_the_busiest_host_first_then_the_highest() {
    assert_eq!(doomed(Strategy::Loaded, 1), ["web-2"]);
    // h2 next: of its two members the highest index goes first.
    assert_eq!(doomed(Strategy::Loaded, 3), ["web-2", "web-3", "web-1"]);
}

#[test]
fn members_on_down_hosts_are_never_chosen() {
    let mut members = members();
    members[3].host_up = false;
    let chosen = scale_in(&members, 1, Strategy::Highest, &load).unwrap();
    assert_eq!(names(&chosen), ["web-2"]);
    let err = scale_in(&members, 4, Strategy::Highest, &load).unwrap_err();
    assert!(
        err.contains("1 of them are on hosts that do not answer"),
        "{err}"
    );
}

#[test]
fn scale_out_takes_the_lowest_free_indexes() {
    let mut members = members();
    members.remove(1);
    assert_eq!(free_indexes(&members, 3), [1, 4, 5]);
    let plan = plan(&status(members, None, None), 5, Strategy::Highest, &load).unwrap();
    assert_eq!(plan.add, [1, 4]);
    assert!(plan.delete.is_empty());
    assert_eq!(plan.keep.len(), 3);
    let spec = plan.spec.unwrap();
    assert_eq!((spec.replicas, spec.generation), (5, 7));
}

#[test]
fn a_plan_keeps_and_restamps_the_rest_and_counts_running_deletes() {
    let plan = plan(&status(members(), None, None), 2, Strategy::Stopped, &load).unwrap();
    assert_eq!(names(&plan.delete), ["web-1", "web-3"]);
    assert_eq!(names(&plan.keep), ["web-0", "web-2"]);
    assert_eq!(plan.running_deleted(), 1);
    assert_eq!((plan.from, plan.to), (4, 2));
    assert!(plan.add.is_empty());
}

#[test]
fn counts_outside_min_and_max_and_zero_are_refused() {
    let bounded = || status(members(), Some(2), Some(5));
    let over = plan(&bounded(), 6, Strategy::Highest, &load).unwrap_err();
    assert_eq!(over, "set web can't grow to 6: its max is 5");
    let under = plan(&bounded(), 1, Strategy::Highest, &load).unwrap_err();
    assert_eq!(under, "set web can't shrink to 1: its min is 2");
    let zero = plan(&status(members(), None, None), 0, Strategy::Highest, &load).unwrap_err();
    assert!(zero.contains("can't scale to 0"), "{zero}");
}

#[test]
fn strategies_read_from_their_words() {
    for word in Strategy::WORDS {
        assert_eq!(Strategy::parse(word).unwrap().word(), *word);
    }
    assert!(Strategy::parse("random").is_err());
}

#[test]
fn a_host_load_is_its_running_vcpus_weighted_by_their_cpu_use() {
    let vm = |state, vcpus, cpu_percent| Vm {
        state,
        vcpus,
        cpu_percent,
        ..Vm::default()
    };
    let vms = [
        vm(VmState::Running, 2, None),
        vm(VmState::Running, 4, Some(50.0)),
        vm(VmState::Shutoff, 8, None),
    ];
    assert!((host_load(&vms, 4) - 1.0).abs() < 1e-9);
    assert!((host_load(&[], 0)).abs() < 1e-9);
}
