//! End-to-end over SSH: the lab's libvirt hosts through the lab's sshd (pool `lab-ssh` in
//! `$LAB_DIR/vmdeck-ssh.toml`): the VM list, a console and a live migration; then hosts that
//! ssh cannot reach — a host key not in known_hosts, a key with a passphrase, a listener that
//! never speaks — each down with its reason, the screen untouched, `q` at once, and no ssh
//! process left behind.

mod pty;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pty::{Tui, lab_config, lab_ctl, virsh};

const LONG: Duration = Duration::from_secs(60);

/// The lab's config over SSH, beside its vmdeck.toml.
fn ssh_lab() -> Option<PathBuf> {
    let path = lab_config()?.with_file_name("vmdeck-ssh.toml");
    assert!(
        path.exists(),
        "{} is missing: run lab/up.sh",
        path.display()
    );
    Some(path)
}

fn lab_dir() -> PathBuf {
    lab_config().unwrap().parent().unwrap().to_path_buf()
}

/// Live processes (zombies are dead) whose command line contains `needle`, with `ppid` as
/// their parent when given: (pid, command line with spaces).
fn processes(needle: &str, ppid: Option<u32>) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or(vec![], |(_, f)| f.split_whitespace().collect());
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let parent = fields.get(1).and_then(|p| p.parse::<u32>().ok());
        if fields.first().is_some_and(|s| *s != "Z")
            && cmdline.contains(needle)
            && ppid.is_none_or(|p| parent == Some(p))
        {
            found.push((pid, cmdline));
        }
    }
    found
}

/// Waits until none of the processes `ssh` (from `processes`) lives on.
fn assert_gone(ssh: &[(u32, String)]) {
    let alive = || {
        let now = processes("", None);
        ssh.iter()
            .filter(|p| now.contains(p))
            .cloned()
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while !alive().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(alive(), vec![], "ssh outlived vmdeck");
}

fn quit(tui: &mut Tui) {
    tui.send("q");
    assert!(tui.wait_exit(Duration::from_secs(5)).is_some(), "q quits");
}

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

/// A config with one host `uri`, whose ssh runs with the lab's client options edited by
/// `edit`, all in `dir` (whose path then marks this test's ssh processes).
fn fault_config(dir: &Path, uri: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let options = std::fs::read_to_string(lab_dir().join("ssh/ssh_config")).unwrap();
    std::fs::write(dir.join("ssh_config"), edit(&options)).unwrap();
    let wrapper = dir.join("ssh");
    let script = format!(
        "#!/bin/sh\nexec /usr/bin/ssh -F {}/ssh_config \"$@\"\n",
        dir.display()
    );
    std::fs::write(&wrapper, script).unwrap();
    std::process::Command::new("chmod")
        .args(["755", wrapper.to_str().unwrap()])
        .status()
        .unwrap();
    let config = dir.join("vmdeck.toml");
    let uri = format!("{uri}&proxy=netcat&command={}", wrapper.display());
    let text =
        format!("[[pool]]\nname = \"faults\"\nhosts = [{{ name = \"h\", uri = \"{uri}\" }}]\n");
    std::fs::write(&config, text).unwrap();
    config
}

/// The VM list's screen but for host h's line, where its state is shown.
fn around_the_host(screen: &str) -> String {
    let lines = screen.lines().filter(|l| !l.starts_with("│ h: "));
    lines.collect::<Vec<_>>().join("\n")
}

/// The host shows down with `reason`, the rest of the screen as it was; nothing of ssh
/// reached the terminal; `q` quits at once and no ssh of this test is left.
fn shows_down_and_leaves_nothing(config: &Path, marker: &str, reason: &str) {
    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 150, 20);
    let before = tui.wait_text("hosts 0/1 up");
    let after = tui.wait_for("the reason", LONG, |s| {
        s.lines()
            .any(|l| l.starts_with(&format!("│ h: down: {reason}")))
    });
    assert_eq!(around_the_host(&after), around_the_host(&before));
    let raw = String::from_utf8_lossy(&tui.raw_output()).into_owned();
    for prompt in [
        "Are you sure you want to continue",
        "Enter passphrase",
        "assword:",
        "Host key verification failed",
        "Permission denied (",
    ] {
        assert!(
            !raw.contains(prompt),
            "ssh wrote '{prompt}' to the terminal"
        );
    }
    // A new attempt follows after a second: quit while its ssh runs (if it lasts).
    let pid = tui.pid().unwrap();
    let deadline = Instant::now() + Duration::from_secs(3);
    while processes(marker, Some(pid)).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let ssh = processes(marker, None);
    quit(&mut tui);
    assert_gone(&ssh);
    assert_eq!(
        processes(marker, None),
        vec![],
        "no ssh of this test is left"
    );
}

fn lab_host_uri(n: u32, port: u16) -> String {
    format!(
        "qemu+ssh://labh{n}@127.0.0.1:{port}/session?socket=/home/labh{n}/run/libvirt/libvirt-sock"
    )
}

#[test]
fn a_host_key_not_in_known_hosts() {
    if ssh_lab().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = fault_config(dir.path(), &lab_host_uri(1, 2222), |options| {
        // ssh's defaults: it would ask whether to trust the key.
        let known = dir.path().join("known_hosts");
        options
            .lines()
            .map(|l| match l.trim().split_once(' ') {
                Some(("UserKnownHostsFile", _)) => {
                    format!("  UserKnownHostsFile {}", known.display())
                }
                Some(("StrictHostKeyChecking", _)) => "  StrictHostKeyChecking ask".into(),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let marker = dir.path().to_string_lossy().into_owned();
    shows_down_and_leaves_nothing(&config, &marker, "host key for 127.0.0.1 is not in");
}

/// A line of lab3's authorized_keys, removed again at the end.
struct Authorised(String);

impl Drop for Authorised {
    fn drop(&mut self) {
        let file = "/home/labh3/.ssh/authorized_keys";
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let kept: String = text
            .lines()
            .filter(|l| *l != self.0)
            .map(|l| format!("{l}\n"))
            .collect();
        let _ = std::fs::write(file, kept);
    }
}

#[test]
fn a_key_with_a_passphrase() {
    if ssh_lab().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("id_locked");
    let made = std::process::Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "secret",
            "-C",
            "vmdeck-e2e-locked",
            "-f",
        ])
        .arg(&key)
        .status()
        .unwrap();
    assert!(made.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let line = public.trim().to_string();
    let keys = "/home/labh3/.ssh/authorized_keys";
    let text = std::fs::read_to_string(keys).unwrap();
    std::fs::write(keys, format!("{text}{line}\n")).unwrap();
    let _authorised = Authorised(line);
    let config = fault_config(dir.path(), &lab_host_uri(3, 2222), |options| {
        options.replace(
            &format!("{}/ssh/client/%u/id_ed25519", lab_dir().display()),
            key.to_str().unwrap(),
        )
    });
    let marker = dir.path().to_string_lossy().into_owned();
    shows_down_and_leaves_nothing(&config, &marker, "ssh refused the login to labh3@");
}

#[test]
fn a_listener_that_never_speaks() {
    if ssh_lab().is_none() {
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let config = fault_config(dir.path(), &lab_host_uri(1, port), str::to_string);
    let marker = dir.path().to_string_lossy().into_owned();
    shows_down_and_leaves_nothing(&config, &marker, "no answer over ssh from labh1@");
}
