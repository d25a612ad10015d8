//! Budgets (release build): a frame of the VM list with 10 000 VMs at 200×50 (≤ 5 ms), one
//! filter keystroke over 10 000 VMs (≤ 10 ms), one lifecycle event applied (with the list
//! rebuilt). Results and the machine they ran on go in benches/README.md.

use std::collections::HashMap;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::state::Themes;
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::HostEvent;
use vmdeck::config::parse_config;
use vmdeck::keymap::Keymap;
use vmdeck::model::{HostFacts, HostInventory, Vm, VmStamp, VmState};
use vmdeck::theme::Theme;

const HOSTS: usize = 10;
const VMS_PER_HOST: usize = 1000;

fn vm(host: usize, i: usize) -> Vm {
    Vm {
        name: format!("h{host:02}-vm-{i:04}"),
        uuid: format!("{host:08}-0000-0000-0000-{i:012}"),
        state: if i.is_multiple_of(3) {
            VmState::Shutoff
        } else {
            VmState::Running
        },
        vcpus: 2,
        memory_bytes: 4 << 30,
        autostart: false,
        persistent: true,
        stamp: VmStamp {
            vm_type: Some(["small", "medium", "large"][i % 3].into()),
            ..VmStamp::default()
        },
        cpu_percent: Some((i % 100) as f64),
        memory_used_bytes: None,
        guest_used_bytes: None,
        kind: None,
        location: None,
    }
}

/// 10 hosts × 1 000 VMs.
fn big_state() -> State {
    let hosts: Vec<String> = (0..HOSTS)
        .map(|h| format!("\"qemu+ssh://h{h:02}/system\""))
        .collect();
    let config = parse_config(
        &format!("[[pool]]\nname = \"big\"\nhosts = [{}]\n", hosts.join(",")),
        "bench",
    )
    .unwrap();
    let themes = Themes {
        global: Theme::builtin(),
        by_name: HashMap::new(),
    };
    let mut state = State::new(&config, Keymap::builtin(), themes);
    update(
        &mut state,
        Msg::Resize {
            width: 200,
            height: 50,
        },
    );
    for host in 0..HOSTS {
        let inventory = HostInventory {
            facts: HostFacts::default(),
            vms: (0..VMS_PER_HOST).map(|i| vm(host, i)).collect(),
        };
        update(
            &mut state,
            Msg::Host {
                pool: 0,
                host,
                event: HostEvent::Connected(inventory),
            },
        );
    }
    assert_eq!(state.rows.len(), HOSTS * VMS_PER_HOST);
    state
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn benches(c: &mut Criterion) {
    let state = big_state();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("render vm list 10k vms 200x50", |b| {
        b.iter(|| {
            terminal.draw(|f| vmdeck::ui::render(f, &state)).unwrap();
        })
    });

    let mut filtering = big_state();
    update(&mut filtering, key('/'));
    update(&mut filtering, key('h'));
    c.bench_function("filter keystroke over 10k vms", |b| {
        b.iter(|| {
            update(&mut filtering, key('5'));
            update(
                &mut filtering,
                Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)),
            );
        })
    });

    let mut events = big_state();
    let mut flip = false;
    c.bench_function("apply one lifecycle event (10k vms)", |b| {
        b.iter(|| {
            flip = !flip;
            let mut changed = vm(3, 500);
            changed.state = if flip {
                VmState::Paused
            } else {
                VmState::Running
            };
            update(
                &mut events,
                Msg::Host {
                    pool: 0,
                    host: 3,
                    event: HostEvent::VmUpdated(changed),
                },
            )
        })
    });
}

criterion_group!(ui, benches);
criterion_main!(ui);
