//! One supervisor thread per libvirt host: connect with back-off, take one bulk snapshot,
//! follow events, sample stats, answer commands, and reconnect when the connection drops.
//! Every blocking libvirt call for the host happens on this thread, so a slow or dead host
//! never blocks another host or the UI.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::{Duration, Instant};

use super::clone;
use super::connection::{self, Conn};
use super::console::{self, OpenError};
use super::delete::delete;
use super::domains::{one_vm, placement};
use super::events::{EVENT_UNDEFINED, LibvirtEvent, Registration, close_reason};
use super::init::ensure_event_loop;
use super::inventory::{details, snapshot};
use super::migrate;
use super::power::power;
use super::sampler::CpuSampler;
use super::snapshot;
use crate::backend::backoff::Backoff;
use crate::backend::console::{ConsoleEvent, ConsoleRequest};
use crate::backend::contain::{contain, failed_reason};
use crate::backend::{
    EventSink, HostCommand, HostDriver, HostEvent, HostSettings, OpId, OpKind, answer_while_down,
    refuse_in_read_only,
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

enum Ended {
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
        let reason = match Session::open(uri, settings.read_only, tx.clone(), generation) {
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
            // Callbacks of a connection that is already gone.
            Ok(WorkerInput::Libvirt(_)) => {}
        }
    }
}

/// Migration threads report through the worker, which may have reconnected meanwhile.
fn forward_op(input: WorkerInput, sink: &EventSink) {
    match input {
        WorkerInput::Progress { op, progress } => sink(HostEvent::OpProgress { op, progress }),
        WorkerInput::OpDone { op, result } => sink(HostEvent::OpFinished { op, result }),
        WorkerInput::OpNote { op, text } => sink(HostEvent::OpNote { op, text }),
        _ => {}
    }
}

/// A live connection with its callbacks registered.
struct Session {
    // Field order matters: callbacks are deregistered before the connection closes.
    _registration: Registration,
    conn: Conn,
    generation: u64,
    /// The worker's own inbox, for migration threads.
    tx: Sender<WorkerInput>,
    /// The sinks of the consoles opened on this connection: told at once when it is lost,
    /// rather than when (or if) their streams notice.
    consoles: std::cell::RefCell<Vec<crate::backend::console::ConsoleSink>>,
}

impl Session {
    /// Read-only pools get a read-only connection: libvirt itself then refuses any change.
    fn open(
        uri: &str,
        read_only: bool,
        tx: Sender<WorkerInput>,
        generation: u64,
    ) -> Result<Session, String> {
        let conn = connection::open(uri, read_only)?;
        let registration = Registration::register(&conn, tx.clone(), generation)?;
        Ok(Session {
            _registration: registration,
            conn,
            generation,
            tx,
            consoles: Default::default(),
        })
    }

    /// Serves until the connection ends; a lost connection closes its consoles with the reason.
    fn serve(
        self,
        uri: &str,
        rx: &Receiver<WorkerInput>,
        sink: &EventSink,
        settings: HostSettings,
    ) -> Ended {
        let ended = self.follow(uri, rx, sink, settings);
        if let Ended::Lost(reason) = &ended {
            for console in self.consoles.take() {
                console(ConsoleEvent::Closed(format!("the host was lost: {reason}")));
            }
        }
        ended
    }

    fn follow(
        &self,
        uri: &str,
        rx: &Receiver<WorkerInput>,
        sink: &EventSink,
        settings: HostSettings,
    ) -> Ended {
        // What a clone cut short by this host's death (or vmdeck's) left behind goes first.
        if !settings.read_only {
            // Keyed as the clone wrote it: the URI as libvirt names this connection.
            let uri = self.conn.uri().unwrap_or_else(|_| uri.to_string());
            for removed in clone::cleanup_pending(&self.conn, &uri) {
                sink(HostEvent::Notice(removed));
            }
        }
        match snapshot(&self.conn) {
            Ok(inventory) => sink(HostEvent::Connected(inventory)),
            Err(e) => return Ended::Lost(e),
        }
        // Jobs nobody here watches (a stopped vmdeck's migration): the app adopts them.
        for (uuid, job) in super::jobs::found(&self.conn) {
            sink(HostEvent::JobFound { uuid, job });
        }
        let mut sampler = CpuSampler::default();
        let mut next_sample = Instant::now();
        loop {
            if Instant::now() >= next_sample {
                match sampler.sample(&self.conn) {
                    Ok(samples) => sink(HostEvent::Samples {
                        samples,
                        taken_at: std::time::SystemTime::now(),
                    }),
                    Err(e) if !self.alive() => return Ended::Lost(e),
                    Err(_) => {}
                }
                next_sample = Instant::now() + settings.stats_every;
            }
            let input = match rx.recv_timeout(next_sample.saturating_duration_since(Instant::now()))
            {
                Ok(input) => input,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return Ended::Shutdown,
            };
            if let Some(ended) = self.handle(input, sink, settings.read_only) {
                return ended;
            }
        }
    }

    fn handle(&self, input: WorkerInput, sink: &EventSink, read_only: bool) -> Option<Ended> {
        match input {
            WorkerInput::Command(HostCommand::Shutdown) => return Some(Ended::Shutdown),
            WorkerInput::Command(command) if command.mutates() => {
                self.run_op(command, sink, read_only)
            }
            input @ (WorkerInput::Progress { .. }
            | WorkerInput::OpDone { .. }
            | WorkerInput::OpNote { .. }) => {
                forward_op(input, sink);
            }
            WorkerInput::Command(HostCommand::LoadDetails { uuid }) => {
                let result = details(&self.conn, &uuid);
                sink(HostEvent::Details { uuid, result });
            }
            WorkerInput::Command(HostCommand::LoadImages { image_pool }) => {
                let host = self.conn.hostname().unwrap_or_default();
                sink(HostEvent::Images(super::images::list(
                    &self.conn,
                    &image_pool,
                    &host,
                )));
            }
            WorkerInput::Command(HostCommand::LoadHostView) => {
                sink(HostEvent::Placement(placement(&self.conn)));
                sink(HostEvent::Volumes(super::volumes::volumes(&self.conn)));
                // Networks and node devices have no events here: the view reads them anew.
                sink(HostEvent::Devices {
                    member: None,
                    devices: super::devices::read(&self.conn, Vec::new()),
                });
            }
            WorkerInput::Command(HostCommand::LoadLiveFigures { .. }) => {
                sink(HostEvent::LiveFigures(super::numa::live_figures(
                    &self.conn,
                )));
            }
            // ReconnectNow means nothing while connected; mutating commands went to run_op.
            WorkerInput::Command(_) => {}
            WorkerInput::Libvirt(LibvirtEvent::Closed { generation, reason }) => {
                if generation == self.generation {
                    return Some(Ended::Lost(close_reason(reason).into()));
                }
            }
            WorkerInput::OpenConsole(request) => self.open_console(request),
            WorkerInput::Libvirt(LibvirtEvent::Rebooted { name }) => {
                sink(HostEvent::Notice(format!("{name} rebooted")));
            }
            WorkerInput::Libvirt(LibvirtEvent::Lifecycle {
                generation,
                uuid,
                event,
                ..
            }) => {
                if generation == self.generation {
                    return self.refresh_vm(uuid, event, sink);
                }
            }
        }
        None
    }

    fn refresh_vm(&self, uuid: String, event: i32, sink: &EventSink) -> Option<Ended> {
        if event == EVENT_UNDEFINED {
            sink(HostEvent::VmRemoved { uuid });
            return None;
        }
        match one_vm(&self.conn, &uuid) {
            Ok((vm, uses)) => {
                sink(HostEvent::VmUpdated(vm));
                if let Some(uses) = uses {
                    sink(HostEvent::DeviceUse(uses));
                }
            }
            // A transient domain that stopped no longer exists.
            Err(_) if self.alive() => sink(HostEvent::VmRemoved { uuid }),
            Err(e) => return Some(Ended::Lost(e)),
        }
        None
    }

    /// Carries out an operation, unless the pool is read-only; every path ends in exactly
    /// one `OpFinished` (the long ones from their own threads).
    fn run_op(&self, command: HostCommand, sink: &EventSink, read_only: bool) {
        let HostCommand::Op { op, uuid, kind } = command else {
            return;
        };
        // Watching changes nothing, so read-only pools watch too.
        if let OpKind::Adopted { .. } = kind {
            return super::jobs::watch(&self.conn, &uuid, op, self.tx.clone());
        }
        if let Err(refused) = refuse_in_read_only(read_only) {
            return sink(HostEvent::OpFinished {
                op,
                result: Err(refused),
            });
        }
        let result = match kind {
            OpKind::Power(action) => power(&self.conn, &uuid, action),
            OpKind::Snapshot(action) => snapshot::run(&self.conn, &uuid, &action),
            OpKind::Delete {
                with_storage,
                force,
            } => delete(&self.conn, &uuid, with_storage, force),
            OpKind::Abort { .. } => migrate::abort(&self.conn, &uuid),
            OpKind::Adopted { .. } => Ok(()),
            OpKind::Clone(request) => {
                let tx = self.tx.clone();
                return clone::spawn(&self.conn, &uuid, request.name, request.mode, op, tx);
            }
            OpKind::Migrate { to, options, .. } => {
                return migrate::spawn(&self.conn, &uuid, to, options, op, self.tx.clone());
            }
            OpKind::Compose(spec) => {
                return super::compose::spawn(&self.conn, *spec, op, self.tx.clone());
            }
        };
        sink(HostEvent::OpFinished { op, result });
    }

    fn open_console(&self, request: ConsoleRequest) {
        let sink = request.sink.clone();
        match console::open(&self.conn, &request.uuid, request.force, request.sink) {
            Ok(stream) => {
                request.registry.insert(request.id, Box::new(stream));
                self.consoles.borrow_mut().push(sink.clone());
                sink(ConsoleEvent::Opened);
            }
            Err(OpenError::Busy(reason)) => sink(ConsoleEvent::Busy(reason)),
            Err(OpenError::Failed(reason)) => sink(ConsoleEvent::Failed(reason)),
        }
    }

    fn alive(&self) -> bool {
        self.conn.is_alive().unwrap_or(false)
    }
}
