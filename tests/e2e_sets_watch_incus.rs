//! End-to-end on the lab's Incus server: `vmdeck sets watch` with `heal = auto` recreates a
//! container deleted behind its back, its lease kept in the project's
//! `user.vmdeck.watch-lock` key and cleared on SIGTERM; autoscale: a busy loop typed into
//! the member's console makes the watcher add a member up to max, and the idle set shrinks
//! back to min after the cooldown. Every container made here is removed, even on failure.

mod lab_sets;
mod pty;
mod watch;

use std::process::Command;
use std::time::Duration;

use pty::lab_config;
use watch::{Cleanup, vmdeck, wait_until, watcher};
use watch::{busy_console, compose, ok, read_log, run, running, terminate, text};

fn remove(set: &str) {
    for i in 0..5 {
        let _ = Command::new("incus")
            .args(["delete", "--force", &format!("{set}-{i}")])
            .output();
    }
}

/// `incus delete --force`; the client sometimes loses track of its own operation
/// ("Operation not found") although the container goes: gone is what counts.
fn delete_behind_its_back(name: &str) {
    let mut said = String::new();
    for _ in 0..3 {
        let out = Command::new("incus")
            .args(["delete", "--force", name])
            .output()
            .unwrap();
        let gone = !Command::new("incus")
            .args(["info", name])
            .output()
            .unwrap()
            .status
            .success();
        if gone {
            return;
        }
        said = text(&out);
    }
    panic!("{name} not deleted: {said}");
}

fn lease_key() -> String {
    let key = Command::new("incus")
        .args(["project", "get", "default", "user.vmdeck.watch-lock"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&key.stdout).trim().to_string()
}

#[test]
fn heal_auto_recreates_a_deleted_incus_container() {
    let Some(lab) = lab_config() else { return };
    let _one = watch::one_at_a_time();
    const SET: &str = "e2e-watch-i";
    let mut cleanup = Cleanup::new(SET, remove);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    compose(&lab, &data, &["--pool", "lab-incus", SET, "--count", "2"]);
    let spec = ["sets", "spec", "--pool", "lab-incus", SET, "--heal", "auto"];
    ok(vmdeck(&lab, &data, &spec));
    let log = dir.path().join("watch.log");
    let args = ["--pool", "lab-incus", SET, "--interval", "3"];
    cleanup.watchers.push(watcher(&lab, &data, &log, &args));
    wait_until(
        "the watcher takes the lock",
        Duration::from_secs(30),
        &log,
        || read_log(&log).contains("pool lab-incus: lock taken"),
    );
    assert!(
        lease_key().contains("\"holder\""),
        "the lease is in the project"
    );
    let member = format!("{SET}-1");
    delete_behind_its_back(&member);
    wait_until(
        "heal = auto brings it back",
        Duration::from_secs(60),
        &log,
        || running(&lab, &data, "lab-incus", SET) == (2, 2, 2),
    );
    let mut watcher = cleanup.watchers.remove(0);
    assert!(terminate(&mut watcher).success(), "{}", read_log(&log));
    assert!(read_log(&log).contains(&format!("{SET}: heal = auto: recreate {member}")));
    assert_eq!(lease_key(), "", "the lease is cleared");
}

#[test]
fn a_busy_container_scales_the_set_out_and_the_idle_set_back_in() {
    let Some(lab) = lab_config() else { return };
    let _one = watch::one_at_a_time();
    const SET: &str = "e2e-watch-j";
    let mut cleanup = Cleanup::new(SET, remove);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    compose(&lab, &data, &["--pool", "lab-incus", SET, "--count", "1"]);
    let spec = [
        "sets",
        "spec",
        "--pool",
        "lab-incus",
        SET,
        "--min",
        "1",
        "--max",
        "2",
        "--autoscale-cpu",
        "25",
        "--cooldown",
        "5",
    ];
    ok(vmdeck(&lab, &data, &spec));
    let mut console = busy_console(&lab, &format!("{SET}-0"));
    let log = dir.path().join("watch.log");
    let args = ["--pool", "lab-incus", SET, "--interval", "3"];
    cleanup.watchers.push(watcher(&lab, &data, &log, &args));
    wait_until(
        "the busy set grows to max",
        Duration::from_secs(60),
        &log,
        || running(&lab, &data, "lab-incus", SET) == (2, 2, 2),
    );
    assert!(read_log(&log).contains("% target, 1 → 2"));
    run(&mut console, "kill $!");
    wait_until(
        "the idle set shrinks to min",
        Duration::from_secs(60),
        &log,
        || running(&lab, &data, "lab-incus", SET) == (1, 1, 1),
    );
    assert!(read_log(&log).contains("2 → 1"));
}
