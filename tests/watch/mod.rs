//! What the sets watcher's end-to-end tests share: vmdeck runs with a private data dir, a
//! watcher in the background with its words in a file, waits on the set's figures, and a
//! member's console with a busy loop typed into it.
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::pty::Tui;

/// The tests of one file watch the same pool, whose one lock they would fight over: one at
/// a time (a test that fails does not stop the next).
static ONE_WATCHER: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_WATCHER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub use crate::lab_sets::{text, vmdeck};

/// What a watcher test leaves behind: its watchers still running are killed, then its set
/// goes (`remove`: the set's VMs or containers, whatever they are). Made before the test
/// makes anything, so a set a failed run left goes first.
pub struct Cleanup {
    set: &'static str,
    remove: fn(&str),
    pub watchers: Vec<Child>,
}

impl Cleanup {
    pub fn new(set: &'static str, remove: fn(&str)) -> Cleanup {
        remove(set);
        Cleanup {
            set,
            remove,
            watchers: Vec::new(),
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for watcher in &mut self.watchers {
            let _ = watcher.kill();
            let _ = watcher.wait();
        }
        (self.remove)(self.set);
    }
}

pub fn ok(out: Output) -> String {
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    said
}

/// A watcher in the background, its output into `log`.
pub fn watcher(config: &Path, data: &Path, log: &Path, args: &[&str]) -> Child {
    let file = std::fs::File::create(log).unwrap();
    Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .arg("--config")
        .arg(config)
        .args(["sets", "watch"])
        .args(args)
        .env("XDG_DATA_HOME", data)
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file))
        .spawn()
        .expect("vmdeck sets watch")
}

pub fn read_log(log: &Path) -> String {
    let mut text = String::new();
    if let Ok(mut file) = std::fs::File::open(log) {
        let _ = file.read_to_string(&mut text);
    }
    text
}

/// Polls `what` (a liveness deadline, not a measurement) until it holds.
pub fn wait_until(what: &str, timeout: Duration, log: &Path, mut holds: impl FnMut() -> bool) {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if holds() {
            return;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    panic!(
        "{what}: not within {timeout:?}; the watcher said:\n{}",
        read_log(log)
    );
}

/// `vmdeck compose … --type small --image busybox|lab-busybox --yes` (`args`: the pool, the
/// set, its count, …), which must succeed.
pub fn compose(config: &Path, data: &Path, args: &[&str]) {
    let incus = args.contains(&"lab-incus");
    let image = if incus { "busybox" } else { "lab-busybox" };
    let mut all = vec!["compose", "--type", "small", "--image", image, "--yes"];
    all.extend(args);
    ok(vmdeck(config, data, &all));
}

/// The set's figures from `vmdeck sets --output json`.
pub fn set_json(config: &Path, data: &Path, pool: &str, set: &str) -> Option<serde_json::Value> {
    let out = vmdeck(config, data, &["sets", "--pool", pool, "--output", "json"]);
    let sets: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
    sets.as_array()?.iter().find(|s| s["name"] == set).cloned()
}

pub fn running(config: &Path, data: &Path, pool: &str, set: &str) -> (u64, u64, u64) {
    set_json(config, data, pool, set).map_or((0, 0, 0), |s| {
        let n = |k: &str| s[k].as_u64().unwrap_or(0);
        (n("desired"), n("present"), n("running"))
    })
}

pub fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let end = Instant::now() + Duration::from_secs(60);
    while Instant::now() < end {
        if let Ok(Some(status)) = child.try_wait() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("the watcher did not end on SIGTERM");
}

/// Types a command into the console.
pub fn run(tui: &mut Tui, command: &str) {
    tui.send(command);
    tui.send("\r");
}

/// `vmdeck console MEMBER` with a busy loop running in the guest's shell (the shell answered
/// first: keys typed while a guest still boots are lost). `kill $!` in it ends the loop.
pub fn busy_console(config: &Path, member: &str) -> Tui {
    let mut console = Tui::spawn(
        &["--config", config.to_str().unwrap(), "console", member],
        100,
        30,
    );
    // A guest still booting writes over the greeting: either shows the console is there.
    console.wait_for("the console", Duration::from_secs(60), |s| {
        s.contains(&format!("Connected to {member}")) || s.contains("built-in shell")
    });
    let end = Instant::now() + Duration::from_secs(90);
    while !console.screen().contains("ready-42") {
        assert!(Instant::now() < end, "no shell:\n{}", console.screen());
        console.send("\r");
        run(&mut console, "echo ready-$((6*7))");
        std::thread::sleep(Duration::from_secs(2));
    }
    run(&mut console, "while :; do :; done &");
    run(&mut console, "echo busy-$((6*8))");
    let screen = console.wait_text("busy-48");
    assert!(!screen.contains("syntax error"), "{screen}");
    console
}
