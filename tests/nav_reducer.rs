//! The navigation stack as the breadcrumb shows it: a jump to a view already on the stack goes
//! back to it, and a VM deleted while in view returns to where it was opened from.

mod common;

use common::{command, host, key, state, typed};
use crossterm::event::KeyCode;
use vmdeck::app::state::View;
use vmdeck::backend::HostEvent;

fn views(s: &vmdeck::app::State) -> Vec<String> {
    s.nav
        .iter()
        .map(|screen| format!("{:?}", screen.view))
        .collect()
}

#[test]
fn a_jump_to_a_view_on_the_stack_returns_to_it() {
    let mut s = state();
    command(&mut s, "dashboard");
    command(&mut s, "dashboard");
    command(&mut s, "dashboard");
    let dashboards = views(&s)
        .iter()
        .filter(|v| v.starts_with("Dashboard"))
        .count();
    assert_eq!(dashboards, 1, "{:?}", views(&s));

    // The list with a filter, a VM opened from it, then `:vms`: back to the same list, its
    // filter kept, not a new one on top.
    command(&mut s, "vms");
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, "api");
    key(&mut s, KeyCode::Enter);
    let depth = s.nav.len();
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.screen().view, View::Vm { .. }));
    command(&mut s, "vms");
    assert_eq!(s.nav.len(), depth);
    assert_eq!(s.screen().table.filter, "api");
}

#[test]
fn a_vm_deleted_while_in_view_returns_to_the_list_and_says_so() {
    let mut s = state();
    command(&mut s, "vm spare-1");
    let View::Vm { uuid, .. } = s.screen().view.clone() else {
        panic!("not in the VM view");
    };
    host(&mut s, 0, 0, HostEvent::VmRemoved { uuid });
    assert!(!matches!(s.screen().view, View::Vm { .. }));
    let status = s.status.clone().unwrap().text;
    assert_eq!(status, "spare-1 is gone from kvm1 (deleted or undefined)");
}
