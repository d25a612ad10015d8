//! End-to-end on the lab with many stopped domains (as `LAB_VMS=300` makes): under the
//! default `allocation = "running+autostart"` they hold nothing, so a VM can still be
//! composed (headless, and for real from the dashboard's form) and migrated, and the
//! dashboard and `vmdeck capacity` show the same two figures; with
//! `allocation = "defined"` the same requests are refused, naming the policy. The domains
//! are this test's own (`fig<pid>-…`, diskless) and are undefined at the end.

mod pty;

use std::process::{Command, Output};
use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl};

/// Stopped domains per host, on lab2 and lab3 (each host has 2 CPUs × 4 = 8 vCPUs of room).
const PER_HOST: usize = 150;

/// Undefines the domains again, whatever happened.
struct Stopped(Vec<(String, Vec<String>)>);

impl Drop for Stopped {
    fn drop(&mut self) {
        for (uri, names) in &self.0 {
            let script: Vec<String> = names.iter().map(|n| format!("undefine {n}")).collect();
            let _ = Command::new("virsh")
                .args(["-c", uri, &script.join(" ; ")])
                .output();
        }
    }
}

/// Defines `PER_HOST` shut-off, diskless 1-vCPU domains on host `n`, in one virsh run.
fn define_stopped(n: u32, dir: &std::path::Path) -> (String, Vec<String>) {
    let uri = lab_ctl(&["uri", &n.to_string()]);
    let mut names = Vec::new();
    let mut script = Vec::new();
    for i in 0..PER_HOST {
        let name = format!("fig{}-{n}-{i:03}", std::process::id());
        let file = dir.join(format!("{name}.xml"));
        let xml = format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>16</memory>\
             <vcpu>1</vcpu><os><type>hvm</type></os></domain>"
        );
        std::fs::write(&file, xml).unwrap();
        script.push(format!("define {}", file.display()));
        names.push(name);
    }
    let out = Command::new("virsh")
        .args(["-c", &uri, &script.join(" ; ")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (uri, names)
}

fn vmdeck(config: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .arg("--config")
        .arg(config)
        .args(args)
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

/// The lab config with pool `lab` counting every defined domain.
fn counting_defined(lab: &std::path::Path, dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(lab).unwrap();
    let text = text.replacen(
        "name = \"lab\"\n",
        "name = \"lab\"\nallocation = \"defined\"\n",
        1,
    );
    let path = dir.join("defined.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// vmdeck on `config` with lab1-web selected and `M` pressed: every host's verdict shown.
fn migrate_hosts_of_lab1_web(config: &std::path::Path) -> Tui {
    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 200, 40);
    // Hosts with hundreds of domains take a moment to connect: M is judged once all are up.
    tui.wait_for("every host up", Duration::from_secs(90), |s| {
        s.contains("hosts 6/6 up")
    });
    tui.send("/lab1-web\r");
    tui.wait_for("lab1-web listed", Duration::from_secs(20), |_| {
        tui.line_with("│lab1-web ").is_some()
    });
    tui.send("M");
    tui
}

/// The pool's vCPUs as `vmdeck capacity` counts them: (running, defined).
fn pool_vcpus(hosts: &serde_json::Value) -> (u64, u64) {
    let sum = |key: &str| {
        let hosts = hosts.as_array().unwrap().iter();
        hosts.map(|h| h[key].as_u64().unwrap()).sum()
    };
    (sum("vcpus_running"), sum("vcpus_defined"))
}

/// Removes the composed VM (with its disk and seed) from lab2, whatever happened.
struct Composed(&'static str);

impl Drop for Composed {
    fn drop(&mut self) {
        let uri = lab_ctl(&["uri", "2"]);
        let _ = Command::new("virsh")
            .args(["-c", &uri, "destroy", self.0])
            .output();
        let _ = Command::new("virsh")
            .args(["-c", &uri, "undefine", self.0, "--remove-all-storage"])
            .output();
    }
}

fn compose_on_lab2_from_the_dashboard(lab: &std::path::Path, hosts: &serde_json::Value) {
    let name = "fig-composed";
    let _composed = Composed(name);
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 200, 48);
    tui.wait_for("every host up", Duration::from_secs(90), |s| {
        s.contains("hosts 6/6 up")
    });
    tui.send(":dashboard lab\r");
    let (running, defined) = pool_vcpus(hosts);
    let figures = format!("{running} running · {defined} defined");
    let screen = tui.wait_for(&figures, Duration::from_secs(20), |s| s.contains(&figures));
    assert!(
        screen.contains("placement counts running+autostart"),
        "{screen}"
    );

    tui.send(&format!(
        ":compose {name} --type small --image lab-busybox --host lab2\r"
    ));
    let ready = format!("ready: {name} → lab2");
    tui.wait_for(&ready, Duration::from_secs(60), |s| s.contains(&ready));
    tui.send("\x13");
    tui.wait_text(&format!("Compose 1 VM ({name} → lab2)? [y/N]"));
    tui.send("y");
    tui.send(&format!(":vms lab\r/{name}\r"));
    tui.wait_for(
        "the composed VM running on lab2",
        Duration::from_secs(120),
        |s| {
            s.lines().any(|l| {
                l.contains(&format!("│{name} ")) && l.contains("running") && l.contains("lab2")
            })
        },
    );
    tui.send("q");
}

#[test]
fn many_stopped_domains_hold_nothing_unless_the_policy_counts_them() {
    let Some(lab) = lab_config() else { return };
    let dir = tempfile::tempdir().unwrap();
    let _stopped = Stopped(vec![
        define_stopped(2, dir.path()),
        define_stopped(3, dir.path()),
    ]);

    // The export: few running, hundreds defined, placement counting running+autostart.
    let out = vmdeck(&lab, &["capacity", "--pool", "lab", "--output", "json"]);
    let hosts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lab2 = hosts
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "lab2")
        .unwrap();
    assert_eq!(lab2["allocation"], "running+autostart");
    assert!(
        lab2["vcpus_defined"].as_u64().unwrap() >= PER_HOST as u64,
        "{lab2}"
    );
    assert!(lab2["vcpus_running"].as_u64().unwrap() < 8, "{lab2}");

    // Composing on a host full of stopped domains is planned (no --yes: nothing is made).
    let plan = [
        "compose", "--pool", "lab", "figc", "--type", "small", "--image",
    ];
    let mut args: Vec<&str> = plan.to_vec();
    args.extend(["lab-busybox", "--host", "lab2"]);
    let out = vmdeck(&lab, &args);
    assert!(out.status.success(), "{}", text(&out));

    // `M` finds a destination among them.
    let tui = migrate_hosts_of_lab1_web(&lab);
    tui.wait_text("lab2 ✓");
    drop(tui);

    // The dashboard shows the export's figures, and its compose form makes a VM on lab2.
    compose_on_lab2_from_the_dashboard(&lab, &hosts);

    // Counting every defined domain, the same requests are refused and say why.
    let defined = counting_defined(&lab, dir.path());
    let out = vmdeck(&defined, &args);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("allocation = \"defined\""), "{said}");
    let tui = migrate_hosts_of_lab1_web(&defined);
    let screen = tui.wait_text("lab2 ✗");
    assert!(screen.contains("allocation = \"defined\""), "{screen}");
}
