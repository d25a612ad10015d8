//! End-to-end: serial consoles of the lab's real guests inside vmdeck, in a PTY.
//! Each test uses its own guest.

mod pty;

use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl, virsh};

const LONG: Duration = Duration::from_secs(30);

/// vmdeck on the lab with `vm`'s console open and its shell prompt on screen.
fn console_of(vm: &str, watch_only: bool) -> Option<Tui> {
    let lab = lab_config()?;
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    show(&mut tui, vm);
    tui.send(if watch_only { "C" } else { "c" });
    // A vmdeck of an earlier test may hold the console for a moment after it was killed:
    // take it over if asked.
    let attached = |s: &str| s.contains(&format!("{vm} @")) && s.contains("attached");
    let screen = tui.wait_for("attached or asked", LONG, |s| {
        attached(s) || s.contains("Take it over?")
    });
    if !attached(&screen) {
        tui.send("y");
        tui.wait_for("attached", LONG, attached);
    }
    Some(tui)
}

/// Filters the list down to `vm` and waits for its row: with the lab's bulk domains
/// (`LAB_VMS`) it is not on the first screen.
fn show(tui: &mut Tui, vm: &str) {
    tui.wait_text("vms [");
    tui.send(&format!("/{vm}\r"));
    tui.wait_for("the guest listed", LONG, |s| s.contains(&format!("│{vm} ")));
}

/// Types a command into the focused console.
fn run(tui: &mut Tui, command: &str) {
    tui.send(command);
    tui.send("\r");
}

/// The console pane: everything below the list (the pane starts after the list's box).
fn pane(screen: &str) -> String {
    screen
        .lines()
        .skip_while(|l| !l.contains(" @ "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn type_a_command_and_see_its_output() {
    let Some(mut tui) = console_of("lab2-web", false) else {
        return;
    };
    run(&mut tui, "echo $((6*7))");
    tui.wait_for("42", LONG, |s| {
        pane(s).lines().any(|l| l.trim_matches(['│', ' ']) == "42")
    });
}

#[test]
fn full_screen_program_detach_both_ways_and_reattach() {
    let Some(mut tui) = console_of("lab2-db", false) else {
        return;
    };
    run(&mut tui, "echo marker-$((40+2))");
    tui.wait_text("marker-42");
    // Zoom (Enter ~ z) so busybox top's 24 rows fit, then run it.
    tui.send("\r~z");
    run(&mut tui, "top");
    tui.wait_for("top drawn", LONG, |s| {
        s.contains("Mem:") && s.contains("PID") && s.contains("%CPU")
    });
    tui.send("q");
    run(&mut tui, "clear; echo after-top-$((3*3))");
    tui.wait_for("top gone", LONG, |s| {
        s.contains("after-top-9") && !s.contains("%CPU")
    });

    // Ctrl-] detaches: the list has the keys again.
    tui.send("\x1d");
    tui.wait_text("c attach");
    tui.send("c");
    tui.wait_text("detach: C-]");
    assert!(
        tui.screen().contains("after-top-9"),
        "re-attaching shows the earlier screen"
    );
    // Enter ~ . detaches too, and sends nothing but the Enter.
    tui.send("\r~.");
    tui.wait_text("c attach");
    tui.send("c");
    run(&mut tui, "echo still-$((1+1))");
    tui.wait_text("still-2");
}

#[test]
fn watch_only_sends_nothing_to_the_guest() {
    let Some(mut tui) = console_of("lab3-web", true) else {
        return;
    };
    assert!(tui.screen().contains("WATCH-ONLY"));
    run(&mut tui, "touch /tmp/typed-while-watching");
    tui.wait_text("nothing was sent");
    tui.send("\x1d");
    tui.send("c");
    tui.wait_for("attached for typing", LONG, |s| !s.contains("WATCH-ONLY"));
    run(
        &mut tui,
        "ls /tmp/typed-while-watching || echo ABSENT-$((2+2))",
    );
    tui.wait_text("ABSENT-4");
}

#[test]
fn powering_off_the_guest_is_reported_and_vmdeck_keeps_working() {
    let Some(_) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "1"]);
    let _ = std::process::Command::new("virsh")
        .args(["-c", &uri, "start", "lab1-spare"])
        .output();
    let Some(mut tui) = console_of("lab1-spare", false) else {
        return;
    };
    virsh(&uri, &["destroy", "lab1-spare"]);
    tui.wait_for("closed", LONG, |s| {
        s.contains("closed") && s.contains("reconnects")
    });
    tui.send("\x1d");
    tui.send("\x1b");
    tui.send("H");
    tui.wait_for("list still works", LONG, |s| {
        s.contains("lab2") && s.contains("lab3")
    });
    tui.send("q");
    assert!(tui.wait_exit(Duration::from_secs(10)).is_some());
}

#[test]
fn headless_console_from_a_plain_shell() {
    let Some(lab) = lab_config() else { return };
    let mut tui = Tui::spawn(
        &["--config", lab.to_str().unwrap(), "console", "lab1-db"],
        100,
        30,
    );
    tui.wait_text("Connected to lab1-db on lab1");
    tui.send("\r");
    run(&mut tui, "echo headless-$((6*7))");
    tui.wait_text("headless-42");
    tui.send("\x1d");
    let status = tui
        .wait_exit(Duration::from_secs(10))
        .expect("vmdeck console exits on Ctrl-]");
    assert!(status.success());
    assert!(tui.screen().contains("vmdeck: detached"));
}

#[test]
fn console_sessions_are_logged_with_private_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let Some(lab) = lab_config() else { return };
    let dir = tempfile::tempdir().unwrap();
    let config = pty::lab_config_with(&lab, dir.path(), "console_log = true");
    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 140, 48);
    show(&mut tui, "lab3-db");
    tui.send("c");
    tui.wait_text("attached");
    tui.send("\r");
    run(&mut tui, "echo logged-$((5*5))");
    tui.wait_text("logged-25");
    let logs = tui.home.path().join("data/vmdeck/consoles");
    let file = std::fs::read_dir(&logs)
        .unwrap()
        .flatten()
        .next()
        .expect("a console log")
        .path();
    let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
    assert!(text.contains("logged-25"), "{text}");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn asks_before_taking_a_console_over_from_another_client() {
    let Some(lab) = lab_config() else { return };
    // Another admin holds lab1-web's console.
    let mut holder = Tui::spawn(
        &["--config", lab.to_str().unwrap(), "console", "lab1-web"],
        80,
        24,
    );
    holder.wait_text("Connected to lab1-web");
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    show(&mut tui, "lab1-web");
    tui.send("c");
    tui.wait_text("Take it over? [y/N]");
    tui.send("y");
    tui.wait_for("attached", LONG, |s| {
        s.contains("lab1-web @ lab1 · attached")
    });
    holder
        .wait_exit(LONG)
        .expect("the other client is disconnected");
    assert!(
        holder.screen().contains("another client took it over"),
        "{}",
        holder.screen()
    );
    tui.send("\r");
    run(&mut tui, "echo taken-$((7*6))");
    tui.wait_text("taken-42");
}
