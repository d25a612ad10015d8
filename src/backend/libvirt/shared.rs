//! The connections of headless commands: one per host (its URI, read-only or not) for the
//! whole command, however many reads and writes the command makes there. `sets watch` renews
//! its lock, reads the pool, measures CPU and acts every pass over the same connection, and
//! `compose` or `sets heal` read images, compose, start and restamp over one. A connection
//! found dead (its daemon restarted, keepalive gave up on it) is opened again.
//!
//! In-process drivers (`test:///FILE`) are opened anew each time: there each open is a
//! hypervisor of its own with no round trip to save, and a thousand of them held open would
//! keep every host's parsed file in memory.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::connection::{self, Conn};
use super::init;
use crate::config::Deadlines;

struct Held {
    uri: String,
    read_only: bool,
    conn: Arc<Conn>,
}

static HELD: Mutex<Vec<Held>> = Mutex::new(Vec::new());

fn held() -> MutexGuard<'static, Vec<Held>> {
    HELD.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The command's connection to `uri`, opened within `deadlines` if there is none alive.
pub fn connection(uri: &str, read_only: bool, deadlines: Deadlines) -> Result<Arc<Conn>, String> {
    init::ensure_event_loop()?;
    if connection::in_process(uri) {
        return connection::open(uri, read_only, deadlines).map(Arc::new);
    }
    if let Some(conn) = alive(uri, read_only) {
        return Ok(conn);
    }
    // Opened unlocked: other hosts' opens (a list over a fleet) go on meanwhile.
    let opened = Arc::new(connection::open(uri, read_only, deadlines)?);
    if let Some(theirs) = alive(uri, read_only) {
        // Another thread opened it meanwhile; ours closes when dropped.
        return Ok(theirs);
    }
    let mut all = held();
    all.retain(|h| !(h.uri == uri && h.read_only == read_only));
    all.push(Held {
        uri: uri.to_string(),
        read_only,
        conn: opened.clone(),
    });
    Ok(opened)
}

fn alive(uri: &str, read_only: bool) -> Option<Arc<Conn>> {
    let conn = held()
        .iter()
        .find(|h| h.uri == uri && h.read_only == read_only)
        .map(|h| h.conn.clone())?;
    // Asked unlocked: it is answered locally, but never under the list's lock.
    conn.is_alive().unwrap_or(false).then_some(conn)
}

/// Closes the command's connections (each as soon as its last user is done): a command ends
/// with its connections closed, and the ssh that carried them ended.
pub fn close_all() {
    let all = std::mem::take(&mut *held());
    drop(all);
}
