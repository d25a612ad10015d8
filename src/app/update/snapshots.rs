//! `:snapshot NAME [--memory|--disk-only] [DESCRIPTION]`, `:revert NAME`, `:snapshot-delete
//! NAME` on the selected VM, each asked for (a snapshot that does not exist is refused first).

use super::actions::single_target;
use super::ask::{ask, vms_phrase};
use super::set_status;
use crate::app::msg::Effect;
use crate::app::ops::{OpKind, OpRequest};
use crate::app::state::{Level, State};
use crate::model::action::SnapshotAction;

pub fn command(state: &mut State, verb: &str, args: &[&str]) -> Vec<Effect> {
    let Some((name, rest)) = args.split_first() else {
        set_status(state, Level::Error, format!("usage: :{verb} NAME"));
        return Vec::new();
    };
    let name = name.to_string();
    let Some(target) = single_target(state, "snapshot") else {
        return Vec::new();
    };
    let action = match verb {
        "revert" => SnapshotAction::Revert { name },
        "snapshot-delete" => SnapshotAction::Delete { name },
        _ => {
            let (with_memory, words) = match rest.split_first() {
                Some((&"--memory", words)) => (Some(true), words),
                Some((&"--disk-only", words)) => (Some(false), words),
                _ => (None, rest),
            };
            SnapshotAction::Create {
                name,
                description: words.join(" "),
                with_memory,
            }
        }
    };
    let request = OpRequest {
        target,
        kind: OpKind::Snapshot(action.clone()),
    };
    ask(state, vec![request], move |state, eligible| {
        let vm = vms_phrase(state, eligible);
        match &action {
            SnapshotAction::Revert { name } => {
                format!("Revert {vm} to snapshot {name}? Its current state is lost.")
            }
            SnapshotAction::Delete { name } => format!("Delete snapshot {name} of {vm}?"),
            SnapshotAction::Create { name, .. } => format!("Take snapshot {name} of {vm}?"),
        }
    })
}
