//! Render snapshots of the capacity figures of a host with many stopped domains and one of
//! 8 EiB: the running and the defined figure side by side, the policy named, nothing wrapped.

mod common;

use common::{host, key, state, typed, vm};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::HostEvent;
use vmdeck::model::{HostInventory, VmState};

fn draw(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("a terminal");
    terminal
        .draw(|f| vmdeck::ui::render(f, state))
        .expect("drawn");
    terminal.backend().to_string()
}

/// kvm1 with its three VMs, 300 stopped templates, one that starts at boot, and — with
/// `huge` — a running domain of 9007199254740991 KiB, which libvirt accepts.
fn templates(width: u16, height: u16, huge: bool, command: &str) -> String {
    let mut s = state();
    update(&mut s, Msg::Resize { width, height });
    let mut vms = s.pools[0].hosts[0].vms.clone();
    vms.extend((0..300).map(|n| vm(&format!("tpl-{n:03}"), VmState::Shutoff, 3, 512, "small")));
    let mut boot = vm("boots", VmState::Shutoff, 2, 1024, "small");
    boot.autostart = true;
    vms.push(boot);
    if huge {
        let mut big = vm("big", VmState::Running, 1, 0, "small");
        big.memory_bytes = 9_007_199_254_740_991 * 1024;
        vms.extend([big.clone(), big.clone(), big]);
    }
    let inventory = HostInventory {
        facts: common::facts("kvm1"),
        vms,
    };
    host(&mut s, 0, 0, HostEvent::Connected(inventory));
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, command);
    key(&mut s, KeyCode::Enter);
    draw(&s, width, height)
}

#[test]
fn host_view_with_templates_80x24() {
    insta::assert_snapshot!(templates(80, 24, false, "host kvm1"));
}

#[test]
fn host_view_with_templates_160x48() {
    insta::assert_snapshot!(templates(160, 48, false, "host kvm1"));
}

#[test]
fn dashboard_with_templates_80x24() {
    insta::assert_snapshot!(templates(80, 24, false, "dashboard prod"));
}

#[test]
fn dashboard_with_an_8_eib_domain_160x48() {
    insta::assert_snapshot!(templates(160, 48, true, "dashboard prod"));
}

#[test]
fn pools_view_with_templates() {
    insta::assert_snapshot!(templates(100, 12, false, "pools"));
}

/// kvm1's NUMA cards with nine VMs on node 0 (one of them also on node 1), an RT guest in
/// `/machine/rt` whose emulator is pinned to node 0, and an emulatorpin-only VM.
fn numa_cards(width: u16, height: u16) -> String {
    let mut s = state();
    update(&mut s, Msg::Resize { width, height });
    let mut vms = s.pools[0].hosts[0].vms.clone();
    vms.extend((0..9).map(|n| vm(&format!("n0-{n}"), VmState::Running, 1, 512, "small")));
    vms.push(vm("rt-1", VmState::Running, 2, 512, "small"));
    vms.push(vm("emu-only", VmState::Running, 1, 512, "small"));
    let inventory = HostInventory {
        facts: common::facts("kvm1"),
        vms,
    };
    host(&mut s, 0, 0, HostEvent::Connected(inventory));
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "host kvm1");
    key(&mut s, KeyCode::Enter);
    let placed = |name: &str, cpus: Vec<u32>, emulator: Vec<u32>| vmdeck::model::VmPlacement {
        uuid: format!("uuid-{name}"),
        cpus,
        memory_nodes: vec![],
        hugepages: false,
        emulator_cpus: emulator,
        partition: (name == "rt-1").then(|| "/machine/rt".to_string()),
        tuning: Default::default(),
    };
    let mut placement: Vec<_> = (0..9)
        .map(|n| placed(&format!("n0-{n}"), vec![n % 6], vec![]))
        .collect();
    placement[8].cpus.push(9);
    placement.push(placed("rt-1", vec![10, 11], vec![0, 1]));
    placement.push(placed("emu-only", vec![], vec![2]));
    host(&mut s, 0, 0, HostEvent::Placement(placement));
    draw(&s, width, height)
}

#[test]
fn numa_cards_80x24() {
    insta::assert_snapshot!(numa_cards(80, 24));
}

#[test]
fn numa_cards_160x48() {
    insta::assert_snapshot!(numa_cards(160, 48));
}
