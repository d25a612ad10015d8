//! `:scale N [highest|stopped|loaded]` and `:heal` through `update`: which members each
//! strategy deletes, the typed count when running members go, the restamp of the members
//! that stay, `s` on the sets view, new members placed under the set's group, heal's
//! restart and recreate as operations, and the question as drawn.

mod common;

use common::{command, facts, host, key, keys, status, themes, typed, vm};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::{Effect, Msg, State, update};
use vmdeck::backend::{HostCommand, HostEvent};
use vmdeck::config::parse_config;
use vmdeck::keymap::Keymap;
use vmdeck::model::action::PowerAction;
use vmdeck::model::op::OpKind;
use vmdeck::model::set::SetSpec;
use vmdeck::model::{HostInventory, Vm, VmStamp, VmState};

const CONFIG: &str = r#"
[[pool]]
name = "prod"
hosts = [{ name = "kvm1", uri = "qemu+ssh://kvm1/system" }, { name = "kvm2", uri = "qemu+ssh://kvm2/system" }, { name = "kvm3", uri = "qemu+ssh://kvm3/system" }]
[[pool.placement_group]]
name = "apart"
policy = "vm-anti-affinity"
enforcement = "hard"

[[vm_type]]
name = "small"
vcpus = 1
memory = "1GiB"
disk = "10GiB"
"#;

fn member(name: &str, state: VmState) -> Vm {
    let mut vm = vm(name, state, 1, 1024, "small");
    vm.stamp = VmStamp {
        vm_type: Some("small".into()),
        group: Some("apart".into()),
        set: Some("web".into()),
        image: Some("deb".into()),
        set_spec: Some(SetSpec {
            replicas: 3,
            vm_type: "small".into(),
            image: "deb".into(),
            group: Some("apart".into()),
            max: Some(5),
            generation: 100,
            ..SetSpec::default()
        }),
        ..VmStamp::default()
    };
    vm
}

/// Set `web` of 3 under hard anti-affinity: web-0 runs on kvm1 (the busiest host: a VM of
/// 8 vCPUs at full use beside it), web-1 is stopped on kvm2, web-2 runs on kvm3.
fn state_with(hosts: [Vec<Vm>; 3]) -> State {
    let config = parse_config(CONFIG, "scale.toml").unwrap();
    let mut s = State::new(&config, Keymap::builtin(), themes());
    let size = Msg::Resize {
        width: 80,
        height: 24,
    };
    update(&mut s, size);
    for (index, vms) in hosts.into_iter().enumerate() {
        let inventory = HostInventory {
            facts: facts(&format!("kvm{}", index + 1)),
            vms,
        };
        host(&mut s, 0, index, HostEvent::Connected(inventory));
    }
    s
}

fn state() -> State {
    let mut busy = vm("busy", VmState::Running, 8, 1024, "small");
    busy.cpu_percent = Some(100.0);
    state_with([
        vec![member("web-0", VmState::Running), busy],
        vec![member("web-1", VmState::Shutoff)],
        vec![member("web-2", VmState::Running)],
    ])
}

/// Each operation asked for: its command, VM and host index.
fn ops(effects: &[Effect]) -> Vec<(&'static str, String, usize)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Host {
                host,
                command: HostCommand::Op { kind, .. },
                ..
            } => Some((kind.command(), vm_of(kind, e), *host)),
            _ => None,
        })
        .collect()
}

fn vm_of(kind: &OpKind, effect: &Effect) -> String {
    match (kind, effect) {
        (OpKind::Compose(spec), _) => spec.name.clone(),
        (
            _,
            Effect::Host {
                command: HostCommand::Op { uuid, .. },
                ..
            },
        ) => uuid.trim_start_matches("uuid-").to_string(),
        _ => String::new(),
    }
}

fn restamped(effects: &[Effect]) -> Vec<SetSpec> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Host {
                command:
                    HostCommand::Op {
                        kind: OpKind::Restamp(spec),
                        ..
                    },
                ..
            } => Some((**spec).clone()),
            _ => None,
        })
        .collect()
}

fn question(s: &State) -> String {
    s.confirm
        .as_ref()
        .map(|c| c.question.clone())
        .unwrap_or_else(|| status(s))
}

#[test]
fn highest_deletes_web_2_after_its_count_is_typed_and_restamps_the_rest() {
    let mut s = state();
    command(&mut s, "vm web-0");
    command(&mut s, "scale 2");
    let asked = question(&s);
    assert!(
        asked.starts_with(
            "Scale set web 3 → 2: delete web-2 on kvm3 with disks (highest first), restamp 2?"
        ),
        "{asked}"
    );
    assert!(
        asked.ends_with("Type 1 (running ones) to confirm:"),
        "{asked}"
    );
    let lines = &s.confirm.as_ref().unwrap().lines;
    assert_eq!(
        lines,
        &[
            "delete web-2 on kvm3 (running)",
            "restamp web-0 on kvm1",
            "restamp web-1 on kvm2"
        ]
    );
    typed(&mut s, "1");
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(
        ops(&effects),
        [
            ("delete", "web-2".into(), 2),
            ("restamp", "web-0".into(), 0),
            ("restamp", "web-1".into(), 1)
        ]
    );
    let specs = restamped(&effects);
    assert!(specs.iter().all(|spec| spec.replicas == 2
        && spec.generation > 100
        && spec.max == Some(5)
        && spec.group.as_deref() == Some("apart")));
    assert_eq!(specs[0].generation, specs[1].generation, "one generation");
}

#[test]
fn a_wrong_count_cancels_and_nothing_is_done() {
    let mut s = state();
    command(&mut s, "vm web-0");
    command(&mut s, "scale 1");
    assert!(
        question(&s).contains("Type 1 (running ones)"),
        "{}",
        question(&s)
    );
    typed(&mut s, "2");
    let effects = key(&mut s, KeyCode::Enter);
    assert!(ops(&effects).is_empty());
    assert_eq!(status(&s), "cancelled: '2' is not '1'; nothing was done");
}

#[test]
fn stopped_deletes_the_stopped_member_with_its_name_typed() {
    let mut s = state();
    command(&mut s, "sets");
    command(&mut s, "scale 2 stopped");
    let confirm = s.confirm.clone().expect("a question");
    // No running member goes, but a delete is a delete: its name is typed, as everywhere.
    assert!(
        confirm.question.contains("Type web-1 to confirm:"),
        "{}",
        confirm.question
    );
    assert!(
        confirm.question.contains("delete web-1 on kvm2"),
        "{}",
        confirm.question
    );
    typed(&mut s, "web-1");
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(
        ops(&effects),
        [
            ("delete", "web-1".into(), 1),
            ("restamp", "web-0".into(), 0),
            ("restamp", "web-2".into(), 2)
        ]
    );
}

#[test]
fn loaded_deletes_the_member_on_the_busiest_host() {
    let mut s = state();
    command(&mut s, "sets");
    command(&mut s, "scale 2 loaded");
    assert!(
        question(&s).contains("delete web-0 on kvm1"),
        "{}",
        question(&s)
    );
    typed(&mut s, "1");
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(ops(&effects)[0], ("delete", "web-0".into(), 0));
}

#[test]
fn s_on_the_sets_view_asks_for_the_count() {
    let mut s = state();
    command(&mut s, "sets");
    keys(&mut s, "s");
    assert_eq!(common::input_text(&s), "scale ");
    assert!(
        status(&s).starts_with("scale set web (3 desired)"),
        "{}",
        status(&s)
    );
    typed(&mut s, "2 stopped");
    key(&mut s, KeyCode::Enter);
    assert!(
        question(&s).contains("delete web-1 on kvm2"),
        "{}",
        question(&s)
    );
}

#[test]
fn counts_over_the_max_and_bad_strategies_are_refused() {
    let mut s = state();
    command(&mut s, "sets");
    command(&mut s, "scale 6");
    assert_eq!(status(&s), "set web can't grow to 6: its max is 5");
    command(&mut s, "scale 2 random");
    assert!(s.confirm.is_none());
    assert!(status(&s).contains("random"), "{}", status(&s));
}

#[test]
fn scaling_up_places_the_lowest_free_index_under_the_group() {
    // web-1 is gone: scaling to 3 composes web-1 where anti-affinity allows (kvm2 only).
    let mut s = state_with([
        vec![member("web-0", VmState::Running)],
        vec![],
        vec![member("web-2", VmState::Running)],
    ]);
    command(&mut s, "sets");
    command(&mut s, "scale 3");
    assert!(
        question(&s).contains("compose web-1 → kvm2"),
        "{}",
        question(&s)
    );
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(
        ops(&effects),
        [
            ("compose", "web-1".into(), 1),
            ("restamp", "web-0".into(), 0),
            ("restamp", "web-2".into(), 2)
        ]
    );
    // A fourth member has no host left under hard anti-affinity: nothing is asked.
    command(&mut s, "scale 4");
    assert!(s.confirm.is_none());
    assert!(status(&s).contains("can't be placed"), "{}", status(&s));
}

#[test]
fn heal_restarts_the_stopped_member_and_recreates_the_missing_one_apart() {
    let mut s = state_with([
        vec![member("web-0", VmState::Running)],
        vec![member("web-1", VmState::Shutoff)],
        vec![],
    ]);
    command(&mut s, "sets");
    command(&mut s, "heal");
    let confirm = s.confirm.clone().expect("a question");
    assert_eq!(
        confirm.question,
        "Heal set web: restart web-1 on kvm2, recreate web-2 → kvm3?"
    );
    assert_eq!(
        confirm.lines,
        ["start web-1 on kvm2", "compose web-2 → kvm3"]
    );
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(
        ops(&effects),
        [("start", "web-1".into(), 1), ("compose", "web-2".into(), 2)]
    );
    let composed = effects.iter().find_map(|e| match e {
        Effect::Host {
            command:
                HostCommand::Op {
                    kind: OpKind::Compose(spec),
                    ..
                },
            ..
        } => spec.set_spec.clone(),
        _ => None,
    });
    let spec = composed.expect("the set's spec");
    assert_eq!(
        (spec.replicas, spec.generation),
        (3, 100),
        "the spec as it stands"
    );
    assert!(matches!(
        effects.iter().find_map(|e| match e {
            Effect::Host {
                command: HostCommand::Op { kind, .. },
                ..
            } => Some(kind.clone()),
            _ => None,
        }),
        Some(OpKind::Power(PowerAction::Start))
    ));
}

#[test]
fn heal_on_a_whole_set_says_so() {
    let mut s = state_with([
        vec![member("web-0", VmState::Running)],
        vec![member("web-1", VmState::Running)],
        vec![member("web-2", VmState::Running)],
    ]);
    command(&mut s, "vm web-1");
    command(&mut s, "heal");
    assert!(s.confirm.is_none());
    assert_eq!(status(&s), "set web is whole: nothing to heal");
}

#[test]
fn the_scale_question_as_drawn() {
    let mut s = state();
    command(&mut s, "sets");
    command(&mut s, "scale 1");
    typed(&mut s, "1");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, &s)).unwrap();
    insta::assert_snapshot!("sets_scale_question_80x24", terminal.backend().to_string());
}

#[test]
fn heal_leaves_a_member_on_a_down_host_and_says_so() {
    let mut s = state_with([
        vec![member("web-0", VmState::Running)],
        vec![member("web-1", VmState::Shutoff)],
        vec![member("web-2", VmState::Running)],
    ]);
    let down = HostEvent::Down {
        reason: "Connection refused".into(),
        retry_in_secs: 4,
    };
    host(&mut s, 0, 2, down);
    command(&mut s, "sets");
    command(&mut s, "heal");
    let asked = question(&s);
    assert!(
        asked.starts_with(
            "Heal set web: restart web-1 on kvm2? (left as is: leave web-2: on down host kvm3"
        ),
        "{asked}"
    );
    let effects = key(&mut s, KeyCode::Char('y'));
    assert_eq!(ops(&effects), [("start", "web-1".into(), 1)]);
    // Scaling in never picks the member it can't reach, nor restamps it.
    command(&mut s, "scale 2");
    let lines = s
        .confirm
        .as_ref()
        .map(|c| c.lines.clone())
        .unwrap_or_default();
    assert_eq!(
        lines,
        ["delete web-1 on kvm2", "restamp web-0 on kvm1"],
        "{}",
        question(&s)
    );
}
