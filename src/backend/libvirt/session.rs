//! One live connection of a host's supervisor: its first inventory, then events, stats
//! passes, commands and consoles until the connection ends.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::Instant;

use super::connection::{self, Conn};
use super::console::{self, OpenError};
use super::domains::{one_vm, placement};
use super::events::{EVENT_UNDEFINED, LibvirtEvent, Registration, close_reason};
use super::inventory::{details, snapshot};
use super::sampler::Sampling;
use super::worker::{Ended, WorkerInput, forward_op};
use crate::backend::console::{ConsoleEvent, ConsoleRequest};
use crate::backend::{EventSink, HostCommand, HostEvent, HostSettings};

/// A live connection with its callbacks registered.
pub(super) struct Session {
    // Field order matters: callbacks are deregistered before the connection closes.
    _registration: Registration,
    conn: Conn,
    deadlines: crate::config::Deadlines,
    /// The host's CPU count, from the snapshot: a VM's live affinity over all of them is
    /// no pinning.
    host_cpus: std::cell::Cell<u32>,
    generation: u64,
    /// The worker's own inbox, for migration threads.
    tx: Sender<WorkerInput>,
    /// The sinks of the consoles opened on this connection: told at once when it is lost,
    /// rather than when (or if) their streams notice.
    consoles: std::cell::RefCell<Vec<crate::backend::console::ConsoleSink>>,
}

impl Session {
    /// Read-only pools get a read-only connection: libvirt itself then refuses any change.
    pub(super) fn open(
        uri: &str,
        settings: HostSettings,
        tx: Sender<WorkerInput>,
        generation: u64,
    ) -> Result<Session, String> {
        let conn = connection::open(uri, settings.read_only, settings.deadlines)?;
        let registration = Registration::register(&conn, tx.clone(), generation)?;
        Ok(Session {
            _registration: registration,
            conn,
            deadlines: settings.deadlines,
            host_cpus: Default::default(),
            generation,
            tx,
            consoles: Default::default(),
        })
    }

    /// Serves until the connection ends; a lost connection closes its consoles with the reason.
    pub(super) fn serve(
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
            for removed in super::clone::cleanup_pending(&self.conn, &uri) {
                sink(HostEvent::Notice(removed));
            }
        }
        match snapshot(&self.conn) {
            Ok((inventory, placement)) => {
                self.host_cpus.set(inventory.facts.cpus);
                sink(HostEvent::Connected(inventory));
                sink(HostEvent::Placement(placement));
            }
            Err(e) => return Ended::Lost(e),
        }
        // Jobs nobody here watches (a stopped vmdeck's migration): the app adopts them.
        for (uuid, job) in super::jobs::found(&self.conn) {
            sink(HostEvent::JobFound { uuid, job });
        }
        let mut sampling = Sampling::default();
        let mut next_sample = Instant::now();
        loop {
            if Instant::now() >= next_sample {
                let (tx, generation) = (self.tx.clone(), self.generation);
                sampling.start(&self.conn, move |pass| {
                    let _ = tx.send(WorkerInput::Sampled { generation, pass });
                });
                next_sample = Instant::now() + settings.stats_every;
            }
            let input = match rx.recv_timeout(next_sample.saturating_duration_since(Instant::now()))
            {
                Ok(input) => input,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return Ended::Shutdown,
            };
            let ended = match input {
                WorkerInput::Sampled { generation, pass } if generation == self.generation => {
                    self.on_sampled(sampling.finish(pass), sink)
                }
                WorkerInput::Sampled { .. } => None,
                input => self.handle(input, sink, settings.read_only),
            };
            if let Some(ended) = ended {
                return ended;
            }
        }
    }

    /// A stats pass's samples go to the app; a failed pass on a dead connection ends it.
    fn on_sampled(
        &self,
        samples: Option<Result<Vec<crate::model::VmSample>, String>>,
        sink: &EventSink,
    ) -> Option<Ended> {
        match samples? {
            Ok(samples) => sink(HostEvent::Samples {
                samples,
                taken_at: std::time::SystemTime::now(),
            }),
            Err(e) if !self.alive() => return Some(Ended::Lost(e)),
            Err(_) => {}
        }
        None
    }

    fn handle(&self, input: WorkerInput, sink: &EventSink, read_only: bool) -> Option<Ended> {
        match input {
            WorkerInput::Command(HostCommand::Shutdown) => return Some(Ended::Shutdown),
            WorkerInput::Command(command) if command.mutates() => {
                super::ops::run(&self.conn, command, &self.tx, sink, read_only)
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
            // `follow` owns the stats passes and takes their answers before this.
            WorkerInput::Sampled { .. } => {}
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
            WorkerInput::Libvirt(
                LibvirtEvent::MetadataChanged { generation, uuid }
                | LibvirtEvent::AgentChanged { generation, uuid },
            ) => {
                if generation == self.generation {
                    let defined = virt::sys::VIR_DOMAIN_EVENT_DEFINED as i32;
                    return self.refresh_vm(uuid, defined, sink);
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
        match one_vm(&self.conn, &uuid, self.host_cpus.get()) {
            Ok(one) => {
                sink(HostEvent::VmUpdated(one.vm));
                if let Some(placement) = one.placement {
                    sink(HostEvent::VmPlaced(placement));
                }
                if let Some(uses) = one.uses {
                    sink(HostEvent::DeviceUse(uses));
                }
            }
            // A transient domain that stopped no longer exists.
            Err(_) if self.alive() => sink(HostEvent::VmRemoved { uuid }),
            Err(e) => return Some(Ended::Lost(e)),
        }
        None
    }

    fn open_console(&self, request: ConsoleRequest) {
        let sink = request.sink.clone();
        match console::open(
            &self.conn,
            &request.uuid,
            request.force,
            request.sink,
            self.deadlines,
        ) {
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
