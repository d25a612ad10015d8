//! Opening libvirt connections. A read-only pool's connections are opened read-only
//! (`virConnectOpenReadOnly`), so libvirt itself refuses any change, whatever vmdeck's own
//! checks do. Code that would make a call such a connection refuses (a storage pool refresh,
//! a console) asks `is_read_only` first.

use std::ops::Deref;
use std::sync::{Condvar, Mutex, PoisonError};

use virt::connect::Connect;

use super::ssh;
use crate::config::Deadlines;

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

/// Opens `uri`, read-only when `read_only`, within `deadlines`; ssh never gets the terminal
/// (`ssh::without_tty`).
pub fn open(uri: &str, read_only: bool, deadlines: Deadlines) -> Result<Conn, String> {
    let conn = open_raw(uri, read_only, deadlines)?;
    // Its round trip overlaps whatever the caller asks next.
    let probe = conn.clone();
    drop(super::fanout::spawn(move || keep_alive(&probe, deadlines)));
    let mark = read_only.then(|| Mark::new(&conn));
    Ok(Conn { _mark: mark, conn })
}

/// Whether the driver of `uri` runs inside this process (`test:///FILE`, `qemu:///embed`):
/// its calls then cost this machine's CPU, not a round trip.
pub fn in_process(uri: &str) -> bool {
    let (scheme, rest) = uri.split_once("://").unwrap_or((uri, ""));
    let local = rest.starts_with('/') && !scheme.contains('+');
    local && (scheme == "test" || rest.starts_with("/embed"))
}

/// Opening an in-process driver is CPU work (the test driver parses its whole file: 10 ms for
/// 20 domains); 1,000 of them at once on two cores only fight over the allocator and hold
/// every parse's memory at once (peak RSS 436 MB), so at most two per CPU open at once.
static IN_PROCESS_OPENS: Mutex<usize> = Mutex::new(0);
static OPEN_DONE: Condvar = Condvar::new();

struct OpenPermit;

impl OpenPermit {
    fn take() -> OpenPermit {
        let most = 2 * std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut open = IN_PROCESS_OPENS
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while *open >= most {
            open = OPEN_DONE.wait(open).unwrap_or_else(PoisonError::into_inner);
        }
        *open += 1;
        OpenPermit
    }
}

impl Drop for OpenPermit {
    fn drop(&mut self) {
        *IN_PROCESS_OPENS
            .lock()
            .unwrap_or_else(PoisonError::into_inner) -= 1;
        OPEN_DONE.notify_one();
    }
}

/// Opens `uri` without the terminal for ssh and within the connect deadline, its failure in
/// one sentence when ssh said why.
pub fn open_raw(uri: &str, read_only: bool, deadlines: Deadlines) -> Result<Connect, String> {
    let _permit = in_process(uri).then(OpenPermit::take);
    let owned = uri.to_string();
    super::deadline::open_within(uri, deadlines.connect, move || {
        let uri = owned;
        let safe = ssh::without_tty(&uri);
        let opened = if read_only {
            Connect::open_read_only(Some(&safe))
        } else {
            Connect::open(Some(&safe))
        };
        opened.map_err(|e| {
            tracing::info!("{uri}: {}", e.message());
            ssh::explain(&uri, e.message())
        })
    })
}

/// Probes that libvirt sends on its own; after the last unanswered one it closes the
/// connection, and the close callback marks the host (and its consoles) down: a host that
/// hangs shows within the pool's call deadline, where TCP alone would take minutes.
fn keep_alive(conn: &Connect, deadlines: Deadlines) {
    let (interval, count) = deadlines.keepalive();
    // Local drivers (test:///, embed) have no keepalive; only a remote one needs it.
    if let Err(e) = conn.set_keep_alive(interval, count) {
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
        let ro = open("test:///default", true, Deadlines::default()).unwrap();
        let rw = open("test:///default", false, Deadlines::default()).unwrap();
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

    #[test]
    fn only_drivers_inside_this_process_count_as_in_process() {
        assert!(in_process("test:///default"));
        assert!(in_process("test:///var/tmp/fleet/h0001.xml"));
        assert!(in_process("qemu:///embed?root=/tmp/x"));
        assert!(!in_process("qemu:///system"));
        assert!(!in_process(
            "qemu+unix:///session?socket=/home/labh1/run/libvirt/libvirt-sock"
        ));
        assert!(!in_process("test+unix:///default"));
        assert!(!in_process("qemu+ssh://root@h1/system"));
    }

    #[test]
    fn an_ssh_failure_reaches_the_caller_as_one_sentence() {
        // Through the real ssh program, as libvirt runs it; port 1 has no listener.
        if std::process::Command::new("ssh")
            .arg("-V")
            .output()
            .is_err()
        {
            return;
        }
        let Err(reason) = open(
            "qemu+ssh://nobody@127.0.0.1:1/session",
            true,
            Deadlines::default(),
        ) else {
            panic!("nothing listens on port 1");
        };
        assert_eq!(
            reason,
            "ssh could not reach 127.0.0.1: nothing listens on its ssh port"
        );
    }
}
