//! `:rt` and the host view's real-time line: the command asks each libvirt host that is up
//! for its placement, the check is computed when the placement arrives, and the views draw
//! it (a violation named with its rule).

mod common;

use common::realtime::realtime;

use common::{facts, host, key, themes, typed, vm};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::state::View;
use vmdeck::app::{Effect, Msg, State, update};
use vmdeck::backend::{HostCommand, HostEvent};
use vmdeck::config::parse_config;
use vmdeck::keymap::Keymap;
use vmdeck::model::{HostInventory, VmState};

/// kvm1's node 1 (CPUs 8-15) is the slice, CPU 8 for housekeeping.
const CONFIG: &str = r#"
[[pool]]
name = "prod"
hosts = [{ name = "kvm1", uri = "qemu+ssh://kvm1/system" }, { name = "kvm2", uri = "qemu+ssh://kvm2/system" }]
[[pool.partition]]
name = "/machine/rt"
cpus = "8-15"
housekeeping = "8"
"#;

fn state() -> State {
    let config = parse_config(CONFIG, "rt.toml").unwrap();
    let mut state = State::new(&config, Keymap::builtin(), themes());
    update(
        &mut state,
        Msg::Resize {
            width: 120,
            height: 30,
        },
    );
    let inventory = HostInventory {
        facts: facts("kvm1"),
        vms: vec![
            vm("rt-good", VmState::Running, 2, 1024, "rt"),
            vm("rt-bad", VmState::Shutoff, 1, 1024, "rt"),
        ],
    };
    host(&mut state, 0, 0, HostEvent::Connected(inventory));
    state
}

fn placed(state: &mut State) {
    let placement = vec![
        realtime("rt-good", &[9, 10], 1, Some(vec![8])),
        realtime("rt-bad", &[11], 1, None),
    ];
    host(state, 0, 0, HostEvent::Placement(placement));
}

fn draw(state: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, state)).unwrap();
    terminal.backend().to_string()
}

fn command(state: &mut State, line: &str) -> Vec<Effect> {
    key(state, KeyCode::Char(':'));
    typed(state, line);
    key(state, KeyCode::Enter)
}

#[test]
fn rt_asks_the_hosts_that_are_up_and_checks_what_they_answer() {
    let mut s = state();
    let effects = command(&mut s, "rt");
    assert_eq!(s.screen().view, View::Rt { pool: None });
    // kvm2 has not connected: only kvm1 is asked.
    assert_eq!(
        effects,
        [Effect::Host {
            pool: 0,
            host: 0,
            command: HostCommand::LoadHostView
        }]
    );
    assert!(draw(&s).contains("reading its VMs' placement"));
    placed(&mut s);
    assert_eq!(s.rt.tally(0, 0), Some((2, 1)));
    let screen = draw(&s);
    assert!(
        screen.contains("real-time check: 2 VMs, 1 with violations"),
        "{screen}"
    );
    let line = screen
        .lines()
        .find(|l| l.contains("emulator-pinned") && l.contains("violation"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(line.contains("without <emulatorpin>"), "{line}");
    assert!(screen.contains("rt-good"), "{screen}");
}

#[test]
fn the_host_view_has_a_real_time_line() {
    let mut s = state();
    command(&mut s, "host kvm1");
    placed(&mut s);
    let screen = draw(&s);
    assert!(
        screen.contains("Real-time 2 VMs in a slice or under fifo/rr: 1 with violations (:rt)"),
        "{screen}"
    );
}
