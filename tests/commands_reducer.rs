//! The command table against the keymap and help; completion, "did you mean" and argument
//! errors of the `:` line, through `update` like every key.

mod common;

use common::{
    command, input_text, key, load_snapshots, mixed_read_only_state, read_only_state, state,
    status, typed,
};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vmdeck::app::commands::{self, command_of};
use vmdeck::app::state::View;
use vmdeck::app::{Effect, State};
use vmdeck::backend::HostCommand;
use vmdeck::keymap::{Action, Keymap};

/// Keys that move or edit inside what has focus: `:` takes the focus from them.
const KEYS_ONLY: [Action; 20] = [
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Submit,
    Action::Cancel,
    Action::Command,
    Action::Search,
    Action::SearchNext,
    Action::SearchPrev,
    Action::Yank,
    Action::Detach,
    // The form's and the questions' own keys act on what has focus there.
    Action::NextField,
    Action::PrevField,
    Action::ChooseNext,
    Action::ChoosePrev,
    Action::SubmitForm,
    Action::Yes,
];

fn help_text(state: &mut State, width: u16, height: u16) -> String {
    key(state, KeyCode::Char('?'));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| vmdeck::ui::render(f, state)).unwrap();
    terminal.backend().to_string()
}

fn candidates(state: &State) -> Vec<String> {
    state.input.as_ref().unwrap().completion.candidates.clone()
}

#[test]
fn every_bound_action_has_a_command() {
    for (context, bindings) in Keymap::builtin().contexts() {
        for binding in bindings {
            if KEYS_ONLY.contains(&binding.action) {
                assert_eq!(command_of(binding.action), None);
                continue;
            }
            let name = command_of(binding.action)
                .unwrap_or_else(|| panic!("{context:?} {:?} has no command", binding.action));
            assert!(
                commands::find(name).is_some(),
                ":{name} is not in the table"
            );
        }
    }
}

#[test]
fn every_command_is_in_help() {
    let text = help_text(&mut state(), 139, 400);
    for command in commands::all() {
        let usage = command.usage_line();
        let start: String = usage.chars().take(40).collect();
        assert!(text.contains(&start), "{usage} is not in help");
    }
}

#[test]
fn help_hides_mutating_commands_in_read_only_mode() {
    for global in [true, false] {
        let text = help_text(&mut read_only_state(global), 139, 400);
        assert!(text.contains(":console [VM]") && text.contains(":sort"));
        for hidden in [
            ":start",
            ":delete",
            ":migrate HOST",
            ":snapshot NAME",
            ":scale N",
        ] {
            assert!(
                !text.contains(hidden),
                "{hidden} offered (global: {global})"
            );
        }
    }
}

#[test]
fn help_follows_the_read_only_pool_in_view() {
    let mut s = mixed_read_only_state();
    command(&mut s, "vms ro");
    assert!(!help_text(&mut s, 139, 400).contains(":start"));
    let mut s = mixed_read_only_state();
    command(&mut s, "vms rw");
    assert!(help_text(&mut s, 139, 400).contains(":start"));
}

#[test]
fn tab_completes_commands_then_vm_names() {
    let mut s = state();
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "con");
    assert_eq!(candidates(&s), ["console"]);
    key(&mut s, KeyCode::Tab);
    assert_eq!(input_text(&s), "console");
    typed(&mut s, " ");
    assert_eq!(candidates(&s), ["api-1", "db-1", "spare-1"]);
    typed(&mut s, "d");
    key(&mut s, KeyCode::Tab);
    assert_eq!(input_text(&s), "console db-1");
    let usage = s.input.as_ref().unwrap().completion.usage.clone().unwrap();
    assert!(usage.starts_with(":console [VM] — "), "{usage}");
}

#[test]
fn tab_cycles_forward_and_back_through_hosts() {
    let mut s = state();
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "host kv");
    assert_eq!(candidates(&s), ["kvm1", "kvm2"]);
    for expected in ["kvm1", "kvm2", "kvm1"] {
        key(&mut s, KeyCode::Tab);
        assert_eq!(input_text(&s), format!("host {expected}"));
    }
    key(&mut s, KeyCode::BackTab);
    assert_eq!(input_text(&s), "host kvm2");
}

#[test]
fn tab_on_an_empty_line_lists_commands() {
    let mut s = state();
    key(&mut s, KeyCode::Char(':'));
    key(&mut s, KeyCode::Tab);
    assert_eq!(input_text(&s), "pools");
    key(&mut s, KeyCode::BackTab);
    assert_eq!(input_text(&s), commands::all().last().unwrap().name);
}

#[test]
fn completes_snapshots_of_the_vm_in_view_types_and_flags() {
    let mut s = state();
    command(&mut s, "vm db-1");
    load_snapshots(
        &mut s,
        "uuid-db-1",
        &["base", "before-upgrade", "experiment"],
    );
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "revert b");
    assert_eq!(candidates(&s), ["base", "before-upgrade"]);
    key(&mut s, KeyCode::Esc);

    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "compose web --type ");
    assert_eq!(candidates(&s), ["large", "small"]);
    typed(&mut s, "small --i");
    assert_eq!(candidates(&s), ["--image"]);
    key(&mut s, KeyCode::Esc);

    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "migrate kvm2 ");
    assert!(candidates(&s).contains(&"--offline".to_string()));
}

#[test]
fn completes_sort_columns_of_the_list_in_view() {
    let mut s = state();
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "sort m");
    assert_eq!(candidates(&s), ["memory"]);
    typed(&mut s, "emory ");
    assert_eq!(candidates(&s), ["asc", "desc"]);
}

#[test]
fn did_you_mean_for_commands_vms_hosts_and_pools() {
    let cases = [
        (
            "strat",
            "unknown command ':strat' — did you mean :start? (:help lists all)",
        ),
        ("vm api", "no VM named 'api' — did you mean api-1?"),
        ("vm -1", "no VM named '-1' — db-1, api-1, spare-1?"),
        ("host kvm3", "no host or pool named 'kvm3' — kvm1, kvm2?"),
        ("hosts prd", "no pool named 'prd' — did you mean prod?"),
        ("zzzzzz", "unknown command ':zzzzzz' (:help lists all)"),
    ];
    for (line, expected) in cases {
        let mut s = state();
        command(&mut s, line);
        assert_eq!(status(&s), expected, ":{line}");
    }
}

#[test]
fn argument_errors_name_the_argument_and_show_the_usage() {
    let cases = [
        (
            "start extra",
            ":start: too many arguments: 'extra' — usage: :start",
        ),
        (
            "migrate",
            ":migrate: missing HOST — usage: :migrate HOST [--offline]",
        ),
        (
            "delete --storge",
            ":delete: unknown option --storge — did you mean --storage?",
        ),
        (
            "scale x",
            ":scale: N wants a number, not 'x' — usage: :scale N",
        ),
        (
            "sort memory up",
            ":sort: 'up' is not one of asc, desc — usage: :sort",
        ),
        ("migrate kvm2 --bw", ":migrate: --bw needs a value"),
    ];
    for (line, expected) in cases {
        let mut s = state();
        command(&mut s, line);
        assert!(status(&s).starts_with(expected), ":{line}: {}", status(&s));
    }
}

#[test]
fn console_and_watch_by_name_from_the_pools_view() {
    let mut s = state();
    command(&mut s, "pools");
    let effects = command(&mut s, "console api-1");
    assert!(matches!(&effects[..], [Effect::OpenConsole { uuid, .. }] if uuid == "uuid-api-1"));
    // The console has the keys now: detach first.
    common::ctrl(&mut s, ']');
    command(&mut s, "watch db-1");
    let tab = s.consoles.active().unwrap();
    assert!(tab.vm_name == "db-1" && tab.watch_only);
    assert_eq!(s.screen().view, View::Pools);
}

#[test]
fn sort_mark_reconnect_and_xml_by_command() {
    let mut s = state();
    command(&mut s, "sort memory desc");
    assert_eq!(common::vm_names(&s), ["db-1", "api-1", "spare-1"]);
    command(&mut s, "mark db");
    assert_eq!(s.marked.len(), 1);
    let effects = command(&mut s, "reconnect kvm2");
    assert_eq!(
        effects,
        [Effect::Host {
            pool: 0,
            host: 1,
            command: HostCommand::ReconnectNow
        }]
    );
    command(&mut s, "xml");
    assert!(status(&s).contains("works in a VM's detail"));
    command(&mut s, "vm db-1");
    command(&mut s, "xml");
    assert!(s.screen().show_xml);
}
