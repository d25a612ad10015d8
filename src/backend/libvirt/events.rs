//! Domain lifecycle/reboot events and the connection close callback, registered through
//! `virt::sys` (virt 0.5 has no wrappers). Callbacks run on the libvirt event-loop thread and
//! only forward what happened to the host's worker; they never call blocking libvirt APIs.

use std::ffi::{c_int, c_void};
use std::sync::mpsc::Sender;

use virt::connect::Connect;
use virt::sys;

use super::fanout;
use super::ffi::{domain_name, domain_uuid, last_error};
use super::worker::WorkerInput;

/// What the callbacks tell the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LibvirtEvent {
    Lifecycle {
        generation: u64,
        uuid: String,
        name: String,
        event: i32,
    },
    Rebooted {
        name: String,
    },
    /// The domain's metadata changed: a restamp, by this vmdeck or another admin's.
    MetadataChanged {
        generation: u64,
        uuid: String,
    },
    /// The guest agent connected or went away: whether the guest has booted changed.
    AgentChanged {
        generation: u64,
        uuid: String,
    },
    Closed {
        generation: u64,
        reason: i32,
    },
}

/// libvirt's `virDomainEventType` numbers used here.
pub const EVENT_UNDEFINED: i32 = 1;

struct Opaque<T> {
    tx: Sender<T>,
    generation: u64,
}

type EventTx = Opaque<WorkerInput>;

type GenericCallback = unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, *mut c_void);
type LifecycleCallback =
    unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, c_int, c_int, *mut c_void) -> c_int;
type AgentCallback =
    unsafe extern "C" fn(sys::virConnectPtr, sys::virDomainPtr, c_int, c_int, *mut c_void);
type MetadataCallback = unsafe extern "C" fn(
    sys::virConnectPtr,
    sys::virDomainPtr,
    c_int,
    *const std::ffi::c_char,
    *mut c_void,
);

/// The callbacks registered on one connection; deregistered on drop.
pub struct Registration {
    conn_ptr: sys::virConnectPtr,
    callback_ids: Vec<c_int>,
    close_registered: bool,
}

// SAFETY: the pointer is only used for deregistration; libvirt's API is thread-safe and the
// connection outlives this value (the worker drops the Registration before the Connect).
unsafe impl Send for Registration {}

impl Registration {
    /// Registers the lifecycle, reboot and metadata-change events and the close callback,
    /// the calls side by side (one round trip, not four). Whatever did register is
    /// deregistered again when one fails.
    pub fn register(
        conn: &Connect,
        tx: Sender<WorkerInput>,
        generation: u64,
    ) -> Result<Self, String> {
        let mut registration = Registration {
            // SAFETY: only reads the pointer of a live connection.
            conn_ptr: unsafe { conn.as_ptr() },
            callback_ids: Vec::new(),
            close_registered: false,
        };
        // SAFETY: libvirt calls each callback with the signature of its event id; the generic
        // type is how the C API takes them (VIR_DOMAIN_EVENT_CALLBACK).
        let lifecycle =
            unsafe { std::mem::transmute::<LifecycleCallback, GenericCallback>(lifecycle_cb) };
        // SAFETY: as above, for VIR_DOMAIN_EVENT_ID_METADATA_CHANGE's signature.
        let metadata =
            unsafe { std::mem::transmute::<MetadataCallback, GenericCallback>(metadata_cb) };
        // SAFETY: as above, for VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE's signature.
        let agent = unsafe { std::mem::transmute::<AgentCallback, GenericCallback>(agent_cb) };
        let events = [
            (sys::VIR_DOMAIN_EVENT_ID_LIFECYCLE, lifecycle),
            (
                sys::VIR_DOMAIN_EVENT_ID_REBOOT,
                reboot_cb as GenericCallback,
            ),
            (sys::VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, metadata),
            (sys::VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE, agent),
        ]
        .map(|(id, cb)| {
            let (conn, tx) = (conn.clone(), tx.clone());
            fanout::spawn(move || register_domain_event(&conn, id as c_int, cb, tx, generation))
        });
        let close = {
            let conn = conn.clone();
            fanout::spawn(move || register_close(&conn, tx, generation))
        };
        let mut failed = None;
        for registered in events.map(fanout::Task::join) {
            match registered {
                Ok(id) => registration.callback_ids.push(id),
                Err(e) => failed = Some(e),
            }
        }
        match close.join() {
            Ok(()) => registration.close_registered = true,
            Err(e) => failed = Some(e),
        }
        match failed {
            Some(e) => Err(e),
            None => Ok(registration),
        }
    }
}

fn register_domain_event(
    conn: &Connect,
    id: c_int,
    cb: GenericCallback,
    tx: Sender<WorkerInput>,
    generation: u64,
) -> Result<c_int, String> {
    let opaque = Box::into_raw(Box::new(Opaque { tx, generation })).cast();
    // SAFETY: valid connection; libvirt owns `opaque` and frees it with free_opaque.
    let cb_id = unsafe {
        sys::virConnectDomainEventRegisterAny(
            conn.as_ptr(),
            std::ptr::null_mut(),
            id,
            Some(cb),
            opaque,
            Some(free_opaque),
        )
    };
    if cb_id < 0 {
        // SAFETY: registration failed, so libvirt did not take ownership.
        unsafe { free_opaque(opaque) };
        return Err(last_error());
    }
    Ok(cb_id)
}

fn register_close(conn: &Connect, tx: Sender<WorkerInput>, generation: u64) -> Result<(), String> {
    let opaque = Box::into_raw(Box::new(Opaque { tx, generation })).cast();
    // SAFETY: as above, for the close callback.
    let rc = unsafe {
        sys::virConnectRegisterCloseCallback(
            conn.as_ptr(),
            Some(close_cb),
            opaque,
            Some(free_opaque),
        )
    };
    if rc < 0 {
        // SAFETY: not registered, so still ours.
        unsafe { free_opaque(opaque) };
        return Err(last_error());
    }
    Ok(())
}

impl Drop for Registration {
    fn drop(&mut self) {
        for id in self.callback_ids.drain(..) {
            // SAFETY: ids came from this connection; failure (connection gone) is harmless.
            unsafe { sys::virConnectDomainEventDeregisterAny(self.conn_ptr, id) };
        }
        if self.close_registered {
            // SAFETY: unregisters the callback registered above; errors are ignored.
            unsafe { sys::virConnectUnregisterCloseCallback(self.conn_ptr, Some(close_cb)) };
        }
        // SAFETY: a failed deregistration leaves an error we do not want reported later.
        unsafe { sys::virResetLastError() };
    }
}

unsafe extern "C" fn lifecycle_cb(
    _conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    event: c_int,
    _detail: c_int,
    opaque: *mut c_void,
) -> c_int {
    // SAFETY: opaque is the EventTx registered with this callback.
    let sink = unsafe { &*(opaque as *const EventTx) };
    let _ = sink.tx.send(WorkerInput::Libvirt(LibvirtEvent::Lifecycle {
        generation: sink.generation,
        uuid: domain_uuid(dom),
        name: domain_name(dom),
        event,
    }));
    0
}

unsafe extern "C" fn metadata_cb(
    _conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    _kind: c_int,
    _namespace: *const std::ffi::c_char,
    opaque: *mut c_void,
) {
    // SAFETY: opaque is the EventTx registered with this callback.
    let sink = unsafe { &*(opaque as *const EventTx) };
    let _ = sink
        .tx
        .send(WorkerInput::Libvirt(LibvirtEvent::MetadataChanged {
            generation: sink.generation,
            uuid: domain_uuid(dom),
        }));
}

unsafe extern "C" fn agent_cb(
    _conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    _state: c_int,
    _reason: c_int,
    opaque: *mut c_void,
) {
    // SAFETY: opaque is the EventTx registered with this callback.
    let sink = unsafe { &*(opaque as *const EventTx) };
    let _ = sink
        .tx
        .send(WorkerInput::Libvirt(LibvirtEvent::AgentChanged {
            generation: sink.generation,
            uuid: domain_uuid(dom),
        }));
}

unsafe extern "C" fn reboot_cb(
    _conn: sys::virConnectPtr,
    dom: sys::virDomainPtr,
    opaque: *mut c_void,
) {
    // SAFETY: opaque is the EventTx registered with this callback.
    let sink = unsafe { &*(opaque as *const EventTx) };
    let _ = sink.tx.send(WorkerInput::Libvirt(LibvirtEvent::Rebooted {
        name: domain_name(dom),
    }));
}

unsafe extern "C" fn close_cb(_conn: sys::virConnectPtr, reason: c_int, opaque: *mut c_void) {
    // SAFETY: opaque is the EventTx registered with this callback.
    let sink = unsafe { &*(opaque as *const EventTx) };
    let _ = sink.tx.send(WorkerInput::Libvirt(LibvirtEvent::Closed {
        generation: sink.generation,
        reason,
    }));
}

unsafe extern "C" fn free_opaque(opaque: *mut c_void) {
    // SAFETY: opaque was made by Box::into_raw of an EventTx.
    drop(unsafe { Box::from_raw(opaque as *mut EventTx) });
}

/// Words for `virConnectCloseReason`.
pub fn close_reason(reason: i32) -> &'static str {
    match reason {
        0 => "connection error",
        1 => "connection closed by the host (libvirtd gone?)",
        2 => "keepalive timeout",
        _ => "connection closed",
    }
}
