//! Budgets (release build): a frame of the VM list with 10 000 VMs at 200×50 (≤ 5 ms), one
//! filter keystroke over 10 000 VMs (≤ 10 ms), PgDn (≤ 5 ms), one console data chunk with
//! 10 000 VMs listed (≤ 0.1 ms in `update`), a stats sample of 1 000 VMs whose figures on
//! screen stay the same, one lifecycle event applied (with the list ordered again). Results
//! and the machine they ran on go in benches/README.md.

use std::collections::HashMap;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::state::Themes;
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::HostEvent;
use vmdeck::backend::console::ConsoleEvent;
use vmdeck::config::parse_config;
use vmdeck::keymap::Keymap;
use vmdeck::model::{HostFacts, HostInventory, Vm, VmSample, VmStamp, VmState};
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
        booted: None,
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

    let mut paging = big_state();
    let mut down = true;
    c.bench_function("PgDn/PgUp over 10k vms", |b| {
        b.iter(|| {
            down = !down;
            let code = if down {
                KeyCode::PageDown
            } else {
                KeyCode::PageUp
            };
            update(
                &mut paging,
                Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
            )
        })
    });

    console_chunk(c);
    unchanged_sample(c);

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

/// 10 000 VMs listed beside a console pane: one chunk of guest output through `update`.
fn console_chunk(c: &mut Criterion) {
    let mut state = big_state();
    update(&mut state, key('c'));
    let id = state.consoles.tabs[0].id;
    update(
        &mut state,
        Msg::Console {
            id,
            event: ConsoleEvent::Opened,
        },
    );
    let line =
        b"[  12.345678] a line of guest output, like a boot log or a busy service\r\n".to_vec();
    c.bench_function("one console chunk, 10k vms listed", |b| {
        b.iter(|| {
            let event = ConsoleEvent::Data(line.clone());
            update(&mut state, Msg::Console { id, event })
        })
    });
}

/// A stats sample of one host's 1 000 VMs with the same figures as before (10 000 listed).
fn unchanged_sample(c: &mut Criterion) {
    let mut state = big_state();
    let samples: Vec<VmSample> = (0..VMS_PER_HOST)
        .map(|i| VmSample {
            uuid: vm(3, i).uuid,
            cpu_percent: Some((i % 100) as f64),
            memory_used_bytes: Some(1 << 30),
            guest_used_bytes: None,
        })
        .collect();
    let mut secs = 0;
    c.bench_function("stats sample of 1k vms, figures unchanged (10k vms)", |b| {
        b.iter(|| {
            secs += 5;
            let event = HostEvent::Samples {
                samples: samples.clone(),
                taken_at: std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs),
            };
            update(
                &mut state,
                Msg::Host {
                    pool: 0,
                    host: 3,
                    event,
                },
            )
        })
    });
}

criterion_group!(ui, benches);
criterion_main!(ui);
