//! End-to-end on the lab: a set member's spec rewritten in place (`sets::execute::restamp`),
//! on a running libvirt domain (its live and persistent definitions both) and on an Incus
//! container, keeping the rest of the stamp; the TUI's sets view follows the libvirt change
//! through the metadata-change event, without a reconnect.

mod pty;

use std::process::Command;

use pty::{Tui, lab_config, lab_ctl, virsh};
use vmdeck::model::set::SetSpec;

const LONG: std::time::Duration = std::time::Duration::from_secs(60);

const DOMAIN: &str = "e2e-restamp-0";
const CONTAINER: &str = "e2e-restamp-c-0";
const NS: &str = "https://vmdeck.dev/xmlns/vm/1";

fn pool(name: &str) -> vmdeck::config::PoolConfig {
    let path = lab_config().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let config = vmdeck::config::parse_config(&text, &path.display().to_string()).unwrap();
    config.pools.into_iter().find(|p| p.name == name).unwrap()
}

fn spec(replicas: u32, generation: u64) -> SetSpec {
    SetSpec {
        replicas,
        vm_type: "small".into(),
        image: "lab-busybox".into(),
        heal: true,
        cooldown_secs: Some(30),
        generation,
        ..SetSpec::default()
    }
}

/// A diskless domain (it runs in the firmware, which is all a stamp needs), stamped as
/// member 0 of a set of 3.
fn domain_xml() -> String {
    format!(
        "<domain type='qemu'><name>{DOMAIN}</name><memory unit='MiB'>32</memory>\
         <vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>\
         <metadata><vmdeck:vm xmlns:vmdeck='{NS}' type='small' set='e2e-restamp' \
         image='lab-busybox' set-replicas='3' set-type='small' set-image='lab-busybox' \
         set-generation='1'/></metadata><devices/></domain>"
    )
}

/// The DESIRED column of the set's row in the sets view.
fn desired(screen: &str) -> Option<&str> {
    let row = screen.lines().find(|l| l.starts_with("│e2e-restamp "))?;
    row.split_whitespace().nth(2)
}

/// Removes the test's domain (on lab1) or container, also when the test fails.
enum Remove {
    Domain,
    Container,
}

impl Drop for Remove {
    fn drop(&mut self) {
        let run = |program: &str, args: &[&str]| {
            let _ = Command::new(program).args(args).output();
        };
        match self {
            Remove::Domain => {
                let uri = lab_ctl(&["uri", "1"]);
                run("virsh", &["-c", &uri, "destroy", DOMAIN]);
                run("virsh", &["-c", &uri, "undefine", DOMAIN]);
            }
            Remove::Container => run("incus", &["delete", "--force", CONTAINER]),
        }
    }
}

#[test]
fn a_running_domains_set_spec_is_restamped_live_and_persistent() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "1"]);
    drop(Remove::Domain);
    let _cleanup = Remove::Domain;
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), domain_xml()).unwrap();
    virsh(&uri, &["define", file.path().to_str().unwrap()]);
    virsh(&uri, &["start", DOMAIN]);

    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 48);
    tui.wait_text("lab1");
    tui.send(":sets lab\r");
    tui.wait_for("the set of 3", LONG, |s| desired(s) == Some("3"));

    vmdeck::sets::execute::restamp(&pool("lab"), "lab1", DOMAIN, &spec(2, 5)).unwrap();
    for side in ["--live", "--config"] {
        let stamp = virsh(&uri, &["metadata", DOMAIN, NS, side]);
        for attr in [
            "set-replicas=\"2\"",
            "set-heal=\"auto\"",
            "set-cooldown=\"30\"",
            "set-generation=\"5\"",
            "set=\"e2e-restamp\"",
            "type=\"small\"",
        ] {
            assert!(stamp.contains(attr), "{side} lacks {attr}: {stamp}");
        }
    }
    // The view follows the event: the newest spec's count is the desired one.
    tui.wait_for("the set of 2", LONG, |s| desired(s) == Some("2"));
    let refused = vmdeck::sets::execute::restamp(&pool("lab"), "lab1", "lab1-web", &spec(2, 6));
    assert!(refused.is_err(), "a VM in no set is not restamped");
}

#[test]
fn an_incus_members_set_spec_is_restamped_keeping_its_config() {
    if lab_config().is_none() {
        return;
    }
    drop(Remove::Container);
    let _cleanup = Remove::Container;
    let made = Command::new("incus")
        .args(["create", "--empty", CONTAINER])
        .args(["-c", "user.vmdeck.set=e2e-restamp-c", "-c", "limits.cpu=1"])
        .args([
            "-c",
            "user.vmdeck.set-replicas=3",
            "-c",
            "user.vmdeck.set-max=5",
        ])
        .args(["-c", "user.vmdeck.set-generation=1"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let incus_pool = pool("lab-incus");
    let host = incus_pool.hosts[0].name.clone();
    vmdeck::sets::execute::restamp(&incus_pool, &host, CONTAINER, &spec(4, 7)).unwrap();
    let get = |key: &str| {
        let out = Command::new("incus")
            .args(["config", "get", CONTAINER, key])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    assert_eq!(get("user.vmdeck.set-replicas"), "4");
    assert_eq!(get("user.vmdeck.set-heal"), "auto");
    assert_eq!(get("user.vmdeck.set-generation"), "7");
    assert_eq!(
        get("user.vmdeck.set-max"),
        "",
        "a field the spec drops is dropped"
    );
    assert_eq!(get("user.vmdeck.set"), "e2e-restamp-c");
    assert_eq!(get("limits.cpu"), "1");
}
