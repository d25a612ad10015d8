//! A host that connects puts its VMs into the list on screen where their keys say, without
//! the other hosts' rows being ordered, filtered or measured again (a fleet connecting host
//! by host would otherwise cost the square of its size), and ends where a full derivation
//! puts them.

mod common;

use common::{host, keys, state, vm, vm_names};
use vmdeck::app::State;
use vmdeck::backend::HostEvent;
use vmdeck::model::{HostInventory, VmState};

fn connect_kvm2(s: &mut State) {
    let inventory = HostInventory {
        facts: common::facts("kvm2"),
        vms: vec![
            vm("aa-0", VmState::Running, 1, 512, "small"),
            vm(
                "cache-with-a-long-name-1",
                VmState::Shutoff,
                2,
                1024,
                "small",
            ),
            vm("zz-9", VmState::Running, 8, 4096, "large"),
        ],
    };
    host(s, 0, 1, HostEvent::Connected(inventory));
}

/// The same list derived from scratch: sort by the next column and back.
fn fully_derived(s: &mut State) -> Vec<String> {
    let before = s.row_cache.rederivations;
    let column = s.screen().table.sort_column;
    keys(s, "s");
    while s.screen().table.sort_column != column {
        keys(s, "s");
    }
    assert!(s.row_cache.rederivations > before);
    vm_names(s)
}

#[test]
fn a_connecting_host_places_only_its_own_rows() {
    let mut s = state();
    let full = s.row_cache.rederivations;
    let name_width = |s: &State| s.derived.table.as_ref().unwrap().layout.widths[0];
    let narrow = name_width(&s);
    connect_kvm2(&mut s);
    assert_eq!(s.row_cache.rederivations, full, "no full derivation");
    assert_eq!(
        vm_names(&s),
        [
            "aa-0",
            "api-1",
            "cache-with-a-long-name-1",
            "db-1",
            "spare-1",
            "zz-9"
        ]
    );
    assert!(name_width(&s) > narrow, "the new long name widens NAME");
    assert_eq!(vm_names(&s), fully_derived(&mut s));
}

#[test]
fn a_reconnecting_host_replaces_its_rows_under_sort_and_filter() {
    let mut s = state();
    connect_kvm2(&mut s);
    // By memory, then a filter: the replaced rows are matched and placed too.
    keys(&mut s, "sssss/-<Enter>");
    let full = s.row_cache.rederivations;
    let inventory = HostInventory {
        facts: common::facts("kvm2"),
        vms: vec![
            vm("aa-0", VmState::Running, 1, 16384, "large"),
            vm("nodash", VmState::Running, 1, 256, "small"),
        ],
    };
    host(&mut s, 0, 1, HostEvent::Connected(inventory));
    assert_eq!(s.row_cache.rederivations, full);
    assert_eq!(vm_names(&s), ["spare-1", "api-1", "db-1", "aa-0"]);
    assert_eq!(vm_names(&s), fully_derived(&mut s));
}
