//! One supervisor per Incus server, on its own thread with a current-thread tokio runtime, so
//! a slow or dead server never blocks another host or the UI: subscribe to events, take one
//! bulk snapshot, apply lifecycle events as deltas, sample stats, and reconnect with back-off
//! when the event stream or a call fails.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::time::{Instant, sleep_until};
use tokio_tungstenite::tungstenite::Message;

use super::actions::{self, Running, Watch};
use super::client::{Client, Ws};
use super::convert::HostCpus;
use super::inventory::{
    self, CpuSampler, Inventory, Snapshot, all_instances, cluster_members, details, one_instance,
    snapshot,
};
use super::types::{Event, Instance};
use super::{compose, console, convert};
use crate::backend::backoff::Backoff;
use crate::backend::console::{ConsoleEvent, ConsoleRequest};
use crate::backend::contain::{contain, failed_reason};
use crate::backend::{
    EventSink, HostCommand, HostDriver, HostEvent, HostSettings, answer_while_down,
    refuse_in_read_only,
};
use crate::backend::{FoundJob, OpId, OpKind};
use crate::config::IncusConfig;
use crate::model::compose::ComposeSpec;

enum Input {
    Command(HostCommand),
    OpenConsole(ConsoleRequest),
}

/// The app's handle on an Incus supervisor.
pub struct HostHandle {
    tx: UnboundedSender<Input>,
}

impl HostDriver for HostHandle {
    fn send(&self, command: HostCommand) {
        let _ = self.tx.send(Input::Command(command));
    }

    fn open_console(&self, request: ConsoleRequest) {
        let _ = self.tx.send(Input::OpenConsole(request));
    }
}

impl Drop for HostHandle {
    fn drop(&mut self) {
        self.send(HostCommand::Shutdown);
    }
}

/// Starts the supervisor of the Incus server `config` names.
pub fn spawn_host(config: IncusConfig, sink: EventSink, settings: HostSettings) -> HostHandle {
    let (tx, mut rx) = unbounded_channel();
    let spawned = std::thread::Builder::new()
        .name(format!("incus {}", config.url))
        .spawn(move || supervise_contained(&config, &mut rx, &sink, settings));
    if let Err(e) = spawned {
        tracing::error!("cannot start an Incus supervisor thread: {e}");
    }
    HostHandle { tx }
}

/// Runs the supervisor on a runtime of its own; after a panic, marks the server failed with
/// its message and starts again (on a fresh runtime) after a back-off.
fn supervise_contained(
    config: &IncusConfig,
    rx: &mut UnboundedReceiver<Input>,
    sink: &EventSink,
    settings: HostSettings,
) {
    let mut backoff = Backoff::new();
    let mut after_panic = None;
    loop {
        let runtime = match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => return sink(HostEvent::Unsupported(format!("tokio runtime: {e}"))),
        };
        let ran = contain(|| {
            runtime.block_on(async {
                if let Some(delay) = after_panic.take()
                    && wait_before_retry(rx, sink, delay).await
                {
                    return;
                }
                supervise(config, rx, sink, settings).await;
            })
        });
        let Err(panic) = ran else { return };
        let delay = backoff.next_delay();
        sink(HostEvent::Down {
            reason: failed_reason(&panic),
            retry_in_secs: delay.as_secs(),
        });
        after_panic = Some(delay);
    }
}

enum Ended {
    Shutdown,
    Lost(String),
}

async fn supervise(
    config: &IncusConfig,
    rx: &mut UnboundedReceiver<Input>,
    sink: &EventSink,
    settings: HostSettings,
) {
    let mut backoff = Backoff::new();
    loop {
        sink(HostEvent::Connecting);
        let reason = match Session::open(config, settings.deadlines).await {
            Ok((session, first)) => {
                backoff.reset();
                match session.serve(first, rx, sink, settings).await {
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
        if wait_before_retry(rx, sink, delay).await {
            return;
        }
    }
}

/// Waits out the back-off; true when the app asked the supervisor to stop.
async fn wait_before_retry(
    rx: &mut UnboundedReceiver<Input>,
    sink: &EventSink,
    delay: Duration,
) -> bool {
    let until = Instant::now() + delay;
    loop {
        let input = tokio::select! {
            _ = sleep_until(until) => return false,
            input = rx.recv() => input,
        };
        match input {
            None | Some(Input::Command(HostCommand::Shutdown)) => return true,
            Some(Input::Command(HostCommand::ReconnectNow)) => return false,
            Some(Input::OpenConsole(request)) => {
                (request.sink)(ConsoleEvent::Failed("the host is down".into()));
            }
            Some(Input::Command(command)) => answer_while_down(command, sink),
        }
    }
}

/// A connected server: its event stream and what the last pass saw.
struct Session {
    client: Client,
    events: Ws,
    cpus: HostCpus,
    /// A cluster's members and whether each is usable; empty for a standalone server. A
    /// change (a member going offline or coming back) re-reads everything.
    members: Vec<(String, bool)>,
    /// uuid → (project, name), to address instances that events and the app name.
    names: HashMap<String, (String, String)>,
    sampler: CpuSampler,
    /// Operations run as tasks and report here; the loop passes their news on.
    news_tx: UnboundedSender<HostEvent>,
    news: UnboundedReceiver<HostEvent>,
    running: Running,
    /// Operations found running at connect, by instance uuid, until the app adopts them.
    found: HashMap<String, String>,
}

impl Session {
    /// Subscribes to events before the snapshot, so nothing that happens in between is lost.
    async fn open(
        config: &IncusConfig,
        deadlines: crate::config::Deadlines,
    ) -> Result<(Session, Snapshot), String> {
        let client = Client::new(config, deadlines)?;
        let path = format!("/1.0/events?type=lifecycle&{}", client.project_query());
        let events = client.websocket(&path).await?;
        let first = snapshot(&client).await?;
        let (news_tx, news) = unbounded_channel();
        let mut session = Session {
            client,
            events,
            cpus: first.cpus.clone(),
            members: member_states(&first.inventory),
            names: HashMap::new(),
            sampler: CpuSampler::default(),
            news_tx,
            news,
            running: Running::default(),
            found: HashMap::new(),
        };
        session.remember(&first.instances);
        Ok((session, first))
    }

    async fn serve(
        mut self,
        first: Snapshot,
        rx: &mut UnboundedReceiver<Input>,
        sink: &EventSink,
        settings: HostSettings,
    ) -> Ended {
        // Primes CPU accounting; the inventory already carries memory use.
        self.sampler.sample(&first.instances, &self.cpus);
        sink(first.inventory.into_event());
        for (uuid, id, what) in super::found::running(&self.client, &self.names).await {
            self.found.insert(uuid.clone(), id);
            let job = FoundJob {
                what,
                progress: None,
            };
            sink(HostEvent::JobFound { uuid, job });
        }
        let mut next_sample = Instant::now() + settings.stats_every;
        loop {
            let result = tokio::select! {
                message = self.events.next() => self.on_message(message, sink).await,
                Some(news) = self.news.recv() => {
                    sink(news);
                    Ok(())
                }
                input = rx.recv() => match input {
                    None | Some(Input::Command(HostCommand::Shutdown)) => return Ended::Shutdown,
                    Some(input) => self.on_input(input, sink, settings.read_only).await,
                },
                _ = sleep_until(next_sample) => {
                    next_sample = Instant::now() + settings.stats_every;
                    self.sample(sink).await
                }
            };
            if let Err(reason) = result {
                return Ended::Lost(reason);
            }
        }
    }

    async fn on_message(
        &mut self,
        message: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
        sink: &EventSink,
    ) -> Result<(), String> {
        match message {
            Some(Ok(Message::Text(text))) => match serde_json::from_str::<Event>(&text) {
                Ok(event) => self.on_event(event, sink).await,
                Err(_) => Ok(()),
            },
            Some(Ok(Message::Close(_))) | None => Err("the Incus event stream closed".into()),
            Some(Err(e)) => Err(format!("the Incus event stream failed: {e}")),
            // Pings are answered by tungstenite while we poll.
            Some(Ok(_)) => Ok(()),
        }
    }

    async fn on_event(&mut self, event: Event, sink: &EventSink) -> Result<(), String> {
        if event.kind != "lifecycle" {
            return Ok(());
        }
        let Some(name) = convert::instance_of_source(&event.metadata.source) else {
            return Ok(());
        };
        let project = if event.project.is_empty() {
            "default".to_string()
        } else {
            event.project
        };
        match event.metadata.action.as_str() {
            "instance-deleted" => {
                if let Some(uuid) = self.uuid_of(&project, &name) {
                    self.names.remove(&uuid);
                    sink(HostEvent::VmRemoved { uuid });
                }
                Ok(())
            }
            // The event names the new name only; compare everything instead.
            "instance-renamed" => self.resync(sink).await,
            action if changes_instance(action) => self.refresh(&project, &name, sink).await,
            _ => Ok(()),
        }
    }

    async fn refresh(&mut self, project: &str, name: &str, sink: &EventSink) -> Result<(), String> {
        match one_instance(&self.client, project, name).await {
            Ok(instance) => {
                self.remember(std::slice::from_ref(&instance));
                sink(HostEvent::VmUpdated(convert::vm(&instance)));
                Ok(())
            }
            // Gone already (created and deleted in a burst): the list pass settles it.
            Err(e) if e.contains("not found") => self.resync(sink).await,
            Err(e) => Err(e),
        }
    }

    /// Re-reads every instance and reports what differs from what the app was told.
    async fn resync(&mut self, sink: &EventSink) -> Result<(), String> {
        let instances = all_instances(&self.client).await?;
        let before = std::mem::take(&mut self.names);
        self.remember(&instances);
        for gone in before.keys().filter(|u| !self.names.contains_key(*u)) {
            sink(HostEvent::VmRemoved { uuid: gone.clone() });
        }
        for instance in &instances {
            sink(HostEvent::VmUpdated(convert::vm(instance)));
        }
        Ok(())
    }

    /// Live numbers; in a cluster, first whether a member went offline or came back, which
    /// re-reads the whole cluster (an offline member's instances change without events).
    async fn sample(&mut self, sink: &EventSink) -> Result<(), String> {
        if !self.members.is_empty() && self.members_changed().await? {
            let again = snapshot(&self.client).await?;
            self.cpus = again.cpus.clone();
            self.members = member_states(&again.inventory);
            self.names.clear();
            self.remember(&again.instances);
            sink(again.inventory.into_event());
        }
        let instances = all_instances(&self.client).await?;
        sink(HostEvent::Samples {
            samples: self.sampler.sample(&instances, &self.cpus),
            taken_at: std::time::SystemTime::now(),
        });
        Ok(())
    }

    async fn members_changed(&self) -> Result<bool, String> {
        let now: Vec<(String, bool)> = cluster_members(&self.client)
            .await?
            .iter()
            .map(|m| (m.server_name.clone(), m.unusable().is_none()))
            .collect();
        Ok(now != self.members)
    }

    async fn on_input(
        &mut self,
        input: Input,
        sink: &EventSink,
        read_only: bool,
    ) -> Result<(), String> {
        match input {
            Input::Command(HostCommand::Op {
                op,
                kind: OpKind::Compose(spec),
                ..
            }) => self.start_compose(op, *spec, sink, read_only),
            // Following a found operation changes nothing: read-only pools do it too.
            Input::Command(HostCommand::Op {
                op,
                uuid,
                kind: OpKind::Adopted { .. },
            }) => self.follow_found(op, uuid, sink),
            Input::Command(command) if command.mutates() => self.start_op(command, sink, read_only),
            Input::Command(HostCommand::LoadImages { .. }) => {
                let client = self.client.clone();
                let news = self.news_tx.clone();
                tokio::spawn(async move {
                    // Images belong to the whole server or cluster, not to one host.
                    let images = compose::images(&client, client.own_project(), "").await;
                    let _ = news.send(HostEvent::Images(images));
                });
            }
            Input::Command(HostCommand::LoadDetails { uuid }) => {
                let result = match self.names.get(&uuid) {
                    Some((project, name)) => one_instance(&self.client, project, name)
                        .await
                        .map(|i| details(&i)),
                    None => Err("no such instance".into()),
                };
                sink(HostEvent::Details { uuid, result });
            }
            // A cluster's members share this supervisor: each is asked for by name, and read
            // through the endpoint with `?target=`.
            Input::Command(HostCommand::LoadLiveFigures { member }) => {
                let client = self.client.clone();
                let news = self.news_tx.clone();
                tokio::spawn(async move {
                    let result = inventory::live_figures(&client, member.as_deref()).await;
                    let _ = news.send(match member {
                        Some(member) => HostEvent::MemberFigures { member, result },
                        None => HostEvent::LiveFigures(result),
                    });
                });
            }
            Input::Command(HostCommand::LoadHostView) => {
                let instances = all_instances(&self.client).await?;
                let placed = instances.iter().filter_map(convert::placement).collect();
                sink(HostEvent::Placement(placed));
                sink(HostEvent::Volumes(inventory::volumes(&self.client).await));
            }
            Input::OpenConsole(request) => match self.names.get(&request.uuid).cloned() {
                Some((project, name)) => {
                    tokio::spawn(console::run(self.client.clone(), project, name, request));
                }
                None => (request.sink)(ConsoleEvent::Failed("no such instance".into())),
            },
            Input::Command(_) => {}
        }
        Ok(())
    }

    /// Starts a mutating command as a task, unless the pool is read-only: the loop goes on
    /// serving events and other commands while its operation runs, and it reports through
    /// the loop.
    fn start_op(&self, command: HostCommand, sink: &EventSink, read_only: bool) {
        let HostCommand::Op { op, uuid, kind } = command else {
            return;
        };
        if let Err(refused) = refuse_in_read_only(read_only) {
            return sink(HostEvent::OpFinished {
                op,
                result: Err(refused),
            });
        }
        if let OpKind::Abort { .. } = kind {
            return self.start_cancel(op, uuid);
        }
        let Some((project, name)) = self.names.get(&uuid).cloned() else {
            let result = Err("no such instance".into());
            return sink(HostEvent::OpFinished { op, result });
        };
        let client = self.client.clone();
        let watch = Watch {
            op,
            uuid,
            news: self.news_tx.clone(),
            running: self.running.clone(),
        };
        tokio::spawn(async move {
            let result = actions::run(&client, (&project, &name), kind, &watch).await;
            let _ = watch.news.send(HostEvent::OpFinished { op, result });
        });
    }

    /// Asks the server to cancel the instance's running operation, as an operation of its
    /// own whose result says whether it did.
    fn start_cancel(&self, op: OpId, uuid: String) {
        let client = self.client.clone();
        let running = self.running.clone();
        let news = self.news_tx.clone();
        tokio::spawn(async move {
            let result = actions::cancel(&client, &running, &uuid).await;
            let _ = news.send(HostEvent::OpFinished { op, result });
        });
    }

    /// Follows an operation found at connect that the app made operation `op`.
    fn follow_found(&mut self, op: OpId, uuid: String, sink: &EventSink) {
        let Some(id) = self.found.remove(&uuid) else {
            let result = Err("the job is no longer known to vmdeck".into());
            return sink(HostEvent::OpFinished { op, result });
        };
        let watch = Watch {
            op,
            uuid,
            news: self.news_tx.clone(),
            running: self.running.clone(),
        };
        super::found::follow(self.client.clone(), id, watch);
    }

    /// Composes as a task, like any operation; there is no instance yet to track.
    fn start_compose(&self, op: OpId, spec: ComposeSpec, sink: &EventSink, read_only: bool) {
        if let Err(refused) = refuse_in_read_only(read_only) {
            return sink(HostEvent::OpFinished {
                op,
                result: Err(refused),
            });
        }
        let client = self.client.clone();
        let watch = Watch {
            op,
            uuid: String::new(),
            news: self.news_tx.clone(),
            running: self.running.clone(),
        };
        tokio::spawn(async move {
            let result = compose::compose(&client, client.own_project(), &spec, &watch).await;
            let _ = watch.news.send(HostEvent::OpFinished { op, result });
        });
    }

    fn remember(&mut self, instances: &[Instance]) {
        for instance in instances {
            let identity = (instance.project.clone(), instance.name.clone());
            self.names.insert(convert::uuid(instance), identity);
        }
    }

    fn uuid_of(&self, project: &str, name: &str) -> Option<String> {
        self.names
            .iter()
            .find(|(_, (p, n))| p == project && n == name)
            .map(|(uuid, _)| uuid.clone())
    }
}

/// Each member's name and whether it can be used.
fn member_states(inventory: &Inventory) -> Vec<(String, bool)> {
    match inventory {
        Inventory::Server(_) => Vec::new(),
        Inventory::Cluster(members) => members
            .iter()
            .map(|m| (m.name.clone(), m.down.is_none()))
            .collect(),
    }
}

/// Lifecycle actions after which an instance's row may differ.
fn changes_instance(action: &str) -> bool {
    matches!(
        action,
        "instance-created"
            | "instance-started"
            | "instance-stopped"
            | "instance-shutdown"
            | "instance-restarted"
            | "instance-paused"
            | "instance-resumed"
            | "instance-updated"
            | "instance-restored"
            | "instance-migrated"
    )
}
