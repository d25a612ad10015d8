//! Render snapshots of every view into ratatui's TestBackend.

mod common;

use common::{host, key, state, typed};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::State;
use vmdeck::backend::HostEvent;
use vmdeck::model::{Disk, Nic, Snapshot, VmDetails};

fn draw(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, state)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn vms_view() {
    insta::assert_snapshot!(draw(&state(), 100, 14));
}

#[test]
fn vms_view_at_80x24() {
    insta::assert_snapshot!(draw(&state(), 80, 24));
}

#[test]
fn pools_view() {
    let mut s = state();
    key(&mut s, KeyCode::Esc);
    insta::assert_snapshot!(draw(&s, 110, 8));
}

#[test]
fn hosts_view_shows_down_and_unsupported_hosts() {
    let mut s = state();
    key(&mut s, KeyCode::Char('H'));
    insta::assert_snapshot!(draw(&s, 110, 9));
}

#[test]
fn filter_in_progress() {
    let mut s = state();
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "db");
    insta::assert_snapshot!(draw(&s, 100, 9));
}

#[test]
fn filter_matching_nothing_says_so() {
    let mut s = state();
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "zzz");
    key(&mut s, KeyCode::Enter);
    insta::assert_snapshot!(draw(&s, 100, 8));
}

fn open_db(s: &mut State) {
    key(s, KeyCode::Char('j'));
    key(s, KeyCode::Enter);
    let details = VmDetails {
        disks: vec![Disk {
            target: "vda".into(),
            device: "disk".into(),
            format: "qcow2".into(),
            source: "/var/lib/libvirt/images/db-1.qcow2".into(),
            backing: vec!["/var/lib/libvirt/images/base.qcow2".into()],
        }],
        nics: vec![Nic {
            mac: "52:54:00:12:34:56".into(),
            kind: "network".into(),
            source: "default".into(),
            model: "virtio".into(),
            vlan: Some(120),
        }],
        xml: "<domain type='qemu'>\n  <name>db-1</name>\n</domain>".into(),
        snapshots: vec![
            snapshot("base", None, 1_700_000_000, false),
            snapshot("before-upgrade", Some("base"), 1_700_100_000, false),
            snapshot("after-upgrade", Some("before-upgrade"), 1_700_200_000, true),
            snapshot("experiment", Some("base"), 1_700_150_000, false),
        ],
    };
    host(
        s,
        0,
        0,
        HostEvent::Details {
            uuid: "uuid-db-1".into(),
            result: Ok(details),
        },
    );
}

#[test]
fn vm_detail() {
    let mut s = state();
    open_db(&mut s);
    insta::assert_snapshot!(draw(&s, 90, 36));
}

#[test]
fn vm_xml() {
    let mut s = state();
    open_db(&mut s);
    key(&mut s, KeyCode::Char('v'));
    insta::assert_snapshot!(draw(&s, 60, 8));
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut s = state();
    key(&mut s, KeyCode::Char('?'));
    insta::assert_snapshot!(draw(&s, 90, 60));
}

#[test]
fn console_pane_split_below_the_list() {
    let mut s = state();
    vmdeck::app::update(
        &mut s,
        vmdeck::app::Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    key(&mut s, KeyCode::Char('c'));
    let id = 0;
    let open = vmdeck::backend::console::ConsoleEvent::Opened;
    vmdeck::app::update(&mut s, vmdeck::app::Msg::Console { id, event: open });
    let boot = b"vmdeck lab guest api-1\r\n# \x1b[1;32mecho\x1b[0m hi\r\nhi\r\n# ".to_vec();
    let data = vmdeck::backend::console::ConsoleEvent::Data(boot);
    vmdeck::app::update(&mut s, vmdeck::app::Msg::Console { id, event: data });
    insta::assert_snapshot!(draw(&s, 80, 24));
}

#[test]
fn closed_console_says_why_and_how_to_reconnect() {
    let mut s = state();
    vmdeck::app::update(
        &mut s,
        vmdeck::app::Msg::Resize {
            width: 80,
            height: 20,
        },
    );
    key(&mut s, KeyCode::Char('c'));
    let closed = vmdeck::backend::console::ConsoleEvent::Closed(
        "the console closed (guest powered off?)".into(),
    );
    vmdeck::app::update(
        &mut s,
        vmdeck::app::Msg::Console {
            id: 0,
            event: closed,
        },
    );
    insta::assert_snapshot!(draw(&s, 80, 20));
}

fn snapshot(name: &str, parent: Option<&str>, created: i64, current: bool) -> Snapshot {
    Snapshot {
        name: name.into(),
        parent: parent.map(str::to_string),
        description: String::new(),
        created,
        state: "shutoff".into(),
        current,
    }
}

fn host_view(width: u16, height: u16) -> String {
    let mut s = state();
    vmdeck::app::update(&mut s, vmdeck::app::Msg::Resize { width, height });
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "host kvm1");
    key(&mut s, KeyCode::Enter);
    let pinned = |uuid: &str, cpus: Vec<u32>| vmdeck::model::VmPlacement {
        uuid: uuid.into(),
        cpus,
        memory_nodes: vec![],
        hugepages: uuid == "uuid-db-1",
        emulator_cpus: vec![],
        partition: None,
        tuning: Default::default(),
    };
    let placement = vec![
        pinned("uuid-db-1", vec![0, 1]),
        pinned("uuid-api-1", vec![7, 8]),
    ];
    host(&mut s, 0, 0, HostEvent::Placement(placement));
    let volume = |name: &str, backing: &[&str], used_by: &[&str]| vmdeck::model::StorageVolume {
        pool: "default".into(),
        name: name.into(),
        path: format!("/pool/{name}"),
        format: "qcow2".into(),
        capacity_bytes: 20 << 30,
        allocation_bytes: 3 << 30,
        backing: backing.iter().map(|b| format!("/pool/{b}")).collect(),
        used_by: used_by.iter().map(|u| u.to_string()).collect(),
        location: None,
    };
    let volumes = vec![
        volume("api-1.qcow2", &["base.qcow2"], &["api-1"]),
        volume("base.qcow2", &[], &[]),
    ];
    host(&mut s, 0, 0, HostEvent::Volumes(volumes));
    draw(&s, width, height)
}

#[test]
fn host_view_80x24() {
    insta::assert_snapshot!(host_view(80, 24));
}

#[test]
fn host_view_160x48() {
    insta::assert_snapshot!(host_view(160, 48));
}

fn dashboard(width: u16, height: u16) -> String {
    let mut s = state();
    vmdeck::app::update(&mut s, vmdeck::app::Msg::Resize { width, height });
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "dashboard prod");
    key(&mut s, KeyCode::Enter);
    draw(&s, width, height)
}

#[test]
fn pool_dashboard_80x24() {
    insta::assert_snapshot!(dashboard(80, 24));
}

#[test]
fn pool_dashboard_160x48() {
    insta::assert_snapshot!(dashboard(160, 48));
}

#[test]
fn vm_detail_with_sparklines() {
    let mut s = state();
    for cpu in [5.0, 20.0, 60.0, 100.0, 40.0] {
        let sample = vmdeck::model::VmSample {
            uuid: "uuid-db-1".into(),
            cpu_percent: Some(cpu),
            guest_used_bytes: None,
            memory_used_bytes: Some(4 << 30),
        };
        let taken_at = std::time::UNIX_EPOCH;
        let samples = vec![sample];
        host(&mut s, 0, 0, HostEvent::Samples { samples, taken_at });
    }
    open_db(&mut s);
    insta::assert_snapshot!(draw(&s, 90, 36));
}
