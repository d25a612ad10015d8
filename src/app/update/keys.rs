//! Keys → actions through the live keymap.

use crossterm::event::{KeyEvent, KeyEventKind};

use super::launch::launch;
use super::{actions, compose, compose_keys, console, input, migrate, nav};
use crate::app::msg::Effect;
use crate::app::state::{Level, Pending, State, View};
use crate::keymap::{Action, Chord, Context};

/// The keymap context of what has focus.
pub fn context(state: &State) -> Context {
    if state.confirm.is_some() {
        return Context::Confirm;
    }
    if state.input.is_some() {
        return Context::Input;
    }
    if state.consoles.has_focus() {
        let copying = state.consoles.active().is_some_and(|t| t.copy.is_some());
        return if copying {
            Context::CopyMode
        } else {
            Context::Console
        };
    }
    view_context(state)
}

/// The context of the screen in view, whatever has focus over it (a question, the input
/// line, the console).
pub fn view_context(state: &State) -> Context {
    match state.screen().view {
        View::Help => Context::Help,
        View::Vm { .. } => Context::Detail,
        // The form takes every key (typing a name or YAML must not run commands).
        View::Compose { .. } => Context::Form,
        _ => Context::Table,
    }
}

pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    let ctx = context(state);
    match ctx {
        Context::Confirm => return super::ask::answer(state, key),
        Context::Console | Context::CopyMode => return console::on_key(state, key),
        Context::Form => return compose_keys::on_key(state, key),
        _ => {}
    }
    let chord = Chord::from_event(&key);
    let binding = state.keymap.binding(ctx, &chord);
    match binding.map(|b| (b.action, b.command.clone())) {
        // A keymap entry that runs a `:` command with its arguments (yazi's `run`).
        Some((Action::Run, Some(line))) => super::command::run(state, &line),
        Some((action, _)) => run(state, action),
        None if ctx == Context::Input => input::on_text_key(state, key),
        None => Vec::new(),
    }
}

/// A confirmed question.
pub(super) fn carry_out(state: &mut State, pending: Pending) -> Vec<Effect> {
    match pending {
        Pending::Ops(requests) => launch(state, requests),
        Pending::ForceConsole(id) => match state.consoles.find(id) {
            Some(index) => {
                state.consoles.active = index;
                console::reconnect_active(state, true)
            }
            None => Vec::new(),
        },
        Pending::DiscardCompose => {
            compose::close(state);
            Vec::new()
        }
        Pending::Quit => {
            state.quit = true;
            Vec::new()
        }
    }
}

/// Carries out an action.
pub fn run(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => nav::quit(state),
        Action::Ops => nav::jump(state, View::Ops),
        Action::HostInfo => return nav::host_info(state),
        Action::Dashboard => nav::dashboard(state, None),
        Action::ComposeVm => return compose::open_empty(state),
        Action::MigrateVm => {
            let hosts = migrate::candidates(state);
            super::set_status(state, Level::Info, hosts);
            input::open_command_with(state, "migrate ");
        }
        Action::AbortJob => return migrate::abort(state),
        Action::DeleteVm => return actions::request_delete(state, false, false),
        Action::Mark => actions::toggle_mark(state),
        Action::Back => nav::back(state),
        Action::Open => return nav::open(state),
        Action::Up => nav::move_by(state, -1),
        Action::Down => nav::move_by(state, 1),
        Action::PageUp => nav::move_by(state, -(state.page_rows as isize)),
        Action::PageDown => nav::move_by(state, state.page_rows as isize),
        Action::Top => nav::move_by(state, isize::MIN / 2),
        Action::Bottom => nav::move_by(state, isize::MAX / 2),
        Action::Filter => input::open_filter(state),
        Action::Command => input::open_command(state),
        Action::Help => nav::push(state, View::Help),
        // The sets view does not sort: there `s` scales the selected set.
        Action::SortNext if matches!(state.screen().view, View::Sets { .. }) => {
            super::sets::ask_count(state)
        }
        Action::SortNext => nav::sort_next(state),
        Action::SortReverse => nav::sort_reverse(state),
        Action::ToggleXml => nav::toggle_xml(state),
        Action::Reconnect => return nav::reconnect(state),
        Action::Pools => nav::jump(state, View::Pools),
        Action::Hosts => nav::jump(state, View::Hosts { pool: None }),
        Action::Vms => nav::jump(
            state,
            View::Vms {
                pool: None,
                host: None,
            },
        ),
        Action::Submit => return input::submit(state),
        Action::Cancel => input::cancel(state),
        Action::Console => return console::open(state, false),
        Action::WatchConsole => return console::open(state, true),
        Action::Detach
        | Action::Zoom
        | Action::NextTab
        | Action::PrevTab
        | Action::CloseTab
        | Action::CopyMode => return console::run(state, action),
        // Only meaningful in copy mode, the form or a question, which handle them
        // themselves; `Run` without a command line does nothing.
        Action::Search
        | Action::SearchNext
        | Action::SearchPrev
        | Action::Yank
        | Action::NextField
        | Action::PrevField
        | Action::ChooseNext
        | Action::ChoosePrev
        | Action::SubmitForm
        | Action::Yes
        | Action::Run => {}
        Action::StartVm
        | Action::ShutdownVm
        | Action::RebootVm
        | Action::ResetVm
        | Action::PowerOffVm
        | Action::SuspendVm
        | Action::ResumeVm => {
            if let Some(power) = action.power() {
                return actions::request(state, power);
            }
        }
    }
    Vec::new()
}
