//! The real-time check where the console shows it beside everything else: a flag in the VM
//! list (judged in `update` when a host's VMs or placement change, never per frame), marks
//! on the NUMA cards, the cores the compose preview gives a real-time type, and
//! `:compose … --no-start`. The host has the shape of libvirt's test capabilities with
//! hyperthreads: one node, 4 cores × 2 threads, cores (0,4) (1,5) (2,6) (3,7).

mod common;

use common::realtime::realtime;

use common::compose_lab::image;
use common::{command, ctrl, facts, host, key, themes, vm};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::ops::OpKind;
use vmdeck::app::table::{RowId, VM_RT_COLUMN, cell};
use vmdeck::app::{Effect, Msg, State, update};
use vmdeck::backend::{HostCommand, HostEvent};
use vmdeck::config::parse_config;
use vmdeck::keymap::Keymap;
use vmdeck::model::{HostFacts, HostInventory, NumaCell, Pages, VmPlacement, VmState};

/// The slice is cores 1-3 whole, CPU 1 for housekeeping; the type is SEAPATH's shape.
const CONFIG: &str = r#"
[[pool]]
name = "prod"
hosts = [{ name = "kvm1", uri = "qemu+ssh://kvm1/system" }, { name = "kvm2", uri = "qemu+ssh://kvm2/system" }]
[[pool.partition]]
name = "/machine/rt"
cpus = "1-3,5-7"
housekeeping = "1"
[[vm_type]]
name = "rt"
vcpus = 2
memory = "1GiB"
disk = "10GiB"
partition = "/machine/rt"
vcpusched = "fifo"
priority = 1
isolate = "core"
"#;

fn smt_facts(name: &str) -> HostFacts {
    HostFacts {
        cpus: 8,
        numa: vec![NumaCell {
            id: 0,
            cpus: (0..8).collect(),
            memory_bytes: 32 << 30,
            free_bytes: Some(20 << 30),
            offline_cpus: vec![],
            isolated_cpus: Some(vec![1, 2, 3, 5, 6, 7]),
            pages: vec![Pages::new(4, 100)],
            siblings: vec![vec![0, 4], vec![1, 5], vec![2, 6], vec![3, 7]],
        }],
        ..facts(name)
    }
}

/// kvm1 holds `rt-good` (cores 2 and 3, emulator on 1), `rt-bad` (on 6, core 2's sibling,
/// no emulatorpin) and `web` (neither in a slice nor real-time); kvm2 is empty.
fn state() -> State {
    let config = parse_config(CONFIG, "rt.toml").unwrap();
    let mut s = State::new(&config, Keymap::builtin(), themes());
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    let vms = vec![
        vm("rt-good", VmState::Running, 2, 1024, "rt"),
        vm("rt-bad", VmState::Shutoff, 1, 1024, "rt"),
        vm("web", VmState::Running, 1, 1024, "small"),
    ];
    for (index, (name, vms)) in [("kvm1", vms), ("kvm2", vec![])].into_iter().enumerate() {
        let inventory = HostInventory {
            facts: smt_facts(name),
            vms,
        };
        host(&mut s, 0, index, HostEvent::Connected(inventory));
        host(&mut s, 0, index, HostEvent::Images(Ok(vec![image(name)])));
    }
    s
}

fn placement() -> Vec<VmPlacement> {
    vec![
        realtime("rt-good", &[2, 3], 0, Some(vec![1])),
        realtime("rt-bad", &[6], 0, None),
    ]
}

/// The RT cell of each VM of kvm1, by name.
fn flags(s: &State) -> Vec<(String, String)> {
    let vms = &s.pools[0].hosts[0].vms;
    let mut flags: Vec<(String, String)> = (0..vms.len())
        .map(|v| {
            let text = cell(s, RowId::Vm(0, 0, v), VM_RT_COLUMN);
            (vms[v].name.clone(), text)
        })
        .collect();
    flags.sort();
    flags
}

fn draw(s: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, s)).unwrap();
    terminal.backend().to_string()
}

fn pair(name: &str, flag: &str) -> (String, String) {
    (name.to_string(), flag.to_string())
}

#[test]
fn the_vm_list_flags_each_checked_vm_once_its_placement_is_known() {
    let mut s = state();
    command(&mut s, "vms prod");
    assert!(flags(&s).iter().all(|(_, f)| f.is_empty()));
    s.take_dirty();
    let derived = s.row_cache.derivations;
    host(&mut s, 0, 0, HostEvent::Placement(placement()));
    // rt-bad: no emulatorpin, and its vCPU shares core 2 with rt-good's.
    assert_eq!(
        flags(&s),
        [
            pair("rt-bad", "RT!2"),
            pair("rt-good", "RT!1"),
            pair("web", "")
        ]
    );
    assert!(s.take_dirty().inventory, "a changed flag redraws the rows");
    assert_eq!(s.row_cache.derivations, derived + 1);
    // The same placement again changes no flag: the rows are not derived again.
    host(&mut s, 0, 0, HostEvent::Placement(placement()));
    assert_eq!(s.row_cache.derivations, derived + 1);
    // `/RT!` finds the VMs with violations.
    key(&mut s, KeyCode::Char('/'));
    common::typed(&mut s, "RT!");
    key(&mut s, KeyCode::Enter);
    insta::assert_snapshot!(draw(&s, 80, 24));
}

#[test]
fn an_event_that_places_one_vm_again_changes_its_flag_and_a_removed_vm_loses_it() {
    let mut s = state();
    command(&mut s, "vms prod");
    host(&mut s, 0, 0, HostEvent::Placement(placement()));
    // rt-bad redefined behind vmdeck's back on core 3's sibling with its emulator pinned:
    // it now shares core 3 with rt-good only.
    let fixed = realtime("rt-bad", &[7], 0, Some(vec![5]));
    host(&mut s, 0, 0, HostEvent::VmPlaced(fixed));
    assert_eq!(flags(&s)[0], pair("rt-bad", "RT!1"));
    host(
        &mut s,
        0,
        0,
        HostEvent::VmRemoved {
            uuid: "uuid-rt-bad".into(),
        },
    );
    assert_eq!(flags(&s), [pair("rt-good", "RT✓"), pair("web", "")]);
    assert_eq!(s.rt.tally(0, 0), Some((1, 0)));
}

#[test]
fn numa_cards_mark_the_cpus_real_time_vcpus_hold_and_each_vms_slice() {
    let mut s = state();
    command(&mut s, "host kvm1");
    host(&mut s, 0, 0, HostEvent::Placement(placement()));
    let screen = draw(&s, 100, 30);
    assert!(
        screen.contains("isolated 1-3,5-7 · RT vCPUs on 2-3,6 (siblings idle 7)"),
        "{screen}"
    );
    assert!(
        screen.contains("VMs rt-good [/machine/rt] RT!1, rt-bad [/machine/rt] RT!2"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn the_compose_preview_gives_the_cores_and_explains_the_host_without_them() {
    let mut s = state();
    host(&mut s, 0, 0, HostEvent::Placement(placement()));
    host(&mut s, 0, 1, HostEvent::Placement(Vec::new()));
    let effects = command(&mut s, "compose rt-new --type rt --image deb --no-start");
    // The pool has slices: opening the form reads every host's placement again.
    let reloads = effects
        .iter()
        .filter(|e| {
            matches!(
                e,
                Effect::Host {
                    command: HostCommand::LoadHostView,
                    ..
                }
            )
        })
        .count();
    assert_eq!(reloads, 2);
    assert!(s.compose.as_ref().unwrap().no_start);
    let screen = draw(&s, 160, 48);
    assert!(
        screen.contains("node 0 · vCPU 0 → 2, vCPU 1 → 3 · emulator → 1 · fifo priority 1"),
        "{screen}"
    );
    assert!(
        screen.contains("needs 2 whole cores in /machine/rt on node 0, 0 free"),
        "{screen}"
    );
    assert!(screen.contains("[ Define (not started) ]"), "{screen}");
    insta::assert_snapshot!(screen);

    ctrl(&mut s, 's');
    let effects = key(&mut s, KeyCode::Char('y'));
    let spec = effects
        .iter()
        .find_map(|e| match e {
            Effect::Host {
                host: 1,
                command:
                    HostCommand::Op {
                        kind: OpKind::Compose(spec),
                        ..
                    },
                ..
            } => Some(spec.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no compose on kvm2: {effects:?}"));
    assert!(!spec.start, "--no-start defines without starting");
    let cores = spec.cores.unwrap();
    assert_eq!(
        (cores.vcpus, cores.emulator),
        (vec![vec![2], vec![3]], vec![1])
    );
}

#[test]
fn the_headless_help_says_what_no_start_is_for() {
    let help = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_vmdeck"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(help(&["--help"]).contains("--no-start only defines them"));
    let compose = help(&["compose", "--help"]);
    let line = compose
        .lines()
        .find(|l| l.trim_start().starts_with("--no-start"))
        .unwrap_or_else(|| panic!("{compose}"));
    assert!(
        line.contains("Define the VMs without starting them"),
        "{line}"
    );
    assert!(compose.contains("fifo/rr"), "{compose}");
}
