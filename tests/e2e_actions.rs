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
    let line: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
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
}

#[test]
fn read_only_mode_offers_no_actions_and_changes_nothing() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "1"]);
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap(), "--read-only"], 140, 48);
    tui.wait_text("READ-ONLY");
    tui.send("/lab1-db\r");
    tui.wait_text("lab1-db");
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
