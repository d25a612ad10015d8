//! End-to-end on the lab's Incus server: its network cards are listed with their NUMA node
//! (host view and `vmdeck capacity`), a type asking for a GPU is refused there with the
//! reason, and an instance given the card (created, never started) shows as its user at once
//! and frees it when deleted.

mod pty;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use pty::{Tui, lab_config};

const TYPES: &str = r#"
[[vm_type]]
name = "gpu"
vcpus = 1
memory = "256MiB"
disk = "1GiB"
gpu = 1
gpu_model = "A100"
"#;

fn vmdeck(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("VMDECK_CONFIG")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn the_incus_servers_network_cards_are_listed_with_their_numa_node() {
    let Some(lab) = lab_config() else { return };
    let out = Command::new("curl")
        .args(["-s", "--unix-socket", "/var/lib/incus/unix.socket"])
        .arg("http://incus/1.0/resources")
        .output()
        .unwrap();
    let resources: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let card = &resources["metadata"]["network"]["cards"][0];
    let address = card["pci_address"].as_str().unwrap().to_string();
    let node = card["numa_node"].as_u64().unwrap();

    let out = vmdeck(
        &lab,
        &["capacity", "--pool", "lab-incus", "--output", "json"],
    );
    let hosts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let devices = hosts[0]["devices"].as_array().unwrap();
    let listed = devices.iter().find(|d| d["address"] == address.as_str());
    let listed = listed.unwrap_or_else(|| panic!("{address} not in {devices:?}"));
    assert_eq!(listed["kind"], "nic");
    assert_eq!(listed["numa_node"].as_u64(), Some(node));

    // It has no GPU: a type asking for one is refused there, saying so.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("vmdeck.toml");
    let lab_text = std::fs::read_to_string(&lab).unwrap();
    std::fs::write(&config, format!("{lab_text}\n{TYPES}")).unwrap();
    let compose = ["compose", "--pool", "lab-incus", "--image", "busybox"];
    let out = vmdeck(&config, &[&compose[..], &["--type", "gpu", "g1"]].concat());
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("0 free A100 GPUs (1 asked)"), "{said}");

    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 48);
    tui.wait_for("the Incus pool up", Duration::from_secs(60), |s| {
        s.contains("up")
    });
    let hostname = hosts[0]["name"].as_str().unwrap().to_string();
    tui.send(&format!(":host {hostname}\r"));
    let line = format!("{address} NIC   node {node}");
    let screen = tui.wait_for(&line, Duration::from_secs(30), |s| s.contains(&line));
    assert!(screen.contains("Devices ·"), "{screen}");
}

/// Deletes the Incus instance, whatever happened.
struct Deleted(String);

impl Drop for Deleted {
    fn drop(&mut self) {
        let _ = Command::new("incus")
            .args(["delete", "--force", &self.0])
            .output();
    }
}

fn incus(args: &[&str]) {
    let out = Command::new("incus").args(args).output().unwrap();
    assert!(out.status.success(), "incus {args:?}: {}", text(&out));
}

#[test]
fn an_incus_instance_given_a_device_shows_as_its_user_and_frees_it_when_deleted() {
    let Some(lab) = lab_config() else { return };
    let out = vmdeck(
        &lab,
        &["capacity", "--pool", "lab-incus", "--output", "json"],
    );
    let hosts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let server = hosts[0]["name"].as_str().unwrap().to_string();
    let card = &hosts[0]["devices"][0];
    let address = card["address"].as_str().unwrap().to_string();

    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 48);
    tui.wait_for("every host up", Duration::from_secs(90), |s| {
        s.contains("hosts 6/6 up")
    });
    tui.send(&format!(":host {server}\r"));
    tui.wait_text(&format!("{address} NIC"));

    // Created and given the device, never started: the card is not touched.
    let name = format!("hostdev{}", std::process::id());
    let _deleted = Deleted(name.clone());
    incus(&["create", "busybox", &name]);
    incus(&[
        "config",
        "device",
        "add",
        &name,
        "g0",
        "gpu",
        &format!("pci={address}"),
    ]);
    let user = format!("used by {name}");
    tui.wait_for(&user, Duration::from_secs(20), |_| {
        tui.line_with(&address).is_some_and(|l| l.contains(&user))
    });
    incus(&["delete", &name]);
    tui.wait_for("the device free again", Duration::from_secs(20), |_| {
        tui.line_with(&address)
            .is_some_and(|l| l.contains("· free"))
    });
}
