//! End-to-end over SSH, hosts ssh cannot reach — a host key not in known_hosts, a key with a
//! passphrase, a listener that never speaks: each down with its reason while the rest of the
//! screen stays as it was, nothing of ssh on the terminal, `q` at once, no ssh left behind.

mod pty;
mod ssh;

use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use ssh::{LONG, assert_gone, in_a_shell, lab_dir, processes, quit_in_shell, ssh_lab};

/// A config with one host `uri`, whose ssh runs with the lab's client options edited by
/// `edit`, all in `dir` (whose path then marks this test's ssh processes).
fn fault_config(dir: &Path, uri: &str, edit: impl Fn(&str) -> String) {
    let options = std::fs::read_to_string(lab_dir().join("ssh/ssh_config")).unwrap();
    std::fs::write(dir.join("ssh_config"), edit(&options)).unwrap();
    let wrapper = dir.join("ssh");
    let script = format!(
        "#!/bin/sh\nexec /usr/bin/ssh -F {}/ssh_config \"$@\"\n",
        dir.display()
    );
    std::fs::write(&wrapper, script).unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let uri = format!("{uri}&proxy=netcat&command={}", wrapper.display());
    let text =
        format!("[[pool]]\nname = \"faults\"\nhosts = [{{ name = \"h\", uri = \"{uri}\" }}]\n");
    std::fs::write(dir.join("vmdeck.toml"), text).unwrap();
}

/// The VM list's screen but for host h's line, where its state is shown.
fn around_the_host(screen: &str) -> String {
    let lines = screen.lines().filter(|l| !l.starts_with("│ h: "));
    lines.collect::<Vec<_>>().join("\n")
}

/// The host of `dir`'s config shows down with `reason`, the rest of the screen as it was;
/// nothing of ssh reached the terminal; `q` quits at once and no ssh of this test is left.
fn shows_down_and_leaves_nothing(dir: &Path, reason: &str) {
    let mut tui = in_a_shell(&dir.join("vmdeck.toml"), dir);
    let marker = format!("-F {}/ssh_config", dir.display());
    // A whole frame: the header and the hints line below the list.
    let before = tui.wait_for("the first frame", LONG, |s| {
        s.contains("hosts 0/1 up") && s.contains("?  help")
    });
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
    let deadline = Instant::now() + Duration::from_secs(3);
    while processes(&marker, None).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let ssh = processes(&marker, None);
    quit_in_shell(&mut tui);
    assert_gone(&ssh);
    assert_eq!(
        processes(&marker, None),
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
    fault_config(dir.path(), &lab_host_uri(1, 2222), |options| {
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
    shows_down_and_leaves_nothing(dir.path(), "host key for 127.0.0.1 is not in");
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
    fault_config(dir.path(), &lab_host_uri(3, 2222), |options| {
        options.replace(
            &format!("{}/ssh/client/%u/id_ed25519", lab_dir().display()),
            key.to_str().unwrap(),
        )
    });
    shows_down_and_leaves_nothing(dir.path(), "ssh refused the login to labh3@");
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
    fault_config(dir.path(), &lab_host_uri(1, port), str::to_string);
    shows_down_and_leaves_nothing(dir.path(), "no answer over ssh from labh1@");
}

#[test]
fn a_headless_list_that_gives_up_on_a_silent_host_leaves_no_ssh() {
    if ssh_lab().is_none() {
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    fault_config(dir.path(), &lab_host_uri(1, port), str::to_string);
    // --timeout 2 ends the command while ssh still waits for the server's first word.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .arg("--config")
        .arg(dir.path().join("vmdeck.toml"))
        .args(["--timeout", "2", "list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("faults/h: did not answer within 2 s"),
        "{stderr}"
    );
    let marker = format!("-F {}/ssh_config", dir.path().display());
    assert_gone(&processes(&marker, None));
    assert_eq!(processes(&marker, None), vec![], "ssh outlived vmdeck list");
    drop(listener);
}
