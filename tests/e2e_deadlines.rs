//! Deadlines: a host behind a listener that accepts and never speaks does not hold up
//! headless commands beyond `--timeout`; the answering hosts are printed, the silent one is
//! named on stderr with its reason, and the exit status is 1.

mod pty;

use std::os::unix::net::UnixListener;
use std::process::Command;
use std::time::{Duration, Instant};

/// A socket that takes connections and never answers, for as long as the test runs.
fn silent_socket(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("silent.sock");
    let listener = UnixListener::bind(&path).unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    path
}

/// A config in `dir` with pool "hang" (its `extra` settings) of one host "silent" behind
/// `silent_socket`.
fn silent_pool(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    let socket = silent_socket(dir);
    let config = dir.join("vmdeck.toml");
    std::fs::write(
        &config,
        format!(
            "[[pool]]\nname = \"hang\"\n{extra}hosts = [{{ name = \"silent\", uri = \"qemu+unix:///session?socket={}\" }}]\n",
            socket.display()
        ),
    )
    .unwrap();
    config
}

#[test]
fn list_names_a_silent_host_and_finishes_within_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let socket = silent_socket(dir.path());
    let silent = format!(
        "[[pool]]\nname = \"hang\"\nhosts = [{{ name = \"silent\", uri = \"qemu+unix:///session?socket={}\" }}]\n",
        socket.display()
    );
    // With the lab, one host that answers is printed next to the silent one.
    let lab = pty::lab_config().map(|p| std::fs::read_to_string(p).unwrap());
    let config = dir.path().join("vmdeck.toml");
    std::fs::write(
        &config,
        format!("{silent}\n{}", lab.clone().unwrap_or_default()),
    )
    .unwrap();
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .args([
            "--config",
            config.to_str().unwrap(),
            "--timeout",
            "3",
            "list",
        ])
        .output()
        .unwrap();
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(
        stderr.contains("hang/silent: did not answer within 3 s"),
        "{stderr}"
    );
    if lab.is_some() {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("lab1-web"), "{stdout}");
    }
}

/// A pool's own `connect_timeout_secs` is the deadline its hosts get, and the reason says so.
#[test]
fn a_pools_connect_deadline_is_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let config = silent_pool(dir.path(), "connect_timeout_secs = 2\n");
    let out = Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .args([
            "--config",
            config.to_str().unwrap(),
            "--timeout",
            "20",
            "list",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("hang/silent: not answering: no reply to connect within 2 s"),
        "{stderr}"
    );
}

/// In the UI, the silent host shows down with the reason after the 10 s connect deadline
/// (not "connecting…" for ever), the screen stays whole, and `q` quits at once.
#[test]
fn the_ui_marks_a_silent_host_not_answering_and_quits_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = silent_pool(dir.path(), "");
    let mut tui = pty::Tui::spawn(&["--config", config.to_str().unwrap()], 160, 30);
    let screen = tui.wait_for("the host down", Duration::from_secs(30), |s| {
        s.contains("not answering: no reply to connect within 10 s")
    });
    assert!(screen.contains("hosts 0/1 up"), "{screen}");
    let asked = Instant::now();
    tui.send("q");
    let exited = tui.wait_exit(Duration::from_secs(5));
    assert!(exited.is_some(), "q did not quit:\n{}", tui.screen());
    assert!(asked.elapsed() < Duration::from_secs(5));
}
