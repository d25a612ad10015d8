//! End-to-end: real-time VMs on the lab. A VM composed from a real-time type gets the
//! `<cputune>` the type asks for, inside its slice's CPUs, and `vmdeck rt-check` passes it; a
//! VM defined behind vmdeck's back with a real-time scheduler and no emulatorpin is a
//! violation (exit 1) and on screen (its row in the VM list flagged `RT!n`, the rule in
//! `:rt`); a host that does not answer is named (exit 2).
//!
//! The lab's hosts are session libvirtd daemons on a 2-CPU machine (one node, no
//! hyperthreads): the slice `/machine/rt` is CPUs 0-1 with CPU 0 for housekeeping, so a
//! 1-vCPU real-time VM gets CPU 1 and its emulator CPU 0. A session daemon has no
//! CAP_SYS_NICE: it defines such a domain but refuses to start it ("Cannot set scheduler
//! parameters … Operation not permitted"), so the VM is composed with --no-start, and a
//! compose that starts must fail with that reason and leave nothing behind.

mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl, virsh};

/// The tests judge every VM of the lab's hosts: one at a time.
static CHECKING: Mutex<()> = Mutex::new(());

const MADE_HERE: [&str; 2] = ["rt-e2e", "rt-e2e-bad"];

/// Holds the lock with none of this file's VMs on the lab, and removes them on the way out.
struct Checking(#[allow(dead_code)] std::sync::MutexGuard<'static, ()>);

fn checking() -> Checking {
    let guard = CHECKING.lock().unwrap_or_else(|e| e.into_inner());
    remove();
    Checking(guard)
}

impl Drop for Checking {
    fn drop(&mut self) {
        remove();
    }
}

fn uris() -> Vec<(String, String)> {
    (1..=3)
        .map(|n| (format!("lab{n}"), lab_ctl(&["uri", &n.to_string()])))
        .collect()
}

fn remove() {
    for (_, uri) in uris() {
        let listed = virsh(&uri, &["list", "--all", "--name"]);
        for name in MADE_HERE
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

/// The lab's libvirt hosts as one pool with the real-time slice and an RT type (SEAPATH's
/// shape: fifo priority 1, the emulator on housekeeping, each vCPU alone on its core).
fn rt_config(dir: &Path, hosts: &[(String, String)]) -> PathBuf {
    let hosts: Vec<String> = hosts
        .iter()
        .map(|(name, uri)| format!("{{ name = \"{name}\", uri = \"{uri}\" }}"))
        .collect();
    let text = format!(
        "[[pool]]\nname = \"rtlab\"\nhosts = [{}]\nvirt_type = \"qemu\"\nimage_pool = \"images\"\n\
         [[pool.partition]]\nname = \"/machine/rt\"\ncpus = \"0-1\"\nhousekeeping = \"0\"\n\
         [[vm_type]]\nname = \"rt\"\nvcpus = 1\nmemory = \"128MiB\"\ndisk = \"1GiB\"\n\
         partition = \"/machine/rt\"\nvcpusched = \"fifo\"\npriority = 1\nisolate = \"core\"\n",
        hosts.join(", ")
    );
    let path = dir.join("rt.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn vmdeck(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .arg("--config")
        .arg(config)
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

fn compose(config: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "compose",
        "--pool",
        "rtlab",
        "rt-e2e",
        "--type",
        "rt",
        "--image",
        "lab-busybox",
        "--yes",
    ];
    args.extend(extra);
    vmdeck(config, &args)
}

/// One attribute of each element `tag` of `xml`.
fn attrs(xml: &str, tag: &str, attr: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .filter_map(|n| n.attribute(attr).map(str::to_string))
        .collect()
}

/// The rt-check rows (JSON) of the VM `name`: each rule with its verdict.
fn verdicts(out: &Output, name: &str) -> Vec<(String, String)> {
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["vm"] == name)
        .unwrap_or_else(|| panic!("{name} not checked: {rows:#}"));
    row["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn an_rt_type_composes_its_cputune_inside_the_slice_and_passes_the_check() {
    let Some(_lab) = lab_config() else { return };
    let _checking = checking();
    let dir = tempfile::tempdir().unwrap();
    let hosts = uris();
    let config = rt_config(dir.path(), &hosts);

    // Starting needs SCHED_FIFO, which a session daemon may not grant: then compose says so
    // and removes what it made.
    let started = compose(&config, &[]);
    let said = text(&started);
    if started.status.success() {
        eprintln!("this lab starts real-time domains: {said}");
    } else {
        assert!(said.contains("defined but could not start"), "{said}");
        assert!(said.contains("Cannot set scheduler parameters"), "{said}");
        assert!(said.contains("CAP_SYS_NICE"), "{said}");
        assert!(said.contains("removed what was made: the domain"), "{said}");
    }
    remove();

    let out = compose(&config, &["--no-start"]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(said.contains("vCPUs on 1; emulator on 0"), "{said}");
    let host = said
        .lines()
        .find_map(|l| l.strip_prefix("rt-e2e: composed on "))
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("{said}"));
    let uri = &hosts.iter().find(|(h, _)| h == host).unwrap().1;
    let xml = virsh(uri, &["dumpxml", "rt-e2e"]);
    assert_eq!(attrs(&xml, "vcpupin", "cpuset"), ["1"], "{xml}");
    assert_eq!(attrs(&xml, "emulatorpin", "cpuset"), ["0"], "{xml}");
    assert_eq!(attrs(&xml, "vcpusched", "scheduler"), ["fifo"], "{xml}");
    assert_eq!(attrs(&xml, "vcpusched", "priority"), ["1"], "{xml}");
    assert_eq!(attrs(&xml, "memory", "nodeset"), ["0"], "{xml}");
    assert!(xml.contains("<partition>/machine/rt</partition>"), "{xml}");

    let check = vmdeck(
        &config,
        &["rt-check", "--pool", "rtlab", "--output", "json"],
    );
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    let rules = verdicts(&check, "rt-e2e");
    assert!(rules.iter().all(|(_, v)| v == "ok"), "{rules:?}");
    assert_eq!(rules.len(), 6, "{rules:?}");
    let table = vmdeck(&config, &["rt-check", "--pool", "rtlab"]);
    let said = text(&table);
    assert!(
        said.contains("1 VM in a slice or under a real-time scheduler, 0 with violations"),
        "{said}"
    );

    // The console's VM list flags it clean from the inventory, with no view opened first.
    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 80, 24);
    tui.wait_text("hosts 3/3 up");
    tui.send("/rt-e2e\r");
    tui.wait_for("rt-e2e flagged RT✓", Duration::from_secs(30), |s| {
        s.lines()
            .any(|l| l.contains("rt-e2e ") && l.contains("RT✓"))
    });
    tui.send(":q\r");
}

#[test]
fn a_vm_defined_behind_vmdecks_back_without_emulatorpin_is_a_violation() {
    let Some(_lab) = lab_config() else { return };
    let _checking = checking();
    let dir = tempfile::tempdir().unwrap();
    let hosts = uris();
    let config = rt_config(dir.path(), &hosts);
    let xml = dir.path().join("bad.xml");
    std::fs::write(
        &xml,
        "<domain type='qemu'><name>rt-e2e-bad</name><memory unit='MiB'>64</memory>\
         <vcpu placement='static'>1</vcpu><cputune><vcpupin vcpu='0' cpuset='1'/>\
         <vcpusched vcpus='0' scheduler='fifo' priority='1'/></cputune>\
         <resource><partition>/machine/rt</partition></resource>\
         <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>",
    )
    .unwrap();
    // Defined while the console runs: the host's event places it, and its row is flagged.
    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 160, 48);
    tui.wait_text("hosts 3/3 up");
    tui.send("/rt-e2e\r");
    virsh(&hosts[2].1, &["define", xml.to_str().unwrap()]);
    let screen = tui.wait_for("rt-e2e-bad flagged RT!", Duration::from_secs(30), |s| {
        s.lines()
            .any(|l| l.contains("rt-e2e-bad") && l.contains("RT!"))
    });
    assert!(
        screen.contains("RT  "),
        "the list has its RT column: {screen}"
    );

    let check = vmdeck(
        &config,
        &["rt-check", "--pool", "rtlab", "--output", "json"],
    );
    assert_eq!(check.status.code(), Some(1), "{}", text(&check));
    let rules = verdicts(&check, "rt-e2e-bad");
    assert!(
        rules.contains(&("emulator-pinned".into(), "violation".into())),
        "{rules:?}"
    );
    let table = text(&vmdeck(&config, &["rt-check", "--pool", "rtlab"]));
    let line = table
        .lines()
        .find(|l| l.contains("rt-e2e-bad") && l.contains("emulator-pinned"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        line.contains("violation") && line.contains("without <emulatorpin>"),
        "{line}"
    );

    // And on screen: `:rt` in the console says which rule.
    tui.send(":rt\r");
    let screen = tui.wait_for("rt-e2e-bad's violation", Duration::from_secs(30), |s| {
        s.lines()
            .any(|l| l.contains("emulator-pinned") && l.contains("violation"))
    });
    assert!(screen.contains("rt-e2e-bad"), "{screen}");
    assert!(screen.contains("without <emulatorpin>"), "{screen}");
    tui.send(":q\r");
}

/// A host that does not answer is named, and the check is not called clean.
#[test]
fn a_host_that_does_not_answer_makes_the_check_incomplete() {
    let Some(_lab) = lab_config() else { return };
    let dir = tempfile::tempdir().unwrap();
    let mut hosts = uris();
    hosts.truncate(1);
    hosts.push((
        "gone".into(),
        format!(
            "qemu+unix:///session?socket={}/none.sock",
            dir.path().display()
        ),
    ));
    let config = rt_config(dir.path(), &hosts);
    let check = vmdeck(&config, &["rt-check", "--pool", "rtlab"]);
    let said = text(&check);
    assert_eq!(check.status.code(), Some(2), "{said}");
    assert!(said.contains("rtlab/gone: not checked:"), "{said}");
}
