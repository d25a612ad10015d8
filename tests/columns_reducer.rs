//! `:columns`: key sequences → the columns chosen, the layout derived from them and the
//! effect that saves them in the config.

mod common;

use common::{command, keys, state, status};
use vmdeck::app::Effect;
use vmdeck::app::State;

fn saved(effects: &[Effect]) -> Vec<(String, Option<Vec<String>>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::SaveColumns { table, columns } => Some((table.clone(), columns.clone())),
            _ => None,
        })
        .collect()
}

fn words(list: &[&str]) -> Option<Vec<String>> {
    Some(list.iter().map(ToString::to_string).collect())
}

/// The titles of the columns the derived layout puts on screen.
fn shown(s: &State) -> Vec<&'static str> {
    let table = s.derived.table.as_ref().expect("a derived layout");
    let specs = vmdeck::app::sheets::specs_of(s, &s.screen().view);
    table.layout.shown().map(|(c, _)| specs[c].title).collect()
}

#[test]
fn naming_columns_shows_exactly_those_and_saves_them() {
    let mut s = state();
    let effects = command(&mut s, "columns name state cpu%");
    assert_eq!(
        saved(&effects),
        vec![("vms".into(), words(&["name", "state", "cpu%"]))]
    );
    assert_eq!(shown(&s), vec!["NAME", "STATE", "CPU%"]);
    assert_eq!(status(&s), "columns of vms: name state cpu%");
}

#[test]
fn plus_and_minus_change_the_current_choice_and_all_restores_every_column() {
    let mut s = state();
    command(&mut s, "columns -pool -type");
    assert_eq!(
        shown(&s),
        vec!["NAME", "STATE", "HOST", "VCPU", "MEMORY", "CPU%", "RT"]
    );
    let effects = command(&mut s, "cols +type");
    let expected = words(&[
        "name", "state", "host", "vcpu", "memory", "type", "cpu%", "rt",
    ]);
    assert_eq!(saved(&effects), vec![("vms".into(), expected)]);
    let effects = command(&mut s, "columns all");
    assert_eq!(saved(&effects), vec![("vms".into(), None)]);
    assert_eq!(shown(&s).len(), 9);
    assert!(s.columns.0.is_empty());
}

#[test]
fn each_table_has_its_own_choice() {
    let mut s = state();
    command(&mut s, "columns -pool");
    command(&mut s, "hosts");
    assert!(shown(&s).contains(&"POOL"));
    let effects = command(&mut s, "columns host state");
    assert_eq!(
        saved(&effects),
        vec![("hosts".into(), words(&["host", "state"]))]
    );
    command(&mut s, "ops");
    let effects = command(&mut s, "columns -host");
    assert_eq!(
        saved(&effects),
        vec![(
            "ops".into(),
            words(&["id", "action", "vm", "started", "time", "result"])
        )]
    );
    command(&mut s, "vms");
    assert!(!shown(&s).contains(&"POOL"));
}

#[test]
fn a_wrong_column_says_which_exist_and_changes_nothing() {
    let mut s = state();
    let effects = command(&mut s, "columns name stat");
    assert!(saved(&effects).is_empty());
    let text = status(&s);
    assert!(
        text.contains("no column 'stat'") && text.contains("state"),
        "{text}"
    );
    assert_eq!(shown(&s).len(), 9);
    let effects = command(
        &mut s,
        "columns -name -state -host -pool -vcpu -memory -type -cpu% -rt",
    );
    assert!(saved(&effects).is_empty());
    assert!(status(&s).contains("at least one column"), "{}", status(&s));
}

#[test]
fn alone_it_says_what_is_shown_hidden_and_too_narrow() {
    let mut s = state();
    command(&mut s, "columns -type");
    vmdeck::app::update(
        &mut s,
        vmdeck::app::Msg::Resize {
            width: 40,
            height: 24,
        },
    );
    command(&mut s, "columns");
    let text = status(&s);
    assert!(text.starts_with("vms shows name state"), "{text}");
    assert!(text.contains("hidden: type"), "{text}");
    assert!(text.contains("too narrow for:"), "{text}");
}

#[test]
fn outside_a_table_it_says_where_it_works() {
    let mut s = state();
    command(&mut s, "help");
    let effects = command(&mut s, "columns name");
    assert!(saved(&effects).is_empty());
    assert!(status(&s).contains("works in tables"), "{}", status(&s));
}

#[test]
fn tab_completes_every_column_word() {
    let mut s = state();
    keys(&mut s, ":columns name me");
    let completion = &s.input.as_ref().unwrap().completion;
    assert_eq!(
        completion.candidates.first().map(String::as_str),
        Some("memory")
    );
}

#[test]
fn the_configs_columns_are_used_and_a_bad_one_is_named_at_its_line() {
    let text = format!(
        "{}\n[columns]\nvms = [\"name\", \"host\"]\n",
        common::CONFIG
    );
    let config = vmdeck::config::parse_config(&text, "cols.toml").unwrap();
    let s = State::new(&config, vmdeck::keymap::Keymap::builtin(), common::themes());
    assert_eq!(shown(&s), vec!["NAME", "HOST"]);
    let bad = format!(
        "{}\n[columns]\nvms = [\"name\", \"hots\"]\n",
        common::CONFIG
    );
    let e = vmdeck::config::parse_config(&bad, "cols.toml")
        .unwrap_err()
        .to_string();
    let line = bad.lines().position(|l| l.contains("hots")).unwrap() + 1;
    assert!(e.starts_with(&format!("cols.toml:{line}:")), "{e}");
    assert!(e.contains("no column 'hots'"), "{e}");
}

/// A VM that changes in place widens its columns without the other rows being measured
/// again; its row alone moves.
#[test]
fn a_vm_changed_in_place_widens_its_column() {
    let mut s = state();
    let full = s.row_cache.rederivations;
    let state_width = |s: &State| s.derived.table.as_ref().unwrap().layout.widths[1];
    assert_eq!(state_width(&s), Some(7 + 2));
    let mut changed = s.pools[0].hosts[0].vms[0].clone();
    changed.state = vmdeck::model::VmState::ShuttingDown;
    common::host(&mut s, 0, 0, vmdeck::backend::HostEvent::VmUpdated(changed));
    assert_eq!(s.row_cache.rederivations, full);
    assert_eq!(
        state_width(&s),
        Some(vmdeck::model::VmState::ShuttingDown.as_str().len() + 2)
    );
}
