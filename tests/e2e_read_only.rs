//! End-to-end on the lab: read-only mode opens libvirt read-only (libvirt's own API log of the
//! vmdeck process shows which calls it made), and a console another client holds stays
//! with it. The console test uses a transient guest of its own, so no other test's console
//! is touched.

mod pty;

use std::path::Path;
use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl, virsh};

const LONG: Duration = Duration::from_secs(60);

/// Every public libvirt call of the vmdeck process, one per line, into `log`.
fn api_log_env(log: &Path) -> [(String, String); 2] {
    [
        ("LIBVIRT_LOG_FILTERS".into(), "1:libvirt 4:*".into()),
        (
            "LIBVIRT_LOG_OUTPUTS".into(),
            format!("1:file:{}", log.display()),
        ),
    ]
}

/// The libvirt calls in the API log that a read-only vmdeck must never make.
fn forbidden_calls(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    assert!(
        text.contains("virConnectOpenReadOnly:"),
        "no read-only connection in the API log"
    );
    [
        "virConnectOpen:",
        "virConnectOpenAuth:",
        "virStoragePoolRefresh:",
    ]
    .iter()
    .filter(|call| text.contains(*call))
    .map(|call| call.to_string())
    .collect()
}

fn vmdeck_in_pty(home: &Path, args: &[&str], env: &[(String, String)]) -> Tui {
    let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let config = home.join("config").display().to_string();
    let data = home.join("data").display().to_string();
    all.extend([
        ("XDG_CONFIG_HOME", config.as_str()),
        ("XDG_DATA_HOME", data.as_str()),
    ]);
    Tui::spawn_program(env!("CARGO_BIN_EXE_vmdeck"), args, &all, 140, 40)
}

#[test]
fn headless_read_only_commands_use_read_only_connections() {
    let Some(lab) = lab_config() else { return };
    let home = tempfile::tempdir().unwrap();
    for command in ["list", "images", "capacity"] {
        let log = home.path().join(format!("{command}-api.log"));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_vmdeck"))
            .args(["--config", lab.to_str().unwrap(), "--read-only", command])
            .args(["--pool", "lab"])
            .envs(api_log_env(&log))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let expected = if command == "images" {
            "lab-busybox"
        } else {
            "lab1"
        };
        assert!(stdout.contains(expected), "{command}: {stdout}");
        assert_eq!(forbidden_calls(&log), Vec::<String>::new(), "{command}");
    }
}

#[test]
fn read_only_ui_lists_vms_and_shows_storage_over_read_only_connections() {
    let Some(lab) = lab_config() else { return };
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("api.log");
    let args = ["--config", lab.to_str().unwrap(), "--read-only"];
    let mut tui = vmdeck_in_pty(home.path(), &args, &api_log_env(&log));
    tui.wait_text("hosts 6/6 up");
    let web = tui.wait_for("lab1-web listed", LONG, |_| {
        tui.line_with("lab1-web")
            .is_some_and(|l| l.contains("running"))
    });
    assert!(web.contains("lab2-db"), "{web}");
    // The host view lists the storage volumes (a refresh on a read-write connection).
    tui.send(":host lab1\r");
    tui.wait_text("lab1-spare.qcow2");
    assert_eq!(forbidden_calls(&log), Vec::<String>::new());
}

/// A transient copy of `labN-web` named `name`, booted; destroyed (and so gone) on drop.
struct Guest {
    uri: String,
    name: String,
}

impl Guest {
    fn start(host: &str, name: &str) -> Guest {
        let uri = lab_ctl(&["uri", host]);
        let seed = format!("lab{host}-web");
        let xml = virsh(&uri, &["dumpxml", "--inactive", &seed]);
        let xml: String = xml
            .lines()
            .filter(|l| !l.trim_start().starts_with("<uuid>"))
            .map(|l| l.replace(&seed, name) + "\n")
            .collect();
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), xml).unwrap();
        virsh(&uri, &["create", file.path().to_str().unwrap()]);
        Guest {
            uri,
            name: name.to_string(),
        }
    }
}

impl Drop for Guest {
    fn drop(&mut self) {
        let _ = std::process::Command::new("virsh")
            .args(["-c", &self.uri, "destroy", &self.name])
            .output();
    }
}

#[test]
fn a_console_held_by_virsh_stays_with_it_and_is_watched_once_free() {
    let Some(lab) = lab_config() else { return };
    let name = format!("ro-e2e-{}", std::process::id());
    let guest = Guest::start("3", &name);
    // Another admin's `virsh console`, in a terminal of its own.
    let mut holder =
        Tui::spawn_program("virsh", &["-c", &guest.uri, "console", &name], &[], 100, 30);
    holder.wait_for("virsh attached", LONG, |s| {
        s.contains("Connected to domain")
    });
    shell_answers(&mut holder, "up");

    let home = tempfile::tempdir().unwrap();
    let args = ["--config", lab.to_str().unwrap(), "--read-only"];
    let mut tui = vmdeck_in_pty(home.path(), &args, &[]);
    tui.wait_text(&name);
    tui.send(&format!("/{name}\r"));
    tui.send("c");
    let screen = tui.wait_text("held by another client");
    assert!(!screen.contains("Take it over?"), "{screen}");

    // virsh still has the console: what it types runs.
    shell_answers(&mut holder, "still");

    // The headless console says the same and exits.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .args([
            "--config",
            lab.to_str().unwrap(),
            "--read-only",
            "console",
            &name,
        ])
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("held by another client"), "{stderr}");

    // virsh lets go (Ctrl-]); Enter in vmdeck's pane tries again and watches.
    holder.send("\x1d");
    holder.wait_exit(LONG).expect("virsh detaches");
    tui.send("\r");
    tui.wait_for("watching", LONG, |s| {
        s.contains(&format!("{name} @ lab3")) && s.contains("attached")
    });
    // vmdeck holds it now without forcing: a plain `virsh console` is refused.
    let refused = Tui::spawn_program("virsh", &["-c", &guest.uri, "console", &name], &[], 100, 30);
    refused.wait_text("Active console session");
}

/// Types `echo TAG-$((6*7))` into the guest's shell until it answers (it may still boot).
fn shell_answers(console: &mut Tui, tag: &str) {
    let answer = format!("{tag}-42");
    for _ in 0..30 {
        console.send(&format!("\recho {tag}-$((6*7))\r"));
        if console
            .poll_for(Duration::from_secs(2), |s| s.contains(&answer))
            .is_ok()
        {
            return;
        }
    }
    panic!("the guest never answered; screen:\n{}", console.screen());
}
