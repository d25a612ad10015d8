//! End-to-end: a lab guest floods its serial console (numbers as fast as the line takes them)
//! while vmdeck shows it; `Ctrl-]` returns to the list and the list answers keys during the
//! flood. Liveness only: the deadlines are generous, nothing here measures speed (the
//! figures are in benches/).

mod pty;

use std::time::Duration;

use pty::{Tui, lab_config};

const LONG: Duration = Duration::from_secs(30);
const GUEST: &str = "lab3-db";

/// The largest number standing alone on screen: how far the flood got (list cells hold no
/// number this large).
fn flood_reached(screen: &str) -> u64 {
    screen
        .split(|c: char| c == '│' || c.is_whitespace())
        .filter_map(|word| word.parse::<u64>().ok())
        .filter(|n| *n >= 1000)
        .max()
        .unwrap_or(0)
}

/// vmdeck on the lab with the guest's console attached.
fn attached(lab: &std::path::Path) -> Tui {
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 48);
    // Filtered first: with many VMs in the lab the guest is not on the first screen.
    tui.wait_text("vms [");
    tui.send(&format!("/{GUEST}\r"));
    tui.wait_for("the guest listed", LONG, |s| {
        s.contains(&format!("│{GUEST} "))
    });
    tui.send("c");
    let attached = |s: &str| s.contains(&format!("{GUEST} @")) && s.contains("attached");
    let screen = tui.wait_for("attached or asked", LONG, |s| {
        attached(s) || s.contains("Take it over?")
    });
    if !attached(&screen) {
        tui.send("y");
        tui.wait_for("attached", LONG, attached);
    }
    tui
}

#[test]
fn ctrl_close_bracket_returns_to_the_list_during_a_console_flood() {
    let Some(lab) = lab_config() else { return };
    let mut tui = attached(&lab);
    tui.send("\r");
    tui.send("seq 1 100000000\r");
    tui.wait_for("the flood on screen", LONG, |s| flood_reached(s) > 2000);

    tui.send("\x1d");
    tui.wait_text("c attach");
    // The list answers: Esc clears the filter, a new one picks another VM.
    tui.send("\x1b");
    tui.wait_for("the whole list", LONG, |s| {
        !s.contains(&format!("/{GUEST}"))
    });
    tui.send("/lab1-web\r");
    tui.wait_for("the list filtered", LONG, |s| {
        s.contains("[1 of ") && s.contains("] /lab1-web")
    });
    // …while the flood goes on in the pane beside it.
    let then = flood_reached(&tui.screen());
    tui.wait_for("the flood still running", LONG, |s| flood_reached(s) > then);

    // Back in the console, ^C ends the flood and the shell answers. (Esc on its own: with
    // the `/` in the same read it would be Alt-/.)
    tui.send("\x1b");
    tui.send(&format!("/{GUEST}\r"));
    tui.wait_for("the guest listed", LONG, |s| {
        s.contains("[1 of ") && s.contains(&format!("] /{GUEST}"))
    });
    tui.send("c");
    tui.wait_for("its console focused", LONG, |s| {
        s.contains(&format!("│ {GUEST} @")) && s.contains("detach: C-]")
    });
    tui.send("\x03");
    tui.send("\recho flood-stopped-$((4+4))\r");
    tui.wait_text("flood-stopped-8");
    tui.send("\x1d");
    tui.send("q");
    assert!(tui.wait_exit(Duration::from_secs(10)).is_some());
}
