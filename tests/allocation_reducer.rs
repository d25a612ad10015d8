//! The allocation policy through `update`: the dashboard's "N more fit", the compose preview
//! and the migration check count the same VMs, and `allocation = "defined"` refuses with the
//! policy named (hand-made hosts; `e2e_figures` proves it on the lab).

mod common;

use common::compose_lab::{CONFIG, image, lab};
use common::{facts, host, key, keys, typed, vm};
use crossterm::event::KeyCode;
use vmdeck::app::State;
use vmdeck::app::compose_form::preview;
use vmdeck::app::dashboard::summarize;
use vmdeck::backend::HostEvent;
use vmdeck::model::{HostInventory, VmState};

/// The compose lab with `allocation` set on the pool and 300 stopped 1-vCPU 1-GiB domains on
/// every host (templates: 300 vCPUs and 300 GiB each, against 16 × 4 vCPUs and 64 GiB).
fn with_templates(allocation: &str) -> State {
    let config = CONFIG.replacen(
        "name = \"lab\"\n",
        &format!("name = \"lab\"\nallocation = \"{allocation}\"\n"),
        1,
    );
    let mut s = lab(&config);
    for (index, name) in ["h1", "h2", "h3"].iter().enumerate() {
        let mut vms: Vec<_> = (0..300)
            .map(|n| {
                vm(
                    &format!("tpl-{name}-{n:03}"),
                    VmState::Shutoff,
                    1,
                    1024,
                    "small",
                )
            })
            .collect();
        if index == 0 {
            vms.push(vm("old", VmState::Running, 1, 1024, "small"));
        }
        let inventory = HostInventory {
            facts: facts(name),
            vms,
        };
        host(&mut s, 0, index, HostEvent::Connected(inventory));
        host(&mut s, 0, index, HostEvent::Images(Ok(vec![image(name)])));
    }
    s
}

/// Where the compose preview puts one VM `web`, and its reasons against h2.
fn compose_preview(s: &mut State) -> (Option<String>, String) {
    key(s, KeyCode::Char('n'));
    typed(s, "web");
    let plan = preview(s, s.compose.as_ref().expect("the form")).expect("a plan");
    let decision = &plan.vms[0].decision;
    let h2 = decision
        .verdicts
        .iter()
        .find(|v| v.host == "h2")
        .expect("h2");
    key(s, KeyCode::Esc);
    (decision.chosen.clone(), h2.reasons.join("; "))
}

#[test]
fn running_and_autostart_leave_stopped_templates_out_everywhere() {
    let mut s = with_templates("running+autostart");
    let summary = summarize(&s.pools[0], &s.vm_types);
    // h1: 63 vCPUs and 63 GiB left, h2 and h3 64 each: 1 GiB VMs by memory.
    assert_eq!(summary.fits[0].total, 63 + 64 + 64);
    assert_eq!(summary.fits[0].hosts_fitting, 3);
    assert_eq!(summary.capacity.vcpus_allocated, 1);
    assert_eq!(summary.capacity.vcpus_defined, 901);
    assert_eq!(compose_preview(&mut s).0.as_deref(), Some("h2"));
    keys(&mut s, ":vm old<Enter>:migrate h2<Enter>");
    assert!(s.confirm.is_some(), "{:?}", s.status);
}

#[test]
fn defined_counts_the_templates_and_every_refusal_names_the_policy() {
    let mut s = with_templates("defined");
    let summary = summarize(&s.pools[0], &s.vm_types);
    assert_eq!(summary.fits[0].total, 0);
    assert_eq!(summary.fits[0].hosts_fitting, 0);
    assert_eq!(summary.capacity.vcpus_allocated, 901);
    let (chosen, why) = compose_preview(&mut s);
    assert_eq!(chosen, None);
    assert_eq!(
        why,
        "no room after overcommit: needs 1 vCPU, 0 free of 16 × 4.0 (allocation = \"defined\"); \
         no room after overcommit: needs 1 GiB, 0 B free of 64 GiB × 1.0 (allocation = \"defined\")"
    );
    keys(&mut s, ":vm old<Enter>:migrate h2<Enter>");
    assert!(s.confirm.is_none());
    let text = s.status.clone().expect("a refusal").text;
    assert!(text.contains("(allocation = \"defined\")"), "{text}");
}

#[test]
fn a_host_overrides_the_pools_policy() {
    let mut s = with_templates("defined");
    s.pools[0].hosts[1].allocation = vmdeck::config::Allocation::Running;
    let summary = summarize(&s.pools[0], &s.vm_types);
    assert_eq!(summary.fits[0].per_host[1], ("h2".to_string(), 64));
    assert_eq!(compose_preview(&mut s).0.as_deref(), Some("h2"));
}
