//! Key sequences and host events → state and effects.

mod common;

use common::{ctrl, host, key, state, typed, vm, vm_names};
use crossterm::event::KeyCode;
use vmdeck::app::Effect;
use vmdeck::app::state::{HostStatus, View};
use vmdeck::app::table::RowId;
use vmdeck::backend::{HostCommand, HostEvent};
use vmdeck::model::{HostInventory, VmState};

#[test]
fn starts_on_all_vms_sorted_by_name() {
    let s = state();
    assert_eq!(
        s.screen().view,
        View::Vms {
            pool: None,
            host: None
        }
    );
    assert_eq!(vm_names(&s), ["api-1", "db-1", "spare-1"]);
}

#[test]
fn filter_is_fuzzy_live_and_inverts_with_bang() {
    let mut s = state();
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "db");
    assert_eq!(vm_names(&s), ["db-1"]);
    key(&mut s, KeyCode::Enter);
    assert!(s.input.is_none());
    assert_eq!(s.screen().table.filter, "db");
    key(&mut s, KeyCode::Char('/'));
    ctrl(&mut s, 'u');
    typed(&mut s, "!small");
    assert_eq!(vm_names(&s), ["db-1"]);
    key(&mut s, KeyCode::Esc);
    assert_eq!(
        s.screen().table.filter,
        "db",
        "Esc while editing restores the previous filter"
    );
    key(&mut s, KeyCode::Esc);
    assert_eq!(
        vm_names(&s).len(),
        3,
        "Esc on a filtered list clears the filter"
    );
}

#[test]
fn typing_in_the_filter_does_not_trigger_bindings() {
    let mut s = state();
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "q");
    assert!(!s.quit);
    assert_eq!(s.input.as_ref().map(|i| i.text.as_str()), Some("q"));
}

#[test]
fn enter_drills_down_and_esc_goes_back() {
    let mut s = state();
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screen().view, View::Pools);
    assert_eq!(s.rows, [RowId::Pool(1), RowId::Pool(0)], "edge before prod");
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen().view, View::Hosts { pool: Some(0) });
    assert_eq!(s.rows.len(), 2);
    key(&mut s, KeyCode::Enter);
    assert_eq!(
        s.screen().view,
        View::Vms {
            pool: Some(0),
            host: Some(0)
        }
    );
    key(&mut s, KeyCode::Char('j'));
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(
        s.screen().view,
        View::Vm {
            pool: 0,
            host: 0,
            uuid: "uuid-db-1".into()
        }
    );
    assert_eq!(
        effects,
        [Effect::Host {
            pool: 0,
            host: 0,
            command: HostCommand::LoadDetails {
                uuid: "uuid-db-1".into()
            }
        }]
    );
    for _ in 0..3 {
        key(&mut s, KeyCode::Esc);
    }
    assert_eq!(s.screen().view, View::Pools);
    key(&mut s, KeyCode::Esc);
    assert_eq!(
        s.screen().view,
        View::Pools,
        "the pools list is the bottom of the stack"
    );
}

#[test]
fn command_bar_with_aliases_and_errors() {
    let mut s = state();
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "h prod");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen().view, View::Hosts { pool: Some(0) });
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "vm db-1");
    let effects = key(&mut s, KeyCode::Enter);
    assert_eq!(
        s.screen().view,
        View::Vm {
            pool: 0,
            host: 0,
            uuid: "uuid-db-1".into()
        }
    );
    assert_eq!(effects.len(), 1);
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "frobnicate");
    key(&mut s, KeyCode::Enter);
    let status = s.status.clone().unwrap();
    assert!(
        status.text.contains("unknown command ':frobnicate'"),
        "{}",
        status.text
    );
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "vm nosuch");
    key(&mut s, KeyCode::Enter);
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .contains("no VM named 'nosuch'")
    );
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "q");
    key(&mut s, KeyCode::Enter);
    assert!(s.quit);
}

#[test]
fn sort_cycles_columns_and_reverses() {
    let mut s = state();
    key(&mut s, KeyCode::Char('S'));
    assert_eq!(vm_names(&s), ["spare-1", "db-1", "api-1"]);
    key(&mut s, KeyCode::Char('S'));
    for _ in 0..5 {
        key(&mut s, KeyCode::Char('s'));
    }
    assert_eq!(s.screen().table.sort_column, 5, "MEMORY");
    assert_eq!(vm_names(&s), ["spare-1", "api-1", "db-1"]);
}

#[test]
fn lifecycle_events_update_rows_and_keep_selection_in_range() {
    let mut s = state();
    key(&mut s, KeyCode::Char('G'));
    assert_eq!(s.screen().table.selected, 2);
    let mut started = vm("spare-1", VmState::Running, 1, 1024, "small");
    started.cpu_percent = None;
    host(&mut s, 0, 0, HostEvent::VmUpdated(started));
    assert_eq!(s.pools[0].hosts[0].vms[2].state, VmState::Running);
    host(
        &mut s,
        0,
        0,
        HostEvent::VmRemoved {
            uuid: "uuid-spare-1".into(),
        },
    );
    assert_eq!(vm_names(&s), ["api-1", "db-1"]);
    assert_eq!(s.screen().table.selected, 1);
    host(
        &mut s,
        0,
        0,
        HostEvent::VmUpdated(vm("aaa", VmState::Paused, 1, 512, "small")),
    );
    assert_eq!(vm_names(&s), ["aaa", "api-1", "db-1"]);
}

#[test]
fn host_down_and_back() {
    let mut s = state();
    host(
        &mut s,
        0,
        0,
        HostEvent::Down {
            reason: "connection closed".into(),
            retry_in_secs: 1,
        },
    );
    assert!(matches!(
        s.pools[0].hosts[0].status,
        HostStatus::Down { .. }
    ));
    assert_eq!(
        vm_names(&s).len(),
        3,
        "last known VMs stay listed while the host is down"
    );
    assert!(s.status.clone().unwrap().text.contains("kvm1 is down"));
    host(&mut s, 0, 0, HostEvent::Connecting);
    assert!(
        matches!(s.pools[0].hosts[0].status, HostStatus::Down { .. }),
        "stays down until connected"
    );
    let inventory = vmdeck::model::HostInventory {
        facts: common::facts("kvm1"),
        vms: vec![],
    };
    host(&mut s, 0, 0, HostEvent::Connected(inventory));
    assert_eq!(s.pools[0].hosts[0].status, HostStatus::Up);
    assert!(s.status.clone().unwrap().text.contains("kvm1 is back"));
}

#[test]
fn reconnect_targets_the_selected_host() {
    let mut s = state();
    key(&mut s, KeyCode::Char('H'));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('j'));
    let effects = key(&mut s, KeyCode::Char('r'));
    assert_eq!(
        effects,
        [Effect::Host {
            pool: 0,
            host: 1,
            command: HostCommand::ReconnectNow
        }]
    );
}

#[test]
fn quit_and_help() {
    let mut s = state();
    key(&mut s, KeyCode::Char('?'));
    assert_eq!(s.screen().view, View::Help);
    key(&mut s, KeyCode::Char('q'));
    assert_eq!(
        s.screen().view,
        View::Vms {
            pool: None,
            host: None
        },
        "q closes help"
    );
    assert!(!s.quit);
    ctrl(&mut s, 'c');
    assert!(s.quit);
}

#[test]
fn paging_moves_by_a_screen() {
    let mut s = state();
    let many: Vec<_> = (0..100)
        .map(|i| vm(&format!("vm-{i:03}"), VmState::Shutoff, 1, 512, "small"))
        .collect();
    let inventory = vmdeck::model::HostInventory {
        facts: common::facts("kvm1"),
        vms: many,
    };
    host(&mut s, 0, 0, HostEvent::Connected(inventory));
    key(&mut s, KeyCode::PageDown);
    assert_eq!(s.screen().table.selected, s.page_rows);
    key(&mut s, KeyCode::End);
    assert_eq!(s.screen().table.selected, 99);
    assert_eq!(s.screen().table.offset, 100 - s.page_rows);
}

#[test]
fn background_notices_do_not_hide_an_error() {
    let mut s = state();
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "nonsense");
    key(&mut s, KeyCode::Enter);
    host(&mut s, 0, 0, HostEvent::Notice("db-1 rebooted".into()));
    assert!(s.status.clone().unwrap().text.contains("unknown command"));
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "vms");
    key(&mut s, KeyCode::Enter);
    host(&mut s, 0, 0, HostEvent::Notice("db-1 rebooted".into()));
    assert!(s.status.clone().unwrap().text.contains("db-1 rebooted"));
}

#[test]
fn i_opens_the_host_of_the_selected_vm() {
    let mut s = state();
    key(&mut s, KeyCode::Char('i'));
    assert_eq!(s.screen().view, View::Host { pool: 0, host: 0 });
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "host kvm2");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen().view, View::Host { pool: 0, host: 1 });
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "host nowhere");
    key(&mut s, KeyCode::Enter);
    assert!(
        s.status
            .clone()
            .unwrap()
            .text
            .contains("no host or pool named 'nowhere'")
    );
}

#[test]
fn the_host_view_asks_where_vms_are_pinned() {
    let mut s = state();
    let effects = key(&mut s, KeyCode::Char('i'));
    assert_eq!(
        effects,
        [Effect::Host {
            pool: 0,
            host: 0,
            command: HostCommand::LoadHostView
        }]
    );
}

#[test]
fn an_incus_clusters_members_become_the_pools_hosts() {
    use vmdeck::model::MemberInventory;
    let mut s = state();
    let on = |name: &str, member: &str| {
        let mut vm = vm(name, VmState::Running, 1, 512, "small");
        vm.location = Some(member.into());
        vm
    };
    let member = |name: &str, down: Option<&str>, vms: Vec<vmdeck::model::Vm>| MemberInventory {
        name: name.into(),
        down: down.map(str::to_string),
        inventory: HostInventory {
            facts: common::facts(name),
            vms,
        },
    };
    let members = vec![
        member("node1", None, vec![on("k1", "node1")]),
        member("node2", None, vec![on("k2", "node2"), on("k3", "node2")]),
    ];
    host(&mut s, 1, 0, HostEvent::Members(members.clone()));
    let edge = &s.pools[1];
    let names: Vec<&str> = edge.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        ["node1", "node2"],
        "the endpoint became the first member"
    );
    assert!(edge.hosts.iter().all(|h| h.status == HostStatus::Up));
    assert_eq!(edge.hosts[1].vms.len(), 2);

    // k3 moves to node1: it leaves node2, and its open view follows it.
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "vm k3");
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.screen().view, View::Vm { host: 1, .. }));
    host(&mut s, 1, 0, HostEvent::VmUpdated(on("k3", "node1")));
    let count = |s: &vmdeck::app::State, h: usize| s.pools[1].hosts[h].vms.len();
    assert_eq!((count(&s, 0), count(&s, 1)), (2, 1));
    assert!(matches!(s.screen().view, View::Vm { host: 0, .. }));

    // node2 goes offline: it alone is down, its last known instances stay listed, and the
    // host list keeps its order.
    let mut later = members;
    later[1].down = Some("offline: No heartbeat".into());
    later[1].inventory.vms.clear();
    host(&mut s, 1, 0, HostEvent::Members(later));
    assert_eq!(s.pools[1].hosts[0].status, HostStatus::Up);
    assert!(matches!(
        s.pools[1].hosts[1].status,
        HostStatus::Down { .. }
    ));
    assert_eq!(count(&s, 1), 1);
    assert!(s.status.clone().unwrap().text.contains("node2 is down"));

    // Losing the endpoint loses every member.
    host(
        &mut s,
        1,
        0,
        HostEvent::Down {
            reason: "connection refused".into(),
            retry_in_secs: 2,
        },
    );
    assert!(
        s.pools[1]
            .hosts
            .iter()
            .all(|h| matches!(h.status, HostStatus::Down { .. }))
    );
}

#[test]
fn samples_build_short_histories_for_vms_and_their_host() {
    let mut s = state();
    let sample = |cpu: f64| HostEvent::Samples {
        samples: vec![vmdeck::model::VmSample {
            uuid: "uuid-api-1".into(),
            cpu_percent: Some(cpu),
            guest_used_bytes: None,
            memory_used_bytes: Some(1 << 30),
        }],
        taken_at: std::time::UNIX_EPOCH,
    };
    host(&mut s, 0, 0, sample(50.0));
    host(&mut s, 0, 0, sample(25.0));
    let kvm1 = &s.pools[0].hosts[0];
    let api = &kvm1.history["uuid-api-1"];
    assert_eq!(api.cpu_percent.values().collect::<Vec<_>>(), [50.0, 25.0]);
    // api-1 has 2 vCPUs on a 16-CPU host: 50% of 2 is 6.25% of the host.
    assert_eq!(kvm1.load.cpu_percent.values().next(), Some(6.25));
    assert_eq!(
        kvm1.load.memory_bytes.values().last(),
        Some((1u64 << 30) as f64)
    );
    assert!(
        !kvm1.history.contains_key("uuid-db-1"),
        "no sample, no history"
    );
}
