//! Autoscale decisions of a set `web` with a 70 % target, min 1, max 3, a 60 s cooldown.

use super::*;
use crate::model::set::SetSpec;

fn set(replicas: u32, present: u32, ready: u32) -> SetStatus {
    SetStatus {
        name: "web".into(),
        spec: Some(SetSpec {
            replicas,
            vm_type: "small".into(),
            image: "busybox".into(),
            min: Some(1),
            max: Some(3),
            autoscale_cpu: Some(70),
            cooldown_secs: Some(60),
            generation: 1,
            ..SetSpec::default()
        }),
        desired: replicas,
        present,
        running: ready,
        ready,
        ready_unverified: 0,
        by_host: Vec::new(),
        members: Vec::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
    }
}

fn decide_at(set: &SetStatus, cpu: &[f64], last_action: Option<u64>, now: u64) -> Decision {
    decide(&Inputs {
        set,
        cpu,
        last_action,
        now,
    })
    .expect("the set autoscales")
}

#[test]
fn a_busy_set_below_max_scales_out_by_one_with_its_reason() {
    let d = decide_at(&set(2, 2, 2), &[95.0, 87.0], None, 1000);
    assert_eq!(d.change, Change::Out { from: 2, to: 3 });
    assert_eq!(d.text, "web: avg CPU 91 % > 70 % target, 2 → 3");
}

#[test]
fn a_busy_set_at_max_holds() {
    let d = decide_at(&set(3, 3, 3), &[99.0, 99.0, 99.0], None, 1000);
    assert_eq!(d.change, Change::Hold);
    assert!(d.text.contains("at max 3"), "{}", d.text);
}

#[test]
fn an_idle_set_scales_in_by_one_until_min() {
    let d = decide_at(&set(3, 3, 3), &[5.0, 2.0, 2.0], None, 1000);
    assert_eq!(d.change, Change::In { from: 3, to: 2 });
    assert!(d.text.ends_with("3 → 2"), "{}", d.text);
    let d = decide_at(&set(1, 1, 1), &[1.0], None, 1000);
    assert_eq!(d.change, Change::Hold);
    assert!(d.text.contains("at min 1"), "{}", d.text);
}

#[test]
fn scaling_in_waits_until_one_member_fewer_stays_under_the_target_with_margin() {
    // 2 × 40 %: 80 % on one member would be over the target at once.
    let d = decide_at(&set(2, 2, 2), &[40.0, 40.0], None, 1000);
    assert_eq!(d.change, Change::Hold);
    assert!(d.text.contains("near the 70 % target"), "{}", d.text);
    // 2 × 30 %: 60 % on one stays under 63 %.
    let d = decide_at(&set(2, 2, 2), &[30.0, 30.0], None, 1000);
    assert_eq!(d.change, Change::In { from: 2, to: 1 });
}

#[test]
fn no_action_within_the_cooldown_after_the_last_one() {
    let busy = [95.0, 95.0];
    let d = decide_at(&set(2, 2, 2), &busy, Some(1000), 1030);
    assert_eq!(d.change, Change::Hold);
    assert_eq!(d.text, "web: cooling down until 00:17:40 UTC, hold at 2");
    let d = decide_at(&set(2, 2, 2), &busy, Some(1000), 1060);
    assert_eq!(d.change, Change::Out { from: 2, to: 3 });
}

#[test]
fn the_default_cooldown_applies_when_the_spec_names_none() {
    let mut set = set(2, 2, 2);
    if let Some(spec) = set.spec.as_mut() {
        spec.cooldown_secs = None;
    }
    // 1000 + 300 s: 00:21:40.
    let d = decide_at(&set, &[95.0, 95.0], Some(1000), 1010);
    assert!(d.text.contains("until 00:21:40 UTC"), "{}", d.text);
}

#[test]
fn without_running_members_or_figures_it_holds() {
    let d = decide_at(&set(2, 2, 0), &[], None, 1000);
    assert_eq!(d.change, Change::Hold);
    assert_eq!(d.text, "web: no running members, hold at 2");
    let d = decide_at(&set(2, 2, 2), &[], None, 1000);
    assert_eq!(d.text, "web: no CPU figures yet, hold at 2");
}

#[test]
fn a_set_that_is_not_whole_waits_for_healing() {
    let d = decide_at(&set(3, 2, 2), &[99.0, 99.0], None, 1000);
    assert_eq!(d.change, Change::Hold);
    assert!(d.text.contains("2 present of 3 desired"), "{}", d.text);
}

#[test]
fn a_set_without_a_target_or_a_max_does_not_scale_out() {
    let mut plain = set(2, 2, 2);
    if let Some(spec) = plain.spec.as_mut() {
        spec.autoscale_cpu = None;
    }
    let inputs = Inputs {
        set: &plain,
        cpu: &[99.0],
        last_action: None,
        now: 0,
    };
    assert_eq!(decide(&inputs), None);
    let mut no_max = set(2, 2, 2);
    if let Some(spec) = no_max.spec.as_mut() {
        spec.max = None;
    }
    let d = decide_at(&no_max, &[99.0, 99.0], None, 1000);
    assert_eq!(d.change, Change::Hold);
}
