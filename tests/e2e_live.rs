//! End-to-end: a host view left open follows NUMA free memory that changes behind vmdeck's
//! back (a guest started with virsh), on the real lab.

mod pty;

use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl, virsh};

/// Leaves lab1-spare shut off, as the lab seeds it, however the test ends.
struct Destroy(String);

impl Drop for Destroy {
    fn drop(&mut self) {
        // Not `virsh()`: it asserts, and a panic in Drop while unwinding aborts the run.
        let _ = std::process::Command::new("virsh")
            .args(["-c", &self.0, "destroy", "lab1-spare"])
            .output();
    }
}

/// Node 0's free memory as its NUMA card says it: `…, 476 MiB free · CPUs …`.
fn node0_free(screen: &str) -> Option<String> {
    let line = screen.lines().find(|l| l.contains("node 0 "))?;
    let before_free = line.split(" free").next()?;
    Some(before_free.rsplit(", ").next()?.trim().to_string())
}

#[test]
fn node_0_free_memory_follows_a_guest_started_behind_vmdecks_back() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "1"]);
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 40);
    tui.wait_text("hosts");
    tui.send(":host lab1\r");
    let screen = tui.wait_for("node 0's free memory", Duration::from_secs(30), |s| {
        node0_free(s).is_some()
    });
    let before = node0_free(&screen).expect("node 0 line");
    let _guard = Destroy(uri.clone());
    virsh(&uri, &["start", "lab1-spare"]);
    // A few stats intervals (5 s each): the card is read again, not left as at connect.
    let after = tui.wait_for(
        "node 0's free memory to change",
        Duration::from_secs(30),
        |s| node0_free(s).is_some_and(|free| free != before),
    );
    assert!(after.contains("NUMA nodes"), "{after}");
}

/// A member of the Incus cluster is read again too: its host view never says its figures are
/// old (they would be "as of 15 s ago" after three 5 s samples if they stayed as at connect).
#[test]
fn an_incus_cluster_members_figures_stay_fresh_while_its_view_is_open() {
    let Some(lab) = lab_config() else { return };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 40);
    // The cluster's members are known once every host is up.
    tui.wait_for("every host up", Duration::from_secs(60), |s| {
        s.contains("hosts 6/6 up")
    });
    tui.send(":host node2\r");
    let screen = tui.wait_for("node2's NUMA nodes", Duration::from_secs(30), |s| {
        s.contains("node2") && s.contains("NUMA nodes")
    });
    let aged = tui.poll_for(Duration::from_secs(25), |s| s.contains("as of "));
    assert!(
        aged.is_err(),
        "figures went old:\n{}",
        aged.unwrap_or(screen)
    );
}
