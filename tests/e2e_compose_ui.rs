//! End-to-end: the compose form of the real binary on the lab — `:compose` prefilled, the
//! placement preview over the pool's real hosts, the confirmation, the new VM running in the
//! list, its operation done and audited; a read-only pool previews and composes nothing; an
//! Incus container composed from the form.

mod pty;

use std::process::Command;
use std::time::Duration;

use pty::{Tui, lab_config, lab_config_with, lab_ctl, virsh};

/// Composing boots a guest under TCG: generous, and only a bound on a hung lab.
const LONG: Duration = Duration::from_secs(120);

fn host_uris() -> Vec<(String, String)> {
    (1..=3)
        .map(|n| (format!("lab{n}"), lab_ctl(&["uri", &n.to_string()])))
        .collect()
}

/// Removes the domain `name` (with its disk and seed) from whichever lab host has it.
fn remove(name: &str) {
    for (_, uri) in host_uris() {
        let listed = virsh(&uri, &["list", "--all", "--name"]);
        if listed.lines().any(|l| l.trim() == name) {
            let _ = Command::new("virsh")
                .args(["-c", &uri, "destroy", name])
                .output();
            virsh(&uri, &["undefine", name, "--remove-all-storage"]);
        }
    }
}

/// The lab hosts that define `name`.
fn hosts_of(name: &str) -> Vec<String> {
    host_uris()
        .into_iter()
        .filter(|(_, uri)| {
            let listed = virsh(uri, &["list", "--all", "--name"]);
            listed.lines().any(|l| l.trim() == name)
        })
        .map(|(host, _)| host)
        .collect()
}

/// Starts from a lab without the VM and leaves none behind, even when the test fails.
struct Removed(&'static str);

impl Removed {
    fn new(name: &'static str) -> Removed {
        remove(name);
        Removed(name)
    }
}

impl Drop for Removed {
    fn drop(&mut self) {
        remove(self.0);
    }
}

/// The host the preview's first line says the VM goes to: `ready: NAME → HOST`.
fn ready_host(screen: &str, name: &str) -> Option<String> {
    let prefix = format!("ready: {name} → ");
    screen.lines().find_map(|line| {
        let at = line.find(&prefix)?;
        let rest = &line[at + prefix.len()..];
        rest.split(|c: char| c.is_whitespace() || c == '│')
            .next()
            .map(str::to_string)
    })
}

#[test]
fn the_form_composes_a_vm_that_runs_on_the_host_the_preview_chose() {
    let Some(lab) = lab_config() else { return };
    let _removed = Removed::new("ui-one");
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 48);
    tui.wait_text("hosts 6/6 up");
    tui.send(":vms lab\r");
    tui.send(":compose ui-one --type small --image lab-busybox\r");
    let screen = tui.wait_for("the preview with a host chosen", LONG, |s| {
        s.contains("placement preview") && ready_host(s, "ui-one").is_some()
    });
    let chosen = ready_host(&screen, "ui-one").unwrap();
    // Every host of the pool is judged, and the chosen one is marked.
    for (host, _) in host_uris() {
        assert!(
            screen.lines().any(|l| l.contains(&format!(" {host} "))
                && (l.contains("fits") || l.contains("rejected"))),
            "no verdict for {host}:\n{screen}"
        );
    }
    assert!(
        screen.contains(&format!("▶ {chosen} ")),
        "chosen host not marked:\n{screen}"
    );
    assert!(screen.contains("user-data: valid YAML"), "{screen}");

    tui.send("\x13");
    tui.wait_text(&format!("Compose 1 VM (ui-one → {chosen})? [y/N]"));
    tui.send("y");
    // The status says it is under way, unless the backend was quicker still.
    tui.wait_for("composing said", LONG, |s| {
        s.contains("composing ui-one") || s.contains("compose ui-one on ")
    });
    tui.send("/ui-one\r");
    tui.wait_for("ui-one running", LONG, |s| {
        s.lines()
            .any(|l| l.contains("│ui-one ") && l.contains("running") && l.contains(&chosen))
    });
    assert_eq!(hosts_of("ui-one"), std::slice::from_ref(&chosen));
    let uri = lab_ctl(&["uri", chosen.trim_start_matches("lab")]);
    assert_eq!(virsh(&uri, &["domstate", "ui-one"]).trim(), "running");

    tui.send("O");
    tui.wait_for("the operation done", LONG, |s| {
        s.lines().any(|l| {
            l.contains("compose")
                && l.contains("ui-one")
                && l.contains(&chosen)
                && l.contains("done")
        })
    });
    let audit = tui.home.path().join("data/vmdeck/audit.jsonl");
    let text = std::fs::read_to_string(&audit).unwrap();
    let line: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(line["vm"], "ui-one");
    assert_eq!(line["host"], chosen.as_str());
    assert_eq!(line["action"], "compose");
    assert_eq!(line["params"], "type=small image=lab-busybox");
    assert_eq!(line["result"], "ok");
    tui.send("q");
    drop(tui);
}

#[test]
fn a_read_only_pool_previews_in_the_form_and_composes_nothing() {
    let Some(lab) = lab_config() else { return };
    let _removed = Removed::new("ui-ro");
    let dir = tempfile::tempdir().unwrap();
    let config = lab_config_with(&lab, dir.path(), "read_only = true");
    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 120, 40);
    tui.wait_text("hosts 6/6 up");
    tui.send(":vms lab\r");
    tui.send("n");
    tui.wait_text("read-only: preview only");
    tui.send("ui-ro");
    tui.wait_for("a preview", LONG, |s| ready_host(s, "ui-ro").is_some());
    tui.send("\x13");
    tui.wait_text("refused: pool lab is read-only");
    assert!(!tui.screen().contains("[y/N]"));
    assert!(hosts_of("ui-ro").is_empty());
    // Nothing was done: the audit log holds at most the outcome of jobs found running (the
    // other tests of this file compose on the same lab, and Incus shows its operations to
    // every client).
    let audit = tui.home.path().join("data/vmdeck/audit.jsonl");
    let text = std::fs::read_to_string(&audit).unwrap_or_default();
    for line in text.lines() {
        let entry: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(entry["action"], "found job", "nothing was done: {text}");
    }
}

#[test]
fn an_incus_container_composed_in_the_form_runs() {
    let Some(lab) = lab_config() else { return };
    let incus = |args: &[&str]| Command::new("incus").args(args).output().expect("incus");
    struct Gone;
    impl Drop for Gone {
        fn drop(&mut self) {
            let _ = Command::new("incus")
                .args(["delete", "--force", "ui-c1"])
                .output();
        }
    }
    let _ = incus(&["delete", "--force", "ui-c1"]);
    let _gone = Gone;
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 48);
    tui.wait_text("hosts 6/6 up");
    tui.send(":vms lab-incus\r");
    tui.send(":compose ui-c1 --type small --image busybox\r");
    let screen = tui.wait_for("the preview", LONG, |s| ready_host(s, "ui-c1").is_some());
    let chosen = ready_host(&screen, "ui-c1").unwrap();
    tui.send("\x13");
    tui.wait_text(&format!("Compose 1 VM (ui-c1 → {chosen})? [y/N]"));
    tui.send("y");
    tui.send("/ui-c1\r");
    tui.wait_for("ui-c1 running", LONG, |s| {
        s.lines()
            .any(|l| l.contains("│ui-c1 ") && l.contains("running"))
    });
    let config = String::from_utf8_lossy(&incus(&["config", "show", "ui-c1"]).stdout).into_owned();
    assert!(config.contains("user.vmdeck.type: small"), "{config}");
    assert!(config.contains("cloud-init.user-data"), "{config}");
    tui.send("O");
    tui.wait_for("the operation done", LONG, |s| {
        s.lines()
            .any(|l| l.contains("compose") && l.contains("ui-c1") && l.contains("done"))
    });
}
