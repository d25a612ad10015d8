//! End-to-end on the lab: a libvirt set of 2 composed from one user-data template with
//! `hostname: {{name}}` and a file holding `{{index}}` of `{{set}}`; each member's console in
//! the real binary shows its own hostname and index. Then member 1 is undefined behind
//! vmdeck's back without its disks: the heal plan says its root disk is reused and its seed
//! written afresh from the set's stamped template, the heal does so, and the member's console
//! shows its own name and index again.
//!
//! The lab's busybox guest has no cloud-init: it applies user-data's `hostname:` only and keeps
//! a copy of the seed's user-data in /run/cloud-init, which the test reads from the console.

mod lab_sets;
mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use lab_sets::{OnDrop, composed_on, config_with_group, host_uris, text};
use pty::{Tui, lab_config, virsh};

const SET: &str = "e2e-set-pi";
/// A group of this test's own that keeps the set on one host, so that a recreated member
/// comes back where its old disks are.
const GROUP: &str = "e2e-set-pi-here";
const HOST: &str = "lab3";
const LONG: Duration = Duration::from_secs(60);
const TEMPLATE: &str = "#cloud-config\nhostname: {{name}}\nwrite_files:\n  - path: /etc/member\n    content: \"member {{index}} of {{set}}\"\n";

fn members() -> Vec<String> {
    lab_sets::members(SET, 2)
}

fn remove_all() {
    lab_sets::remove_domains(&members());
}

/// The lab's config with this test's own host-affinity group in pool `lab`.
fn config(lab: &Path, dir: &Path) -> PathBuf {
    let group = format!(
        "name = \"{GROUP}\"\npolicy = \"host-affinity\"\nenforcement = \"hard\"\nhosts = [\"{HOST}\"]"
    );
    config_with_group(lab, dir, &group)
}

fn vmdeck(config: &Path, args: &[&str]) -> Output {
    lab_sets::vmdeck(config, config.parent().unwrap(), args)
}

/// Opens `vm`'s console in vmdeck and has the guest say its hostname and the member line of
/// its seed's user-data; the console pane's lines once they hold every line of `expect`.
fn console_says(config: &Path, vm: &str, expect: &[&str]) -> Vec<String> {
    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 140, 48);
    tui.wait_text("vms [");
    tui.send(&format!("/{vm}\r"));
    tui.wait_for("the member listed", LONG, |s| {
        s.contains(&format!("│{vm} "))
    });
    tui.send("c");
    let attached = |s: &str| s.contains(&format!("{vm} @")) && s.contains("attached");
    let screen = tui.wait_for("attached or asked", LONG, |s| {
        attached(s) || s.contains("Take it over?")
    });
    if !attached(&screen) {
        tui.send("y");
        tui.wait_for("attached", LONG, attached);
    }
    // The guest may still be booting: ask until it answers.
    let answered = |s: &str| expect.iter().all(|e| pane_lines(s).iter().any(|l| l == e));
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        // Ctrl-C first: a line typed while the guest was booting may have left half a command.
        tui.send("\x03");
        tui.send("hostname; grep -o member.[0-9]*.of.[a-z0-9-]* /run/cloud-init/user-data\r");
        if let Ok(screen) = tui.poll_for(Duration::from_secs(5), answered) {
            return pane_lines(&screen);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{vm}'s console never said {expect:?}:\n{}",
            tui.screen()
        );
    }
}

/// The console pane's lines, trimmed of the box.
fn pane_lines(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.contains(" @ "))
        .map(|l| l.trim_matches(['│', ' ']).to_string())
        .collect()
}

#[test]
fn each_member_boots_with_its_own_hostname_and_index_and_a_recreated_one_reuses_its_disk() {
    let Some(lab) = lab_config() else { return };
    remove_all();
    let _cleanup = OnDrop(remove_all);
    let dir = tempfile::tempdir().unwrap();
    let config = config(&lab, dir.path());
    let user_data = dir.path().join("member.yaml");
    std::fs::write(&user_data, TEMPLATE).unwrap();
    let out = vmdeck(
        &config,
        &[
            "compose",
            "--pool",
            "lab",
            SET,
            "--type",
            "small",
            "--image",
            "lab-busybox",
            "--count",
            "2",
            "--group",
            GROUP,
            "--user-data",
            user_data.to_str().unwrap(),
            "--yes",
        ],
    );
    let composed = text(&out);
    assert!(out.status.success(), "{composed}");
    let hosts: Vec<String> = members()
        .iter()
        .map(|m| composed_on(&composed, m))
        .collect();
    assert_eq!(hosts, [HOST, HOST], "{composed}");
    // The lab's guests run no QEMU guest agent: ready is running, and says so.
    let status = set_json(&config, "lab", SET);
    let ready = ["running", "ready", "ready_unverified"].map(|k| status[k].as_u64());
    assert_eq!(ready, [Some(2); 3], "{status}");
    for (index, name) in members().iter().enumerate() {
        let own = format!("member {index} of {SET}");
        console_says(&config, name, &[name, &own]);
    }

    // Member 1 undefined behind vmdeck's back, its disks left in the pool.
    let m1 = format!("{SET}-1");
    let uri = host_uris()
        .into_iter()
        .find(|(h, _)| *h == hosts[1])
        .unwrap()
        .1;
    virsh(&uri, &["destroy", &m1]);
    virsh(&uri, &["undefine", &m1]);
    let volumes = virsh(&uri, &["vol-list", "--pool", "default"]);
    assert!(volumes.contains(&format!("{m1}.qcow2")), "{volumes}");

    let out = vmdeck(
        &config,
        &["sets", "heal", "--pool", "lab", SET, "--dry-run"],
    );
    let plan = text(&out);
    assert!(out.status.success(), "{plan}");
    let recreate = plan
        .lines()
        .find(|l| l.trim().starts_with(&format!("recreate {m1} on ")))
        .unwrap_or_else(|| panic!("no recreate step:\n{plan}"));
    assert!(
        recreate.contains(&format!("recreate {m1} on {HOST};")),
        "{plan}"
    );
    assert!(
            recreate.contains(&format!(
                "{m1}.qcow2, {m1}-cidata.img left by an earlier {m1}: its root disk is reused, its seed written afresh"
            )),
        "{plan}"
    );
    // The set's template is stamped with its spec: the new member is made from it too.
    assert!(!recreate.contains("default template"), "{plan}");

    let out = vmdeck(&config, &["sets", "heal", "--pool", "lab", SET, "--yes"]);
    let healed = text(&out);
    assert!(out.status.success(), "{healed}");
    assert!(
        healed.contains(&format!(
            "{m1}: reusing {m1}.qcow2, left by an earlier {m1}"
        )),
        "{healed}"
    );
    assert!(
        healed.contains(&format!("{m1}: compose on {HOST}: done")),
        "{healed}"
    );
    // Heal composes from the set's own template, stamped on its members: the member's own
    // name and index again, from a seed written afresh.
    let own = format!("member 1 of {SET}");
    console_says(&config, &m1, &[&m1, &own]);
}

/// The figures `vmdeck sets --output json` gives the set `name` of `pool`.
fn set_json(config: &Path, pool: &str, name: &str) -> serde_json::Value {
    let out = vmdeck(config, &["sets", "--pool", pool, "--output", "json"]);
    let sets: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    sets.as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no set {name}: {sets}"))
        .clone()
}

fn incus_get(name: &str, key: &str) -> String {
    let out = Command::new("incus")
        .args(["config", "get", name, key])
        .output()
        .expect("incus");
    String::from_utf8_lossy(&out.stdout).trim_end().to_string()
}

fn remove_incus(names: &[String]) {
    for name in names {
        let _ = Command::new("incus")
            .args(["delete", "--force", name])
            .output();
    }
}

struct IncusCleanup(Vec<String>);

impl Drop for IncusCleanup {
    fn drop(&mut self) {
        remove_incus(&self.0);
    }
}

/// The lab's Incus containers run no cloud-init (busybox; Incus names them itself), so what
/// is checked is what Incus was given: each member's own `cloud-init.user-data`, from its own
/// file per index, and the template's digest in the spec. Containers report their processes:
/// ready is known, not guessed.
#[test]
fn an_incus_set_gives_each_member_its_own_file_per_index() {
    let Some(lab) = lab_config() else { return };
    let set = "e2e-set-pi-i";
    let names: Vec<String> = (0..2).map(|i| format!("{set}-{i}")).collect();
    remove_incus(&names);
    let _cleanup = IncusCleanup(names.clone());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("vmdeck.toml");
    std::fs::copy(&lab, &config).unwrap();
    let file = dir.path().join("ud.yaml");
    std::fs::write(&file, TEMPLATE).unwrap();
    for i in 0..2 {
        let own = format!(
            "#cloud-config\nhostname: {{{{name}}}}\nruncmd: [\"echo own file {i} of {{{{set}}}}\"]\n"
        );
        std::fs::write(dir.path().join(format!("ud.yaml.{i}")), own).unwrap();
    }
    let out = vmdeck(
        &config,
        &[
            "compose",
            "--pool",
            "lab-incus",
            set,
            "--type",
            "small",
            "--image",
            "busybox",
            "--count",
            "2",
            "--user-data",
            file.to_str().unwrap(),
            "--yes",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    for (i, name) in names.iter().enumerate() {
        assert_eq!(
            incus_get(name, "cloud-init.user-data"),
            format!("#cloud-config\nhostname: {name}\nruncmd: [\"echo own file {i} of {set}\"]")
        );
    }
    let digest = Command::new("sha256sum").arg(&file).output().unwrap();
    let digest = String::from_utf8_lossy(&digest.stdout);
    assert_eq!(
        incus_get(&names[1], "user.vmdeck.set-user-data"),
        digest.split_whitespace().next().unwrap()
    );
    let status = set_json(&config, "lab-incus", set);
    assert_eq!(
        (
            status["ready"].as_u64(),
            status["ready_unverified"].as_u64()
        ),
        (Some(2), Some(0)),
        "{status}"
    );

    // A set of 3 from the same files has no ud.yaml.2: refused before anything is placed.
    let out = vmdeck(
        &config,
        &[
            "compose",
            "--pool",
            "lab-incus",
            "e2e-set-pi-j",
            "--type",
            "small",
            "--image",
            "busybox",
            "--count",
            "3",
            "--user-data",
            file.to_str().unwrap(),
        ],
    );
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    let path = file.display();
    assert!(
        said.contains(&format!(
            "{path}.2 is missing for e2e-set-pi-j-2 (files per index exist: {path}.0, {path}.1)"
        )),
        "{said}"
    );
}
