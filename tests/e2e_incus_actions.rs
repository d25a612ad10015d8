//! End-to-end: actions on the lab's Incus containers — restart, snapshots, copy — through
//! the same keys and commands as libvirt VMs. Its own binary: it restarts a container.

mod pty;

use std::process::Command;
use std::time::Duration;

use pty::{Tui, lab_config};

const LONG: Duration = Duration::from_secs(60);

fn incus(args: &[&str]) -> String {
    let out = Command::new("incus").args(args).output().expect("incus");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ops_done(tui: &Tui, what: &str, count: usize) {
    tui.wait_for(what, LONG, |s| {
        s.lines()
            .filter(|l| l.contains(what) && l.contains("done"))
            .count()
            >= count
    });
}

#[test]
fn restart_snapshot_and_copy_incus_containers() {
    let Some(lab) = lab_config() else { return };
    let _ = Command::new("incus")
        .args(["delete", "--force", "c3-copy"])
        .output();
    let _ = Command::new("incus")
        .args(["snapshot", "delete", "c3", "snap1"])
        .output();
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("hosts 6/6 up");

    tui.send(":vm c2\r");
    tui.wait_text("kind");
    tui.send("R");
    tui.wait_text("Reboot c2 on");
    tui.send("y");
    tui.send("O");
    ops_done(&tui, "reboot", 1);
    assert!(incus(&["list", "c2", "-c", "s", "-f", "csv"]).contains("RUNNING"));

    tui.send(":vm c3\r");
    tui.wait_text("Snapshots");
    tui.send(":snapshot snap1 before the test\r");
    tui.send("y");
    tui.wait_for("snap1 listed", LONG, |s| {
        s.lines()
            .any(|l| l.contains(" snap1 ") && l.contains("disk only"))
    });
    tui.send(":revert snap1\r");
    tui.send("y");
    tui.wait_text("revert c3 on");
    tui.send(":snapshot-delete snap1\r");
    tui.send("y");
    tui.wait_for("snap1 gone", LONG, |s| {
        s.contains("snapshot-delete c3 on") && !s.lines().any(|l| l.contains(" snap1 "))
    });

    tui.send(":clone c3-copy\r");
    tui.send("y");
    tui.send("O");
    ops_done(&tui, "clone", 1);
    let stamp = incus(&["config", "get", "c3-copy", "user.vmdeck.clone-of"]);
    assert_eq!(stamp.trim(), "c3");
    tui.send("V");
    tui.wait_text("c3-copy");
    let _ = Command::new("incus")
        .args(["delete", "--force", "c3-copy"])
        .output();
    let audit = std::fs::read_to_string(tui.home.path().join("data/vmdeck/audit.jsonl")).unwrap();
    assert_eq!(audit.lines().count(), 5, "{audit}");
}
