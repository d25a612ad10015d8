//! End-to-end: the real binary in a PTY against the real lab (three libvirt hosts).
//! Each test uses its own domains, so they can run side by side.

mod pty;

use std::time::Duration;

use pty::{Tui, lab_config, lab_config_with, lab_ctl, virsh};

fn start(config: &std::path::Path) -> Tui {
    let tui = Tui::spawn(&["--config", config.to_str().unwrap()], 140, 40);
    tui.wait_text("hosts 6/6 up");
    tui
}

/// The row of `name`, filtered to first: with many bulk domains (`LAB_VMS`) a seed is not on
/// the first screen. The filter is cleared again (Esc) afterwards.
fn row_of(tui: &mut Tui, name: &str) -> String {
    tui.send(&format!("/{name}\r"));
    let pattern = format!("│{name} ");
    tui.wait_for(name, Duration::from_secs(20), |s| s.contains(&pattern));
    let row = tui.line_with(&pattern).unwrap();
    tui.send("\x1b");
    row
}

/// The list's title with its count, `vms [915]`.
fn title(screen: &str) -> Option<String> {
    let at = screen.find("vms [")?;
    let end = screen[at..].find(']')?;
    Some(screen[at..=at + end].to_string())
}

#[test]
fn vm_list_shows_the_lab_domains() {
    let Some(lab) = lab_config() else { return };
    let mut tui = start(&lab);
    for name in ["lab1-web", "lab1-db", "lab2-web", "lab3-spare"] {
        row_of(&mut tui, name);
    }
    let web = row_of(&mut tui, "lab1-web");
    assert!(
        web.contains("running") && web.contains("lab1") && web.contains("small"),
        "{web}"
    );
    let spare = row_of(&mut tui, "lab2-spare");
    assert!(spare.contains("shutoff"), "{spare}");
}

#[test]
fn filter_narrows_the_list_and_esc_clears_it() {
    let Some(lab) = lab_config() else { return };
    let mut tui = start(&lab);
    let all = tui.wait_for("the list's count", Duration::from_secs(10), |s| {
        title(s).is_some()
    });
    let all = title(&all).unwrap();
    tui.send("/db");
    tui.wait_for("only db rows", Duration::from_secs(10), |s| {
        s.contains("lab1-db") && !s.contains("lab1-web")
    });
    tui.send("\r");
    tui.send("\x1b");
    tui.wait_for("all rows again", Duration::from_secs(10), |s| {
        title(s).as_ref() == Some(&all) && !s.contains("/db")
    });
}

#[test]
fn state_changes_made_with_virsh_show_up_through_events() {
    let Some(lab) = lab_config() else { return };
    let dir = tempfile::tempdir().unwrap();
    // Stats every hour: whatever changes on screen now came from libvirt events.
    let config = lab_config_with(&lab, dir.path(), "stats_interval_secs = 3600");
    let mut tui = start(&config);
    tui.send("/lab3-spare\r");
    let uri = lab_ctl(&["uri", "3"]);
    let _ = std::process::Command::new("virsh")
        .args(["-c", &uri, "destroy", "lab3-spare"])
        .output();
    tui.wait_for("lab3-spare shut off", Duration::from_secs(30), |_| {
        tui.line_with("│lab3-spare ")
            .is_some_and(|l| l.contains("shutoff"))
    });
    virsh(&uri, &["start", "lab3-spare"]);
    tui.wait_for("lab3-spare running", Duration::from_secs(15), |_| {
        tui.line_with("│lab3-spare ")
            .is_some_and(|l| l.contains("running"))
    });
    virsh(&uri, &["destroy", "lab3-spare"]);
    tui.wait_for("lab3-spare shut off again", Duration::from_secs(15), |_| {
        tui.line_with("│lab3-spare ")
            .is_some_and(|l| l.contains("shutoff"))
    });
}

#[test]
fn drill_down_to_a_vm_with_its_disks_and_xml() {
    let Some(lab) = lab_config() else { return };
    let mut tui = start(&lab);
    tui.send(":vm lab2-db\r");
    let screen = tui.wait_text("Disks");
    assert!(
        screen.contains("lab2-db") && screen.contains("medium"),
        "{screen}"
    );
    // The lab guests' balloons report statistics: the guest's own use beside QEMU's RSS.
    tui.wait_for(
        "the guest's own memory use",
        Duration::from_secs(30),
        |_| {
            tui.line_with("guest used")
                .is_some_and(|l| l.contains("MiB") || l.contains("KiB"))
        },
    );
    tui.send("v");
    tui.wait_text("<domain type='qemu'");
    tui.send("\x1b");
    tui.send("\x1b");
    tui.send("\x1b");
    tui.wait_text("pools [3]");
    tui.send("q");
}

#[test]
fn quitting_and_signals_restore_the_terminal() {
    let Some(lab) = lab_config() else { return };
    for how in ["q", "TERM", "HUP"] {
        let mut tui = start(&lab);
        assert!(tui.alternate_screen());
        match how {
            "q" => tui.send("q"),
            signal => {
                let pid = tui.pid().unwrap().to_string();
                let status = std::process::Command::new("kill")
                    .args([&format!("-{signal}"), &pid])
                    .status()
                    .unwrap();
                assert!(status.success());
            }
        }
        assert!(
            tui.wait_exit(Duration::from_secs(10)).is_some(),
            "{how}: vmdeck did not exit"
        );
        assert!(
            !tui.alternate_screen(),
            "{how}: still on the alternate screen"
        );
        let raw = String::from_utf8_lossy(&tui.raw_output()).into_owned();
        assert!(raw.contains("\x1b[?25h"), "{how}: cursor not shown again");
        // Every frame is one synchronized update, begun and ended in the same write.
        let (begun, ended) = (
            raw.matches("\x1b[?2026h").count(),
            raw.matches("\x1b[?2026l").count(),
        );
        assert!(
            begun > 0 && begun == ended,
            "{how}: {begun} frames begun, {ended} ended"
        );
    }
}

#[test]
fn headless_list_prints_json_inventory() {
    let Some(lab) = lab_config() else { return };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .args([
            "--config",
            lab.to_str().unwrap(),
            "list",
            "--pool",
            "lab",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let vms: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let web = vms
        .iter()
        .find(|v| v["name"] == "lab1-web")
        .expect("lab1-web listed");
    assert_eq!(web["pool"], "lab");
    assert_eq!(web["host"], "lab1");
    assert_eq!(web["state"], "running");
    assert_eq!(web["type"], "small");
    assert!(web["vcpus"].as_u64() == Some(1));
    assert!(web["memory_bytes"].as_u64().unwrap() >= 64 << 20);
    assert_eq!(web["uuid"].as_str().unwrap().len(), 36);
    for host in ["lab1", "lab2", "lab3"] {
        assert!(
            vms.iter()
                .any(|v| v["host"] == host && v["name"] == format!("{host}-db"))
        );
    }
}

#[test]
fn a_bad_default_config_warns_in_the_ui_and_falls_back_to_local_endpoints() {
    // Needs no lab: the fallback is the local hypervisor (or the embedded driver).
    let tui = Tui::spawn_with(&[], 120, 30, |home| {
        let dir = home.join("config/vmdeck");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("config.toml"),
            "[[pool]]\nname = \"x\"\nhots = []\n",
        )
        .unwrap();
    });
    let screen = tui.wait_text("bad config, using local endpoints instead: ");
    assert!(screen.contains("config.toml:"), "{screen}");
    tui.wait_text("local");
}

#[test]
fn capacity_export_matches_the_host_view() {
    let Some(lab) = lab_config() else { return };
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .args([
            "--config",
            lab.to_str().unwrap(),
            "capacity",
            "--pool",
            "lab",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hosts: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let lab1 = hosts.iter().find(|h| h["name"] == "lab1").expect("lab1");
    assert_eq!(lab1["cpu_ratio"], 4.0);
    let cpus = lab1["cpus"].as_u64().unwrap();
    assert_eq!(lab1["vcpus_capacity"].as_u64().unwrap(), cpus * 4);
    assert!(!lab1["numa_nodes"].as_array().unwrap().is_empty());
    let pools = lab1["storage_pools"].as_array().unwrap();
    assert!(pools.iter().any(|p| p["name"] == "default"), "{pools:?}");
    assert!(pools.iter().any(|p| p["name"] == "images"), "{pools:?}");
    // The host view's gauge line: what the allocation policy counts / capacity (CPUs × ratio).
    let line = format!(
        "{} / {} ({} × 4)",
        lab1["vcpus_allocated"], lab1["vcpus_capacity"], lab1["vcpus_physical"]
    );
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 120, 40);
    tui.wait_text("hosts");
    tui.send(":host lab1\r");
    tui.wait_text("NUMA nodes");
    assert!(tui.screen().contains(&line), "{line}\n{}", tui.screen());
}

#[test]
fn a_domain_pinned_to_cpu_0_shows_on_numa_node_0() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "2"]);
    virsh(
        &uri,
        &["vcpupin", "lab2-db", "0", "0", "--live", "--config"],
    );
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 120, 40);
    tui.wait_text("hosts");
    tui.send(":host lab2\r");
    let screen = tui.wait_for("lab2-db on node 0", Duration::from_secs(20), |s| {
        s.split("node 0").nth(1).is_some_and(|card| {
            card.lines()
                .take(4)
                .any(|l| l.contains("VMs") && l.contains("lab2-db"))
        })
    });
    // The export says the same.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .args(["--config", lab.to_str().unwrap(), "capacity"])
        .args(["--pool", "lab", "--output", "json"])
        .env_remove("VMDECK_CONFIG")
        .output()
        .unwrap();
    // Back to floating over every CPU, as the lab seeds it.
    virsh(
        &uri,
        &["vcpupin", "lab2-db", "0", "0-1", "--live", "--config"],
    );
    assert!(screen.contains("CPUs 0"), "{screen}");
    let hosts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lab2 = hosts
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "lab2")
        .unwrap();
    let on_node0 = lab2["numa_nodes"][0]["vms"].as_array().unwrap();
    assert!(on_node0.iter().any(|v| v == "lab2-db"), "{lab2}");
}

#[test]
fn the_pool_dashboard_shows_room_per_vm_type_on_the_lab() {
    let Some(lab) = lab_config() else { return };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 120, 40);
    tui.wait_text("hosts 6/6 up");
    tui.send(":dash lab\r");
    let screen = tui.wait_for("room per type", Duration::from_secs(20), |s| {
        s.lines().any(|l| {
            l.contains("small") && l.contains("more") && l.contains("lab1") && l.contains("lab3")
        })
    });
    assert!(screen.contains("3/3 hosts up"), "{screen}");
    assert!(screen.contains("Hosts down (0)"), "{screen}");
}

/// libvirt's test driver has two NUMA cells: both cards, and the same in the export.
#[test]
fn a_two_cell_host_of_the_libvirt_test_driver() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("vmdeck.toml");
    std::fs::write(
        &config,
        "[[pool]]\nname = \"t\"\nhosts = [{ name = \"twocell\", uri = \"test:///default\" }]\n",
    )
    .unwrap();
    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 120, 36);
    tui.wait_text("hosts 1/1 up");
    tui.send(":host twocell\r");
    let screen = tui.wait_text("NUMA nodes (2)");
    for needle in [
        "node 0",
        "CPUs 0-7",
        "node 1",
        "CPUs 8-15",
        "hugepages 2 MiB",
        " free)",
    ] {
        assert!(screen.contains(needle), "{needle}: {screen}");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .args([
            "--config",
            config.to_str().unwrap(),
            "capacity",
            "--output",
            "json",
        ])
        .env_remove("VMDECK_CONFIG")
        .output()
        .unwrap();
    let hosts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let nodes = hosts[0]["numa_nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 2);
    assert_eq!(nodes[1]["cpus"][0], 8);
    assert!(nodes[0]["hugepages"][0]["free"].is_u64(), "{nodes:?}");
}
