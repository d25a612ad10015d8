//! End-to-end: the real binary against the lab's real Incus server (containers c1, c2 running,
//! c3 stopped). Tests run side by side: only the events test changes an instance (c2), and
//! only the console test types into one (c1).

mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use pty::{Tui, lab_config, lab_config_with};

fn vmdeck_list(config: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .args(["--config", config.to_str().unwrap(), "list"])
        .args(["--pool", "lab-incus", "--output", "json"])
        .env_remove("VMDECK_CONFIG")
        .output()
        .unwrap()
}

fn incus(args: &[&str]) -> String {
    let out = Command::new("incus").args(args).output().expect("incus");
    assert!(
        out.status.success(),
        "incus {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Checks what `vmdeck list` printed: c1 running, c3 stopped, all three typed containers.
fn assert_lab_containers(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let vms: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let find = |name: &str| {
        vms.iter()
            .find(|v| v["name"] == name)
            .unwrap_or_else(|| panic!("{name} not listed: {vms:?}"))
    };
    // c2 is stopped and started by the events test running beside this one; while it
    // changes, Incus may send parts of it empty, so only its presence is checked.
    let (c1, c2, c3) = (find("c1"), find("c2"), find("c3"));
    assert_eq!(c1["state"], "running");
    assert_eq!(c3["state"], "shutoff");
    assert_eq!(
        (&c1["type"], &c3["type"]),
        (&"small".into(), &"small".into())
    );
    for vm in [c1, c3] {
        assert_eq!(vm["pool"], "lab-incus");
        assert_eq!(vm["kind"], "container");
        assert_eq!(vm["uuid"].as_str().unwrap().len(), 36);
    }
    assert_eq!(c2["pool"], "lab-incus");
}

#[test]
fn headless_list_shows_the_containers() {
    let Some(lab) = lab_config() else { return };
    assert_lab_containers(&vmdeck_list(&lab));
}

#[test]
fn container_state_changes_show_up_through_events() {
    let Some(lab) = lab_config() else { return };
    let dir = tempfile::tempdir().unwrap();
    // Stats every hour: whatever changes on screen now came from Incus events.
    let config = lab_config_with(&lab, dir.path(), "stats_interval_secs = 3600");
    let tui = Tui::spawn(&["--config", config.to_str().unwrap()], 140, 40);
    tui.wait_text("hosts 6/6 up");
    for name in ["c1", "c2", "c3"] {
        tui.wait_for(name, Duration::from_secs(10), |_| {
            tui.line_with(&format!("│{name} ")).is_some()
        });
    }
    let row = |tui: &Tui| tui.line_with("│c2 ").unwrap_or_default();
    assert!(
        row(&tui).contains("running") && row(&tui).contains("lab-incu"),
        "{}",
        row(&tui)
    );
    incus(&["stop", "c2", "--force"]);
    let stopped = tui.wait_for("c2 shut off", Duration::from_secs(10), |_| {
        row(&tui).contains("shutoff")
    });
    incus(&["start", "c2"]);
    tui.wait_for("c2 running", Duration::from_secs(10), |_| {
        row(&tui).contains("running")
    });
    assert!(stopped.contains("c1"));
}

#[test]
fn console_of_c1_runs_commands_and_detaches() {
    let Some(lab) = lab_config() else { return };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 40);
    tui.wait_text("hosts 6/6 up");
    tui.send("/c1");
    tui.send("\r");
    tui.wait_for("only c1", Duration::from_secs(10), |s| {
        s.contains("│c1 ") && !s.contains("lab1-web")
    });
    tui.send("c");
    // Someone (an admin's `incus console c1`) may hold the console: take it over.
    let screen = tui.wait_for("attached or asked", Duration::from_secs(15), |s| {
        s.contains("attached") || s.contains("Take it over?")
    });
    if screen.contains("Take it over?") {
        tui.send("y");
        tui.wait_text("attached");
    }
    // Ctrl-U first: whatever an earlier session left typed on the guest's line goes. On a
    // fresh lab the container's init may be starting its console shell just as we attach, and
    // a shell that is starting discards what was typed before it read the terminal: type again.
    let answered = |s: &str| {
        s.lines()
            .any(|l| l.trim_matches(|c| c == '│' || c == ' ') == "42")
    };
    let mut reply = Err(String::new());
    for _ in 0..3 {
        tui.send("\x15echo $((6*7))\r");
        reply = tui.poll_for(Duration::from_secs(8), answered);
        if reply.is_ok() {
            break;
        }
    }
    if let Err(screen) = reply {
        panic!("the guest never answered 42; screen:\n{screen}");
    }
    // Ctrl-] gives the keyboard back to the list: `q` now quits instead of reaching the guest.
    tui.send("\x1d");
    tui.send("q");
    assert!(
        tui.wait_exit(Duration::from_secs(10)).is_some(),
        "{}",
        tui.screen()
    );
}

/// A client certificate for one test, trusted by the lab's Incus while the test runs.
struct TrustedCert {
    dir: tempfile::TempDir,
    fingerprint: String,
}

impl TrustedCert {
    fn new() -> TrustedCert {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:secp384r1",
            ])
            .args(["-nodes", "-days", "2", "-subj", "/CN=vmdeck-e2e"])
            .arg("-keyout")
            .arg(dir.path().join("client.key"))
            .arg("-out")
            .arg(dir.path().join("client.crt"))
            .output()
            .expect("openssl");
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        let crt = dir.path().join("client.crt");
        incus(&["config", "trust", "add-certificate", crt.to_str().unwrap()]);
        let out = Command::new("openssl")
            .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
            .arg(&crt)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let fingerprint = text
            .split('=')
            .nth(1)
            .unwrap()
            .trim()
            .replace(':', "")
            .to_lowercase();
        TrustedCert { dir, fingerprint }
    }

    fn path(&self, file: &str) -> PathBuf {
        self.dir.path().join(file)
    }

    /// A config with only an HTTPS Incus pool pinning `server_cert`.
    fn config(&self, server_cert: &Path) -> PathBuf {
        let path = self.path("vmdeck.toml");
        let text = format!(
            "[[pool]]\nname = \"lab-incus\"\ndriver = \"incus\"\nurl = \"https://127.0.0.1:8443\"\n\
             client_cert = {:?}\nclient_key = {:?}\nserver_cert = {:?}\n",
            self.path("client.crt"),
            self.path("client.key"),
            server_cert
        );
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TrustedCert {
    fn drop(&mut self) {
        let _ = Command::new("incus")
            .args(["config", "trust", "remove", &self.fingerprint[..12]])
            .output();
    }
}

#[test]
fn https_with_a_client_certificate_and_a_pinned_server_certificate() {
    let Some(_lab) = lab_config() else { return };
    let address = incus(&["config", "get", "core.https_address"]);
    if address.trim() != "127.0.0.1:8443" {
        incus(&["config", "set", "core.https_address", "127.0.0.1:8443"]);
    }
    let cert = TrustedCert::new();
    let server_cert = Path::new("/var/lib/incus/server.crt");
    assert_lab_containers(&vmdeck_list(&cert.config(server_cert)));

    // The same through a remote of the incus client: its address and pinned certificate.
    let client = cert.path("incus-client");
    std::fs::create_dir_all(client.join("servercerts")).unwrap();
    std::fs::copy(server_cert, client.join("servercerts/labtls.crt")).unwrap();
    std::fs::copy(cert.path("client.crt"), client.join("client.crt")).unwrap();
    std::fs::copy(cert.path("client.key"), client.join("client.key")).unwrap();
    std::fs::write(
        client.join("config.yml"),
        "default-remote: local\nremotes:\n  labtls:\n    addr: https://127.0.0.1:8443\n    protocol: incus\n    auth_type: tls\n",
    )
    .unwrap();
    let by_remote = cert.path("remote.toml");
    std::fs::write(
        &by_remote,
        "[[pool]]\nname = \"lab-incus\"\ndriver = \"incus\"\nremote = \"labtls\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .args(["--config", by_remote.to_str().unwrap(), "list"])
        .args(["--pool", "lab-incus", "--output", "json"])
        .env_remove("VMDECK_CONFIG")
        .env("INCUS_CONF", &client)
        .output()
        .unwrap();
    assert_lab_containers(&out);

    // Pinning any other certificate (here our own client certificate) is refused.
    let wrong = vmdeck_list(&cert.config(&cert.path("client.crt")));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(!wrong.status.success(), "a wrong pin was accepted");
    assert!(stderr.contains("server certificate mismatch"), "{stderr}");
    assert!(!String::from_utf8_lossy(&wrong.stdout).contains("\"c1\""));
}
