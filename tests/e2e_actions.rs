//! End-to-end: actions on the lab's real domains, their audit, and read-only mode.

mod pty;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl, virsh};

const LONG: Duration = Duration::from_secs(60);

#[test]
fn reboot_from_vmdeck_shows_in_the_console_and_is_audited() {
    let Some(lab) = lab_config() else { return };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("lab3-web");
    tui.send("/lab3-web\r");
    tui.send("c");
    tui.wait_text("attached");
    tui.send("\r");
    tui.send("clear; echo before-$((1+2))\r");
    tui.wait_text("before-3");
    tui.send("\x1d");
    tui.send("R");
    tui.wait_text("Reboot lab3-web on lab3? [y/N]");
    tui.send("y");
    tui.wait_for("the guest booting again", LONG, |s| {
        s.contains("vmdeck lab guest")
    });
    tui.send("O");
    tui.wait_for("the operation done", LONG, |s| {
        s.lines()
            .any(|l| l.contains("reboot") && l.contains("lab3-web") && l.contains("done"))
    });
    let audit = tui.home.path().join("data/vmdeck/audit.jsonl");
    let text = std::fs::read_to_string(&audit).unwrap();
    // The reboot's line; a job this vmdeck found running on a host (the migration test's,
    // beside this one) is audited when it ends, and may come after.
    let line = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .rfind(|l| l["action"] == "reboot")
        .unwrap_or_else(|| panic!("no reboot audited: {text}"));
    assert_eq!(line["vm"], "lab3-web");
    assert_eq!(line["host"], "lab3");
    assert_eq!(line["pool"], "lab");
    assert_eq!(line["action"], "reboot");
    assert_eq!(line["result"], "ok");
    assert!(line["time"].as_u64().unwrap() > 1_700_000_000);
    assert!(!line["user"].as_str().unwrap().is_empty());
    assert_eq!(
        std::fs::metadata(&audit).unwrap().permissions().mode() & 0o777,
        0o600
    );
    tui.send(":audit\r");
    tui.wait_for("the audit view", LONG, |s| {
        s.contains("audit log (newest first)")
            && s.lines()
                .any(|l| l.contains("lab3/lab3-web") && l.contains("reboot") && l.contains("ok"))
    });
}

#[test]
fn read_only_mode_offers_no_actions_and_changes_nothing() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "1"]);
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap(), "--read-only"], 140, 48);
    tui.wait_text("hosts 6/6 up");
    tui.send("/lab1-db\r");
    // The row itself, not the filter line's echo of it.
    tui.wait_for("lab1-db listed", Duration::from_secs(10), |_| {
        tui.line_with("│lab1-db ").is_some()
    });
    assert!(
        !tui.screen().contains("force off"),
        "no action in the hints"
    );
    tui.send("F");
    tui.send(":off\r");
    tui.wait_text("refused: pool lab is read-only");
    tui.send("?");
    tui.wait_text("Everywhere");
    assert!(!tui.screen().contains("force off"), "no action in help");
    assert_eq!(virsh(&uri, &["domstate", "lab1-db"]).trim(), "running");
    assert!(
        !tui.home.path().join("data/vmdeck/audit.jsonl").exists(),
        "nothing was done"
    );
}

/// Moves lab2-web back to lab2 whatever happened, so later tests find the lab as seeded.
struct MoveBack;

impl Drop for MoveBack {
    fn drop(&mut self) {
        let (from, to) = (lab_ctl(&["uri", "3"]), lab_ctl(&["uri", "2"]));
        let _ = std::process::Command::new("virsh")
            .args([
                "-c",
                &from,
                "migrate",
                "--live",
                "--p2p",
                "--persistent",
                "--undefinesource",
            ])
            .args(["lab2-web", &to, "tcp://127.0.0.1"])
            .output();
    }
}

#[test]
fn live_migration_with_progress_keeps_the_guest_session_and_abort_works() {
    let Some(lab) = lab_config() else { return };
    let _move_back = MoveBack;
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("lab2-web");
    tui.send("/lab2-web\r");
    tui.send("c");
    let screen = tui.wait_for("attached or asked", LONG, |s| {
        s.contains("attached") || s.contains("Take it over?")
    });
    if screen.contains("Take it over?") {
        tui.send("y");
        tui.wait_text("attached");
    }
    tui.send("\r");
    tui.send("echo moved-$((11*11)) > /tmp/marker; cat /tmp/marker\r");
    tui.wait_text("moved-121");
    tui.send("\x1d");
    // A slowed move first, aborted: the VM stays where it was.
    tui.send(":migrate lab3 --bw 1\r");
    tui.wait_text("Live-migrate lab2-web from lab2 to lab3? [y/N]");
    tui.send("y");
    tui.wait_for("progress figures", LONG, |s| {
        s.contains("MiB left") && s.contains("/s")
    });
    tui.send("x");
    // The operations view keeps the result (a host's notice may take the status line).
    tui.send("O");
    tui.wait_text("cancelled by the admin; lab2-web stays on lab2");
    tui.send("V");
    tui.send("/lab2-web\r");
    tui.wait_for("lab2-web selected again", LONG, |_| {
        tui.line_with("│lab2-web ").is_some()
    });
    assert_eq!(
        virsh(&lab_ctl(&["uri", "2"]), &["domstate", "lab2-web"]).trim(),
        "running",
        "the VM stays on its source"
    );
    // Then a real move, watched in the operations view.
    tui.send(":migrate lab3\r");
    tui.wait_text("Live-migrate lab2-web from lab2 to lab3? [y/N]");
    tui.send("y");
    tui.send("O");
    tui.wait_for("the migration done", LONG, |s| {
        s.lines()
            .any(|l| l.contains("migrate") && l.contains("lab2 → lab3") && l.contains("done"))
    });
    assert!(
        tui.screen().contains("cancelled by the admin"),
        "the aborted one is listed too"
    );
    // Filtered: the list is longer than the screen.
    tui.send("V");
    tui.send("/lab2-web\r");
    tui.wait_for("lab2-web on lab3", LONG, |_| {
        tui.line_with("│lab2-web ")
            .is_some_and(|l| l.contains("lab3") && l.contains("running"))
    });
    // The same guest, not a reboot: the file written before the move is there.
    tui.send("c");
    tui.wait_text("lab2-web @ lab3");
    tui.send("cat /tmp/marker; echo checked-$((2*3))\r");
    tui.wait_text("checked-6");
    assert!(
        tui.screen().matches("moved-121").count() >= 2,
        "{}",
        tui.screen()
    );
    let audit = std::fs::read_to_string(tui.home.path().join("data/vmdeck/audit.jsonl")).unwrap();
    assert!(
        audit.contains("\"action\":\"migrate\"") && audit.contains("to=lab3 live"),
        "{audit}"
    );
}

#[test]
fn delete_asks_for_the_name_and_removes_the_domain_and_its_disk() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "1"]);
    let _ = std::process::Command::new("virsh")
        .args(["-c", &uri, "undefine", "tmp-delete-me"])
        .output();
    let _ = std::process::Command::new("virsh")
        .args([
            "-c",
            &uri,
            "vol-delete",
            "--pool",
            "default",
            "tmp-delete-me.qcow2",
        ])
        .output();
    virsh(
        &uri,
        &[
            "vol-create-as",
            "default",
            "tmp-delete-me.qcow2",
            "16M",
            "--format",
            "qcow2",
        ],
    );
    let path = virsh(
        &uri,
        &["vol-path", "--pool", "default", "tmp-delete-me.qcow2"],
    )
    .trim()
    .to_string();
    let xml = format!(
        "<domain type='qemu'><name>tmp-delete-me</name><memory unit='MiB'>64</memory><os><type>hvm</type></os>\
         <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='{path}'/>\
         <target dev='vda' bus='virtio'/></disk></devices></domain>"
    );
    let file = std::env::temp_dir().join("tmp-delete-me.xml");
    std::fs::write(&file, xml).unwrap();
    virsh(&uri, &["define", file.to_str().unwrap()]);

    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 40);
    tui.wait_text("tmp-delete-me");
    tui.send("/tmp-delete\r");
    tui.send(":delete --storage\r");
    tui.wait_text("Delete tmp-delete-me on lab1 and its disks? Type tmp-delete-me to confirm:");
    tui.send("tmp-delete-mx\r");
    tui.wait_text("cancelled: 'tmp-delete-mx' is not 'tmp-delete-me'; nothing was done");
    tui.send(":delete --storage\r");
    tui.send("tmp-delete-me\r");
    tui.wait_for("the row gone", LONG, |s| {
        s.contains("vms [0 of ") && s.contains("] /tmp-delete")
    });
    let listed = virsh(&uri, &["list", "--all", "--name"]);
    assert!(!listed.contains("tmp-delete-me"), "{listed}");
    let volumes = virsh(&uri, &["vol-list", "default"]);
    assert!(
        !volumes.contains("tmp-delete-me"),
        "the disk went with it: {volumes}"
    );
    let audit = std::fs::read_to_string(tui.home.path().join("data/vmdeck/audit.jsonl")).unwrap();
    assert!(
        audit.contains("\"action\":\"delete\"") && audit.contains("with-storage"),
        "{audit}"
    );
}

#[test]
fn snapshots_create_revert_delete_on_a_qcow2_domain() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "2"]);
    let _shut_off = ShutOff(uri.clone(), "lab2-spare");
    for name in ["s1", "s2", "mem1"] {
        let _ = std::process::Command::new("virsh")
            .args(["-c", &uri, "snapshot-delete", "lab2-spare", name])
            .output();
    }
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("lab2-spare");
    tui.send(":vm lab2-spare\r");
    tui.wait_text("Snapshots");
    tui.send(":snapshot s1 the first one\r");
    tui.send("y");
    tui.wait_for("s1 listed", LONG, |s| {
        s.lines()
            .any(|l| l.contains("* s1") && l.contains("the first one"))
    });
    tui.send(":snapshot s2\r");
    tui.send("y");
    tui.wait_for("s2 under s1, current", LONG, |s| {
        s.lines().any(|l| l.contains("*   s2"))
    });
    tui.send(":revert s1\r");
    tui.wait_text("Revert lab2-spare on lab2 to snapshot s1? Its current state is lost. [y/N]");
    tui.send("y");
    tui.wait_for("s1 current again", LONG, |s| {
        s.lines().any(|l| l.contains("* s1"))
    });
    tui.send(":snapshot-delete s2\r");
    tui.send("y");
    // Status lines can be replaced by news from other tests' guests: read the tree itself.
    tui.wait_for("s2 gone", LONG, |s| {
        s.lines().any(|l| l.contains("* s1")) && !s.lines().any(|l| l.contains(" s2 "))
    });
    tui.send(":snapshot-delete s1\r");
    tui.send("y");
    tui.wait_for("no snapshots", LONG, |s| {
        let tree = s.split("Snapshots").nth(1).unwrap_or("");
        tree.lines().nth(1).is_some_and(|l| l.contains("none"))
    });
    let listed = virsh(&uri, &["snapshot-list", "lab2-spare", "--name"]);
    assert!(listed.trim().is_empty(), "{listed}");

    // With its memory: refused while the VM is shut off; taken while it runs, and reverting
    // to it brings the VM back running.
    tui.send(":snapshot nomem --memory\r");
    tui.send("y");
    tui.wait_text("the VM is not running, it has no memory to save");
    virsh(&uri, &["start", "lab2-spare"]);
    tui.send(":snapshot mem1 --memory with its memory\r");
    tui.send("y");
    tui.wait_for("mem1 listed as running", LONG, |s| {
        s.lines()
            .any(|l| l.contains("mem1") && l.contains("running") && l.contains("with its memory"))
    });
    virsh(&uri, &["destroy", "lab2-spare"]);
    tui.send(":revert mem1\r");
    tui.send("y");
    tui.wait_for("running again", LONG, |_| {
        virsh(&uri, &["domstate", "lab2-spare"]).trim() == "running"
    });
    tui.send(":snapshot-delete mem1\r");
    tui.send("y");
    tui.wait_for("mem1 gone", LONG, |_| {
        virsh(&uri, &["snapshot-list", "lab2-spare", "--name"])
            .trim()
            .is_empty()
    });
    let audit = std::fs::read_to_string(tui.home.path().join("data/vmdeck/audit.jsonl")).unwrap();
    assert_eq!(audit.lines().count(), 9, "{audit}");
    assert!(audit.contains("name=mem1 with-memory"), "{audit}");
    assert!(
        audit.contains("\"action\":\"revert\"") && audit.contains("name=s1"),
        "{audit}"
    );
}

/// Leaves a domain shut off, as the lab seeds it, whatever happened.
struct ShutOff(String, &'static str);

impl Drop for ShutOff {
    fn drop(&mut self) {
        let _ = std::process::Command::new("virsh")
            .args(["-c", &self.0, "destroy", self.1])
            .output();
    }
}

/// Removes the clone test's VMs and volumes, before and after.
fn remove_clones(uri: &str) {
    for name in ["spare-linked", "spare-full", "spare-instant"] {
        let run = |args: &[&str]| {
            std::process::Command::new("virsh")
                .arg("-c")
                .arg(uri)
                .args(args)
                .output()
        };
        let _ = run(&["destroy", name]);
        let _ = run(&["undefine", name]);
        let _ = run(&[
            "vol-delete",
            "--pool",
            "default",
            &format!("{name}-vda.qcow2"),
        ]);
    }
}

struct RemoveClones(String);

impl Drop for RemoveClones {
    fn drop(&mut self) {
        remove_clones(&self.0);
    }
}

fn backing_of(uri: &str, volume: &str) -> String {
    let _ = std::process::Command::new("virsh")
        .args(["-c", uri, "pool-refresh", "default"])
        .output();
    let xml = virsh(uri, &["vol-dumpxml", "--pool", "default", volume]);
    xml.split("<backingStore>")
        .nth(1)
        .and_then(|b| b.split("<path>").nth(1))
        .and_then(|p| p.split("</path>").next())
        .unwrap_or("")
        .to_string()
}

#[test]
fn linked_full_and_instant_full_clones() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "1"]);
    remove_clones(&uri);
    let _cleanup = RemoveClones(uri.clone());
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("lab1-spare");
    tui.send(":vm lab1-spare\r");
    tui.wait_text("Disks");
    tui.send(":clone spare-linked --linked\r");
    tui.wait_text("Clone lab1-spare on lab1 as spare-linked (--linked)? [y/N]");
    tui.send("y");
    tui.wait_for("linked clone defined", LONG, |_| {
        virsh(&uri, &["list", "--all", "--name"]).contains("spare-linked")
    });
    let source = virsh(&uri, &["domblklist", "lab1-spare"]);
    let source_disk = source
        .lines()
        .find(|l| l.contains("vda"))
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();
    assert_eq!(
        backing_of(&uri, "spare-linked-vda.qcow2"),
        source_disk,
        "a linked clone's disk is an overlay on the source's"
    );
    let stamp = virsh(&uri, &["dumpxml", "spare-linked"]);
    assert!(stamp.contains("clone-of=\"lab1-spare\""), "{stamp}");
    assert!(
        !stamp.contains(&virsh(&uri, &["domuuid", "lab1-spare"]).trim().to_string()),
        "a new UUID"
    );

    tui.send(":clone spare-full --full\r");
    tui.send("y");
    tui.wait_for("full clone defined", LONG, |_| {
        virsh(&uri, &["list", "--all", "--name"]).contains("spare-full")
    });
    tui.send("O");
    tui.wait_for("two clones done", LONG, |s| {
        s.lines()
            .filter(|l| l.contains("clone") && l.contains("done"))
            .count()
            >= 2
    });
    assert_eq!(
        backing_of(&uri, "spare-full-vda.qcow2"),
        "",
        "a full clone stands alone"
    );

    tui.send(":vm lab1-spare\r");
    tui.send(":clone spare-instant --instant-full\r");
    tui.send("y");
    tui.send("O");
    tui.wait_for("three clones done", LONG, |s| {
        s.lines()
            .filter(|l| l.contains("clone") && l.contains("done"))
            .count()
            >= 3
    });
    assert_eq!(
        virsh(&uri, &["domstate", "spare-instant"]).trim(),
        "running",
        "instant-full boots at once"
    );
    assert_eq!(
        backing_of(&uri, "spare-instant-vda.qcow2"),
        "",
        "and ends with no backing store"
    );

    // The host view's volumes: the linked clone's disk, its user and its backing chain.
    tui.send(":host lab1\r");
    tui.wait_for("the linked clone's chain", LONG, |s| {
        s.lines().any(|l| {
            l.contains("default/spare-linked-vda.qcow2")
                && l.contains("spare-linked")
                && l.contains("← lab1-spare.qcow2")
        })
    });

    // The linked clone boots and its console works.
    virsh(&uri, &["start", "spare-linked"]);
    tui.send(":vm spare-linked\r");
    tui.send("c");
    tui.wait_text("spare-linked @ lab1");
    // It may still be booting: knock until its shell prompt shows.
    for _ in 0..40 {
        if tui
            .screen()
            .lines()
            .any(|l| l.trim_matches(['│', ' ']) == "#")
        {
            break;
        }
        tui.send("\r");
        std::thread::sleep(Duration::from_millis(500));
    }
    tui.send("echo clone-says-$((20+1))\r");
    tui.wait_text("clone-says-21");
}

/// Removes the running-source clone test's VMs and volumes, before and after.
fn remove_live_clones(uri: &str) {
    let run = |args: &[&str]| {
        std::process::Command::new("virsh")
            .arg("-c")
            .arg(uri)
            .args(args)
            .output()
    };
    for name in ["live-clone", "live-src"] {
        let _ = run(&["destroy", name]);
        let _ = run(&["undefine", name]);
    }
    for volume in [
        "live-clone-vda.qcow2",
        "live-src-vda.after-live-clone.qcow2",
        "live-src-vda.qcow2",
    ] {
        let _ = run(&["vol-delete", "--pool", "default", volume]);
    }
}

struct RemoveLiveClones(String);

impl Drop for RemoveLiveClones {
    fn drop(&mut self) {
        remove_live_clones(&self.0);
    }
}

#[test]
fn a_running_vm_is_cloned_from_its_frozen_disks() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "3"]);
    remove_live_clones(&uri);
    let _cleanup = RemoveLiveClones(uri.clone());
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_text("lab3-spare");
    // A VM of its own to run and clone, so that the lab's seeds stay as they are.
    tui.send(":vm lab3-spare\r");
    tui.send(":clone live-src --linked\r");
    tui.send("y");
    tui.wait_for("live-src defined", LONG, |_| {
        virsh(&uri, &["list", "--all", "--name"]).contains("live-src")
    });
    virsh(&uri, &["start", "live-src"]);
    tui.send(":vm live-src\r");
    tui.wait_for("live-src running", LONG, |s| {
        s.lines()
            .any(|l| l.starts_with("│state") && l.contains("running"))
    });
    tui.send(":clone live-clone --linked\r");
    tui.send("y");
    tui.wait_for("live-clone defined", LONG, |_| {
        virsh(&uri, &["list", "--all", "--name"]).contains("live-clone")
    });
    assert_eq!(virsh(&uri, &["domstate", "live-src"]).trim(), "running");
    let disks = virsh(&uri, &["domblklist", "live-src"]);
    assert!(
        disks.contains("live-src-vda.after-live-clone.qcow2"),
        "the source writes to a new overlay: {disks}"
    );
    for volume in [
        "live-clone-vda.qcow2",
        "live-src-vda.after-live-clone.qcow2",
    ] {
        assert!(
            backing_of(&uri, volume).ends_with("/live-src-vda.qcow2"),
            "{volume} is backed by the frozen disk"
        );
    }
    virsh(&uri, &["start", "live-clone"]);
    assert_eq!(virsh(&uri, &["domstate", "live-clone"]).trim(), "running");
}
