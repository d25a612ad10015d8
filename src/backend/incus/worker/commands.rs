//! The app's commands to the server: operations run as tasks that report through the
//! loop; loads of images, details, live figures and the host view; consoles.

use super::{Input, Session};
use crate::backend::console::ConsoleEvent;
use crate::backend::incus::actions;
use crate::backend::incus::inventory::{self, all_instances, details, one_instance};
use crate::backend::incus::operation::{self, Watch};
use crate::backend::incus::types::Instance;
use crate::backend::incus::{compose, console, convert};
use crate::backend::{EventSink, HostCommand, HostEvent, OpId, OpKind, refuse_in_read_only};
use crate::model::compose::ComposeSpec;

impl Session {
    pub(super) async fn on_input(
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
                self.load_devices(&instances, sink).await;
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
            let result = operation::cancel(&client, &running, &uuid).await;
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
        crate::backend::incus::found::follow(self.client.clone(), id, watch);
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

    /// Devices and networks read anew for the host view, of every member of a cluster.
    async fn load_devices(&self, instances: &[Instance], sink: &EventSink) {
        if self.members.is_empty() {
            let devices = crate::backend::incus::devices::read(&self.client, None, instances).await;
            sink(HostEvent::Devices {
                member: None,
                devices,
            });
        }
        for (member, up) in &self.members {
            if *up {
                let devices =
                    crate::backend::incus::devices::read(&self.client, Some(member), instances)
                        .await;
                sink(HostEvent::Devices {
                    member: Some(member.clone()),
                    devices,
                });
            }
        }
    }
}
