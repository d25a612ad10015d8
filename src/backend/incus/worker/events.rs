//! What the server's event stream says: an instance changed, was renamed or deleted.

use tokio_tungstenite::tungstenite::Message;

use super::Session;
use crate::backend::EventSink;
use crate::backend::HostEvent;
use crate::backend::incus::convert;
use crate::backend::incus::inventory::{all_instances, one_instance};
use crate::backend::incus::types::{Event, Instance};

impl Session {
    pub(super) async fn on_message(
        &mut self,
        message: Option<Result<Message, tokio_tungstenite::tungstenite::Error>>,
        sink: &EventSink,
    ) -> Result<(), String> {
        match message {
            Some(Ok(Message::Text(text))) => match serde_json::from_str::<Event>(&text) {
                Ok(event) => super::kept_up(self.on_event(event, sink).await).map(|_| ()),
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
                sink(device_use(&instance));
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
            sink(device_use(instance));
        }
        Ok(())
    }
}

/// What an instance uses of its host's devices and networks.
fn device_use(instance: &Instance) -> HostEvent {
    HostEvent::DeviceUse(crate::backend::incus::devices::uses(
        &instance.name,
        &instance.expanded_devices,
    ))
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
