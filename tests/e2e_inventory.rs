//! End-to-end: the inventory's stamp columns come from each domain's XML, read side by side,
//! against the real lab: the list and detail view show the seeds' stamps, a domain without a
//! stamp costs no error in vmdeck's libvirt log, and a headless report reads each host over
//! one connection with one XML read per domain and no metadata call (counted on the wire by
//! the lab's RPC-counting proxy).

mod pty;
mod rpc_proxy;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl, virsh};
use rpc_proxy::Proxy;

#[test]
fn the_list_and_detail_view_show_the_stamps_of_the_seeds() {
    let Some(lab) = lab_config() else { return };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 40);
    tui.wait_text("hosts 6/6 up");
    // The lab may hold hundreds of bulk domains that sort before the seeds: filter.
    tui.send("/lab2-db");
    tui.send("\r");
    tui.wait_for("lab2-db alone", Duration::from_secs(10), |s| {
        s.contains("lab2-db") && !s.contains("lab1-web")
    });
    let row = tui.line_with("│lab2-db ").unwrap();
    assert!(row.contains("medium") && row.contains("lab2"), "{row}");
    tui.send("\r");
    let detail = tui.wait_for("the detail view", Duration::from_secs(10), |s| {
        s.contains("group") && s.contains("image")
    });
    for (field, value) in [
        ("type", "medium"),
        ("group", "db"),
        ("image", "lab-busybox"),
    ] {
        let line = detail
            .lines()
            .find(|l| l.contains(field) && l.contains(value));
        assert!(line.is_some(), "{field} {value} not shown:\n{detail}");
    }
}

/// A shut-off domain of this test's own, without a stamp; undefined on drop.
struct Unstamped {
    uri: String,
    name: &'static str,
}

impl Unstamped {
    fn define(host: &str, name: &'static str) -> Unstamped {
        let uri = lab_ctl(&["uri", host]);
        let _ = Command::new("virsh")
            .args(["-c", &uri, "undefine", name])
            .output();
        let dir = tempfile::tempdir().unwrap();
        let xml = dir.path().join("domain.xml");
        std::fs::write(
            &xml,
            format!(
                "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory>\
                 <vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>"
            ),
        )
        .unwrap();
        virsh(&uri, &["define", xml.to_str().unwrap()]);
        Unstamped { uri, name }
    }
}

impl Drop for Unstamped {
    fn drop(&mut self) {
        let _ = Command::new("virsh")
            .args(["-c", &self.uri, "undefine", self.name])
            .output();
    }
}

fn vmdeck(args: &[&str], data_home: &Path) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .args(args)
        .env("XDG_DATA_HOME", data_home)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn a_domain_without_a_stamp_is_listed_without_an_error_in_the_log() {
    let Some(lab) = lab_config() else { return };
    let domain = Unstamped::define("2", "e2e-inventory-unstamped");
    let home = tempfile::tempdir().unwrap();
    let config = lab.to_str().unwrap();
    let out = vmdeck(
        &[
            "--config", config, "list", "--pool", "lab", "--output", "json",
        ],
        home.path(),
    );
    let vms: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let listed = vms.iter().find(|v| v["name"] == domain.name).unwrap();
    assert_eq!(listed["type"], serde_json::Value::Null);
    assert_eq!(listed["host"], "lab2");
    let web = vms.iter().find(|v| v["name"] == "lab2-web").unwrap();
    assert_eq!(web["type"], "small");
    // libvirt's client log, where a failed virDomainGetMetadata used to land.
    let log = std::fs::read_to_string(home.path().join("vmdeck/libvirt.log")).unwrap_or_default();
    assert!(!log.contains("metadata not found"), "{log}");
}

#[test]
fn capacity_reads_a_host_over_one_connection_with_one_xml_read_per_domain() {
    let Some(_lab) = lab_config() else { return };
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::start(dir.path(), 1);
    let config = dir.path().join("vmdeck.toml");
    std::fs::write(
        &config,
        format!(
            "[[pool]]\nname = \"lab\"\ndriver = \"libvirt\"\nhosts = [ {{ name = \"lab1\", \
             uri = \"qemu+unix:///session?socket={}\" }} ]\n",
            proxy.socket.display()
        ),
    )
    .unwrap();
    let out = vmdeck(
        &["--config", config.to_str().unwrap(), "capacity"],
        dir.path(),
    );
    let hosts: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let domains = hosts[0]["vms"].as_u64().unwrap();
    let connections = proxy.connections(1);
    assert_eq!(connections.len(), 1, "{connections:?}");
    let calls = &connections[0]["by_procedure"];
    assert_eq!(
        calls["domain_get_xml_desc"].as_u64(),
        Some(domains),
        "{calls}"
    );
    assert_eq!(calls.get("domain_get_metadata"), None, "{calls}");
    assert_eq!(
        calls["connect_get_all_domain_stats"].as_u64(),
        Some(1),
        "{calls}"
    );
}
