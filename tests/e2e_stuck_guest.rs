//! End-to-end on the lab: a guest whose QEMU stopped answering (SIGSTOP) holds up nothing
//! else. libvirt's first stats call to reach such a guest waits on its monitor for as long
//! as QEMU is stopped, so a headless inventory, a stats pass and a power action on it must
//! not wait with it: the host's other VMs keep being listed and updated.
//!
//! The guests here are small transient domains of their own (no disk), destroyed at the end.

mod pty;

use std::process::Command;
use std::time::{Duration, Instant};

use pty::{Tui, lab_config, lab_config_with, lab_ctl, virsh};

const LONG: Duration = Duration::from_secs(30);

/// A transient guest on lab1 whose QEMU can be stopped; continued and destroyed on drop.
struct Probe {
    uri: String,
    name: String,
    pid: Option<u32>,
}

impl Probe {
    fn start(uri: &str, name: &str) -> Probe {
        let dir = tempfile::tempdir().unwrap();
        let xml = dir.path().join("probe.xml");
        std::fs::write(
            &xml,
            format!(
                "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory>\
                 <vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><devices>\
                 <memballoon model='virtio'><stats period='2'/></memballoon></devices></domain>"
            ),
        )
        .unwrap();
        virsh(uri, &["create", xml.to_str().unwrap()]);
        Probe {
            uri: uri.to_string(),
            name: name.to_string(),
            pid: None,
        }
    }

    /// Stops its QEMU: from now on its monitor answers nothing.
    fn stop(&mut self) {
        let pattern = format!("guest={},", self.name);
        let out = Command::new("pgrep")
            .args(["-f", &pattern])
            .output()
            .unwrap();
        let pid: u32 = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no QEMU for {}", self.name));
        signal("-STOP", pid);
        self.pid = Some(pid);
    }
}

impl Drop for Probe {
    fn drop(&mut self) {
        if let Some(pid) = self.pid {
            signal("-CONT", pid);
        }
        let _ = Command::new("virsh")
            .args(["-c", &self.uri, "destroy", &self.name])
            .output();
    }
}

fn signal(which: &str, pid: u32) {
    let status = Command::new("kill")
        .args([which, &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {which} {pid}");
}

/// A headless inventory of a host with a stopped guest (nothing holds its job yet, so the
/// first stats call hangs on it) lists the host's domains, the stopped one included.
#[test]
fn a_headless_list_goes_past_a_stopped_guest() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "1"]);
    let mut probe = Probe::start(&uri, "e2e-stuck-headless");
    probe.stop();
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .args(["--config", lab.to_str().unwrap(), "--timeout", "25", "list"])
        .args(["--pool", "lab"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("lab1-web"), "{stdout}");
    assert!(stdout.contains("e2e-stuck-headless"), "{stdout}");
    eprintln!("listed past a stopped guest in {:?}", started.elapsed());
}

/// With the UI up, a guest is stopped: the next stats pass hangs on it. The host must still
/// follow events (a guest started meanwhile is listed), answer a power action on the stopped
/// guest without holding up the others, and keep its other VMs' figures coming.
#[test]
fn a_stopped_guest_does_not_hold_up_its_host_in_the_ui() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "1"]);
    let dir = tempfile::tempdir().unwrap();
    let config = lab_config_with(&lab, dir.path(), "stats_interval_secs = 1");
    let mut stuck = Probe::start(&uri, "e2e-a-stuck");
    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 160, 48);
    tui.wait_text("hosts 6/6 up");
    tui.send("/e2e-\r");
    tui.wait_for("the probe listed", LONG, |_| {
        tui.line_with("│e2e-a-stuck ").is_some()
    });
    stuck.stop();
    // Passes every second: at least one is out on the stopped guest by now.
    std::thread::sleep(Duration::from_secs(3));
    let _later = Probe::start(&uri, "e2e-b-later");
    tui.wait_for(
        "a guest started after the stop",
        Duration::from_secs(10),
        |_| tui.line_with("│e2e-b-later ").is_some(),
    );
    // A power action on the stopped guest waits for its job; the host does not wait with it.
    refilter(&mut tui, "e2e-a-stuck");
    // It sorts first, so it is the selected row whatever else the filter lets through.
    tui.wait_for("the stopped guest", LONG, |_| {
        tui.line_with("│e2e-a-stuck ").is_some()
    });
    tui.send("R");
    tui.wait_text("Reboot e2e-a-stuck on lab1?");
    tui.send("y");
    let _third = Probe::start(&uri, "e2e-c-third");
    refilter(&mut tui, "e2e-");
    tui.wait_for(
        "a guest started during the action",
        Duration::from_secs(10),
        |_| tui.line_with("│e2e-c-third ").is_some(),
    );
}

/// Clears the list's filter (Esc, alone so it is not read as Alt) and sets `text`.
fn refilter(tui: &mut Tui, text: &str) {
    tui.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    tui.send(&format!("/{text}\r"));
}
