//! One supervisor per Incus server, on its own thread with a current-thread tokio runtime, so
//! a slow or dead server never blocks another host or the UI: subscribe to events, take one
//! bulk snapshot, apply lifecycle events as deltas, sample stats, and reconnect with back-off
//! when the event stream or a call fails.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::time::{Instant, sleep_until};

use super::client::{Client, Ws};
use super::convert;
use super::convert::HostCpus;
use super::inventory::{CpuSampler, Inventory, Snapshot, all_instances, cluster_members, snapshot};
use super::operation::Running;
use super::types::Instance;
use crate::backend::FoundJob;
use crate::backend::backoff::Backoff;
use crate::backend::console::{ConsoleEvent, ConsoleRequest};
use crate::backend::contain::{contain, failed_reason};
use crate::backend::{
    EventSink, HostCommand, HostDriver, HostEvent, HostSettings, answer_while_down,
};
use crate::config::IncusConfig;

mod commands;
mod events;

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
                    && wait_before_retry(rx, None, sink, delay).await
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
    // Outlives each session: an operation that runs while the event stream is lost and
    // found again still reports its end, and can still be cancelled.
    let (news_tx, mut news) = unbounded_channel();
    let running = Running::default();
    loop {
        sink(HostEvent::Connecting);
        let reporting = (news_tx.clone(), running.clone());
        let reason = match Session::open(config, settings.deadlines, reporting).await {
            Ok((session, first)) => {
                backoff.reset();
                match session.serve(first, rx, &mut news, sink, settings).await {
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
        if wait_before_retry(rx, Some(&mut news), sink, delay).await {
            return;
        }
    }
}

/// Waits out the back-off, passing on what operations still running report; true when the
/// app asked the supervisor to stop.
async fn wait_before_retry(
    rx: &mut UnboundedReceiver<Input>,
    mut news: Option<&mut UnboundedReceiver<HostEvent>>,
    sink: &EventSink,
    delay: Duration,
) -> bool {
    let until = Instant::now() + delay;
    loop {
        let reported = async {
            match news.as_mut() {
                Some(news) => news.recv().await,
                None => std::future::pending().await,
            }
        };
        let input = tokio::select! {
            _ = sleep_until(until) => return false,
            Some(event) = reported => {
                sink(event);
                continue;
            }
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
    /// Operations run as tasks and report here (the supervisor's channel, which outlives
    /// the session); the loop passes their news on.
    news_tx: UnboundedSender<HostEvent>,
    running: Running,
    /// Operations found running at connect, by instance uuid, until the app adopts them.
    found: HashMap<String, String>,
}

impl Session {
    /// Subscribes to events before the snapshot, so nothing that happens in between is lost.
    async fn open(
        config: &IncusConfig,
        deadlines: crate::config::Deadlines,
        (news_tx, running): (UnboundedSender<HostEvent>, Running),
    ) -> Result<(Session, Snapshot), String> {
        let client = Client::new(config, deadlines)?;
        let path = format!("/1.0/events?type=lifecycle&{}", client.project_query());
        let events = client.websocket(&path).await?;
        let first = snapshot(&client).await?;
        let mut session = Session {
            client,
            events,
            cpus: first.cpus.clone(),
            members: member_states(&first.inventory),
            names: HashMap::new(),
            sampler: CpuSampler::default(),
            news_tx,
            running,
            found: HashMap::new(),
        };
        session.remember(&first.instances);
        Ok((session, first))
    }

    async fn serve(
        mut self,
        first: Snapshot,
        rx: &mut UnboundedReceiver<Input>,
        news: &mut UnboundedReceiver<HostEvent>,
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
                Some(event) = news.recv() => {
                    sink(event);
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
        let instances = match kept_up(all_instances(&self.client).await) {
            Ok(Some(instances)) => instances,
            other => return other.map(|_| ()),
        };
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

/// A call Incus answered with an error of its own (`incus: …`: an instance half deleted, a
/// storage pool it cannot find) says nothing about the connection: the session goes on and
/// the next event or sample settles it. A call that got no answer, or an answer that is not
/// Incus's (`incus: HTTP 502` from a proxy in front), loses the session.
fn kept_up<T>(result: Result<T, String>) -> Result<Option<T>, String> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) if e.starts_with("incus: ") && !e.starts_with("incus: HTTP ") => {
            tracing::warn!("Incus answered with an error; the session goes on: {e}");
            Ok(None)
        }
        Err(e) => Err(e),
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

#[cfg(test)]
mod tests {
    use super::kept_up;

    #[test]
    fn only_an_error_incus_answered_keeps_the_session() {
        let half_deleted = "incus: Failed getting instance pool (500)".to_string();
        assert_eq!(kept_up::<()>(Err(half_deleted)), Ok(None));
        let proxy = "incus: HTTP 502 Bad Gateway".to_string();
        assert_eq!(kept_up::<()>(Err(proxy.clone())), Err(proxy));
        let silent = "not answering: no reply within 10 s".to_string();
        assert_eq!(kept_up::<()>(Err(silent.clone())), Err(silent));
        assert_eq!(kept_up(Ok(3)), Ok(Some(3)));
    }
}
