//! Safe questions through `update`: Enter never confirms a `[y/N]`, what cannot succeed is
//! refused before any question (and nothing goes to a backend), bulk actions skip and name
//! the ineligible VMs, destroying several VMs wants their count typed, `[confirm]` turns a
//! question off but never a delete's.

mod common;

use common::{host, keys, state};
use vmdeck::app::{Effect, State};
use vmdeck::backend::{HostCommand, HostEvent, OpKind};
use vmdeck::config::parse_config;
use vmdeck::model::{Snapshot, VmDetails, VmState};

fn ops(effects: &[Effect]) -> Vec<(String, OpKind)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Host {
                command: HostCommand::Op { uuid, kind, .. },
                ..
            } => Some((uuid.clone(), kind.clone())),
            _ => None,
        })
        .collect()
}

fn status(s: &State) -> String {
    s.status.clone().map(|l| l.text).unwrap_or_default()
}

/// api-1 (running) selected, with its details read: one snapshot `before`.
fn with_details() -> State {
    let mut s = state();
    let details = VmDetails {
        disks: Vec::new(),
        nics: Vec::new(),
        xml: String::new(),
        snapshots: vec![Snapshot {
            name: "before".into(),
            parent: None,
            state: "running".into(),
            created: 0,
            current: true,
            description: String::new(),
        }],
    };
    let result = Ok(details);
    host(
        &mut s,
        0,
        0,
        HostEvent::Details {
            uuid: "uuid-api-1".into(),
            result,
        },
    );
    s
}

#[test]
fn enter_answers_no_to_every_question() {
    // On api-1 (running): each of these asks, and Enter cancels it.
    for asked in [
        "R",
        "E",
        "F",
        "p",
        "d",
        ":snapshot s9<Enter>",
        ":revert before<Enter>",
        ":snapshot-delete before<Enter>",
        ":clone api-2<Enter>",
    ] {
        let mut s = with_details();
        assert!(keys(&mut s, asked).is_empty(), "{asked}");
        assert!(s.confirm.is_some(), "{asked} asks");
        assert!(keys(&mut s, "<Enter>").is_empty(), "{asked}: Enter is No");
        assert!(s.confirm.is_none() && s.ops.list.is_empty(), "{asked}");
        assert_eq!(status(&s), "cancelled; nothing was done", "{asked}");
    }
}

#[test]
fn what_cannot_succeed_is_refused_before_any_question() {
    let cases = [
        ("u", "api-1 is already running (running)"),
        ("U", "api-1 is not paused (running)"),
        (
            ":delete<Enter>",
            "api-1 is running: shut it down first, or :delete --force to pull the plug",
        ),
        (
            ":revert nosnap<Enter>",
            "api-1 has no snapshot named nosnap",
        ),
        (
            ":snapshot-delete nosnap<Enter>",
            "api-1 has no snapshot named nosnap",
        ),
        (
            ":snapshot before<Enter>",
            "api-1 already has a snapshot named before",
        ),
        (
            ":clone db-1<Enter>",
            "a VM named db-1 already exists on kvm1",
        ),
        (":clone a/b<Enter>", "VM name \"a/b\" has a /"),
        ("Gd", "spare-1 is not running (shutoff)"),
        ("GR", "spare-1 is not running (shutoff)"),
    ];
    for (typed, refusal) in cases {
        let mut s = with_details();
        let effects = keys(&mut s, typed);
        assert!(
            ops(&effects).is_empty(),
            "{typed}: nothing reaches a backend"
        );
        assert!(s.confirm.is_none(), "{typed}: no question");
        assert!(status(&s).starts_with(refusal), "{typed}: {}", status(&s));
    }
}

#[test]
fn a_vm_on_a_host_that_is_down_is_refused() {
    let mut s = state();
    let mut lost = common::vm("lost-1", VmState::Running, 1, 512, "small");
    lost.uuid = "uuid-lost-1".into();
    host(&mut s, 0, 1, HostEvent::VmUpdated(lost));
    keys(&mut s, "/lost-1<Enter>");
    keys(&mut s, "R");
    assert!(s.confirm.is_none());
    assert!(
        status(&s).starts_with("lost-1: its host kvm2 is down"),
        "{}",
        status(&s)
    );
}

#[test]
fn bulk_actions_skip_the_ineligible_and_go_on_with_the_rest() {
    let mut s = state();
    // api-1 and db-1 run, spare-1 is shut off.
    keys(&mut s, "<Space><Space><Space>");
    assert_eq!(s.marked.len(), 3);
    keys(&mut s, "d");
    let confirm = s.confirm.clone().unwrap();
    assert_eq!(confirm.question, "Shut down (ACPI) 2 VMs?");
    assert_eq!(
        confirm.lines,
        [
            "api-1 on kvm1",
            "db-1 on kvm1",
            "skipped: spare-1 is not running (shutoff)"
        ]
    );
    let started = ops(&keys(&mut s, "y"));
    let names: Vec<&str> = started.iter().map(|(uuid, _)| uuid.as_str()).collect();
    assert_eq!(names, ["uuid-api-1", "uuid-db-1"]);
}

#[test]
fn destroying_several_running_vms_wants_their_count_typed() {
    let mut s = state();
    keys(&mut s, "<Space><Space>");
    keys(&mut s, "F");
    let confirm = s.confirm.clone().unwrap();
    assert_eq!(
        confirm.question,
        "Force off 2 VMs? Type 2 (how many) to confirm:"
    );
    assert_eq!(
        confirm.lines,
        ["api-1 on kvm1 (running)", "db-1 on kvm1 (running)"]
    );
    assert!(keys(&mut s, "y").is_empty(), "y is not the count");
    assert!(keys(&mut s, "<Enter>").is_empty());
    assert_eq!(status(&s), "cancelled: 'y' is not '2'; nothing was done");
    keys(&mut s, "<Space><Space>");
    keys(&mut s, "F");
    assert_eq!(ops(&keys(&mut s, "2<Enter>")).len(), 2);
}

#[test]
fn a_long_question_scrolls() {
    let mut s = state();
    keys(&mut s, "<Space><Space>d");
    keys(&mut s, "<Down>");
    assert_eq!(
        s.confirm.as_ref().unwrap().scroll,
        1,
        "arrows scroll, not cancel"
    );
    keys(&mut s, "<PageUp>");
    assert_eq!(s.confirm.as_ref().unwrap().scroll, 0);
    assert_eq!(ops(&keys(&mut s, "y")).len(), 2);
}

#[test]
fn confirm_settings_turn_a_question_off_but_never_a_deletes() {
    let text = format!(
        "{}\n[confirm]\nclone = false\nreboot = false\n",
        common::CONFIG
    );
    let config = parse_config(&text, "c.toml").unwrap();
    let mut s = State::new(&config, vmdeck::keymap::Keymap::builtin(), common::themes());
    let inventory = vmdeck::model::HostInventory {
        facts: common::facts("kvm1"),
        vms: vec![common::vm("api-1", VmState::Running, 2, 2048, "small")],
    };
    host(&mut s, 0, 0, HostEvent::Connected(inventory));
    let cloned = ops(&keys(&mut s, ":clone api-2<Enter>"));
    assert!(matches!(cloned.as_slice(), [(_, OpKind::Clone(r))] if r.name == "api-2"));
    assert_eq!(ops(&keys(&mut s, "R")).len(), 1, "reboot asks no more");
    keys(&mut s, "F");
    assert!(s.confirm.is_some(), "force off still asks");

    let text = format!("{}\n[confirm]\ndelete = false\n", common::CONFIG);
    let error = parse_config(&text, "c.toml").unwrap_err().to_string();
    assert!(
        error.contains("c.toml") && error.contains("deleting always asks"),
        "{error}"
    );
}

#[test]
fn every_operation_ends_with_one_result_even_when_refused() {
    let mut s = state();
    keys(&mut s, ":clone api-2<Enter>y");
    let op = s.ops.list[0].id;
    let refused = Err("refused: this pool is read-only".to_string());
    let audit = host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op,
            result: refused,
        },
    );
    assert_eq!(s.ops.running(), 0);
    let lines = audit
        .iter()
        .filter(|e| matches!(e, Effect::Audit { .. }))
        .count();
    assert_eq!(lines, 1);
}

#[test]
fn an_abort_that_comes_too_late_says_so() {
    let mut s = state();
    let kvm2 = common::facts("kvm2");
    let inventory = vmdeck::model::HostInventory {
        facts: kvm2,
        vms: vec![],
    };
    host(&mut s, 0, 1, HostEvent::Connected(inventory));
    keys(&mut s, ":migrate kvm2<Enter>y");
    let migrate = s.ops.list[0].id;
    keys(&mut s, "x");
    let abort = s.ops.list[1].id;
    let mut audit = host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op: migrate,
            result: Ok(()),
        },
    );
    audit.extend(host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op: abort,
            result: Ok(()),
        },
    ));
    let results = common::audit_results(&audit);
    assert_eq!(
        results,
        [
            ("migrate", "ok"),
            ("abort", "failed: too late: the job had already finished")
        ],
        "one result each"
    );
    keys(&mut s, "x");
    assert_eq!(status(&s), "no migration or Incus operation is running");
}

#[test]
fn every_operation_kind_ends_with_exactly_one_result_when_a_backend_refuses() {
    let asked = [
        ("R", "y"),
        (":snapshot s1<Enter>", "y"),
        (":clone api-2<Enter>", "y"),
        (":migrate kvm2<Enter>", "y"),
        ("G<Delete>", "spare-1<Enter>"),
    ];
    for (ask, confirm) in asked {
        let mut s = state();
        let inventory = vmdeck::model::HostInventory {
            facts: common::facts("kvm2"),
            vms: vec![],
        };
        host(&mut s, 0, 1, HostEvent::Connected(inventory));
        keys(&mut s, ask);
        let started = ops(&keys(&mut s, confirm));
        assert_eq!(started.len(), 1, "{ask}");
        let op = s.ops.list[0].id;
        let refused = Err("refused: this pool is read-only".to_string());
        let effects = host(
            &mut s,
            0,
            0,
            HostEvent::OpFinished {
                op,
                result: refused,
            },
        );
        let audits = effects
            .iter()
            .filter(|e| matches!(e, Effect::Audit { .. }))
            .count();
        assert_eq!((audits, s.ops.running()), (1, 0), "{ask}");
        // A second answer for the same operation changes nothing and audits nothing.
        let again = host(&mut s, 0, 0, HostEvent::OpFinished { op, result: Ok(()) });
        assert!(again.is_empty(), "{ask}: {again:?}");
    }
}

#[test]
fn x_aborts_in_the_vm_view_too() {
    let mut s = state();
    let inventory = vmdeck::model::HostInventory {
        facts: common::facts("kvm2"),
        vms: vec![],
    };
    host(&mut s, 0, 1, HostEvent::Connected(inventory));
    keys(&mut s, ":migrate kvm2<Enter>y");
    let migrate = s.ops.list[0].id;
    keys(&mut s, ":vm api-1<Enter>");
    let aborted = ops(&keys(&mut s, "x"));
    assert!(
        matches!(aborted.as_slice(), [(uuid, OpKind::Abort { of })] if uuid == "uuid-api-1" && *of == migrate),
        "{aborted:?}"
    );
    // The XML is `v` there.
    keys(&mut s, "v");
    assert!(s.screen().show_xml);
}
