//! The sets view shows each set's last watcher decision, as stamped on its members (the
//! newest spec's `set-decision`), and nothing for a set the watcher never acted on.

mod common;

use common::{command, facts, host, themes, vm};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::HostEvent;
use vmdeck::config::parse_config;
use vmdeck::keymap::Keymap;
use vmdeck::model::set::SetSpec;
use vmdeck::model::{HostInventory, Vm, VmStamp, VmState};

const CONFIG: &str = r#"
[[pool]]
name = "prod"
hosts = [{ name = "kvm1", uri = "qemu+ssh://kvm1/system" }]
"#;

const DECISION: &str = "2026-12-01 20:01 UTC web: avg CPU 91 % > 70 % target, 2 → 3";

fn member(set: &str, name: &str, decision: Option<&str>, generation: u64) -> Vm {
    let mut vm = vm(name, VmState::Running, 1, 1024, "small");
    vm.stamp = VmStamp {
        set: Some(set.into()),
        set_spec: Some(SetSpec {
            replicas: 2,
            vm_type: "small".into(),
            image: "deb".into(),
            autoscale_cpu: Some(70),
            decision: decision.map(str::to_string),
            generation,
            ..SetSpec::default()
        }),
        ..VmStamp::default()
    };
    vm
}

fn screen(s: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, s)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn each_set_shows_its_newest_decision_under_its_figures() {
    let config = parse_config(CONFIG, "sets.toml").unwrap();
    let mut s = State::new(&config, Keymap::builtin(), themes());
    update(
        &mut s,
        Msg::Resize {
            width: 100,
            height: 20,
        },
    );
    let vms = vec![
        // web-1 has not been restamped yet: the newest spec's decision is the one shown.
        member("web", "web-0", Some(DECISION), 200),
        member("web", "web-1", Some("older decision"), 100),
        member("db", "db-0", None, 100),
        member("db", "db-1", None, 100),
    ];
    let inventory = HostInventory {
        facts: facts("kvm1"),
        vms,
    };
    host(&mut s, 0, 0, HostEvent::Connected(inventory));
    command(&mut s, "sets prod");
    let text = screen(&s);
    let decision = format!("last decision: {DECISION}");
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains(&decision))
        .unwrap_or_else(|| panic!("no decision line:\n{text}"));
    assert!(lines[at - 1].contains("2 desired"), "{text}");
    assert!(!text.contains("older decision"), "{text}");
    assert_eq!(text.matches("last decision").count(), 1, "{text}");
}
