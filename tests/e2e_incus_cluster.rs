//! End-to-end: the lab's two-member Incus cluster (pool `lab-cluster`: k1 on node1, k2 and
//! k3 on node2). Its members are the pool's hosts; instances move between them; a member that
//! stops is marked down while the other stays up. Its own binary: it stops a member.

mod pty;

use std::process::Command;
use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl};

const LONG: Duration = Duration::from_secs(60);

/// The `incus` client against member node1 of the lab cluster.
fn cluster(args: &[&str]) -> String {
    let dir = lab_ctl(&["config"]).replace("vmdeck.toml", "incus-cluster/node1");
    let out = Command::new("incus")
        .env("INCUS_DIR", dir)
        .args(args)
        .output()
        .expect("incus");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn location(name: &str) -> String {
    cluster(&["list", &format!("^{name}$"), "-c", "L", "-f", "csv"])
}

fn listed(config: &std::path::Path) -> Vec<serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .args(["--config", config.to_str().unwrap(), "list"])
        .args(["--pool", "lab-cluster", "--output", "json"])
        .env_remove("VMDECK_CONFIG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn cluster_members_are_hosts_instances_move_and_a_member_goes_down() {
    let Some(lab) = lab_config() else { return };
    // A previous run may have stopped half-way: the lab's layout first.
    if location("k3") != "node2" {
        cluster(&["move", "k3", "--target", "node2"]);
    }
    cluster(&["delete", "--force", "k3-copy"]);

    let vms = listed(&lab);
    let host_of = |name: &str| {
        let vm = vms.iter().find(|v| v["name"] == name);
        vm.unwrap_or_else(|| panic!("{name} not listed: {vms:?}"))["host"].clone()
    };
    assert_eq!(host_of("k1"), "node1");
    assert_eq!(host_of("k2"), "node2");
    assert_eq!(host_of("k3"), "node2");

    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 40);
    tui.wait_text("hosts 6/6 up");
    tui.send("H");
    for member in ["node1", "node2"] {
        let row = tui.line_with(&format!("│{member} ")).unwrap_or_default();
        assert!(row.contains("lab-clus") && row.contains(" up "), "{row}");
    }

    // A cold move of a stopped container, through the same command as a libvirt migration.
    tui.send(":vm k3\r");
    tui.wait_text("kind");
    tui.send(":migrate node1\r");
    tui.wait_text("Move k3 from node2 to node1?");
    tui.send("y");
    tui.wait_for("k3 on node1", LONG, |_| location("k3") == "node1");
    tui.send("V");
    tui.wait_for("k3 under node1", LONG, |_| {
        tui.line_with("│k3 ").is_some_and(|l| l.contains("node1"))
    });
    tui.send(":vm k3\r");
    tui.wait_text("kind");
    tui.send(":migrate node2\r");
    tui.send("y");
    tui.wait_for("k3 back on node2", LONG, |_| location("k3") == "node2");

    // A copy onto the other member.
    tui.send(":vm k3\r");
    tui.wait_text("kind");
    tui.send(":clone k3-copy --host node1\r");
    tui.send("y");
    tui.wait_for("k3-copy on node1", LONG, |_| location("k3-copy") == "node1");
    // The instance exists before its copy ends: wait for the operation, then remove it.
    tui.send("O");
    tui.wait_for("the copy done", LONG, |s| {
        s.lines()
            .any(|l| l.contains("clone") && l.contains("k3") && l.contains("done"))
    });
    let stamp = cluster(&["config", "get", "k3-copy", "user.vmdeck.clone-of"]);
    cluster(&["delete", "--force", "k3-copy"]);
    assert_eq!(stamp, "k3");

    // Pinned to CPU 0 (Incus `limits.cpu` as a set): on NUMA node 0 of its member.
    cluster(&["config", "set", "k1", "limits.cpu=0-0"]);
    tui.send(":host node1\r");
    let pinned = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        tui.wait_for("k1 on node 0", LONG, |s| {
            s.split("node 0").nth(1).is_some_and(|card| {
                card.lines()
                    .take(4)
                    .any(|l| l.contains("VMs") && l.contains("k1"))
            })
        });
    }));
    cluster(&["config", "unset", "k1", "limits.cpu"]);
    if let Err(panic) = pinned {
        std::panic::resume_unwind(panic);
    }
    // The member's volumes, with the instance on each; node2's are not listed here.
    let screen = tui.wait_for("k1's volume", LONG, |s| {
        s.lines()
            .any(|l| l.contains("default/container/k1") && l.contains(" k1"))
    });
    assert!(!screen.contains("container/k2"), "{screen}");

    lab_ctl(&["member-stop", "2"]);
    let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        tui.send("H");
        tui.wait_for("node2 down, node1 up", LONG, |_| {
            let row = |m: &str| tui.line_with(&format!("│{m} ")).unwrap_or_default();
            row("node2").contains("down") && row("node1").contains(" up ")
        });
        assert!(tui.screen().contains("hosts 5/6 up"), "{}", tui.screen());
    }));
    // Whatever happened above, the lab gets its member back.
    lab_ctl(&["member-start", "2"]);
    if let Err(panic) = stopped {
        std::panic::resume_unwind(panic);
    }
    tui.wait_for("node2 back", LONG, |s| s.contains("hosts 6/6 up"));

    let audit = std::fs::read_to_string(tui.home.path().join("data/vmdeck/audit.jsonl")).unwrap();
    let moves = audit.lines().filter(|l| l.contains("\"migrate\"")).count();
    assert_eq!(moves, 2, "{audit}");
}
