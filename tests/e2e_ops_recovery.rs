//! On the lab: a live migration vmdeck watches when it gets SIGTERM goes on without it, is
//! audited as unfinished, and the next vmdeck shows it as a running operation with its
//! figures (its destination half as `incoming`, not as a second copy) and can abort it.

mod pty;

use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl, virsh};

const LONG: Duration = Duration::from_secs(60);

/// A transient copy of lab1-web (no disks: only memory moves), booted on lab1; on drop,
/// whatever the test left is removed from lab1 and lab3.
struct Guest {
    name: String,
    uris: [String; 2],
}

impl Guest {
    fn start(name: &str) -> Guest {
        let uris = [lab_ctl(&["uri", "1"]), lab_ctl(&["uri", "3"])];
        let xml = virsh(&uris[0], &["dumpxml", "--inactive", "lab1-web"]);
        let xml: String = xml
            .lines()
            .filter(|l| !l.trim_start().starts_with("<uuid>"))
            .map(|l| l.replace("lab1-web", name) + "\n")
            .collect();
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), xml).unwrap();
        let guest = Guest {
            name: name.into(),
            uris,
        };
        virsh(&guest.uris[0], &["create", file.path().to_str().unwrap()]);
        guest
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        for uri in &self.uris {
            for step in ["domjobabort", "destroy", "undefine"] {
                let _ = std::process::Command::new("virsh")
                    .args(["-c", uri, step, &self.name])
                    .output();
            }
        }
    }
}

/// Starts a migration to lab3 slowed to 1 MiB/s (about two minutes for the guest's memory).
fn start_slow_migration(tui: &mut Tui, name: &str) {
    tui.wait_text(name);
    tui.send(&format!("/{name}\r"));
    tui.send(":migrate lab3 --bw 1\r");
    tui.wait_text(&format!("Live-migrate {name} from lab1 to lab3? [y/N]"));
    tui.send("y");
    tui.wait_for("progress figures", LONG, |s| {
        s.contains("MiB left") && s.contains("/s")
    });
}

fn sigterm(tui: &mut Tui) {
    let pid = tui.pid().expect("vmdeck's pid") as libc::pid_t;
    // SAFETY: a plain kill(2) of the child this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    tui.wait_exit(LONG).expect("vmdeck exits on SIGTERM");
}

fn audit_of(tui: &Tui) -> String {
    std::fs::read_to_string(tui.home.path().join("data/vmdeck/audit.jsonl")).unwrap_or_default()
}

#[test]
fn a_migration_outlives_a_sigterm_and_the_next_vmdeck_adopts_and_aborts_it() {
    let Some(lab) = lab_config() else { return };
    let name = format!("rec-{}", std::process::id());
    let guest = Guest::start(&name);
    let config = ["--config", lab.to_str().unwrap()];

    let mut first = Tui::spawn(&config, 160, 48);
    start_slow_migration(&mut first, &name);
    sigterm(&mut first);
    assert!(!first.alternate_screen(), "the terminal is restored");
    let audit = audit_of(&first);
    assert!(
        audit.contains(&format!("\"vm\":\"{name}\""))
            && audit.contains(
                "unfinished: vmdeck stopped (SIGTERM) while it ran; the job goes on on the host"
            ),
        "{audit}"
    );
    let job = virsh(&guest.uris[0], &["domjobinfo", &name]);
    assert!(job.contains("Outgoing migration"), "still migrating: {job}");

    let mut second = Tui::spawn(&config, 160, 48);
    second.wait_text(&name);
    second.send(&format!("/{name}\r"));
    second.wait_for("the destination half marked incoming", LONG, |s| {
        s.lines().any(|l| {
            l.contains(&format!("│{name} ")) && l.contains("lab3") && l.contains("incoming")
        })
    });
    second.send("O");
    second.wait_for("the found job with figures", LONG, |s| {
        s.lines()
            .any(|l| l.contains("found job") && l.contains(&name) && l.contains("running"))
            && s.contains("outgoing migration ·")
            && s.contains("MiB left")
    });
    second.send(":abort\r");
    second.wait_for("the job cancelled", LONG, |s| {
        s.contains("cancelled by the admin")
    });
    assert_eq!(
        virsh(&guest.uris[0], &["domstate", &name]).trim(),
        "running",
        "the VM stays on its source"
    );
    // The destination drops its incoming half once the source has told it.
    let deadline = std::time::Instant::now() + LONG;
    while virsh(&guest.uris[1], &["list", "--all", "--name"])
        .lines()
        .any(|l| l.trim() == name)
    {
        assert!(std::time::Instant::now() < deadline, "{name} stays on lab3");
        std::thread::sleep(Duration::from_millis(200));
    }
    let audit = audit_of(&second);
    assert!(
        audit.contains("\"action\":\"found job\"")
            && audit.contains("failed: cancelled by the admin")
            && audit.contains("\"action\":\"abort\""),
        "{audit}"
    );
    second.send(":q\r");
    second.wait_exit(LONG).expect("vmdeck quits");
}
