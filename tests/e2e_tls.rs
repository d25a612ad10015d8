//! End-to-end over TLS: the lab's libvirt hosts through the lab's TLS front (pool `lab-tls` in
//! `$LAB_DIR/vmdeck-tls.toml`, certificates of the lab's own CA in libvirt's `pkipath` layout):
//! the VM list and a console, and the clear reasons of certificates that do not fit.

mod pty;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use pty::{Tui, lab_config};

const LONG: Duration = Duration::from_secs(30);

fn tls_lab() -> Option<PathBuf> {
    let path = lab_config()?.with_file_name("vmdeck-tls.toml");
    assert!(
        path.exists(),
        "{} is missing: run lab/up.sh",
        path.display()
    );
    Some(path)
}

#[test]
fn the_vm_list_and_a_console_over_tls() {
    let Some(lab) = tls_lab() else { return };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 40);
    tui.wait_for("all hosts up", LONG, |s| s.contains("hosts 3/3 up"));
    tui.send("/lab2-web\r");
    tui.wait_for("lab2-web over TLS", LONG, |_| {
        tui.line_with("│lab2-web ")
            .is_some_and(|l| l.contains("running") && l.contains("lab-tls"))
    });
    tui.send("c");
    let attached = |s: &str| s.contains("lab2-web @ lab2") && s.contains("attached");
    let screen = tui.wait_for("attached or asked", LONG, |s| {
        attached(s) || s.contains("Take it over?")
    });
    if !attached(&screen) {
        tui.send("y");
        tui.wait_for("attached", LONG, attached);
    }
    tui.send("\recho tls-$((6*7))\r");
    tui.wait_text("tls-42");
    tui.send("\x1d");
    tui.send("q");
    assert!(tui.wait_exit(Duration::from_secs(10)).is_some());
}

/// A client certificate the server's CA did not sign, and a pkipath with no certificates:
/// each host is named on stderr with libvirt's reason, the exit status is 1.
#[test]
fn certificates_that_do_not_fit_are_named_with_their_reason() {
    let Some(lab) = tls_lab() else { return };
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other-ca");
    std::fs::create_dir(&other).unwrap();
    let client = lab.with_file_name("tls").join("client");
    for file in ["clientcert.pem", "clientkey.pem"] {
        std::fs::copy(client.join(file), other.join(file)).unwrap();
    }
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=another CA", "-keyout"])
        .arg(other.join("cakey.pem"))
        .arg("-out")
        .arg(other.join("cacert.pem"))
        .output()
        .unwrap();
    assert!(made.status.success());
    let config = dir.path().join("vmdeck.toml");
    std::fs::write(
        &config,
        format!(
            "[[pool]]\nname = \"bad-tls\"\nhosts = [\n\
             {{ name = \"other-ca\", uri = \"qemu+tls://localhost:16601/session?pkipath={}\" }},\n\
             {{ name = \"no-pki\", uri = \"qemu+tls://localhost:16601/session?pkipath={}\" }},\n]\n",
            other.display(),
            dir.path().join("missing").display()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .args(["--config", config.to_str().unwrap(), "list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bad-tls/other-ca: Our own certificate")
            && stderr.contains("failed validation"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bad-tls/no-pki: Cannot read CA certificate"),
        "{stderr}"
    );
}
