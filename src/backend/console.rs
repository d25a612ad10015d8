//! What every console backend provides, so the UI never knows whether it talks to libvirt
//! or Incus: bytes in as [`ConsoleEvent`]s, bytes out through a [`ConsoleTransport`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Identifies one console session for the lifetime of the process.
pub type ConsoleId = u64;

/// What a console reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsoleEvent {
    /// Attached; bytes follow.
    Opened,
    /// Another client holds the console; opening again with `force` takes it over.
    Busy(String),
    /// Output from the guest.
    Data(Vec<u8>),
    /// The console ended (guest powered off, host gone, taken over by another client).
    Closed(String),
    /// Opening failed.
    Failed(String),
}

/// Writing to an open console. Dropping it detaches.
pub trait ConsoleTransport: Send {
    fn send(&self, bytes: &[u8]) -> Result<(), String>;
    /// Tells the guest side the pane's size where the backend can (a no-op for serial lines).
    fn resize(&self, cols: u16, rows: u16);
}

/// Where console events go; the app wraps its channel in one.
pub type ConsoleSink = Arc<dyn Fn(ConsoleEvent) + Send + Sync>;

/// Open consoles by id, shared by the backends (which insert) and the effect runner (which
/// writes and removes). The UI state never holds a transport.
#[derive(Clone, Default)]
pub struct ConsoleRegistry {
    inner: Arc<Mutex<HashMap<ConsoleId, Box<dyn ConsoleTransport>>>>,
}

impl ConsoleRegistry {
    pub fn insert(&self, id: ConsoleId, transport: Box<dyn ConsoleTransport>) {
        if let Ok(mut map) = self.inner.lock() {
            map.insert(id, transport);
        }
    }

    /// Detaches: the transport is dropped, which closes it.
    pub fn remove(&self, id: ConsoleId) {
        let removed = self.inner.lock().ok().and_then(|mut map| map.remove(&id));
        drop(removed);
    }

    pub fn send(&self, id: ConsoleId, bytes: &[u8]) -> Result<(), String> {
        let map = self
            .inner
            .lock()
            .map_err(|_| "console registry poisoned".to_string())?;
        match map.get(&id) {
            Some(transport) => transport.send(bytes),
            None => Err("the console is not attached".into()),
        }
    }

    pub fn resize(&self, id: ConsoleId, cols: u16, rows: u16) {
        if let Ok(map) = self.inner.lock()
            && let Some(transport) = map.get(&id)
        {
            transport.resize(cols, rows);
        }
    }
}

/// Everything a backend needs to open a console.
pub struct ConsoleRequest {
    pub id: ConsoleId,
    pub uuid: String,
    /// Take the console over from another client.
    pub force: bool,
    pub sink: ConsoleSink,
    pub registry: ConsoleRegistry,
}

impl std::fmt::Debug for ConsoleRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ConsoleRequest({} {} force={})",
            self.id, self.uuid, self.force
        )
    }
}
