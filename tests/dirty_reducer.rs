//! Render and derive only on change: what `update` marks dirty (the loop draws only then),
//! and when it derives the rows again (counted by `row_cache.derivations`).

mod common;

use std::time::{Duration, SystemTime};

use common::{host, key, state, typed, vm};
use crossterm::event::KeyCode;
use vmdeck::app::dirty::Dirty;
use vmdeck::app::hints::hints;
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::HostEvent;
use vmdeck::backend::console::ConsoleEvent;
use vmdeck::model::{VmSample, VmState};

/// A sample of kvm1 with api-1 and db-1 at `cpu` %.
fn sample(s: &mut State, secs: u64, cpu: f64) {
    let samples = ["api-1", "db-1"]
        .iter()
        .map(|name| VmSample {
            uuid: format!("uuid-{name}"),
            cpu_percent: Some(cpu),
            memory_used_bytes: Some(1 << 30),
            guest_used_bytes: None,
        })
        .collect();
    let taken_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + secs);
    host(s, 0, 0, HostEvent::Samples { samples, taken_at });
}

fn derivations(s: &State) -> u64 {
    s.row_cache.derivations
}

#[test]
fn the_first_frame_is_dirty_and_taking_it_clears_it() {
    let mut s = state();
    assert!(s.take_dirty().any());
    assert_eq!(s.take_dirty(), Dirty::default());
}

#[test]
fn a_sample_with_the_same_figures_on_screen_marks_nothing_dirty() {
    let mut s = state();
    sample(&mut s, 0, 12.0);
    s.take_dirty();
    let before = derivations(&s);
    // Different live numbers, the same CPU % as drawn (12): nothing to draw, no rows derived.
    sample(&mut s, 5, 12.3);
    assert_eq!(s.take_dirty(), Dirty::default());
    assert_eq!(derivations(&s), before);
    // The history still took the sample (the VM view shows it).
    let history = &s.pools[0].hosts[0].history["uuid-api-1"];
    assert_eq!(history.cpu_percent.values().count(), 2);
}

#[test]
fn a_sample_that_moves_a_figure_on_screen_marks_the_screen() {
    let mut s = state();
    s.take_dirty();
    let before = derivations(&s);
    sample(&mut s, 0, 40.0);
    let dirty = s.take_dirty();
    assert!(dirty.screen, "{dirty:?}");
    assert!(!dirty.inventory);
    assert_eq!(
        derivations(&s),
        before,
        "sorted by name: the order is the same"
    );
}

#[test]
fn a_list_sorted_by_cpu_is_ordered_again_by_a_sample() {
    let mut s = state();
    // NAME → … → CPU%: the eighth column.
    for _ in 0..7 {
        key(&mut s, KeyCode::Char('s'));
    }
    s.take_dirty();
    let before = derivations(&s);
    sample(&mut s, 0, 40.0);
    assert!(derivations(&s) > before);
}

#[test]
fn a_sample_of_the_vm_on_screen_marks_it_and_one_of_another_pool_does_not() {
    let mut s = state();
    key(&mut s, KeyCode::Enter);
    s.take_dirty();
    sample(&mut s, 0, 12.0);
    assert!(s.take_dirty().screen, "the VM view shows the history");
    let taken_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_010);
    let samples = Vec::new();
    host(&mut s, 1, 0, HostEvent::Samples { samples, taken_at });
    assert_eq!(s.take_dirty(), Dirty::default());
}

/// The state with db-1's console open and attached, nothing dirty.
fn with_console() -> State {
    let mut s = state();
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('c'));
    let id = s.consoles.tabs[0].id;
    update(
        &mut s,
        Msg::Console {
            id,
            event: ConsoleEvent::Opened,
        },
    );
    s.take_dirty();
    s
}

fn chunk(s: &mut State, text: &str) {
    let id = s.consoles.tabs[0].id;
    let event = ConsoleEvent::Data(text.as_bytes().to_vec());
    update(s, Msg::Console { id, event });
}

#[test]
fn a_console_chunk_marks_the_console_and_rebuilds_no_rows() {
    let mut s = with_console();
    let before = derivations(&s);
    chunk(&mut s, "hello from the guest\r\n");
    let dirty = s.take_dirty();
    assert_eq!(
        dirty,
        Dirty {
            console: true,
            ..Dirty::default()
        }
    );
    assert_eq!(derivations(&s), before);
    assert!(s.consoles.tabs[0].screen.contents().contains("hello"));
}

#[test]
fn output_of_a_console_in_a_tab_behind_marks_nothing() {
    let mut s = with_console();
    // Ctrl-] back to the list, then api-1's console: db-1's tab is behind it.
    common::ctrl(&mut s, ']');
    key(&mut s, KeyCode::Char('k'));
    key(&mut s, KeyCode::Char('c'));
    assert_eq!(s.consoles.active, 1);
    s.take_dirty();
    chunk(&mut s, "unseen\r\n");
    assert_eq!(s.take_dirty(), Dirty::default());
    let behind = s.consoles.tabs[0].screen.contents();
    assert!(behind.contains("unseen"), "{behind}");
}

#[test]
fn moving_the_selection_derives_nothing_and_the_filter_only_filters() {
    let mut s = state();
    let before = derivations(&s);
    key(&mut s, KeyCode::Char('j'));
    let dirty = s.take_dirty();
    assert!(dirty.selection, "{dirty:?}");
    assert_eq!(derivations(&s), before);
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "db");
    assert!(s.take_dirty().filter);
    assert_eq!(
        derivations(&s),
        before + 2,
        "one per keystroke of the filter"
    );
    assert_eq!(common::vm_names(&s), ["db-1"]);
}

#[test]
fn a_vm_event_orders_the_rows_again() {
    let mut s = state();
    s.take_dirty();
    let before = derivations(&s);
    let event = HostEvent::VmUpdated(vm("aaa-new", VmState::Running, 1, 512, "small"));
    host(&mut s, 0, 0, event);
    assert!(s.take_dirty().inventory);
    assert!(derivations(&s) > before);
    assert_eq!(common::vm_names(&s)[0], "aaa-new");
}

#[test]
fn the_hints_are_derived_for_what_has_focus() {
    let mut s = state();
    assert_eq!(s.derived.hints, hints(&s));
    key(&mut s, KeyCode::Char('j'));
    key(&mut s, KeyCode::Char('c'));
    assert_eq!(s.derived.hints, hints(&s), "the console's hints");
    let id = s.consoles.tabs[0].id;
    let event = ConsoleEvent::Busy("held by virsh".into());
    update(&mut s, Msg::Console { id, event });
    assert!(s.confirm.is_some());
    assert_eq!(s.derived.hints, hints(&s), "the question's");
    key(&mut s, KeyCode::Char('n'));
    key(&mut s, KeyCode::Char(':'));
    assert_eq!(s.derived.hints, hints(&s), "the input line's");
}

/// The rows as a derivation from scratch gives them.
fn from_scratch(s: &State) -> Vec<vmdeck::app::table::RowId> {
    let screen = s.screen();
    vmdeck::app::table::visible_rows(s, &screen.view, &screen.table)
}

#[test]
fn a_vm_updated_in_place_moves_only_its_row_to_where_a_full_derivation_puts_it() {
    let mut s = state();
    key(&mut s, KeyCode::Char('s')); // by STATE
    let changes = [
        ("api-1", VmState::Paused),
        ("spare-1", VmState::Running),
        ("db-1", VmState::Shutoff),
        ("api-1", VmState::Running),
    ];
    for (reverse, filter) in [(false, ""), (true, ""), (true, "1"), (false, "!db")] {
        if reverse {
            key(&mut s, KeyCode::Char('S'));
        }
        if !filter.is_empty() {
            key(&mut s, KeyCode::Char('/'));
            typed(&mut s, filter);
            key(&mut s, KeyCode::Enter);
        }
        for (name, vm_state) in changes {
            let ordered_again = s.row_cache.inventory;
            let event = HostEvent::VmUpdated(vm(name, vm_state, 1, 512, "small"));
            host(&mut s, 0, 0, event);
            assert_eq!(
                s.row_cache.inventory, ordered_again,
                "in place: no re-order"
            );
            assert_eq!(s.rows, from_scratch(&s), "{name} {vm_state:?} /{filter}");
        }
        assert!(matches!(
            s.screen().view,
            vmdeck::app::state::View::Vms { .. }
        ));
        if !filter.is_empty() {
            key(&mut s, KeyCode::Esc);
        }
    }
}

#[test]
fn a_removed_vm_leaves_no_history_behind() {
    let mut s = state();
    sample(&mut s, 0, 12.0);
    assert!(s.pools[0].hosts[0].history.contains_key("uuid-api-1"));
    let uuid = "uuid-api-1".to_string();
    host(&mut s, 0, 0, HostEvent::VmRemoved { uuid });
    assert!(!s.pools[0].hosts[0].history.contains_key("uuid-api-1"));
    // A new inventory without db-1 drops its history too.
    let vms = vec![vm("spare-1", VmState::Shutoff, 1, 1024, "small")];
    let facts = common::facts("kvm1");
    let inventory = vmdeck::model::HostInventory { facts, vms };
    host(&mut s, 0, 0, HostEvent::Connected(inventory));
    assert!(s.pools[0].hosts[0].history.is_empty());
}

#[test]
fn a_vm_updated_while_another_screen_is_on_top_is_in_place_when_the_list_is_back() {
    let mut s = state();
    key(&mut s, KeyCode::Char('s')); // by STATE
    key(&mut s, KeyCode::Enter); // api-1's view
    let event = HostEvent::VmUpdated(vm("spare-1", VmState::Running, 1, 512, "small"));
    host(&mut s, 0, 0, event);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.rows, from_scratch(&s));
}

#[test]
fn samples_in_another_order_than_the_hosts_vms_reach_their_own_vms() {
    let mut s = state();
    let samples = [("db-1", 30.0), ("api-1", 10.0)]
        .into_iter()
        .map(|(name, cpu)| VmSample {
            uuid: format!("uuid-{name}"),
            cpu_percent: Some(cpu),
            memory_used_bytes: None,
            guest_used_bytes: None,
        })
        .collect();
    let taken_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
    host(&mut s, 0, 0, HostEvent::Samples { samples, taken_at });
    let vms = &s.pools[0].hosts[0].vms;
    let names: Vec<&str> = vms.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names[..2], ["api-1", "db-1"], "the host's own order");
    let cpu: Vec<Option<f64>> = vms.iter().map(|v| v.cpu_percent).collect();
    assert_eq!(cpu[..2], [Some(10.0), Some(30.0)]);
    let history = &s.pools[0].hosts[0].history;
    assert_eq!(history["uuid-db-1"].cpu_percent.values().last(), Some(30.0));
}
