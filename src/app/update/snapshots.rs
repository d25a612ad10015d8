//! `:snapshot NAME [--memory|--disk-only] [DESCRIPTION]`, `:revert NAME`, `:snapshot-delete NAME` on the selected VM.
//! Reverting and deleting lose something, so they ask first.

use super::actions::single_writable_target;
use super::set_status;
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, Target};
use crate::app::state::{Confirm, Level, Pending, State};
use crate::backend::HostCommand;
use crate::model::action::SnapshotAction;

pub fn command(state: &mut State, verb: &str, args: &[&str]) -> Vec<Effect> {
    let Some((name, rest)) = args.split_first() else {
        set_status(state, Level::Error, format!("usage: :{verb} NAME"));
        return Vec::new();
    };
    let name = name.to_string();
    let Some(target) = single_writable_target(state, "snapshot") else {
        return Vec::new();
    };
    let pool = &state.pools[target.pool];
    let host = &pool.hosts[target.host].name;
    let (action, question) = match verb {
        "revert" => {
            let question = format!(
                "Revert {} on {host} to snapshot {name}? Its current state is lost.",
                target.name
            );
            (SnapshotAction::Revert { name }, Some(question))
        }
        "snapshot-delete" => {
            let question = format!("Delete snapshot {name} of {} on {host}?", target.name);
            (SnapshotAction::Delete { name }, Some(question))
        }
        _ => {
            let (with_memory, words) = match rest.split_first() {
                Some((&"--memory", words)) => (Some(true), words),
                Some((&"--disk-only", words)) => (Some(false), words),
                _ => (None, rest),
            };
            let action = SnapshotAction::Create {
                name,
                description: words.join(" "),
                with_memory,
            };
            (action, None)
        }
    };
    match question {
        Some(question) => {
            let pending = Pending::Snapshot {
                target: target.clone(),
                action,
            };
            state.confirm = Some(Confirm {
                question,
                pending,
                typed: None,
            });
            Vec::new()
        }
        None => start(state, target.clone(), action),
    }
}

pub fn start(state: &mut State, target: Target, action: SnapshotAction) -> Vec<Effect> {
    let host_name = state.pools[target.pool].hosts[target.host].name.clone();
    let (pool, host, uuid) = (target.pool, target.host, target.uuid.clone());
    let op = state
        .ops
        .add(OpKind::Snapshot(action.clone()), target, host_name);
    vec![Effect::Host {
        pool,
        host,
        command: HostCommand::Snapshot { uuid, op, action },
    }]
}
