//! What the hint bar offers: only keys bound and working where the focus is (a list, a VM,
//! the console, its history, the form, a question), most used first, nothing that changes a
//! VM in a read-only pool, and `?` last — generated from the live keymap.

use super::state::{State, View};
use super::update::focus_context;
use crate::keymap::{Action, Binding, Context};

/// One hint: the key as the keymap writes it, and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub key: String,
    pub desc: String,
}

/// The hints for what has focus, in the order to show them; the last one (help) is the
/// one to keep when the bar is too narrow for all.
pub fn hints(state: &State) -> Vec<Hint> {
    let context = focus_context(state);
    let local = state.keymap.bindings(context).iter();
    let mut hints: Vec<Hint> = match context {
        Context::Table | Context::Detail | Context::Help => {
            let global = state.keymap.bindings(Context::Global);
            // `:` reaches every command, so it comes first.
            let command = global.iter().filter(|b| b.action == Action::Command);
            let rest = global
                .iter()
                .filter(|b| !matches!(b.action, Action::Command | Action::Help | Action::Back));
            // In help, `?` closes it (its own binding says so).
            let help = global
                .iter()
                .filter(|b| b.action == Action::Help && context != Context::Help);
            command
                .chain(local.filter(|b| works_here(state, b)))
                .chain(rest)
                .chain(help)
                .map(|b| hint_here(state, b))
                .collect()
        }
        _ => local.filter(|b| works_here(state, b)).map(hint).collect(),
    };
    if context == Context::Form
        && state.compose.as_ref().map(|f| f.field) == Some(super::compose_form::Field::Compose)
    {
        hints.insert(
            0,
            Hint {
                key: "Enter".into(),
                desc: "compose".into(),
            },
        );
    }
    hints
}

/// The sets view does not sort: its `s` scales the selected set.
fn hint_here(state: &State, binding: &Binding) -> Hint {
    let sets = matches!(state.screen().view, View::Sets { .. });
    match binding.action {
        Action::SortNext if sets => Hint {
            desc: "scale the set".into(),
            ..hint(binding)
        },
        _ => hint(binding),
    }
}

fn hint(binding: &Binding) -> Hint {
    let key = match (binding.keys.first(), binding.sequences.first()) {
        (Some(key), _) => key.to_string(),
        (None, Some(sequence)) => {
            let keys: Vec<String> = sequence.iter().map(ToString::to_string).collect();
            keys.join(" ")
        }
        (None, None) => String::new(),
    };
    Hint {
        key,
        desc: binding.desc.clone(),
    }
}

/// Whether a binding does something where the focus is now.
fn works_here(state: &State, binding: &Binding) -> bool {
    use Action as A;
    if binding.mutates() && super::commands::read_only_here(state) {
        return false;
    }
    let has_console = state.consoles.active().is_some();
    // The operations view selects operations, not VMs: it offers what acts on one.
    if focus_context(state) == Context::Table {
        match state.screen().view {
            View::Ops => return matches!(binding.action, A::Open | A::AbortJob),
            View::Op { .. } => return binding.action == A::AbortJob,
            // The sets view selects sets: it opens their members and scales them.
            View::Sets { .. } => return matches!(binding.action, A::Open | A::SortNext),
            _ => {}
        }
    }
    match binding.action {
        // Moving (and going back) is the same in every terminal program; the bar has room
        // for more.
        A::Back if focus_context(state) != Context::Help => false,
        A::PageUp | A::PageDown if focus_context(state) == Context::Form => true,
        // On the live console it opens the history.
        A::PageUp if focus_context(state) == Context::Console => true,
        A::Up | A::Down | A::PageUp | A::PageDown | A::Top | A::Bottom => {
            focus_context(state) == Context::Confirm && has_long_list(state)
        }
        A::Zoom | A::NextTab | A::PrevTab | A::CloseTab => has_console,
        A::ChooseNext | A::ChoosePrev => {
            state.compose.as_ref().is_some_and(|f| f.field.is_choice())
        }
        A::Yes => state.confirm.as_ref().is_some_and(|c| c.typed.is_none()),
        A::Submit if focus_context(state) == Context::Confirm => {
            state.confirm.as_ref().is_some_and(|c| c.typed.is_some())
        }
        _ => true,
    }
}

fn has_long_list(state: &State) -> bool {
    state.confirm.as_ref().is_some_and(|c| c.lines.len() > 1)
}
