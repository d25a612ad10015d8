//! Power actions through `update`: confirmation, bulk marks, read-only refusal, operation
//! results and their audit records.

mod common;

use common::{host, key, state, typed, vm};
use crossterm::event::KeyCode;
use vmdeck::app::Effect;
use vmdeck::app::ops::OpStatus;
use vmdeck::app::state::View;
use vmdeck::backend::{HostCommand, HostEvent, OpKind};
use vmdeck::model::VmState;
use vmdeck::model::action::PowerAction;
use vmdeck::placement::{Enforcement, PlacementGroup, Policy};

fn power_effects(effects: &[Effect]) -> Vec<(String, PowerAction)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Host {
                command:
                    HostCommand::Op {
                        uuid,
                        kind: OpKind::Power(action),
                        ..
                    },
                ..
            } => Some((uuid.clone(), *action)),
            _ => None,
        })
        .collect()
}

#[test]
fn force_off_asks_first_enter_cancels_and_only_y_confirms() {
    let mut s = state();
    assert!(key(&mut s, KeyCode::Char('F')).is_empty());
    let question = s.confirm.clone().unwrap().question;
    assert_eq!(question, "Force off api-1 on kvm1?");
    assert!(key(&mut s, KeyCode::Enter).is_empty(), "Enter means No");
    assert!(s.confirm.is_none());
    assert_eq!(
        s.status.clone().unwrap().text,
        "cancelled; nothing was done"
    );
    assert!(s.ops.list.is_empty());
    key(&mut s, KeyCode::Char('F'));
    assert!(
        key(&mut s, KeyCode::Char('Y')).is_empty(),
        "only y confirms"
    );
    key(&mut s, KeyCode::Char('F'));
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(
        power_effects(&effects),
        [("uuid-api-1".to_string(), PowerAction::PowerOff)]
    );
    assert_eq!(s.ops.running(), 1);
}

#[test]
fn escape_cancels_and_nothing_happens() {
    let mut s = state();
    key(&mut s, KeyCode::Char('R'));
    assert!(key(&mut s, KeyCode::Esc).is_empty());
    assert!(s.confirm.is_none());
    assert_eq!(s.ops.list.len(), 0);
    assert!(s.status.clone().unwrap().text.starts_with("cancelled"));
}

#[test]
fn start_asks_like_every_change() {
    let mut s = state();
    key(&mut s, KeyCode::Char('G'));
    assert!(key(&mut s, KeyCode::Char('u')).is_empty());
    assert_eq!(
        s.confirm.clone().unwrap().question,
        "Start spare-1 on kvm1?"
    );
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(
        power_effects(&effects),
        [("uuid-spare-1".to_string(), PowerAction::Start)]
    );
}

#[test]
fn marked_vms_get_one_operation_each_with_results_per_vm() {
    let mut s = state();
    key(&mut s, KeyCode::Char(' '));
    key(&mut s, KeyCode::Char(' '));
    assert_eq!(s.marked.len(), 2);
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "reboot");
    key(&mut s, KeyCode::Enter);
    let confirm = s.confirm.clone().unwrap();
    assert_eq!(confirm.question, "Reboot 2 VMs?");
    assert_eq!(confirm.lines, ["api-1 on kvm1", "db-1 on kvm1"]);
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(power_effects(&effects).len(), 2);
    assert!(s.marked.is_empty(), "marks are used up by the action");
    let ops: Vec<u64> = s.ops.list.iter().map(|o| o.id).collect();
    let audit = host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op: ops[0],
            result: Ok(()),
        },
    );
    assert!(
        matches!(&audit[..], [Effect::Audit { vm, action, result, .. }] if vm == "api-1" && action == "reboot" && result == "ok")
    );
    host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op: ops[1],
            result: Err("domain is not running".into()),
        },
    );
    assert_eq!(s.ops.list[0].status, OpStatus::Done);
    // The hypervisor's words become a sentence; the raw text stays in the details.
    assert_eq!(
        s.ops.list[1].status,
        OpStatus::Failed("db-1 is not running (domain is not running)".into())
    );
    assert_eq!(
        s.ops.list[1].detail.as_deref(),
        Some("domain is not running")
    );
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .contains("db-1 on kvm1: failed: db-1 is not running")
    );
    key(&mut s, KeyCode::Char('O'));
    assert_eq!(s.screen().view, View::Ops);
}

#[test]
fn quitting_with_running_operations_asks() {
    let mut s = state();
    key(&mut s, KeyCode::Char('F'));
    key(&mut s, KeyCode::Char('y'));
    key(&mut s, KeyCode::Char('q'));
    assert!(!s.quit);
    assert!(
        s.confirm
            .clone()
            .unwrap()
            .question
            .contains("still running")
    );
    key(&mut s, KeyCode::Char('y'));
    assert!(s.quit);
}

#[test]
fn read_only_refuses_in_the_ui_too() {
    let mut s = common::read_only_state(true);
    for k in ['F', 'R', 'd', 'E', 'p', 'u', 'U'] {
        assert!(key(&mut s, KeyCode::Char(k)).is_empty(), "{k}");
        assert!(s.confirm.is_none());
    }
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "off");
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert!(s.status.clone().unwrap().text.contains("read-only"));
    assert!(s.ops.list.is_empty());
}

#[test]
fn migrate_checks_the_destination_then_asks() {
    let mut s = state();
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "migrate nowhere");
    key(&mut s, KeyCode::Enter);
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .contains("pool prod has no host 'nowhere' (hosts: kvm1, kvm2)")
    );
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "migrate kvm2");
    key(&mut s, KeyCode::Enter);
    assert!(s.status.clone().unwrap().text.contains("kvm2 is not up"));
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "migrate kvm1");
    key(&mut s, KeyCode::Enter);
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .contains("api-1 is already on kvm1")
    );
    host(
        &mut s,
        0,
        1,
        HostEvent::Connected(vmdeck::model::HostInventory {
            facts: common::facts("kvm2"),
            vms: vec![],
        }),
    );
    key(&mut s, KeyCode::Char('M'));
    typed(&mut s, "kvm2 --copy-storage");
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        s.confirm.clone().unwrap().question,
        "Live-migrate api-1 from kvm1 to kvm2?"
    );
    let effects = key(&mut s, KeyCode::Char('y'));
    let [
        Effect::Host {
            pool: 0,
            host: 0,
            command:
                HostCommand::Op {
                    uuid,
                    kind: OpKind::Migrate { to, options, .. },
                    op,
                },
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(uuid, "uuid-api-1");
    assert_eq!(to.uri, "qemu+ssh://kvm2/system");
    assert!(options.copy_storage);
    let progress = vmdeck::model::action::MigrationProgress {
        total_bytes: 200,
        processed_bytes: 50,
        ..Default::default()
    };
    host(&mut s, 0, 0, HostEvent::OpProgress { op: *op, progress });
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .starts_with("migrate api-1: 25%")
    );
    let abort = key(&mut s, KeyCode::Char('x'));
    let [
        Effect::Host {
            pool: 0,
            host: 0,
            command:
                HostCommand::Op {
                    uuid,
                    kind: OpKind::Abort { of },
                    op: abort_op,
                },
        },
    ] = abort.as_slice()
    else {
        panic!("{abort:?}")
    };
    assert_eq!((uuid.as_str(), *of), ("uuid-api-1", *op));
    // libvirt took the abort, then the migration ends cancelled: one result each.
    host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op: *abort_op,
            result: Ok(()),
        },
    );
    let cancelled = Err("operation aborted: migration out job: canceled by client".into());
    let audit = host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op: *op,
            result: cancelled,
        },
    );
    let results = common::audit_results(&audit);
    assert_eq!(
        results,
        [
            (
                "migrate",
                "failed: cancelled by the admin; api-1 stays on kvm1"
            ),
            ("abort", "cancelled")
        ]
    );
    assert_eq!(s.ops.running(), 0);
}

#[test]
fn delete_needs_the_vm_name_typed() {
    let mut s = state();
    key(&mut s, KeyCode::Char('G'));
    key(&mut s, KeyCode::Delete);
    let confirm = s.confirm.clone().unwrap();
    assert_eq!(
        confirm.question,
        "Delete spare-1 on kvm1 (its disks stay)? Type spare-1 to confirm:"
    );
    assert!(
        key(&mut s, KeyCode::Char('y')).is_empty(),
        "y alone is not enough"
    );
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert_eq!(
        s.status.clone().unwrap().text,
        "cancelled: 'y' is not 'spare-1'; nothing was done"
    );
    assert!(s.confirm.is_none());
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "delete --storage");
    key(&mut s, KeyCode::Enter);
    typed(&mut s, "spare-1");
    let effects = key(&mut s, KeyCode::Enter);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Host {
            command: HostCommand::Op {
                kind: OpKind::Delete {
                    with_storage: true,
                    force: false
                },
                ..
            },
            ..
        }]
    ));
}

#[test]
fn mark_by_filter_then_act_on_all() {
    let mut s = state();
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "small");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "mark");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.marked.len(), 2, "api-1 and spare-1 are small");
    // spare-1 is shut off: skipped and named; api-1 alone is asked about.
    key(&mut s, KeyCode::Char('F'));
    let confirm = s.confirm.clone().unwrap();
    assert_eq!(confirm.question, "Force off api-1 on kvm1?");
    assert_eq!(confirm.lines, ["skipped: spare-1 is not running (shutoff)"]);
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "unmark");
    key(&mut s, KeyCode::Enter);
    assert!(s.marked.is_empty());
}

#[test]
fn migration_refuses_a_host_without_room() {
    let mut s = state();
    let mut small = common::facts("kvm2");
    small.memory_bytes = 1 << 30;
    host(
        &mut s,
        0,
        1,
        HostEvent::Connected(vmdeck::model::HostInventory {
            facts: small,
            vms: vec![],
        }),
    );
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "migrate kvm2");
    key(&mut s, KeyCode::Enter);
    let text = s.status.clone().unwrap().text;
    assert!(
        text.starts_with("db-1 does not fit on kvm2: no room after overcommit: needs 8 GiB"),
        "{text}"
    );
    assert!(s.confirm.is_none());
}

/// kvm2 up and holding `web-9` of group `web`, whose policy is vm-anti-affinity.
fn with_group_neighbour(enforcement: Enforcement) -> vmdeck::app::state::State {
    let mut s = state();
    s.pools[0].compose.placement_groups = vec![PlacementGroup {
        name: "web".into(),
        policy: Policy::VmAntiAffinity,
        enforcement,
        hosts: Vec::new(),
    }];
    let inventory = vmdeck::model::HostInventory {
        facts: common::facts("kvm2"),
        vms: vec![vm("web-9", VmState::Running, 1, 1024, "small")],
    };
    host(&mut s, 0, 1, HostEvent::Connected(inventory));
    s
}

#[test]
fn migration_keeps_hard_anti_affinity_and_names_soft_rules() {
    let mut s = with_group_neighbour(Enforcement::Hard);
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "migrate kvm2");
    key(&mut s, KeyCode::Enter);
    let text = s.status.clone().unwrap().text;
    assert_eq!(
        text,
        "api-1 does not fit on kvm2: hard anti-affinity: holds web-9 of group web"
    );
    assert!(s.confirm.is_none());

    let mut s = with_group_neighbour(Enforcement::Soft);
    key(&mut s, KeyCode::Char('M'));
    assert_eq!(
        s.status.clone().unwrap().text,
        "migrate to: kvm2 ✓ (soft anti-affinity not met: holds web-9 of group web)  · placement picks kvm2"
    );
}

#[test]
fn m_lists_where_the_vm_can_go() {
    let mut s = state();
    key(&mut s, KeyCode::Char('M'));
    assert_eq!(s.input.as_ref().unwrap().text, "migrate ");
    assert_eq!(
        s.status.clone().unwrap().text,
        "migrate to: kvm2 ✗ (kvm2 is not up)"
    );
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char('/'));
    assert!(s.status.is_none(), "a new input line starts clean");
}

#[test]
fn incus_moves_between_members_report_notes_and_cancel_with_x() {
    use vmdeck::model::{HostInventory, MemberInventory};
    let mut s = state();
    let mut k2 = vm("k2", VmState::Running, 0, 0, "small");
    k2.kind = Some("container".into());
    k2.location = Some("node2".into());
    let member = |name: &str, vms| MemberInventory {
        name: name.into(),
        down: None,
        inventory: HostInventory {
            facts: common::facts(name),
            vms,
        },
    };
    let members = vec![member("node1", vec![]), member("node2", vec![k2])];
    host(&mut s, 1, 0, HostEvent::Members(members));
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "vm k2");
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "migrate node1");
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        s.confirm.clone().unwrap().question,
        "Move k2 from node2 to node1? Running containers are stopped, moved and started again."
    );
    let effects = key(&mut s, KeyCode::Char('y'));
    let [
        Effect::Host {
            pool: 1,
            host: 1,
            command:
                HostCommand::Op {
                    kind: OpKind::Migrate { to, how, .. },
                    op,
                    ..
                },
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(to.host_name, "node1");
    assert_eq!(
        *how,
        vmdeck::model::op::MoveHow::Cold,
        "audited as what it is"
    );
    let text = "Unpacking image: 45% (1.08GB/s) · x cancels".to_string();
    host(&mut s, 1, 0, HostEvent::OpNote { op: *op, text });
    assert_eq!(
        s.status.clone().unwrap().text,
        "migrate k2: Unpacking image: 45% (1.08GB/s) · x cancels"
    );
    // `x` is the XML in the VM's view; in the list it cancels.
    key(&mut s, KeyCode::Esc);
    let abort = key(&mut s, KeyCode::Char('x'));
    assert!(
        matches!(
            abort.as_slice(),
            [Effect::Host {
                pool: 1,
                host: 1,
                command: HostCommand::Op { uuid, kind: OpKind::Abort { of }, .. },
            }] if uuid == "uuid-k2" && of == op
        ),
        "{abort:?}"
    );
    // The server says it cannot cancel, and the move finishes: both said plainly.
    let abort_op = s.ops.list.last().unwrap().id;
    let refused = Err("This operation can't be cancelled".into());
    host(
        &mut s,
        1,
        0,
        HostEvent::OpFinished {
            op: abort_op,
            result: refused,
        },
    );
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .contains("abort k2 on node2: failed: the server cannot cancel this job"),
        "{:?}",
        s.status
    );
    host(
        &mut s,
        1,
        0,
        HostEvent::OpFinished {
            op: *op,
            result: Ok(()),
        },
    );
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .ends_with("migrate k2 node2 → node1: ok")
    );
}
