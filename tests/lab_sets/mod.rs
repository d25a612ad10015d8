//! What the lab's set tests share: the lab's libvirt hosts, the lab's config with a test's
//! own placement group, vmdeck run without a terminal, and removing a set's members (with
//! their disks and seeds) wherever they are.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use super::pty::{lab_ctl, virsh};

/// The lab's libvirt hosts: name and uri.
pub fn host_uris() -> Vec<(String, String)> {
    (1..=3)
        .map(|n| (format!("lab{n}"), lab_ctl(&["uri", &n.to_string()])))
        .collect()
}

pub fn uri_of(host: &str) -> String {
    let found = host_uris().into_iter().find(|(name, _)| name == host);
    found.map(|(_, uri)| uri).unwrap()
}

/// `set`'s members `set-0` … `set-(count - 1)`.
pub fn members(set: &str, count: u32) -> Vec<String> {
    (0..count).map(|i| format!("{set}-{i}")).collect()
}

/// Removes the domains named `names` wherever they are, with their disks and seeds (an
/// undefined member leaves its volumes behind).
pub fn remove_domains(names: &[String]) {
    for (_, uri) in host_uris() {
        let listed = virsh(&uri, &["list", "--all", "--name"]);
        for name in names {
            if listed.lines().any(|l| l.trim() == name) {
                let _ = Command::new("virsh")
                    .args(["-c", &uri, "destroy", name])
                    .output();
                let _ = Command::new("virsh")
                    .args(["-c", &uri, "undefine", name, "--remove-all-storage"])
                    .output();
            }
            for volume in [format!("{name}.qcow2"), format!("{name}-cidata.img")] {
                let args = ["-c", &uri, "vol-delete", "--pool", "default", &volume];
                let _ = Command::new("virsh").args(args).output();
            }
        }
    }
}

/// Runs its closure when dropped: what a test made goes, even when the test fails.
pub struct OnDrop<F: FnMut()>(pub F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// The lab's config in `dir`, with a placement group of the test's own in pool `lab`
/// (`group`: the group's lines after `[[pool.placement_group]]`), so that other tests' VMs
/// never take its hosts.
pub fn config_with_group(lab: &Path, dir: &Path, group: &str) -> PathBuf {
    let text = std::fs::read_to_string(lab).unwrap();
    let anchor = "[[pool.placement_group]]\nname = \"spread-hard\"";
    assert!(text.contains(anchor), "the lab config has changed");
    let own = format!("[[pool.placement_group]]\n{group}\n\n{anchor}");
    let path = dir.join("vmdeck.toml");
    std::fs::write(&path, text.replacen(anchor, &own, 1)).unwrap();
    path
}

/// A hard anti-affinity group's lines, for [`config_with_group`].
pub fn hard_anti_affinity(name: &str) -> String {
    format!("name = \"{name}\"\npolicy = \"vm-anti-affinity\"\nenforcement = \"hard\"")
}

/// vmdeck without a terminal on stdin, its audit log under `data`.
pub fn vmdeck(config: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env("XDG_DATA_HOME", data)
        .stdin(Stdio::null())
        .output()
        .expect("vmdeck")
}

/// Its stdout, then its stderr.
pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `NAME: composed on HOST and started` → HOST.
pub fn composed_on(out: &str, name: &str) -> String {
    let prefix = format!("{name}: composed on ");
    out.lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("{name} not composed:\n{out}"))
        .to_string()
}
