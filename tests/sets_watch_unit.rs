//! The shipped systemd unit of the sets watcher: its sections are the ones systemd needs and
//! its ExecStart is a command line vmdeck itself accepts as `sets watch`; and the watcher's
//! and `sets spec`'s bad options refused before any host is asked.

use clap::Parser;
use vmdeck::cli::{Cli, Command, SetsCommand};

const UNIT: &str = include_str!("../assets/vmdeck-sets-watch.service");

/// `key=value` lines by section, comments and blank lines left out.
fn sections() -> Vec<(String, Vec<(String, String)>)> {
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in UNIT.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push((name.to_string(), Vec::new()));
            continue;
        }
        let (key, value) = line.split_once('=').expect("key=value");
        out.last_mut()
            .expect("a section first")
            .1
            .push((key.to_string(), value.to_string()));
    }
    out
}

fn value(section: &str, key: &str) -> String {
    sections()
        .into_iter()
        .find(|(name, _)| name == section)
        .and_then(|(_, pairs)| pairs.into_iter().find(|(k, _)| k == key))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("[{section}] {key}= missing"))
}

#[test]
fn the_unit_runs_vmdeck_sets_watch_with_arguments_vmdeck_accepts() {
    let names: Vec<String> = sections().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Unit", "Service", "Install"]);
    assert_eq!(value("Service", "Type"), "simple");
    assert_eq!(value("Service", "KillSignal"), "SIGTERM");
    assert_eq!(value("Install", "WantedBy"), "multi-user.target");
    let exec = value("Service", "ExecStart");
    assert!(
        exec.contains("vmdeck") && exec.contains("sets watch"),
        "{exec}"
    );
    let words: Vec<&str> = exec.split_whitespace().collect();
    assert!(words[0].ends_with("/vmdeck"), "{exec}");
    let cli = Cli::try_parse_from(&words).expect("vmdeck accepts the unit's ExecStart");
    let Some(Command::Sets {
        command: Some(SetsCommand::Watch { interval, once, .. }),
        ..
    }) = cli.command
    else {
        panic!("not `sets watch`: {exec}");
    };
    assert_eq!((interval, once), (30, false));
}

fn vmdeck(args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("vmdeck.toml");
    std::fs::write(
        &config,
        "[[pool]]\nname = \"p\"\nhosts = [{ name = \"h\", uri = \"test:///default\" }]\n",
    )
    .unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .arg("--config")
        .arg(&config)
        .args(args)
        .env("XDG_DATA_HOME", dir.path())
        .output()
        .expect("vmdeck")
}

#[test]
fn a_lease_not_longer_than_the_interval_and_a_bad_target_are_refused() {
    let out = vmdeck(&[
        "sets",
        "watch",
        "--interval",
        "10",
        "--lease",
        "10",
        "--once",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("--lease 10 must be longer than --interval 10"),
        "{said}"
    );
    let out = vmdeck(&["sets", "spec", "web", "--autoscale-cpu", "lots"]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("--autoscale-cpu lots: give a percentage"),
        "{said}"
    );
    let out = vmdeck(&["sets", "spec", "web"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to change"));
}
