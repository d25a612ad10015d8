//! A panic in a host's supervisor marks that host failed with the panic's message and the
//! supervisor starts again; the test process (like the UI) goes on.

use std::sync::mpsc::channel;
use std::time::Duration;

use super::spawn_host;
use crate::backend::{HostEvent, HostSettings};

#[test]
fn a_panicking_supervisor_marks_its_host_failed_and_restarts() {
    let (tx, rx) = channel();
    let sink = Box::new(move |event: HostEvent| {
        let _ = tx.send(event);
    });
    // An interval no clock can add (what config validation now refuses) panics in the loop.
    let settings = HostSettings {
        stats_every: Duration::MAX,
        read_only: true,
        deadlines: Default::default(),
    };
    let _host = spawn_host("test:///default".into(), sink, settings);
    let mut failures = 0;
    let mut connects = 0;
    while failures < 2 {
        match rx.recv_timeout(Duration::from_secs(10)) {
            Ok(HostEvent::Down { reason, .. }) => {
                assert!(
                    reason.starts_with("vmdeck failed on this host (")
                        && reason.contains("overflow"),
                    "{reason}"
                );
                failures += 1;
            }
            Ok(HostEvent::Connecting) => connects += 1,
            Ok(_) => {}
            Err(e) => panic!("no failure reported: {e}"),
        }
    }
    // Each failure was followed by a new start of the supervisor.
    assert!(connects >= 2, "{connects} starts");
}
