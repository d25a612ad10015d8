//! Operations on a host's domains, each ending in exactly one `OpFinished`. None runs on the
//! host's thread: a power action or snapshot of a guest whose QEMU does not answer waits up to
//! 30 s for the domain's job, and the host's other VMs, events and consoles must not wait with
//! it. Quick ones run on the call pool and report through the worker's inbox; long ones
//! (clone, migrate, compose) have threads of their own that report progress as they go.

use std::sync::mpsc::Sender;

use virt::connect::Connect;

use super::delete::delete;
use super::power::power;
use super::worker::WorkerInput;
use super::{clone, fanout, migrate, restamp, snapshot};
use crate::backend::{EventSink, HostCommand, HostEvent, OpKind, refuse_in_read_only};

/// Carries out `command` (an `Op`), unless the pool is read-only.
pub fn run(
    conn: &Connect,
    command: HostCommand,
    tx: &Sender<WorkerInput>,
    sink: &EventSink,
    read_only: bool,
) {
    let HostCommand::Op { op, uuid, kind } = command else {
        return;
    };
    // Watching changes nothing, so read-only pools watch too.
    let watch = matches!(kind, OpKind::Adopted { .. });
    if let (false, Err(refused)) = (watch, refuse_in_read_only(read_only)) {
        return sink(HostEvent::OpFinished {
            op,
            result: Err(refused),
        });
    }
    let tx = tx.clone();
    let quick: Quick = match kind {
        OpKind::Adopted { .. } => return super::jobs::watch(conn, &uuid, op, tx),
        OpKind::Clone(request) => {
            return clone::spawn(conn, &uuid, request.name, request.mode, op, tx);
        }
        OpKind::Migrate { to, options, .. } => {
            return migrate::spawn(conn, &uuid, to, options, op, tx);
        }
        OpKind::Compose(spec) => return super::compose::spawn(conn, *spec, op, tx),
        OpKind::Power(action) => Box::new(move |conn, uuid| power(conn, uuid, action)),
        OpKind::Snapshot(action) => Box::new(move |conn, uuid| snapshot::run(conn, uuid, &action)),
        OpKind::Delete {
            with_storage,
            force,
        } => Box::new(move |conn, uuid| delete(conn, uuid, with_storage, force)),
        OpKind::Abort { .. } => Box::new(migrate::abort),
        OpKind::Restamp(spec) => Box::new(move |conn, uuid| restamp::restamp(conn, uuid, &spec)),
    };
    let conn = conn.clone();
    drop(fanout::spawn(move || {
        let result = quick(&conn, &uuid);
        let _ = tx.send(WorkerInput::OpDone { op, result });
    }));
}

/// An operation that is one call (or a few) on a domain.
type Quick = Box<dyn FnOnce(&Connect, &str) -> Result<(), String> + Send>;
