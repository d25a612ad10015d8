//! The `/` filter on a fixed inventory: substring, regex, inverse and fuzzy pick exactly the
//! rows an admin expects; an invalid regex says why and keeps the rows.

mod common;

use common::{facts, host, key, keys, themes, typed, vm, vm_names};
use crossterm::event::KeyCode;
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::HostEvent;
use vmdeck::config::parse_config;
use vmdeck::keymap::Keymap;
use vmdeck::model::{HostInventory, VmState};

const CONFIG: &str = r#"
[[pool]]
name = "lab-cluster"
hosts = [{ name = "node1", uri = "qemu+ssh://node1/system" }, { name = "node2", uri = "qemu+ssh://node2/system" }]

[[vm_type]]
name = "small"
vcpus = 1
memory = "2GiB"
disk = "20GiB"
"#;

const OTHERS: [&str; 7] = [
    "k1",
    "lab1-db-0",
    "lab2-db-1",
    "lab3-db-2",
    "lab1-spare",
    "lab2-spare",
    "lab10-spare",
];

/// node1: lab1-bulk-0000 … lab1-bulk-0137; node2: the seven of `OTHERS`.
fn lab() -> State {
    let config = parse_config(CONFIG, "lab.toml").unwrap();
    let mut s = State::new(&config, Keymap::builtin(), themes());
    let resize = Msg::Resize {
        width: 120,
        height: 40,
    };
    update(&mut s, resize);
    let bulk = (0..138).map(|i| format!("lab1-bulk-{i:04}"));
    let node1 = bulk
        .map(|n| vm(&n, VmState::Running, 1, 512, "small"))
        .collect();
    let node2 = OTHERS
        .iter()
        .map(|n| vm(n, VmState::Running, 1, 512, "small"));
    for (h, vms) in [(0, node1), (1, node2.collect())] {
        let inventory = HostInventory {
            facts: facts(["node1", "node2"][h]),
            vms,
        };
        host(&mut s, 0, h, HostEvent::Connected(inventory));
    }
    s
}

/// The names shown once `filter` is typed (and the line closed with Enter).
fn filtered(filter: &str) -> Vec<String> {
    let mut s = lab();
    key(&mut s, KeyCode::Char('/'));
    typed(&mut s, filter);
    key(&mut s, KeyCode::Enter);
    assert!(s.input.is_none(), "/{filter} is taken");
    vm_names(&s)
}

#[test]
fn plain_text_is_a_case_insensitive_substring_of_the_cells() {
    assert_eq!(lab().rows.len(), 145);
    assert_eq!(filtered("lab1-bulk-00").len(), 100);
    let last: Vec<String> = (130..138).map(|i| format!("lab1-bulk-{i:04}")).collect();
    assert_eq!(filtered("LAB1-BULK-013"), last);
    // No longer k1 through the letters of "noDe1 laB-cluster".
    assert_eq!(filtered("db"), ["lab1-db-0", "lab2-db-1", "lab3-db-2"]);
    // The host and pool columns are searched too.
    assert_eq!(filtered("node2").len(), 7);
    assert_eq!(filtered("lab-cluster").len(), 145);
}

#[test]
fn a_tilde_makes_it_a_regex() {
    assert_eq!(filtered("~lab[12]-db"), ["lab1-db-0", "lab2-db-1"]);
    assert_eq!(
        filtered("~lab?-spare"),
        ["lab-spare"; 0],
        "? is a regex quantifier"
    );
    assert_eq!(filtered("~lab.-spare"), ["lab1-spare", "lab2-spare"]);
    assert_eq!(
        filtered("~^lab\\d+-SPARE$"),
        ["lab1-spare", "lab10-spare", "lab2-spare"]
    );
    assert_eq!(filtered("~bulk-01[0-2]\\d").len(), 30);
}

#[test]
fn a_bang_inverts_text_and_regex() {
    let mut others: Vec<&str> = OTHERS.to_vec();
    others.sort();
    assert_eq!(filtered("!bulk"), others);
    assert_eq!(filtered("!~lab[12]"), ["k1", "lab3-db-2"]);
    assert_eq!(filtered("!"), lab_names(), "a lone ! hides nothing yet");
}

#[test]
fn a_percent_asks_for_fuzzy() {
    assert_eq!(filtered("%l3d2"), ["lab3-db-2"]);
    // Fuzzy finds what substring would not, but within one cell: not k1 through the letters
    // of "noDe2 laB-cluster".
    assert_eq!(filtered("%ldb"), ["lab1-db-0", "lab2-db-1", "lab3-db-2"]);
    assert!(filtered("ldb").is_empty());
    assert_eq!(filtered("!%l3d2").len(), 144);
}

#[test]
fn an_invalid_regex_says_why_and_keeps_the_rows() {
    let mut s = lab();
    keys(&mut s, "/~lab[12]-");
    let before = vm_names(&s);
    assert_eq!(
        before.len(),
        4 + 138,
        "lab1-db-0, lab2-db-1, two spares and the bulk VMs"
    );
    typed(&mut s, "(");
    assert_eq!(
        vm_names(&s),
        before,
        "the rows of the last valid filter stay"
    );
    let error = s.row_cache.filter_error().unwrap_or_default().to_string();
    assert_eq!(error, "invalid regex: unclosed group");
    key(&mut s, KeyCode::Enter);
    assert!(s.input.is_some(), "Enter does not take an invalid filter");
    key(&mut s, KeyCode::Backspace);
    keys(&mut s, "db<Enter>");
    assert!(s.input.is_none());
    assert_eq!(vm_names(&s), ["lab1-db-0", "lab2-db-1"]);
    assert_eq!(s.row_cache.filter_error(), None);
}

#[test]
fn filter_commands_refuse_an_invalid_regex() {
    let mut s = lab();
    common::command(&mut s, "filter ~db(");
    assert_eq!(common::status(&s), "invalid regex: unclosed group");
    assert_eq!(s.screen().table.filter, "");
    common::command(&mut s, "mark ~(");
    assert!(s.marked.is_empty());
    common::command(&mut s, "filter ~db-[01]");
    assert_eq!(vm_names(&s), ["lab1-db-0", "lab2-db-1"]);
}

#[test]
fn a_vm_changed_in_place_is_filtered_like_a_full_derivation() {
    let mut s = lab();
    keys(&mut s, "/~-db-[12]<Enter>");
    let event = HostEvent::VmUpdated(vm("lab2-db-1", VmState::Paused, 1, 512, "small"));
    host(&mut s, 0, 1, event);
    let event = HostEvent::VmUpdated(vm("lab9-db-1", VmState::Running, 1, 512, "small"));
    host(&mut s, 0, 1, event);
    assert_eq!(vm_names(&s), ["lab2-db-1", "lab3-db-2", "lab9-db-1"]);
    let screen = s.screen();
    let from_scratch = vmdeck::app::table::visible_rows(&s, &screen.view, &screen.table);
    assert_eq!(s.rows, from_scratch);
}

fn lab_names() -> Vec<String> {
    vm_names(&lab())
}
