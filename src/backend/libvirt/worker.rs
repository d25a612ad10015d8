//! One supervisor thread per libvirt host: connect with back-off, serve the connection
//! (`session`), and reconnect when it drops. A host's calls happen on its own thread or, for
//! those one guest can hold (stats passes, operations), on the call pool, so a slow or dead
//! host never blocks another host or the UI, and a stuck guest never blocks its host.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use super::connection;
use super::events::LibvirtEvent;
use super::init::ensure_event_loop;
use super::sampler::PassResult;
use super::session::Session;
use crate::backend::backoff::Backoff;
use crate::backend::console::{ConsoleEvent, ConsoleRequest};
use crate::backend::contain::{contain, failed_reason};
use crate::backend::{
    EventSink, HostCommand, HostDriver, HostEvent, HostSettings, OpId, answer_while_down,
};
use crate::model::action::MigrationProgress;

/// Everything the worker waits on: the app's commands and libvirt's callbacks.
#[derive(Debug)]
pub enum WorkerInput {
    Command(HostCommand),
    OpenConsole(ConsoleRequest),
    Libvirt(LibvirtEvent),
    /// From a migration thread.
    Progress {
        op: OpId,
        progress: MigrationProgress,
    },
    OpDone {
        op: OpId,
        result: Result<(), String>,
    },
    /// A step of a long operation, in words (composing).
    OpNote {
        op: OpId,
        text: String,
    },
    /// A stats pass came back, from the call pool (`sampler`).
    Sampled {
        generation: u64,
        pass: PassResult,
    },
}

/// The app's handle on a host supervisor.
/// The supervisor thread is never joined: it may sit in a hung libvirt call, and it ends with
/// the process anyway.
pub struct HostHandle {
    tx: Sender<WorkerInput>,
}

impl HostDriver for HostHandle {
    fn send(&self, command: HostCommand) {
        let _ = self.tx.send(WorkerInput::Command(command));
    }

    fn open_console(&self, request: ConsoleRequest) {
        let _ = self.tx.send(WorkerInput::OpenConsole(request));
    }
}

impl Drop for HostHandle {
    fn drop(&mut self) {
        self.send(HostCommand::Shutdown);
    }
}

/// Starts the supervisor of the host at `uri`.
pub fn spawn_host(uri: String, sink: EventSink, settings: HostSettings) -> HostHandle {
    let (tx, rx) = channel();
    let worker_tx = tx.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("libvirt {uri}"))
        .spawn(move || supervise_contained(&uri, &rx, &worker_tx, &sink, settings));
    if let Err(e) = spawned {
        tracing::error!("cannot start a host supervisor thread: {e}");
    }
    HostHandle { tx }
}

/// Runs the supervisor; after a panic, marks the host failed with its message and starts the
/// supervisor again after a back-off (repeated panics do not spin).
fn supervise_contained(
    uri: &str,
    rx: &Receiver<WorkerInput>,
    tx: &Sender<WorkerInput>,
    sink: &EventSink,
    settings: HostSettings,
) {
    let mut backoff = Backoff::new();
    while let Err(panic) = contain(|| supervise(uri, rx, tx, sink, settings)) {
        let delay = backoff.next_delay();
        sink(HostEvent::Down {
            reason: failed_reason(&panic),
            retry_in_secs: delay.as_secs(),
        });
        if wait_before_retry(rx, sink, delay) {
            return;
        }
    }
}

pub(super) enum Ended {
    Shutdown,
    Lost(String),
}

fn supervise(
    uri: &str,
    rx: &Receiver<WorkerInput>,
    tx: &Sender<WorkerInput>,
    sink: &EventSink,
    settings: HostSettings,
) {
    if let Err(e) = ensure_event_loop() {
        sink(HostEvent::Unsupported(format!("libvirt event loop: {e}")));
        return;
    }
    let _inline = super::fanout::InlineHere::new(connection::in_process(uri));
    let mut backoff = Backoff::new();
    let mut generation = 0;
    loop {
        generation += 1;
        sink(HostEvent::Connecting);
        let reason = match Session::open(uri, settings, tx.clone(), generation) {
            Ok(session) => {
                backoff.reset();
                match session.serve(uri, rx, sink, settings) {
                    Ended::Shutdown => return,
                    Ended::Lost(reason) => reason,
                }
            }
            Err(reason) => reason,
        };
        let delay = backoff.next_delay();
        sink(HostEvent::Down {
            reason,
            retry_in_secs: delay.as_secs(),
        });
        if wait_before_retry(rx, sink, delay) {
            return;
        }
    }
}

/// Waits out the back-off; true when the app asked the worker to stop.
fn wait_before_retry(rx: &Receiver<WorkerInput>, sink: &EventSink, delay: Duration) -> bool {
    let until = Instant::now() + delay;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Err(RecvTimeoutError::Timeout) => return false,
            Err(RecvTimeoutError::Disconnected) => return true,
            Ok(WorkerInput::Command(HostCommand::Shutdown)) => return true,
            Ok(WorkerInput::Command(HostCommand::ReconnectNow)) => return false,
            Ok(WorkerInput::Command(command)) => answer_while_down(command, sink),
            Ok(
                input @ (WorkerInput::Progress { .. }
                | WorkerInput::OpDone { .. }
                | WorkerInput::OpNote { .. }),
            ) => {
                forward_op(input, sink);
            }
            Ok(WorkerInput::OpenConsole(request)) => {
                (request.sink)(ConsoleEvent::Failed("the host is down".into()));
            }
            // Callbacks and stats passes of a connection that is already gone.
            Ok(WorkerInput::Libvirt(_) | WorkerInput::Sampled { .. }) => {}
        }
    }
}

/// Migration threads report through the worker, which may have reconnected meanwhile.
pub(super) fn forward_op(input: WorkerInput, sink: &EventSink) {
    match input {
        WorkerInput::Progress { op, progress } => sink(HostEvent::OpProgress { op, progress }),
        WorkerInput::OpDone { op, result } => sink(HostEvent::OpFinished { op, result }),
        WorkerInput::OpNote { op, text } => sink(HostEvent::OpNote { op, text }),
        _ => {}
    }
}
