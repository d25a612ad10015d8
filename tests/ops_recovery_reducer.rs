//! Operations across a restart of vmdeck, through `update`: what still runs when vmdeck
//! stops gets one "unfinished" audit line each, and jobs found running at connect become
//! operations that end once and can be aborted.

mod common;

use common::{host, key, state, typed};
use crossterm::event::KeyCode;
use vmdeck::app::ops::OpStatus;
use vmdeck::app::{Effect, Msg, State, update};
use vmdeck::backend::{FoundJob, HostCommand, HostEvent, OpKind};
use vmdeck::model::action::MigrationProgress;

fn audits(effects: &[Effect]) -> Vec<(String, String, String)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Audit {
                vm, action, result, ..
            } => Some((vm.clone(), action.clone(), result.clone())),
            _ => None,
        })
        .collect()
}

fn found(s: &mut State, uuid: &str) -> Vec<Effect> {
    let progress = MigrationProgress {
        total_bytes: 400,
        processed_bytes: 100,
        ..Default::default()
    };
    let job = FoundJob {
        what: "outgoing migration".into(),
        progress: Some(progress),
    };
    let uuid = uuid.into();
    host(s, 0, 0, HostEvent::JobFound { uuid, job })
}

/// Starts a live migration of api-1 to kvm2 as the user would; returns its operation.
fn migrate_api_1(s: &mut State) -> u64 {
    let inventory = vmdeck::model::HostInventory {
        facts: common::facts("kvm2"),
        vms: vec![],
    };
    host(s, 0, 1, HostEvent::Connected(inventory));
    typed(s, "/api-1");
    key(s, KeyCode::Enter);
    key(s, KeyCode::Char('M'));
    typed(s, "kvm2");
    key(s, KeyCode::Enter);
    let effects = key(s, KeyCode::Char('y'));
    let [Effect::Host { command, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    command.op().expect("the migration is an operation")
}

#[test]
fn sigterm_with_running_ops_audits_each_as_unfinished_once() {
    let mut s = state();
    let migration = migrate_api_1(&mut s);
    found(&mut s, "uuid-db-1");
    assert_eq!(s.ops.running(), 2);
    let effects = update(&mut s, Msg::Terminate { signal: "SIGTERM" });
    assert!(s.quit);
    let unfinished =
        "unfinished: vmdeck stopped (SIGTERM) while it ran; the job goes on on the host";
    assert_eq!(
        audits(&effects),
        [
            ("api-1".into(), "migrate".into(), unfinished.into()),
            ("db-1".into(), "found job".into(), unfinished.into()),
        ]
    );
    // No host command: the jobs are left to run.
    assert!(!effects.iter().any(|e| matches!(e, Effect::Host { .. })));
    assert_eq!(s.ops.running(), 0);
    // A result that arrives while vmdeck winds down changes nothing: one result per op.
    let late = host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op: migration,
            result: Ok(()),
        },
    );
    assert!(audits(&late).is_empty(), "{late:?}");
}

#[test]
fn quitting_with_q_bang_audits_what_runs_and_sighup_names_itself() {
    let mut s = state();
    found(&mut s, "uuid-api-1");
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "q!");
    let effects = key(&mut s, KeyCode::Enter);
    assert!(s.quit);
    let [(_, _, result)] = audits(&effects).try_into().expect("one audit line");
    assert!(result.starts_with("unfinished: vmdeck was quit while it ran"));

    let mut s = state();
    found(&mut s, "uuid-api-1");
    let effects = update(&mut s, Msg::Terminate { signal: "SIGHUP" });
    let [(_, _, result)] = audits(&effects).try_into().expect("one audit line");
    assert!(result.starts_with("unfinished: vmdeck stopped (SIGHUP)"));
    // Nothing running: nothing to write.
    let mut s = state();
    assert!(audits(&update(&mut s, Msg::Terminate { signal: "SIGTERM" })).is_empty());
}

#[test]
fn a_found_job_is_a_running_op_that_ends_with_one_result() {
    let mut s = state();
    let effects = found(&mut s, "uuid-api-1");
    let [
        Effect::Host {
            pool: 0,
            host: 0,
            command:
                HostCommand::Op {
                    op,
                    uuid,
                    kind: OpKind::Adopted { job },
                },
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(
        (uuid.as_str(), job.as_str()),
        ("uuid-api-1", "outgoing migration")
    );
    let entry = s.ops.get(*op).unwrap().clone();
    assert_eq!(entry.status, OpStatus::Running);
    assert_eq!(entry.target.name, "api-1");
    assert_eq!(
        entry.note.as_deref(),
        Some("found running when vmdeck started")
    );
    assert_eq!(entry.progress.unwrap().percent(), 25.0);
    // Found again after a reconnect: it is already watched.
    assert!(found(&mut s, "uuid-api-1").is_empty());
    assert_eq!(s.ops.list.len(), 1);
    let progress = MigrationProgress {
        total_bytes: 400,
        processed_bytes: 300,
        ..Default::default()
    };
    host(&mut s, 0, 0, HostEvent::OpProgress { op: *op, progress });
    let status = s.status.clone().unwrap().text;
    assert!(
        status.starts_with("found job api-1: outgoing migration · 75%"),
        "{status}"
    );
    let done = host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op: *op,
            result: Ok(()),
        },
    );
    assert_eq!(
        audits(&done),
        [("api-1".into(), "found job".into(), "ok".into())]
    );
    assert_eq!(s.ops.get(*op).unwrap().status, OpStatus::Done);
    let again = host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op: *op,
            result: Err("late".into()),
        },
    );
    assert!(audits(&again).is_empty());
    assert_eq!(s.ops.get(*op).unwrap().status, OpStatus::Done);
}

#[test]
fn x_aborts_a_found_job() {
    let mut s = state();
    found(&mut s, "uuid-api-1");
    let job = s.ops.list[0].id;
    let abort = key(&mut s, KeyCode::Char('x'));
    let [
        Effect::Host {
            command:
                HostCommand::Op {
                    op: abort_op,
                    uuid,
                    kind: OpKind::Abort { of },
                },
            ..
        },
    ] = abort.as_slice()
    else {
        panic!("{abort:?}")
    };
    assert_eq!((uuid.as_str(), *of), ("uuid-api-1", job));
    let answered = host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op: *abort_op,
            result: Ok(()),
        },
    );
    assert!(
        audits(&answered).is_empty(),
        "the abort waits for the job's end"
    );
    let ended = Err("the migration ended and the VM is still on this host (cancelled or failed)");
    let effects = host(
        &mut s,
        0,
        0,
        HostEvent::OpFinished {
            op: job,
            result: ended.map_err(String::from),
        },
    );
    assert_eq!(
        audits(&effects),
        [
            (
                "api-1".into(),
                "found job".into(),
                "failed: cancelled by the admin".into()
            ),
            ("api-1".into(), "abort".into(), "cancelled".into()),
        ]
    );
}
