//! End-to-end on the lab's libvirt pool: `vmdeck sets watch` with `heal = auto` recreates a
//! member undefined behind its back within its interval; a second
//! watcher refuses to act while the first holds the pool's lock and takes over once the
//! lease of a killed one expires; autoscale: a busy loop typed into a member's console makes
//! the watcher add members up to max, and idle guests shrink the set back to min after the
//! cooldown. Every domain and volume made here is removed, even on failure. (The Incus
//! cases are in e2e_sets_watch_incus.rs.)

mod lab_sets;
mod pty;
mod watch;

use std::path::{Path, PathBuf};
use std::time::Duration;

use lab_sets::{config_with_group, hard_anti_affinity, host_uris};
use pty::{lab_config, virsh};
use watch::{Cleanup, vmdeck, wait_until, watcher};
use watch::{busy_console, compose, ok, read_log, run, running, set_json, terminate, text};

/// A group of this file's own: other tests' VMs never take its hosts.
const GROUP: &str = "e2e-watch-apart";
const HEAL_SET: &str = "e2e-watch-h";
const SCALE_SET: &str = "e2e-watch-a";

/// Removes every domain of `set` (indexes 0..5) with its disks and seed, wherever it is.
fn remove_set(set: &str) {
    lab_sets::remove_domains(&lab_sets::members(set, 5));
}

fn config(lab: &Path, dir: &Path) -> PathBuf {
    config_with_group(lab, dir, &hard_anti_affinity(GROUP))
}

/// `NAME` runs on which lab host, with its uri.
fn where_is(name: &str) -> (String, String) {
    host_uris()
        .into_iter()
        .find(|(_, uri)| {
            virsh(uri, &["list", "--all", "--name"])
                .lines()
                .any(|l| l.trim() == name)
        })
        .unwrap_or_else(|| panic!("{name} is on no lab host"))
}

fn lock_secrets() -> usize {
    host_uris()
        .iter()
        .filter(|(_, uri)| virsh(uri, &["secret-list"]).contains("vmdeck-watch-lock"))
        .count()
}

#[test]
fn heal_auto_recreates_an_undefined_member_and_the_lock_keeps_a_second_watcher_out() {
    let Some(lab) = lab_config() else { return };
    let _one = watch::one_at_a_time();
    let mut cleanup = Cleanup::new(HEAL_SET, remove_set);
    let dir = tempfile::tempdir().unwrap();
    let (config, data) = (config(&lab, dir.path()), dir.path().join("data"));
    compose(
        &config,
        &data,
        &["--pool", "lab", HEAL_SET, "--count", "2", "--group", GROUP],
    );
    let said = ok(vmdeck(
        &config,
        &data,
        &["sets", "spec", "--pool", "lab", HEAL_SET, "--heal", "auto"],
    ));
    assert!(said.contains("heal=auto"), "{said}");
    let bad = vmdeck(
        &config,
        &data,
        &["sets", "spec", "--pool", "lab", HEAL_SET, "--min", "3"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad).contains("min 3 is above the set's 2 replicas"),
        "{}",
        text(&bad)
    );

    let log = dir.path().join("first.log");
    let first = watcher(
        &config,
        &data,
        &log,
        &["--pool", "lab", HEAL_SET, "--interval", "5", "--lease", "8"],
    );
    cleanup.watchers.push(first);
    wait_until(
        "the first watcher takes the lock",
        Duration::from_secs(60),
        &log,
        || read_log(&log).contains("pool lab: lock taken"),
    );
    let member = format!("{HEAL_SET}-1");
    let (_, uri) = where_is(&member);
    virsh(&uri, &["destroy", &member]);
    virsh(&uri, &["undefine", &member, "--remove-all-storage"]);
    wait_until(
        "heal = auto brings the member back",
        Duration::from_secs(90),
        &log,
        || running(&config, &data, "lab", HEAL_SET) == (2, 2, 2),
    );
    let said = read_log(&log);
    assert!(
        said.contains(&format!("{HEAL_SET}: heal = auto: recreate {member}")),
        "{said}"
    );

    // A second watcher refuses while the first holds the lock.
    let second = ok(vmdeck(
        &config,
        &data,
        &["sets", "watch", "--pool", "lab", "--once"],
    ));
    assert!(second.contains("the lock is held by"), "{second}");
    assert!(!second.contains("lock taken"), "{second}");

    // The first is killed without a word: its lease stays until it expires.
    let mut first = cleanup.watchers.remove(0);
    first.kill().unwrap();
    first.wait().unwrap();
    let second = ok(vmdeck(
        &config,
        &data,
        &["sets", "watch", "--pool", "lab", "--once"],
    ));
    assert!(second.contains("the lock is held by"), "{second}");
    std::thread::sleep(Duration::from_secs(9));
    let second = ok(vmdeck(
        &config,
        &data,
        &["sets", "watch", "--pool", "lab", HEAL_SET, "--once"],
    ));
    assert!(second.contains("pool lab: lock taken"), "{second}");
    assert!(second.contains("lock released"), "{second}");
    assert_eq!(lock_secrets(), 0, "a watcher that ends clears its lease");

    // SIGTERM ends a running watcher cleanly, lease cleared.
    let log = dir.path().join("third.log");
    let mut third = watcher(
        &config,
        &data,
        &log,
        &["--pool", "lab", HEAL_SET, "--interval", "5"],
    );
    wait_until(
        "the third watcher takes the lock",
        Duration::from_secs(60),
        &log,
        || read_log(&log).contains("pool lab: lock taken"),
    );
    assert!(terminate(&mut third).success(), "{}", read_log(&log));
    assert!(read_log(&log).contains("lock released"));
    assert_eq!(lock_secrets(), 0);
    let audit = std::fs::read_to_string(data.join("vmdeck/audit.jsonl")).unwrap();
    assert!(
        audit.contains(&format!("\"vm\":\"{member}\",\"action\":\"compose\"")),
        "{audit}"
    );
}

#[test]
fn a_busy_guest_scales_the_set_out_to_max_and_idle_guests_shrink_it_back_to_min() {
    let Some(lab) = lab_config() else { return };
    let _one = watch::one_at_a_time();
    let mut cleanup = Cleanup::new(SCALE_SET, remove_set);
    let dir = tempfile::tempdir().unwrap();
    let (config, data) = (config(&lab, dir.path()), dir.path().join("data"));
    compose(
        &config,
        &data,
        &["--pool", "lab", SCALE_SET, "--count", "1", "--group", GROUP],
    );
    let spec = [
        "sets",
        "spec",
        "--pool",
        "lab",
        SCALE_SET,
        "--min",
        "1",
        "--max",
        "3",
        "--autoscale-cpu",
        "25",
        "--cooldown",
        "10",
    ];
    ok(vmdeck(&config, &data, &spec));
    let member = format!("{SCALE_SET}-0");
    let mut console = busy_console(&config, &member);

    let log = dir.path().join("watch.log");
    cleanup.watchers.push(watcher(
        &config,
        &data,
        &log,
        &["--pool", "lab", SCALE_SET, "--interval", "5"],
    ));
    wait_until(
        "the busy set grows to max",
        Duration::from_secs(150),
        &log,
        || running(&config, &data, "lab", SCALE_SET) == (3, 3, 3),
    );
    let said = read_log(&log);
    assert!(said.contains("% target, 1 → 2"), "{said}");
    assert!(said.contains("% target, 2 → 3"), "{said}");

    run(&mut console, "kill $!");
    wait_until(
        "the idle set shrinks to min",
        Duration::from_secs(150),
        &log,
        || running(&config, &data, "lab", SCALE_SET) == (1, 1, 1),
    );
    let said = read_log(&log);
    assert!(said.contains("3 → 2") && said.contains("2 → 1"), "{said}");
    let set = set_json(&config, &data, "lab", SCALE_SET).unwrap();
    let decision = set["spec"]["decision"].as_str().unwrap_or_default();
    assert!(decision.contains("2 → 1"), "{set}");
    let audit = std::fs::read_to_string(data.join("vmdeck/audit.jsonl")).unwrap();
    let deletes = audit
        .lines()
        .filter(|l| l.contains("\"action\":\"delete\""))
        .count();
    assert_eq!(deletes, 2, "{audit}");
}
