//! A libvirt console stream, owned by a small wrapper instead of virt 0.5's `Stream` (whose
//! Drop panics after abort/finish, whose callback holds a pointer to a movable value, and
//! which busy-loops on HANGUP unless the callback is removed): DESIGN.md §3.
//!
//! libvirt refuses consoles on read-only connections. A read-only pool's console gets a
//! read-write connection of its own, used for nothing else: opened watch-only (it sends
//! nothing) and always without FORCE, so another admin's `virsh console` is never cut off —
//! when someone holds the console, vmdeck says so and leaves it with them.

use crate::config::Deadlines;
use std::ffi::{c_int, c_void};
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use virt::connect::Connect;
use virt::sys;

use super::connection::is_read_only;
use super::ffi::last_error;
use crate::backend::console::{ConsoleEvent, ConsoleSink, ConsoleTransport};

/// What the event-loop callback owns (freed by libvirt through `free_state`).
struct CallbackState {
    sink: ConsoleSink,
    closed: Arc<AtomicBool>,
}

/// An open console; dropping it removes the callback, aborts and frees the stream once.
pub struct LibvirtConsole {
    stream: Mutex<sys::virStreamPtr>,
    closed: Arc<AtomicBool>,
    /// A read-only pool's console: nothing is sent to the guest.
    watch_only: bool,
    /// The console's own connection (read-only pools), closed after the stream is freed.
    _own_conn: Option<Connect>,
}

// SAFETY: libvirt streams are thread-safe objects; every use goes through the mutex.
unsafe impl Send for LibvirtConsole {}

/// Why opening failed: someone else holds the console, or anything else.
pub enum OpenError {
    Busy(String),
    Failed(String),
}

/// Opens the first console of the domain `uuid` on `conn` (on a connection of its own, watch-
/// only and never forced, when `conn` is read-only).
pub fn open(
    conn: &Connect,
    uuid: &str,
    force: bool,
    sink: ConsoleSink,
    deadlines: Deadlines,
) -> Result<LibvirtConsole, OpenError> {
    let own_conn = is_read_only(conn)
        .then(|| console_connection(conn, deadlines))
        .transpose()?;
    let read_only = own_conn.is_some();
    let conn = own_conn.as_ref().unwrap_or(conn);
    let dom = conn
        .lookup_domain_by_uuid_string(uuid)
        .map_err(|e| OpenError::Failed(e.message().to_string()))?;
    // SAFETY: valid connection; the stream is owned by the returned wrapper (or freed below).
    let stream = unsafe { sys::virStreamNew(conn.as_ptr(), sys::VIR_STREAM_NONBLOCK) };
    if stream.is_null() {
        return Err(OpenError::Failed(last_error()));
    }
    let console = LibvirtConsole {
        stream: Mutex::new(stream),
        closed: Arc::new(AtomicBool::new(false)),
        watch_only: read_only,
        _own_conn: own_conn.clone(),
    };
    let flags = if force && !read_only {
        sys::VIR_DOMAIN_CONSOLE_FORCE
    } else {
        sys::VIR_DOMAIN_CONSOLE_SAFE
    };
    // SAFETY: valid domain and stream; NULL device means the first console.
    if unsafe { sys::virDomainOpenConsole(dom.as_ptr(), std::ptr::null(), stream, flags) } < 0 {
        return Err(open_error(last_error(), read_only));
    }
    let state = Box::new(CallbackState {
        sink,
        closed: console.closed.clone(),
    });
    let events = (sys::VIR_STREAM_EVENT_READABLE
        | sys::VIR_STREAM_EVENT_ERROR
        | sys::VIR_STREAM_EVENT_HANGUP) as c_int;
    let opaque = Box::into_raw(state).cast::<c_void>();
    // SAFETY: libvirt owns `opaque` from here and frees it with free_state.
    if unsafe {
        sys::virStreamEventAddCallback(
            stream,
            events,
            Some(on_stream_event),
            opaque,
            Some(free_state),
        )
    } < 0
    {
        // SAFETY: not registered, so the state is still ours.
        unsafe { free_state(opaque) };
        return Err(OpenError::Failed(last_error()));
    }
    Ok(console)
}

/// A read-write connection to `ro`'s host, only for a console (libvirt refuses consoles on
/// read-only connections).
fn console_connection(ro: &Connect, deadlines: Deadlines) -> Result<Connect, OpenError> {
    let uri = ro
        .uri()
        .map_err(|e| OpenError::Failed(e.message().to_string()))?;
    // The URI libvirt reports may have lost the no_tty vmdeck added: open_raw adds it again.
    super::connection::open_raw(&uri, false, deadlines).map_err(|e| {
        OpenError::Failed(format!(
            "a console needs a read-write libvirt connection, even watch-only, and the host \
             refused one: {e}"
        ))
    })
}

/// Someone else holds the console: a read-only pool never offers to take it over, so it is
/// a plain failure there (Enter tries again), and a question elsewhere.
fn open_error(message: String, read_only: bool) -> OpenError {
    let busy = message.contains("Active console session") || message.contains("already");
    match (busy, read_only) {
        (true, true) => OpenError::Failed(format!(
            "held by another client; a read-only pool never takes a console over ({message})"
        )),
        (true, false) => OpenError::Busy(message),
        (false, _) => OpenError::Failed(message),
    }
}

/// What usually ends a console, said alongside libvirt's own words.
const WHY: &str = "guest powered off, host gone, or another client took it over";

unsafe extern "C" fn on_stream_event(
    stream: sys::virStreamPtr,
    events: c_int,
    opaque: *mut c_void,
) {
    // SAFETY: opaque is the CallbackState registered with this callback.
    let state = unsafe { &*(opaque as *const CallbackState) };
    if state.closed.load(Ordering::SeqCst) {
        return;
    }
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        // SAFETY: buf is writable for its length.
        let n = unsafe { sys::virStreamRecv(stream, buf.as_mut_ptr().cast(), buf.len()) };
        match n {
            n if n > 0 => (state.sink)(ConsoleEvent::Data(buf[..n as usize].to_vec())),
            -2 => break,
            0 => return end(stream, state, format!("the console closed ({WHY})")),
            _ => return end(stream, state, format!("{} ({WHY})", last_error())),
        }
    }
    let hangup = (sys::VIR_STREAM_EVENT_HANGUP | sys::VIR_STREAM_EVENT_ERROR) as c_int;
    if events & hangup != 0 {
        end(stream, state, format!("the console hung up ({WHY})"));
    }
}

/// Stops the callback from inside itself (libvirt allows this) so a dead stream does not
/// fire in a busy loop, and tells the app.
fn end(stream: sys::virStreamPtr, state: &CallbackState, reason: String) {
    if !state.closed.swap(true, Ordering::SeqCst) {
        // SAFETY: removing our own callback from within it is allowed by libvirt.
        unsafe { sys::virStreamEventRemoveCallback(stream) };
        (state.sink)(ConsoleEvent::Closed(reason));
    }
}

unsafe extern "C" fn free_state(opaque: *mut c_void) {
    // SAFETY: opaque came from Box::into_raw of a CallbackState.
    drop(unsafe { Box::from_raw(opaque as *mut CallbackState) });
}

impl ConsoleTransport for LibvirtConsole {
    fn send(&self, bytes: &[u8]) -> Result<(), String> {
        if self.closed.load(Ordering::SeqCst) {
            return Err("the console is closed".into());
        }
        if self.watch_only {
            return Err("watch-only: a read-only pool's console takes no input".into());
        }
        let stream = self
            .stream
            .lock()
            .map_err(|_| "console lock poisoned".to_string())?;
        let mut rest = bytes;
        let mut retries = 0;
        while !rest.is_empty() {
            // SAFETY: the stream is open while `closed` is false and we hold the lock.
            let n = unsafe { sys::virStreamSend(*stream, rest.as_ptr().cast(), rest.len()) };
            match n {
                n if n > 0 => rest = &rest[n as usize..],
                // The guest is not reading yet; typed input is small, so wait briefly.
                -2 if retries < 50 => {
                    retries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(2));
                }
                -2 => return Err("the guest is not reading its console".into()),
                _ => return Err(last_error()),
            }
        }
        Ok(())
    }

    fn resize(&self, _cols: u16, _rows: u16) {
        // A serial line has no size; guests learn it by asking (CSI 18 t), which the
        // console screen answers.
    }
}

impl Drop for LibvirtConsole {
    fn drop(&mut self) {
        let already_closed = self.closed.swap(true, Ordering::SeqCst);
        let Ok(stream) = self.stream.lock() else {
            return;
        };
        // SAFETY: the stream is ours; each call happens once, errors are ignored because the
        // stream may already be dead.
        unsafe {
            if !already_closed {
                sys::virStreamEventRemoveCallback(*stream);
            }
            sys::virStreamAbort(*stream);
            sys::virStreamFree(*stream);
            sys::virResetLastError();
        }
    }
}
