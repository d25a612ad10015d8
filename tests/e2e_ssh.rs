//! End-to-end over SSH: the lab's libvirt hosts through the lab's sshd (pool `lab-ssh` in
//! `$LAB_DIR/vmdeck-ssh.toml`): the VM list with ssh in batch mode, a console and a live
//! migration. The hosts ssh cannot reach are in e2e_ssh_faults.rs.

mod pty;
mod ssh;

use std::time::{Duration, Instant};

use pty::{Tui, lab_ctl, virsh};
use ssh::{LONG, assert_gone, lab_dir, processes, quit, ssh_lab};

#[test]
fn the_vm_list_over_ssh_shows_the_lab_guests_and_ssh_runs_in_batch_mode() {
    let Some(lab) = ssh_lab() else { return };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 40);
    tui.wait_for("all hosts up", LONG, |s| s.contains("hosts 3/3 up"));
    for vm in ["lab1-web", "lab2-db", "lab3-web"] {
        // Ctrl-U clears the filter before the next.
        tui.send(&format!("/\x15{vm}\r"));
        tui.wait_for(vm, LONG, |_| {
            tui.line_with(&format!("│{vm} ")).is_some_and(|l| {
                l.contains("running") && l.contains("lab-ssh") && l.contains(&vm[..4])
            })
        });
    }
    // vmdeck added no_tty=1: libvirt runs ssh in batch mode, without a TTY.
    let pid = tui.pid().unwrap();
    let ssh = processes("-- 127.0.0.1", Some(pid));
    assert_eq!(ssh.len(), 3, "one ssh per host: {ssh:?}");
    for (_, cmdline) in &ssh {
        assert!(
            cmdline.contains(" -T ") && cmdline.contains("BatchMode=yes"),
            "{cmdline}"
        );
    }
    quit(&mut tui);
    assert_gone(&ssh);
}

/// A running guest of the test's own on lab1 (no seed moves), removed from wherever it went.
struct Guest(&'static str);

impl Guest {
    fn start(name: &'static str) -> Guest {
        let guest = Guest(name);
        guest.remove();
        let image = lab_dir().join("image");
        let xml = format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>128</memory>\
             <vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type>\
             <kernel>{}/vmlinuz</kernel><initrd>{}/initrd.gz</initrd>\
             <cmdline>console=ttyS0</cmdline></os><features><acpi/><apic/></features>\
             <devices><controller type='usb' model='none'/><serial type='pty'>\
             <target port='0'/></serial><console type='pty'><target type='serial' port='0'/>\
             </console><memballoon model='none'/></devices></domain>",
            image.display(),
            image.display()
        );
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), xml).unwrap();
        let uri = lab_ctl(&["uri", "1"]);
        virsh(&uri, &["define", file.path().to_str().unwrap()]);
        virsh(&uri, &["start", name]);
        guest
    }

    fn remove(&self) {
        for n in ["1", "3"] {
            let uri = lab_ctl(&["uri", n]);
            for verb in ["destroy", "undefine"] {
                let _ = std::process::Command::new("virsh")
                    .args(["-c", &uri, verb, self.0])
                    .output();
            }
        }
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        self.remove();
    }
}

/// vmdeck over SSH with `vm`'s console attached and its shell answering.
fn attach(tui: &mut Tui, vm: &str, host: &str) {
    tui.send(&format!("/{vm}\r"));
    tui.wait_for("the guest listed", LONG, |_| {
        tui.line_with(&format!("│{vm} "))
            .is_some_and(|l| l.contains("running") && l.contains(host))
    });
    tui.send("c");
    tui.wait_text(&format!("{vm} @ {host}"));
    tui.wait_text("attached");
    tui.send("\r");
}

#[test]
fn a_console_and_a_live_migration_over_ssh() {
    let Some(lab) = ssh_lab() else { return };
    let _guest = Guest::start("ssh-e2e-move");
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 48);
    tui.wait_for("all hosts up", LONG, |s| s.contains("hosts 3/3 up"));
    attach(&mut tui, "ssh-e2e-move", "lab1");
    // The guest may still be booting: type until its shell answers.
    let deadline = Instant::now() + LONG;
    loop {
        tui.send("echo over-ssh-$((6*7)) > /tmp/mark; cat /tmp/mark\r");
        let answered = tui.poll_for(Duration::from_secs(2), |s| s.contains("over-ssh-42"));
        if answered.is_ok() {
            break;
        }
        assert!(Instant::now() < deadline, "no shell: {}", tui.screen());
    }
    tui.send("\x1d");
    tui.send(":migrate lab3\r");
    tui.wait_text("Live-migrate ssh-e2e-move from lab1 to lab3? [y/N]");
    tui.send("y");
    // One row, on lab3: the source forgot it.
    tui.wait_for("the guest on lab3 only", LONG, |s| {
        let rows: Vec<_> = s
            .lines()
            .filter(|l| l.starts_with("│ssh-e2e-move "))
            .collect();
        rows.len() == 1 && rows[0].contains("lab3") && rows[0].contains("running")
    });
    // The operation ends too (the source reports after its job has closed): until then `q`
    // rightly asks whether to quit with it running.
    tui.wait_for("the migration's result", LONG, |s| {
        s.contains("lab1 → lab3: ok")
    });
    let lab3 = lab_ctl(&["uri", "3"]);
    assert_eq!(
        virsh(&lab3, &["domstate", "ssh-e2e-move"]).trim(),
        "running"
    );
    // The same guest, live: the file written before the move is still there.
    tui.send("c");
    tui.wait_text("ssh-e2e-move @ lab3");
    tui.send("\rcat /tmp/mark; echo checked-$((2*3))\r");
    tui.wait_text("checked-6");
    assert!(tui.screen().matches("over-ssh-42").count() >= 2);
    tui.send("\x1d");
    quit(&mut tui);
}
