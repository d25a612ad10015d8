//! End-to-end on the lab, for a libvirt set (under hard anti-affinity) and an Incus set: a
//! set of 3, one member stopped and another deleted behind vmdeck's back; the TUI's sets
//! view shows 3 desired · 2 present · 1 running, `:heal` asks with its steps and brings the
//! set back to 3 running (one member per host under the group), each operation audited;
//! then `vmdeck sets scale` down to 2 and up to 3, headless, with the members restamped
//! (the replicas in `vmdeck sets --output json`). Every VM and volume made is removed.

mod lab_sets;
mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use lab_sets::{OnDrop, config_with_group, hard_anti_affinity, text, uri_of};
use pty::{Tui, lab_config, virsh};

const SET: &str = "e2e-set-h";
const GROUP: &str = "e2e-set-h-apart";
const INCUS_SET: &str = "e2e-set-hi";

fn names(set: &str) -> Vec<String> {
    lab_sets::members(set, 4)
}

fn remove_libvirt() {
    lab_sets::remove_domains(&names(SET));
}

fn remove_incus() {
    for name in names(INCUS_SET) {
        let _ = Command::new("incus")
            .args(["delete", "--force", &name])
            .output();
    }
}

fn config(lab: &Path, dir: &Path) -> PathBuf {
    config_with_group(lab, dir, &hard_anti_affinity(GROUP))
}

fn vmdeck(config: &Path, data: &Path, args: &[&str]) -> Output {
    lab_sets::vmdeck(config, data, args)
}

/// The set as `vmdeck sets --output json` says.
fn status(config: &Path, data: &Path, pool: &str, set: &str) -> serde_json::Value {
    let out = vmdeck(config, data, &["sets", "--pool", pool, "--output", "json"]);
    let sets: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = sets.as_array().unwrap().iter().find(|s| s["name"] == set);
    found
        .unwrap_or_else(|| panic!("no set {set}: {sets}"))
        .clone()
}

fn figures(set: &serde_json::Value) -> [u64; 4] {
    let field = |k: &str| set[k].as_u64().unwrap();
    [
        field("desired"),
        field("present"),
        field("running"),
        set["spec"]["replicas"].as_u64().unwrap(),
    ]
}

/// Where each member runs, from the status.
fn hosts_of(set: &serde_json::Value) -> Vec<(String, String)> {
    let members = set["members"].as_array().unwrap().iter();
    let pair = |m: &serde_json::Value| {
        (
            m["name"].as_str().unwrap().into(),
            m["host"].as_str().unwrap().into(),
        )
    };
    members.map(pair).collect()
}

/// The audit log's (vm, action, result) lines.
fn audited(data: &Path) -> Vec<(String, String, String)> {
    let log = std::fs::read_to_string(data.join("vmdeck/audit.jsonl")).unwrap_or_default();
    log.lines()
        .map(|l| {
            let line: serde_json::Value = serde_json::from_str(l).unwrap();
            let field = |k: &str| line[k].as_str().unwrap_or_default().to_string();
            (field("vm"), field("action"), field("result"))
        })
        .collect()
}

/// The figures line under the set's row in the sets view.
fn figures_line(screen: &str, set: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let row = lines.iter().position(|l| l.contains(&format!("│{set} ")));
    row.and_then(|i| lines.get(i + 1))
        .map_or(String::new(), |l| l.to_string())
}

/// In the TUI: the broken set in the sets view, `:heal` on its stopped member, the question
/// with its steps, `y`, and the set whole again, each operation audited.
fn heal_in_the_tui(config: &Path, pool: &str, set: &str) {
    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 160, 48);
    tui.wait_text("lab1");
    tui.send(&format!(":sets {pool}\r"));
    tui.wait_for("the broken set", Duration::from_secs(30), |s| {
        figures_line(s, set).contains("3 desired · 2 present · 1 running")
    });
    let (m0, m1) = (format!("{set}-0"), format!("{set}-1"));
    tui.send(&format!(":vm {m0}\r"));
    tui.send(":heal\r");
    let asked = tui.wait_for("the heal question", Duration::from_secs(10), |s| {
        s.contains(&format!("Heal set {set}: restart {m0} on ")) && s.contains("[y/N]")
    });
    assert!(asked.contains(&format!("compose {m1} → ")), "{asked}");
    tui.send("y");
    tui.send(&format!(":sets {pool}\r"));
    tui.wait_for("the set whole", Duration::from_secs(180), |s| {
        figures_line(s, set).contains("3 desired · 3 present · 3 running")
    });
    let data = tui.home.path().join("data");
    let ok = |vm: &str, action: &str| (vm.to_string(), action.to_string(), "ok".to_string());
    let wanted = [ok(&m0, "start"), ok(&m1, "compose")];
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !wanted.iter().all(|w| audited(&data).contains(w)) {
        assert!(std::time::Instant::now() < deadline, "{:?}", audited(&data));
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `vmdeck sets scale` to 2 (plan, then --yes) and back to 3, headless.
fn scale_headless(config: &Path, pool: &str, set: &str) -> serde_json::Value {
    let data = tempfile::tempdir().unwrap();
    let before = status(config, data.path(), pool, set);
    let generation = before["spec"]["generation"].as_u64().unwrap();
    let plan = vmdeck(
        config,
        data.path(),
        &["sets", "scale", set, "2", "--pool", pool],
    );
    let plan = text(&plan);
    assert!(plan.contains(&format!("  delete {set}-2 on ")), "{plan}");
    assert!(
        plan.contains("(running)") && plan.contains("with replicas 2"),
        "{plan}"
    );
    assert!(plan.contains("nothing was changed"), "{plan}");
    assert_eq!(
        figures(&status(config, data.path(), pool, set)),
        [3, 3, 3, 3]
    );

    let out = vmdeck(
        config,
        data.path(),
        &["sets", "scale", set, "2", "--pool", pool, "--yes"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let after = status(config, data.path(), pool, set);
    assert_eq!(figures(&after), [2, 2, 2, 2], "{after}");
    assert_eq!(after["problems"].as_array().unwrap().len(), 0, "{after}");
    assert_eq!(
        after["warnings"].as_array().unwrap().len(),
        0,
        "restamped alike: {after}"
    );
    assert!(
        after["spec"]["generation"].as_u64().unwrap() > generation,
        "{after}"
    );

    let out = vmdeck(
        config,
        data.path(),
        &["sets", "scale", set, "3", "--pool", pool, "--yes"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let whole = status(config, data.path(), pool, set);
    assert_eq!(figures(&whole), [3, 3, 3, 3], "{whole}");
    assert_eq!(whole["problems"].as_array().unwrap().len(), 0, "{whole}");
    let actions: Vec<(String, String)> = audited(data.path())
        .into_iter()
        .filter(|l| l.2 == "ok")
        .map(|l| (l.0, l.1))
        .collect();
    let m = |i: u32, action: &str| (format!("{set}-{i}"), action.to_string());
    assert_eq!(
        actions,
        [
            m(2, "delete"),
            m(0, "restamp"),
            m(1, "restamp"),
            m(2, "compose"),
            m(0, "restamp"),
            m(1, "restamp")
        ],
        "{:?}",
        audited(data.path())
    );
    // Bounds are the set's: 0 is refused, and nothing changes.
    let zero = vmdeck(
        config,
        data.path(),
        &["sets", "scale", set, "0", "--pool", pool, "--yes"],
    );
    assert_eq!(zero.status.code(), Some(2), "{}", text(&zero));
    whole
}

#[test]
fn a_libvirt_set_heals_in_the_tui_and_scales_headless_one_member_per_host() {
    let Some(lab) = lab_config() else { return };
    remove_libvirt();
    let _cleanup = OnDrop(remove_libvirt);
    let dir = tempfile::tempdir().unwrap();
    let config = config(&lab, dir.path());
    let args = [
        "compose",
        "--pool",
        "lab",
        SET,
        "--type",
        "small",
        "--image",
        "lab-busybox",
    ];
    let more = ["--count", "3", "--group", GROUP, "--yes"];
    let out = vmdeck(&config, dir.path(), &[&args[..], &more[..]].concat());
    assert!(out.status.success(), "{}", text(&out));
    let made = hosts_of(&status(&config, dir.path(), "lab", SET));
    let host = |i: usize| uri_of(&made[i].1);
    let (m0, m1) = (format!("{SET}-0"), format!("{SET}-1"));
    virsh(&host(0), &["destroy", &m0]);
    virsh(&host(1), &["destroy", &m1]);
    virsh(&host(1), &["undefine", &m1, "--remove-all-storage"]);

    heal_in_the_tui(&config, "lab", SET);
    let whole = scale_headless(&config, "lab", SET);
    let mut hosts: Vec<String> = hosts_of(&whole).into_iter().map(|(_, h)| h).collect();
    hosts.sort();
    hosts.dedup();
    assert_eq!(hosts.len(), 3, "one member per host: {whole}");
}

#[test]
fn an_incus_set_heals_in_the_tui_and_scales_headless() {
    let Some(lab) = lab_config() else { return };
    remove_incus();
    let _cleanup = OnDrop(remove_incus);
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "compose",
        "--pool",
        "lab-incus",
        INCUS_SET,
        "--type",
        "small",
    ];
    let more = ["--image", "busybox", "--count", "3", "--yes"];
    let out = vmdeck(&lab, dir.path(), &[&args[..], &more[..]].concat());
    assert!(out.status.success(), "{}", text(&out));
    let incus = |args: &[&str]| {
        let out = Command::new("incus").args(args).output().expect("incus");
        assert!(out.status.success(), "incus {args:?}: {}", text(&out));
    };
    incus(&["stop", "--force", &format!("{INCUS_SET}-0")]);
    incus(&["delete", "--force", &format!("{INCUS_SET}-1")]);

    heal_in_the_tui(&lab, "lab-incus", INCUS_SET);
    scale_headless(&lab, "lab-incus", INCUS_SET);
}
