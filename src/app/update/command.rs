//! The `:` command bar: the line is parsed against the one command table
//! (`app::commands`) and routed to the handler of its command.

use super::command_goto::{goto_host, goto_vm, mark_matching, one_vm_named, reconnect_named};
use super::nav::{jump, push};
use super::{actions, clone, compose, console, migrate, nav, scale, set_status, snapshots};
use crate::app::commands::{self, Cmd, Parsed, Scope, column_key};
use crate::app::filter::Filter;
use crate::app::msg::Effect;
use crate::app::state::{Level, State, View};
use crate::keymap::Action;

pub fn run(state: &mut State, line: &str) -> Vec<Effect> {
    let parsed = match commands::parse(state, line) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => return Vec::new(),
        Err(why) => {
            set_status(state, Level::Error, why);
            return Vec::new();
        }
    };
    if let Err(why) = in_scope(state, &parsed) {
        set_status(state, Level::Error, why);
        return Vec::new();
    }
    match parsed.command.cmd {
        Cmd::Pools
        | Cmd::Hosts
        | Cmd::Host
        | Cmd::Vms
        | Cmd::Vm
        | Cmd::Dashboard
        | Cmd::Images
        | Cmd::Rt
        | Cmd::Sets
        | Cmd::Ops
        | Cmd::Audit
        | Cmd::Help
        | Cmd::Quit
        | Cmd::QuitNow
        | Cmd::Back => navigate(state, &parsed),
        Cmd::Open | Cmd::Filter | Cmd::Sort | Cmd::Reverse | Cmd::Mark | Cmd::Unmark => {
            list(state, &parsed)
        }
        Cmd::Columns => super::columns::choose(state, parsed.arg(0)),
        _ => act(state, &parsed),
    }
}

/// Commands of lists and the detail view say so when used elsewhere.
fn in_scope(state: &State, parsed: &Parsed) -> Result<(), String> {
    let view = &state.screen().view;
    let name = parsed.command.name;
    match parsed.command.scope {
        Scope::Lists if !view.is_table() => {
            Err(format!(":{name} works in lists (:pools, :hosts, :vms)"))
        }
        Scope::Detail if !matches!(view, View::Vm { .. }) => {
            Err(format!(":{name} works in a VM's detail (:vm NAME)"))
        }
        _ => Ok(()),
    }
}

fn navigate(state: &mut State, parsed: &Parsed) -> Vec<Effect> {
    let pool = parsed.arg(0).and_then(|name| pool_index(state, name));
    match parsed.command.cmd {
        Cmd::Pools => jump(state, View::Pools),
        Cmd::Hosts => jump(state, View::Hosts { pool }),
        Cmd::Host => match (parsed.arg(0), pool) {
            (None, _) => return nav::host_info(state),
            (Some(_), Some(pool)) => jump(state, View::Hosts { pool: Some(pool) }),
            (Some(name), None) => return goto_host(state, name),
        },
        Cmd::Vms | Cmd::Vm if parsed.arg(0).is_none() || pool.is_some() => {
            jump(state, View::Vms { pool, host: None })
        }
        Cmd::Vm => return goto_vm(state, &parsed.positionals[0]),
        Cmd::Dashboard => nav::dashboard(state, pool),
        Cmd::Images => return compose::images(state, pool),
        Cmd::Rt => {
            push(state, View::Rt { pool });
            return crate::app::rt::reload(state, pool);
        }
        Cmd::Sets => super::sets::open_view(state, pool),
        Cmd::Ops => jump(state, View::Ops),
        Cmd::Audit => {
            jump(state, View::Audit);
            return vec![Effect::LoadAudit];
        }
        Cmd::Help => push(state, View::Help),
        Cmd::Quit => nav::quit(state),
        Cmd::QuitNow => state.quit = true,
        _ => nav::back(state),
    }
    Vec::new()
}

fn list(state: &mut State, parsed: &Parsed) -> Vec<Effect> {
    match parsed.command.cmd {
        Cmd::Open => return nav::open(state),
        Cmd::Filter => {
            let text = parsed.arg(0).unwrap_or_default();
            if let Err(error) = Filter::parse(text) {
                set_status(state, Level::Error, error);
                return Vec::new();
            }
            let table = &mut state.screen_mut().table;
            table.filter = text.to_string();
            table.selected = 0;
            table.offset = 0;
        }
        Cmd::Sort => sort(state, parsed.arg(0), parsed.arg(1)),
        Cmd::Reverse => nav::sort_reverse(state),
        Cmd::Mark => mark_matching(state, parsed.arg(0)),
        _ => state.marked.clear(),
    }
    Vec::new()
}

/// `:sort` alone is the next column, like `s`; a column sorts ascending unless `desc`.
fn sort(state: &mut State, column: Option<&str>, direction: Option<&str>) {
    let Some(column) = column else {
        nav::sort_next(state);
        return;
    };
    let order = crate::app::table::columns(&state.screen().view);
    let index = order.iter().position(|c| column_key(c.title) == column);
    let table = &mut state.screen_mut().table;
    table.sort_column = index.unwrap_or(table.sort_column);
    table.sort_descending = direction == Some("desc");
    let way = if table.sort_descending {
        "descending"
    } else {
        "ascending"
    };
    set_status(state, Level::Info, format!("sorted by {column}, {way}"));
}

fn act(state: &mut State, parsed: &Parsed) -> Vec<Effect> {
    let words: Vec<&str> = parsed.words.iter().map(String::as_str).collect();
    match parsed.command.cmd {
        Cmd::Xml => nav::toggle_xml(state),
        Cmd::Reconnect => match parsed.arg(0) {
            None => return nav::reconnect(state),
            Some(host) => return reconnect_named(state, host),
        },
        Cmd::Console { watch_only } => match parsed.arg(0) {
            None => return console::open(state, watch_only),
            Some(name) => {
                if let Some((pool, host, uuid)) = one_vm_named(state, name) {
                    return console::open_vm(state, pool, host, uuid, watch_only);
                }
            }
        },
        Cmd::Zoom => return console_key(state, Action::Zoom),
        Cmd::TabNext => return console_key(state, Action::NextTab),
        Cmd::TabPrev => return console_key(state, Action::PrevTab),
        Cmd::TabClose => return console_key(state, Action::CloseTab),
        Cmd::History => return console_key(state, Action::CopyMode),
        Cmd::Power(action) => return actions::request(state, action),
        Cmd::Migrate => return migrate::request(state, &words),
        Cmd::Abort => return migrate::abort(state),
        Cmd::Delete => {
            let storage = words.contains(&"--storage");
            return actions::request_delete(state, storage, words.contains(&"--force"));
        }
        Cmd::Snapshot | Cmd::Revert | Cmd::SnapshotDelete => {
            return snapshots::command(state, parsed.command.name, &words);
        }
        Cmd::Clone => return clone::command(state, &words),
        Cmd::Scale => return scale::command(state, &words),
        Cmd::Heal => return super::heal::command(state),
        Cmd::Compose => return compose::command(state, &words),
        _ => {}
    }
    Vec::new()
}

/// What the console keys do, when a console is open.
fn console_key(state: &mut State, action: Action) -> Vec<Effect> {
    if state.consoles.tabs.is_empty() {
        set_status(
            state,
            Level::Warn,
            "no console is open (:console VM opens one)",
        );
        return Vec::new();
    }
    console::run(state, action)
}

fn pool_index(state: &State, name: &str) -> Option<usize> {
    state.pools.iter().position(|p| p.name == name)
}
