//! End-to-end: a lab host's libvirtd dies and comes back while vmdeck runs. In its own test
//! binary because it takes a host away from every other test.

mod pty;

use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl};

#[test]
fn a_dead_host_is_marked_down_and_recovers_while_others_keep_working() {
    let Some(lab) = lab_config() else { return };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 40);
    tui.wait_text("hosts 6/6 up");
    tui.send("H");
    tui.wait_text("lab2");
    lab_ctl(&["host-stop", "2"]);
    let row = |tui: &Tui, host: &str| tui.line_with(&format!("{host}  ")).unwrap_or_default();
    tui.wait_for("lab2 down", Duration::from_secs(30), |_| {
        row(&tui, "lab2").contains("down")
    });
    assert!(tui.screen().contains("hosts 5/6 up"));
    assert!(
        row(&tui, "lab1").contains(" up "),
        "lab1 keeps working: {}",
        tui.screen()
    );
    assert!(row(&tui, "lab3").contains(" up "));
    // The other hosts still answer: their VMs are listed with live states.
    tui.send("V");
    tui.wait_for("lab1 VMs", Duration::from_secs(10), |s| {
        s.contains("lab1-web") && s.contains("running")
    });
    lab_ctl(&["host-start", "2"]);
    tui.wait_for("lab2 back", Duration::from_secs(60), |s| {
        s.contains("hosts 6/6 up")
    });
    tui.send("H");
    tui.wait_for("lab2 up", Duration::from_secs(10), |_| {
        row(&tui, "lab2").contains(" up ")
    });
}
