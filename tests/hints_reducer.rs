//! The hint bar's content from where the focus is, and keymap entries that run a `:`
//! command with arguments.

mod common;

use common::{keys, state};
use vmdeck::app::hints::hints;
use vmdeck::app::{Effect, State};
use vmdeck::backend::{HostCommand, OpKind};
use vmdeck::keymap::{Chord, Context, Keymap};
use vmdeck::model::action::SnapshotAction;

fn shown(s: &State) -> Vec<String> {
    hints(s).into_iter().map(|h| h.key).collect()
}

/// Every hint is a key bound in the context that has focus (or globally, where global
/// bindings apply).
fn all_bound_here(s: &State) {
    let context = vmdeck::app::update::focus_context(s);
    for hint in hints(s) {
        let bound = |ctx: Context| {
            s.keymap.bindings(ctx).iter().any(|b| {
                b.keys.first().map(ToString::to_string) == Some(hint.key.clone())
                    || !b.sequences.is_empty()
            })
        };
        let global = context.takes_global() && bound(Context::Global);
        let special = context == Context::Form && hint.key == "Enter";
        assert!(
            bound(context) || global || special,
            "{context:?}: {}",
            hint.key
        );
    }
}

#[test]
fn the_list_offers_command_mark_and_start_with_help_last() {
    let s = state();
    let keys = shown(&s);
    assert_eq!(keys.first().map(String::as_str), Some(":"));
    assert_eq!(keys.last().map(String::as_str), Some("?"));
    for key in ["<Space>", "u", "c", "/"] {
        let key = Chord::parse(key).unwrap().to_string();
        assert!(keys.contains(&key), "{key} in {keys:?}");
    }
    assert!(
        !keys.contains(&"z".to_string()),
        "no console open: no console keys"
    );
    all_bound_here(&s);
}

#[test]
fn a_focused_console_offers_only_its_own_keys() {
    let mut s = state();
    keys(&mut s, "c");
    let shown = shown(&s);
    assert_eq!(shown[0], "C-]");
    for guest_key in ["q", ":", "?", "P"] {
        assert!(
            !shown.contains(&guest_key.to_string()),
            "{guest_key} goes to the guest"
        );
    }
    all_bound_here(&s);
    // Detached, the list offers the console's keys.
    keys(&mut s, "<C-]>");
    assert!(shown_has(&s, "z") && shown_has(&s, "X"));
}

fn shown_has(s: &State, key: &str) -> bool {
    shown(s).contains(&key.to_string())
}

#[test]
fn read_only_pools_offer_nothing_that_changes_a_vm() {
    for global in [true, false] {
        let s = common::read_only_state(global);
        let keys = shown(&s);
        for mutating in ["u", "d", "R", "F", "M", "Del", "x"] {
            assert!(
                !keys.contains(&mutating.to_string()),
                "{mutating} in {keys:?}"
            );
        }
        for b in s.keymap.bindings(Context::Table) {
            if b.mutates() {
                let key = b.keys[0].to_string();
                assert!(!keys.contains(&key), "{key} mutates");
            }
        }
    }
}

#[test]
fn a_question_offers_its_answers() {
    let mut s = state();
    keys(&mut s, "R");
    assert_eq!(shown(&s), ["y", "Esc"]);
    keys(&mut s, "<Esc><Space><Space>F");
    let typed = shown(&s);
    assert!(typed.contains(&"Enter".to_string()) && !typed.contains(&"y".to_string()));
    let down = Chord::parse("<Down>").unwrap().to_string();
    assert!(typed.contains(&down), "a list to scroll: {typed:?}");
    all_bound_here(&s);
}

#[test]
fn the_form_offers_its_keys_and_choices_only_on_choice_fields() {
    let mut s = common::compose_lab::lab(common::compose_lab::CONFIG);
    keys(&mut s, "n");
    let name_field = shown(&s);
    assert_eq!(name_field[0], "C-s");
    let right = Chord::parse("<Right>").unwrap().to_string();
    assert!(!name_field.contains(&right));
    keys(&mut s, "<Tab><Tab>");
    assert!(shown_has(&s, &right), "type is a choice");
    all_bound_here(&s);
}

#[test]
fn a_keymap_entry_runs_a_command_with_its_arguments() {
    let user = Keymap::parse(
        "[table]\nkeymap = [{ on = \"<F5>\", run = \":snapshot before-test\", desc = \"snapshot before the test\" }]\n",
    )
    .unwrap();
    let mut s = state();
    s.keymap = Keymap::builtin().overlay(user);
    keys(&mut s, "<F5>");
    assert_eq!(
        s.confirm.as_ref().unwrap().question,
        "Take snapshot before-test of api-1 on kvm1?"
    );
    let effects = keys(&mut s, "y");
    assert!(
        matches!(effects.as_slice(), [Effect::Host { command: HostCommand::Op {
            kind: OpKind::Snapshot(SnapshotAction::Create { name, .. }), .. }, .. }]
            if name == "before-test"),
        "{effects:?}"
    );
    // It mutates, so read-only pools do not offer it.
    let binding = s
        .keymap
        .binding(Context::Table, &Chord::parse("<F5>").unwrap())
        .unwrap();
    assert!(binding.mutates());
    assert!(
        Keymap::parse("[table]\nkeymap = [{ on = \"a\", run = \":\", desc = \"d\" }]\n").is_err()
    );
}
