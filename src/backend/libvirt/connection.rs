//! Opening libvirt connections. A read-only pool's connections are opened read-only
//! (`virConnectOpenReadOnly`), so libvirt itself refuses any change, whatever vmdeck's own
//! checks do. Code that would make a call such a connection refuses (a storage pool refresh,
//! a console) asks `is_read_only` first.

use std::ops::Deref;
use std::sync::Mutex;

use virt::connect::Connect;

/// The raw pointers of the read-only connections open now. libvirt has no call that says
/// whether a connection is read-only, and the pointer is what every caller already holds.
static READ_ONLY: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// A connection, read-only or not; it derefs to `Connect`.
pub struct Conn {
    // Field order matters: the mark goes before the connection closes, so a new connection
    // that reuses the address is never taken for this one.
    _mark: Option<Mark>,
    conn: Connect,
}

impl Deref for Conn {
    type Target = Connect;
    fn deref(&self) -> &Connect {
        &self.conn
    }
}

/// Opens `uri`, read-only when `read_only`.
pub fn open(uri: &str, read_only: bool) -> Result<Conn, String> {
    let opened = if read_only {
        Connect::open_read_only(Some(uri))
    } else {
        Connect::open(Some(uri))
    };
    let conn = opened.map_err(|e| e.message().to_string())?;
    keep_alive(&conn);
    let mark = read_only.then(|| Mark::new(&conn));
    Ok(Conn { _mark: mark, conn })
}

/// A probe every `KEEPALIVE_SECS`; after `KEEPALIVE_COUNT` unanswered ones libvirt closes the
/// connection, and the close callback marks the host (and its consoles) down: a host that
/// hangs shows within ~15 s, where TCP alone would take minutes.
const KEEPALIVE_SECS: i32 = 5;
const KEEPALIVE_COUNT: u32 = 2;

fn keep_alive(conn: &Connect) {
    // Local drivers (test:///, embed) have no keepalive; only a remote one needs it.
    if let Err(e) = conn.set_keep_alive(KEEPALIVE_SECS, KEEPALIVE_COUNT) {
        tracing::debug!("no keepalive on this connection: {}", e.message());
    }
}

/// Whether `conn` was opened read-only by `open`.
pub fn is_read_only(conn: &Connect) -> bool {
    let key = key(conn);
    READ_ONLY
        .lock()
        .map(|open| open.contains(&key))
        // A poisoned list: assume read-only, which only skips optional calls.
        .unwrap_or(true)
}

fn key(conn: &Connect) -> usize {
    // SAFETY: only the address is used, never dereferenced.
    unsafe { conn.as_ptr() as usize }
}

struct Mark(usize);

impl Mark {
    fn new(conn: &Connect) -> Mark {
        let key = key(conn);
        if let Ok(mut open) = READ_ONLY.lock() {
            open.push(key);
        }
        Mark(key)
    }
}

impl Drop for Mark {
    fn drop(&mut self) {
        if let Ok(mut open) = READ_ONLY.lock()
            && let Some(at) = open.iter().position(|&k| k == self.0)
        {
            open.swap_remove(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_only_connection_is_known_and_libvirt_refuses_changes_on_it() {
        let ro = open("test:///default", true).unwrap();
        let rw = open("test:///default", false).unwrap();
        assert!(is_read_only(&ro));
        assert!(!is_read_only(&rw));
        let dom = ro.lookup_domain_by_name("test").unwrap();
        let refused = dom.suspend().unwrap_err();
        assert!(
            refused.message().contains("read only access"),
            "{}",
            refused.message()
        );
    }
}
