//! A small inventory for reducer and render tests (never the proof that a backend works:
//! the end-to-end tests run against the real lab).
#![allow(dead_code)]

pub mod columns_lab;
pub mod compose_lab;
pub mod realtime;

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use vmdeck::app::state::Themes;
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::HostEvent;
use vmdeck::config::parse_config;
use vmdeck::keymap::Keymap;
use vmdeck::model::{HostFacts, HostInventory, NumaCell, StoragePool, Vm, VmStamp, VmState};
use vmdeck::theme::Theme;

pub const CONFIG: &str = r#"
[[pool]]
name = "prod"
hosts = [{ name = "kvm1", uri = "qemu+ssh://kvm1/system" }, { name = "kvm2", uri = "qemu+ssh://kvm2/system" }]

[[pool]]
name = "edge"
driver = "incus"
url = "https://edge:8443"

[[vm_type]]
name = "small"
vcpus = 1
memory = "2GiB"
disk = "20GiB"

[[vm_type]]
name = "large"
vcpus = 4
memory = "8GiB"
disk = "80GiB"
"#;

pub fn vm(name: &str, state: VmState, vcpus: u32, mem_mib: u64, vm_type: &str) -> Vm {
    Vm {
        name: name.into(),
        uuid: format!("uuid-{name}"),
        state,
        vcpus,
        memory_bytes: mem_mib << 20,
        autostart: false,
        persistent: true,
        stamp: VmStamp {
            vm_type: Some(vm_type.into()),
            group: Some("web".into()),
            ..VmStamp::default()
        },
        cpu_percent: if state == VmState::Running {
            Some(12.0)
        } else {
            None
        },
        guest_used_bytes: None,
        memory_used_bytes: None,
        kind: None,
        location: None,
        booted: None,
    }
}

pub fn facts(name: &str) -> HostFacts {
    HostFacts {
        hostname: name.into(),
        cpu_model: "Skylake-Server".into(),
        cpus: 16,
        mhz: 2400,
        memory_bytes: 64 << 30,
        numa: vec![
            NumaCell {
                id: 0,
                cpus: (0..8).collect(),
                memory_bytes: 32 << 30,
                free_bytes: Some(20 << 30),
                offline_cpus: vec![],
                isolated_cpus: Some(vec![6, 7]),
                pages: vec![vmdeck::model::Pages::new(4, 100)],
                siblings: vec![],
            },
            NumaCell {
                id: 1,
                cpus: (8..16).collect(),
                memory_bytes: 32 << 30,
                free_bytes: Some(10 << 30),
                offline_cpus: vec![15],
                isolated_cpus: Some(vec![]),
                pages: vec![vmdeck::model::Pages::new(4, 100)],
                siblings: vec![],
            },
        ],
        storage: vec![StoragePool {
            name: "default".into(),
            active: true,
            capacity_bytes: 100 << 30,
            allocation_bytes: 40 << 30,
            available_bytes: 60 << 30,
        }],
        hypervisor: "QEMU 10.0.2 / libvirt 11.3.0".into(),
        devices: Default::default(),
    }
}

pub fn themes() -> Themes {
    Themes {
        global: Theme::builtin(),
        by_name: HashMap::from([("default".to_string(), Theme::builtin())]),
    }
}

/// prod: kvm1 up with three VMs, kvm2 down; edge: incus, unsupported.
pub fn state() -> State {
    let config = parse_config(CONFIG, "test.toml").unwrap();
    let mut state = State::new(&config, Keymap::builtin(), themes());
    update(
        &mut state,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    let inventory = HostInventory {
        facts: facts("kvm1"),
        vms: vec![
            vm("api-1", VmState::Running, 2, 2048, "small"),
            vm("db-1", VmState::Running, 4, 8192, "large"),
            vm("spare-1", VmState::Shutoff, 1, 1024, "small"),
        ],
    };
    host(&mut state, 0, 0, HostEvent::Connected(inventory));
    host(
        &mut state,
        0,
        1,
        HostEvent::Down {
            reason: "Connection refused".into(),
            retry_in_secs: 4,
        },
    );
    host(
        &mut state,
        1,
        0,
        HostEvent::Unsupported("the Incus driver is not available yet".into()),
    );
    state
}

pub fn host(
    state: &mut State,
    pool: usize,
    host: usize,
    event: HostEvent,
) -> Vec<vmdeck::app::Effect> {
    update(state, Msg::Host { pool, host, event })
}

pub fn key(state: &mut State, code: KeyCode) -> Vec<vmdeck::app::Effect> {
    update(state, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(state: &mut State, c: char) -> Vec<vmdeck::app::Effect> {
    update(
        state,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

pub fn typed(state: &mut State, text: &str) {
    for c in text.chars() {
        key(state, KeyCode::Char(c));
    }
}

/// The names of the VMs on screen, in order.
pub fn vm_names(state: &State) -> Vec<String> {
    state
        .rows
        .iter()
        .filter_map(|row| match row {
            vmdeck::app::table::RowId::Vm(p, h, v) => {
                Some(state.pools[*p].hosts[*h].vms[*v].name.clone())
            }
            _ => None,
        })
        .collect()
}

/// One pool `p` with one running VM `a`; `global` makes the whole config read-only, else
/// only the pool is.
pub fn read_only_state(global: bool) -> State {
    let text = if global {
        "read_only = true\n[[pool]]\nname = \"p\"\nhosts = [\"qemu+ssh://k/system\"]\n"
    } else {
        "[[pool]]\nname = \"p\"\nread_only = true\nhosts = [\"qemu+ssh://k/system\"]\n"
    };
    let config = parse_config(text, "ro.toml").unwrap();
    let mut s = State::new(&config, Keymap::builtin(), themes());
    let inventory = HostInventory {
        facts: facts("k"),
        vms: vec![vm("a", VmState::Running, 1, 512, "small")],
    };
    host(&mut s, 0, 0, HostEvent::Connected(inventory));
    s
}

/// Types a key sequence as the keymap writes it (`:vm api-1<Enter>c`, `<C-s>`), helix-style,
/// and returns every effect it asked for.
pub fn keys(state: &mut State, sequence: &str) -> Vec<vmdeck::app::Effect> {
    let chords = vmdeck::keymap::Chord::parse_sequence(sequence).expect("a key sequence");
    chords
        .iter()
        .flat_map(|chord| update(state, Msg::Key(chord.to_key_event())))
        .collect()
}

/// What the effect runner does with `Effect::ReadUserData`: reads the file and answers.
pub fn read_files(state: &mut State, effects: Vec<vmdeck::app::Effect>) {
    for effect in effects {
        if let vmdeck::app::Effect::ReadUserData(args) = effect {
            let path = args.user_data.clone().unwrap_or_default();
            let text = vmdeck::compose::UserData::read(&path);
            update(state, Msg::UserData { args, text });
        }
    }
}

/// Pools `rw` and `ro` (read-only), one host and VM each: per-pool read-only.
pub fn mixed_read_only_state() -> State {
    let text = "[[pool]]\nname = \"rw\"\nhosts = [{ name = \"k1\", uri = \"qemu+ssh://k1/system\" }]\n\
                [[pool]]\nname = \"ro\"\nread_only = true\nhosts = [{ name = \"k2\", uri = \"qemu+ssh://k2/system\" }]\n";
    let config = parse_config(text, "mixed.toml").unwrap();
    let mut s = State::new(&config, Keymap::builtin(), themes());
    for (pool, name) in [(0, "w"), (1, "r")] {
        let inventory = HostInventory {
            facts: facts(name),
            vms: vec![vm(name, VmState::Running, 1, 512, "small")],
        };
        host(&mut s, pool, 0, HostEvent::Connected(inventory));
    }
    s
}

/// Types a `:` command and submits it.
pub fn command(state: &mut State, line: &str) -> Vec<vmdeck::app::Effect> {
    key(state, KeyCode::Char(':'));
    typed(state, line);
    key(state, KeyCode::Enter)
}

/// The text of the status line.
pub fn status(state: &State) -> String {
    state
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// The text of the `:` line being typed.
pub fn input_text(state: &State) -> String {
    state
        .input
        .as_ref()
        .map(|l| l.text.clone())
        .unwrap_or_default()
}

/// Details with these snapshots for a VM of kvm1 in `state()`.
pub fn load_snapshots(state: &mut State, uuid: &str, names: &[&str]) {
    let snapshots = names
        .iter()
        .map(|n| vmdeck::model::Snapshot {
            name: n.to_string(),
            parent: None,
            description: String::new(),
            created: 0,
            state: "shutoff".into(),
            current: false,
        })
        .collect();
    let details = vmdeck::model::VmDetails {
        disks: vec![],
        nics: vec![],
        xml: String::new(),
        snapshots,
    };
    let result = Ok(details);
    host(
        state,
        0,
        0,
        HostEvent::Details {
            uuid: uuid.into(),
            result,
        },
    );
}

/// The (action, result) of each audit line among `effects`.
pub fn audit_results(effects: &[vmdeck::app::Effect]) -> Vec<(&str, &str)> {
    effects
        .iter()
        .filter_map(|e| match e {
            vmdeck::app::Effect::Audit { action, result, .. } => {
                Some((action.as_str(), result.as_str()))
            }
            _ => None,
        })
        .collect()
}
