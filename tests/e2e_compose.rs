//! End-to-end: composing VMs on the lab from its VM types and images — `vmdeck compose` with
//! the placement table, a VM booting with its cloud-init seed (seen on its console in vmdeck),
//! sets under hard and soft anti-affinity, and an Incus container with its type's limits.

mod pty;

use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl, virsh};

/// Composed VMs change every host's room: tests that place must not interleave.
static PLACING: Mutex<()> = Mutex::new(());

/// Every VM these tests compose: each placing test starts without any of them (a test that
/// failed earlier may have left some) and removes them again when it ends, failed or not.
const MADE_HERE: [&str; 13] = [
    "cmp-seeded",
    "hs-0",
    "hs-1",
    "hs-2",
    "hs-x",
    "ss-0",
    "ss-1",
    "ss-2",
    "ss-x",
    "filler",
    "ui-set-0",
    "ui-set-1",
    "cmp-fail",
];

/// Holds the placing lock with a clean lab, and cleans up on the way out.
struct Placing(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

fn placing() -> Placing {
    let guard = PLACING.lock().unwrap_or_else(|e| e.into_inner());
    remove(&MADE_HERE);
    Placing(guard)
}

impl Drop for Placing {
    fn drop(&mut self) {
        remove(&MADE_HERE);
    }
}

fn vmdeck(lab: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .arg("--config")
        .arg(lab)
        .args(args)
        .output()
        .expect("vmdeck")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn host_uris() -> Vec<(String, String)> {
    (1..=3)
        .map(|n| (format!("lab{n}"), lab_ctl(&["uri", &n.to_string()])))
        .collect()
}

/// Removes the named domains (and their disks and seeds) wherever they are.
fn remove(names: &[&str]) {
    for (_, uri) in host_uris() {
        let listed = virsh(&uri, &["list", "--all", "--name"]);
        for name in names
            .iter()
            .filter(|n| listed.lines().any(|l| l.trim() == **n))
        {
            let _ = Command::new("virsh")
                .args(["-c", &uri, "destroy", name])
                .output();
            virsh(&uri, &["undefine", name, "--remove-all-storage"]);
        }
    }
}

/// The lab host a domain is defined on.
fn host_of(name: &str) -> Option<String> {
    host_uris().into_iter().find_map(|(host, uri)| {
        let listed = virsh(&uri, &["list", "--all", "--name"]);
        listed.lines().any(|l| l.trim() == name).then_some(host)
    })
}

/// `NAME: composed on HOST and started` lines of a compose run.
fn composed_on(out: &str, name: &str) -> Option<String> {
    let prefix = format!("{name}: composed on ");
    out.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_string)
}

#[test]
fn a_composed_vm_boots_with_the_hostname_from_its_cloud_init_seed() {
    let Some(lab) = lab_config() else { return };
    let _placing = placing();
    let dir = tempfile::tempdir().unwrap();
    let user_data = dir.path().join("user-data");
    // A hostname unlike the VM's name: what the guest shows can only come from the seed.
    std::fs::write(&user_data, "#cloud-config\nhostname: from-the-seed-42\n").unwrap();
    let out = vmdeck(
        &lab,
        &[
            "compose",
            "--pool",
            "lab",
            "cmp-seeded",
            "--type",
            "small",
            "--image",
            "lab-busybox",
            "--host",
            "lab2",
            "--user-data",
            user_data.to_str().unwrap(),
            "--yes",
        ],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("cmp-seeded → lab2"), "{said}");
    assert!(said.contains("not the host asked for (lab2)"), "{said}");
    assert_eq!(
        composed_on(&said, "cmp-seeded").as_deref(),
        Some("lab2"),
        "{said}"
    );
    let uri = lab_ctl(&["uri", "2"]);
    let xml = virsh(&uri, &["dumpxml", "cmp-seeded"]);
    assert!(
        xml.contains(r#"type="small""#) && xml.contains(r#"image="lab-busybox""#),
        "{xml}"
    );
    assert!(xml.contains("cmp-seeded-cidata.img"), "{xml}");

    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 140, 40);
    tui.wait_text("cmp-seeded");
    tui.send("/cmp-seeded\r");
    tui.send("c");
    tui.wait_text("attached");
    // The guest may still be booting: ask again until its shell answers.
    let mut seen = Err(String::new());
    for _ in 0..12 {
        tui.send("\x15hostname\r");
        seen = tui.poll_for(Duration::from_secs(5), |s| {
            s.lines()
                .any(|l| l.trim_matches(|c| c == '│' || c == ' ') == "from-the-seed-42")
        });
        if seen.is_ok() {
            break;
        }
    }
    if let Err(screen) = seen {
        panic!("the guest never showed the seed's hostname:\n{screen}");
    }
    tui.send("\x1d");
    tui.send("q");
    drop(tui);
}

#[test]
fn sets_spread_under_hard_anti_affinity_and_soft_falls_back_to_the_emptiest_host() {
    let Some(lab) = lab_config() else { return };
    let _placing = placing();
    let compose = |name: &str, count: Option<&str>, group: &str, host: Option<&str>| {
        let mut args = vec!["compose", "--pool", "lab", name, "--type", "small"];
        args.extend(["--image", "lab-busybox", "--yes"]);
        if !group.is_empty() {
            args.extend(["--group", group]);
        }
        if let Some(count) = count {
            args.extend(["--count", count]);
        }
        if let Some(host) = host {
            args.extend(["--host", host]);
        }
        vmdeck(&lab, &args)
    };
    let hard = compose("hs", Some("3"), "spread-hard", None);
    let said = text(&hard);
    assert!(hard.status.success(), "{said}");
    let mut hosts: Vec<String> = ["hs-0", "hs-1", "hs-2"]
        .iter()
        .map(|n| composed_on(&said, n).unwrap_or_else(|| panic!("{n} not composed: {said}")))
        .collect();
    hosts.sort();
    assert_eq!(hosts, ["lab1", "lab2", "lab3"], "{said}");
    assert_eq!(
        host_of("hs-1").as_deref(),
        composed_on(&said, "hs-1").as_deref()
    );

    let fourth = compose("hs-x", None, "spread-hard", None);
    let said = text(&fourth);
    assert_eq!(fourth.status.code(), Some(1), "{said}");
    assert!(said.contains("hs-x → refused"), "{said}");
    assert!(said.contains("no host fits"), "{said}");
    assert!(
        said.contains("hard anti-affinity: holds hs-0 of group spread-hard"),
        "{said}"
    );
    assert_eq!(host_of("hs-x"), None);

    let soft = compose("ss", Some("3"), "spread-soft", None);
    let said = text(&soft);
    assert!(soft.status.success(), "{said}");
    let mut hosts: Vec<String> = ["ss-0", "ss-1", "ss-2"]
        .iter()
        .filter_map(|n| composed_on(&said, n))
        .collect();
    hosts.sort();
    assert_eq!(hosts, ["lab1", "lab2", "lab3"], "{said}");
    // lab1 gets one more VM, so the emptiest host is not simply the first name.
    let filler = compose("filler", None, "", Some("lab1"));
    assert!(filler.status.success(), "{}", text(&filler));
    let emptiest = emptiest_host(&lab);
    assert_ne!(emptiest, "lab1");
    let fourth = compose("ss-x", None, "spread-soft", None);
    let said = text(&fourth);
    assert!(fourth.status.success(), "{said}");
    assert!(
        said.contains("soft anti-affinity not met: holds ss-"),
        "{said}"
    );
    assert_eq!(composed_on(&said, "ss-x"), Some(emptiest), "{said}");
}

/// The lab host with the most memory left free after one more small VM, ties to the first
/// name — the balance the placement engine keeps, read from `vmdeck capacity`.
fn emptiest_host(lab: &std::path::Path) -> String {
    let out = vmdeck(lab, &["capacity", "--pool", "lab"]);
    assert!(out.status.success(), "{}", text(&out));
    let hosts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let free = |h: &serde_json::Value| {
        let capacity = h["memory_capacity_bytes"].as_f64().unwrap();
        let allocated = h["memory_allocated_bytes"].as_f64().unwrap();
        (capacity - allocated - 128.0 * 1024.0 * 1024.0) / capacity
    };
    let mut best: Option<(f64, String)> = None;
    for host in hosts.as_array().unwrap() {
        let share = (free(host) * 1000.0).floor();
        let name = host["name"].as_str().unwrap().to_string();
        if best
            .as_ref()
            .is_none_or(|(b, n)| share > *b || (share == *b && name < *n))
        {
            best = Some((share, name));
        }
    }
    best.unwrap().1
}

#[test]
fn an_incus_container_composed_from_a_type_gets_its_limits() {
    let Some(lab) = lab_config() else { return };
    let incus = |args: &[&str]| Command::new("incus").args(args).output().expect("incus");
    let _ = incus(&["delete", "--force", "cmp-c1"]);
    let out = vmdeck(
        &lab,
        &[
            "compose",
            "--pool",
            "lab-incus",
            "cmp-c1",
            "--type",
            "medium",
            "--image",
            "busybox",
            "--yes",
        ],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("cmp-c1: composed on"), "{said}");
    let config = String::from_utf8_lossy(&incus(&["config", "show", "cmp-c1"]).stdout).into_owned();
    assert!(config.contains("limits.cpu: \"2\""), "{config}");
    assert!(config.contains("limits.memory: 256MiB"), "{config}");
    assert!(config.contains("user.vmdeck.type: medium"), "{config}");
    assert!(config.contains("cloud-init.user-data"), "{config}");
    let state =
        String::from_utf8_lossy(&incus(&["list", "--format", "csv", "-c", "s", "^cmp-c1$"]).stdout)
            .into_owned();
    assert_eq!(state.trim(), "RUNNING");
    let _ = incus(&["delete", "--force", "cmp-c1"]);
}

#[test]
fn images_lists_the_lab_image_on_every_host_and_incus_aliases() {
    let Some(lab) = lab_config() else { return };
    let out = vmdeck(&lab, &["images", "--output", "json"]);
    assert!(out.status.success(), "{}", text(&out));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    for host in ["lab1", "lab2", "lab3"] {
        assert!(
            rows.iter().any(|r| r["pool"] == "lab"
                && r["host"] == host
                && r["name"] == "lab-busybox"
                && r["format"] == "qcow2"),
            "{rows:?}"
        );
    }
    assert!(
        rows.iter()
            .any(|r| r["pool"] == "lab-incus" && r["name"] == "busybox")
    );
}

#[test]
fn the_compose_form_composes_a_set_and_scale_removes_its_last_member() {
    let Some(lab) = lab_config() else { return };
    let _placing = placing();
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 48);
    tui.wait_text("hosts 6/6 up");
    tui.send(":vms lab\r");
    tui.send(":compose ui-set --type small --image lab-busybox --count 2 --group spread-hard\r");
    let screen = tui.wait_for("the preview", Duration::from_secs(20), |s| {
        s.contains("placement preview") && s.contains("ui-set-1 → lab")
    });
    assert!(
        screen.contains("hard anti-affinity: holds ui-set-0"),
        "{screen}"
    );
    tui.send("\x13");
    let question = tui.wait_text("Compose 2 VMs (ui-set-0 → ");
    assert!(question.contains("[y/N]"), "{question}");
    tui.send("y");
    tui.send("/ui-set\r");
    tui.wait_for("both running", Duration::from_secs(90), |s| {
        s.lines()
            .filter(|l| l.contains("ui-set-") && l.contains("running"))
            .count()
            == 2
    });
    let (first, second) = (host_of("ui-set-0"), host_of("ui-set-1"));
    assert!(first.is_some() && second.is_some() && first != second);

    tui.send(":scale 1\r");
    // A running member deleted: the question lists it and wants the count typed.
    let question = tui.wait_text("Type 1 (running ones) to confirm:");
    assert!(question.contains("delete ui-set-1 on"), "{question}");
    tui.send("1\r");
    tui.wait_for("ui-set-1 gone", Duration::from_secs(60), |s| {
        !s.contains("│ui-set-1 ") && s.contains("│ui-set-0 ")
    });
    assert_eq!(host_of("ui-set-1"), None);
    tui.send("O");
    tui.wait_for("operations done", Duration::from_secs(30), |s| {
        s.lines()
            .any(|l| l.contains("compose") && l.contains("ui-set-0") && l.contains("done"))
            && s.lines()
                .any(|l| l.contains("delete") && l.contains("ui-set-1") && l.contains("done"))
    });
    drop(tui);
}

#[test]
fn an_incus_cluster_instance_is_created_on_the_member_placement_chose() {
    let Some(lab) = lab_config() else { return };
    let dir = lab_ctl(&["config"]).replace("vmdeck.toml", "incus-cluster/node1");
    let cluster = |args: &[&str]| {
        let out = Command::new("incus")
            .env("INCUS_DIR", &dir)
            .args(args)
            .output()
            .expect("incus");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    cluster(&["delete", "--force", "cmp-k1"]);
    let out = vmdeck(
        &lab,
        &[
            "compose",
            "--pool",
            "lab-cluster",
            "cmp-k1",
            "--type",
            "small",
            "--image",
            "busybox",
            "--host",
            "node2",
            "--yes",
        ],
    );
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("node1          rejected") && said.contains("not the host asked for (node2)"),
        "{said}"
    );
    assert_eq!(
        composed_on(&said, "cmp-k1").as_deref(),
        Some("node2"),
        "{said}"
    );
    assert_eq!(
        cluster(&["list", "^cmp-k1$", "-c", "sL", "-f", "csv"]),
        "RUNNING,node2"
    );
    cluster(&["delete", "--force", "cmp-k1"]);
}

#[test]
fn a_compose_that_fails_part_way_leaves_nothing_behind() {
    let Some(lab) = lab_config() else { return };
    let _placing = placing();
    // A network no lab host has: the domain defines, then cannot start.
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(&lab).unwrap();
    let broken = original.replacen(
        "image_pool = \"images\"",
        "image_pool = \"images\"\nnetwork = \"no-such-network\"",
        1,
    );
    assert_ne!(
        broken, original,
        "the lab config has no image_pool line to extend"
    );
    let config = dir.path().join("vmdeck.toml");
    std::fs::write(&config, broken).unwrap();
    let out = vmdeck(
        &config,
        &[
            "compose",
            "--pool",
            "lab",
            "cmp-fail",
            "--type",
            "small",
            "--image",
            "lab-busybox",
            "--host",
            "lab1",
            "--yes",
        ],
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("could not start"), "{said}");
    assert!(
        said.contains("removed what was made: the domain, cmp-fail-cidata.img, cmp-fail.qcow2"),
        "{said}"
    );
    assert_eq!(host_of("cmp-fail"), None);
    let volumes = virsh(&lab_ctl(&["uri", "1"]), &["vol-list", "default"]);
    assert!(!volumes.contains("cmp-fail"), "{volumes}");
}
