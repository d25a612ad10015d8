//! Opening a connection within a deadline, whatever the transport: a daemon that is stopped
//! (SIGSTOP), a listener that accepts and never speaks, or a firewall that drops packets
//! leaves `virConnectOpen` waiting for ever, and the host "connecting…" with no reason.
//!
//! The open runs in a thread of its own. At the deadline an ssh open is ended by ending its
//! ssh (libvirt's call then returns); any other open cannot be interrupted, so its thread is
//! left to finish on its own and no new open of the same URI starts until it has: a host that
//! hangs costs one thread, never one per retry.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use super::ssh;

/// The URIs whose open is still waiting in a thread after its deadline passed.
static STUCK: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Runs `open`, which opens `uri`, within `deadline` (the pool's connect deadline).
pub(super) fn open_within<T: Send + 'static>(
    uri: &str,
    deadline: Duration,
    open: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    // The test driver lives in this process and cannot hang.
    if uri.starts_with("test:") {
        return open();
    }
    if is_stuck(uri) {
        return Err(hung(uri, deadline));
    }
    let guard = ssh::HungOpen::watch(uri);
    let (tx, rx) = mpsc::channel();
    let owned = uri.to_string();
    std::thread::Builder::new()
        .name("libvirt open".into())
        .spawn(move || {
            // A late success is dropped with the channel, which closes the connection.
            let _ = tx.send(open());
            mark_stuck(&owned, false);
        })
        .map_err(|e| format!("cannot start a thread to open {uri}: {e}"))?;
    match rx.recv_timeout(deadline) {
        Ok(opened) => opened,
        Err(RecvTimeoutError::Disconnected) => Err(format!("opening {uri} failed")),
        Err(RecvTimeoutError::Timeout) => match guard.end(deadline) {
            Some(sentence) => Err(sentence),
            None => {
                mark_stuck(uri, true);
                Err(hung(uri, deadline))
            }
        },
    }
}

fn hung(uri: &str, deadline: Duration) -> String {
    format!(
        "not answering: no reply to connect within {} s (the daemon is stopped or hung, or \
         something accepts the connection and never speaks) — {uri}",
        deadline.as_secs_f32()
    )
}

fn is_stuck(uri: &str) -> bool {
    STUCK.lock().is_ok_and(|set| set.contains(uri))
}

fn mark_stuck(uri: &str, stuck: bool) {
    if let Ok(mut set) = STUCK.lock() {
        if stuck {
            set.insert(uri.to_string());
        } else {
            set.remove(uri);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ssh_open_that_hangs_ends_at_the_deadline_with_a_reason() {
        let slow = || {
            std::thread::sleep(Duration::from_secs(5));
            Ok(())
        };
        let ssh = "qemu+ssh://root@kvm2:2222/system";
        let reason = open_within(ssh, Duration::from_millis(200), slow).unwrap_err();
        assert_eq!(
            reason,
            "no answer over ssh from root@kvm2 within 0.2 s: the connection hangs (a \
             firewall that drops it, or a server that accepts it and never speaks)"
        );
        let fast = open_within(ssh, Duration::from_secs(5), || Ok(7));
        assert_eq!(fast, Ok(7));
        let local = open_within("test:///default", Duration::ZERO, || Ok(1));
        assert_eq!(local, Ok(1));
    }

    #[test]
    fn a_hung_unix_open_is_not_started_again_until_it_returns() {
        let uri = "qemu+unix:///session?socket=/nonexistent/hung";
        let (release, wait) = mpsc::channel::<()>();
        let slow = move || {
            let _ = wait.recv();
            Ok(())
        };
        let reason = open_within(uri, Duration::from_millis(100), slow).unwrap_err();
        assert!(
            reason.starts_with("not answering: no reply to connect within 0.1 s"),
            "{reason}"
        );
        // The next attempt does not start a second thread: it says the same at once.
        let again = open_within(uri, Duration::from_secs(5), || Ok(()));
        assert!(again.unwrap_err().starts_with("not answering"));
        // Once the first open returns, the host may be tried again.
        release.send(()).unwrap();
        let freed = (0..50).any(|_| {
            std::thread::sleep(Duration::from_millis(20));
            !is_stuck(uri)
        });
        assert!(freed);
        assert_eq!(open_within(uri, Duration::from_secs(5), || Ok(3)), Ok(3));
    }
}
