//! The sets view through `update`: `:sets`, the dashboard's Enter, moving between sets, Enter
//! on a set (its members as a filtered VM list), the status derived again when a member
//! changes (no key pressed), `:scale` stamping the new count, and the view as drawn (text
//! and styles).

mod common;

use common::{command, facts, host, key, keys, themes, vm, vm_names};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use vmdeck::app::state::View;
use vmdeck::app::{Effect, Msg, State, update};
use vmdeck::backend::{HostCommand, HostEvent};
use vmdeck::config::parse_config;
use vmdeck::keymap::Keymap;
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

/// A member of `set`; `web` keeps its members apart, `db` has no group.
fn member(set: &str, name: &str, state: VmState, replicas: u32) -> Vm {
    let mut vm = vm(name, state, 1, 1024, "small");
    let group = (set == "web").then(|| "apart".to_string());
    vm.stamp = VmStamp {
        vm_type: Some("small".into()),
        group: group.clone(),
        set: Some(set.into()),
        image: Some("deb".into()),
        set_spec: Some(SetSpec {
            replicas,
            vm_type: "small".into(),
            image: "deb".into(),
            group,
            generation: 100,
            ..SetSpec::default()
        }),
        ..VmStamp::default()
    };
    vm
}

/// Set `web` of 3: web-0 runs on kvm1, web-1 is stopped on kvm1 too (against the group),
/// web-2 is on kvm3, which is down. Set `db` of 2: db-0 runs on kvm2, db-1 is missing.
fn state() -> State {
    let config = parse_config(CONFIG, "sets.toml").unwrap();
    let mut s = State::new(&config, Keymap::builtin(), themes());
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    let hosts = [
        vec![
            member("web", "web-0", VmState::Running, 3),
            member("web", "web-1", VmState::Shutoff, 3),
        ],
        vec![member("db", "db-0", VmState::Running, 2)],
        vec![member("web", "web-2", VmState::Running, 3)],
    ];
    for (index, vms) in hosts.into_iter().enumerate() {
        let inventory = HostInventory {
            facts: facts(&format!("kvm{}", index + 1)),
            vms,
        };
        host(&mut s, 0, index, HostEvent::Connected(inventory));
    }
    let down = HostEvent::Down {
        reason: "Connection refused".into(),
        retry_in_secs: 4,
    };
    host(&mut s, 0, 2, down);
    s
}

fn figures(s: &State) -> Vec<(String, u32, u32, u32, usize)> {
    s.derived.sets[0]
        .iter()
        .map(|set| {
            let problems = set.problems.len();
            (
                set.name.clone(),
                set.desired,
                set.present,
                set.running,
                problems,
            )
        })
        .collect()
}

#[test]
fn sets_open_move_and_show_their_members() {
    let mut s = state();
    assert_eq!(
        s.derived.sets_stale,
        [true],
        "the VM list on screen: the sets wait to be derived until a view shows them"
    );
    command(&mut s, "sets");
    assert_eq!(s.screen().view, View::Sets { pool: None });
    assert_eq!(
        figures(&s),
        [("db".into(), 2, 1, 1, 1), ("web".into(), 3, 3, 2, 4)]
    );
    keys(&mut s, "jjj");
    assert_eq!(
        s.screen().table.selected,
        1,
        "the selection stops at the last set"
    );
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        s.screen().view,
        View::Vms {
            pool: Some(0),
            host: None
        }
    );
    assert_eq!(s.screen().table.filter, "~^web-");
    assert_eq!(vm_names(&s), ["web-0", "web-1", "web-2"]);
    // Back to the sets, then the dashboard's Enter opens the pool's sets.
    keys(&mut s, "<Esc><Esc>");
    assert_eq!(s.screen().view, View::Sets { pool: None });
    command(&mut s, "dashboard prod");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen().view, View::Sets { pool: Some(0) });
}

#[test]
fn a_member_that_stops_changes_the_status_without_a_key() {
    let mut s = state();
    command(&mut s, "sets");
    s.take_dirty();
    let stopped = member("db", "db-0", VmState::Shutoff, 2);
    host(&mut s, 0, 1, HostEvent::VmUpdated(stopped));
    assert_eq!(figures(&s)[0], ("db".into(), 2, 1, 0, 2));
    assert!(s.take_dirty().screen, "the sets view is drawn again");
}

#[test]
fn scaling_up_stamps_the_new_count_and_a_fresh_generation() {
    let mut s = state();
    command(&mut s, "vm db-0");
    command(&mut s, "scale 3");
    assert!(s.confirm.is_some(), "{}", common::status(&s));
    let effects = key(&mut s, KeyCode::Char('y'));
    let specs: Vec<(String, SetSpec)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Host {
                command:
                    HostCommand::Op {
                        kind: OpKind::Compose(spec),
                        ..
                    },
                ..
            } => Some((spec.name.clone(), spec.set_spec.clone()?)),
            _ => None,
        })
        .collect();
    assert_eq!(specs.len(), 2, "db-1 and db-2: {specs:?}");
    for (name, spec) in &specs {
        assert_eq!((spec.replicas, spec.image.as_str()), (3, "deb"), "{name}");
        assert!(spec.generation > 100, "{name}: {}", spec.generation);
    }
}

/// The screen as text, then each row's style runs (foreground/background, bold).
fn styled(s: &State) -> String {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, s)).unwrap();
    let buffer: Buffer = terminal.backend().buffer().clone();
    let mut out = terminal.backend().to_string();
    out.push_str("\nstyles:\n");
    for y in 0..buffer.area.height {
        let mut runs = Vec::new();
        let mut start = 0;
        for x in 1..=buffer.area.width {
            let style = |x: u16| buffer[(x, y)].style();
            if x == buffer.area.width || style(x) != style(start) {
                let st = style(start);
                let bold = st.add_modifier.contains(ratatui::style::Modifier::BOLD);
                runs.push(format!(
                    "{start}-{} {:?}/{:?}{}",
                    x - 1,
                    st.fg,
                    st.bg,
                    if bold { "b" } else { "" }
                ));
                start = x;
            }
        }
        out.push_str(&format!("{y:>2}: {}\n", runs.join(" · ")));
    }
    out
}

#[test]
fn the_sets_view_as_drawn() {
    let mut s = state();
    command(&mut s, "sets prod");
    key(&mut s, KeyCode::Char('j'));
    insta::assert_snapshot!("sets_view_80x24", styled(&s));
}
