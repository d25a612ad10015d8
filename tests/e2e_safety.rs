//! End-to-end on the lab, through the real binary: questions that are safe. Enter at a
//! scale-down deletes nothing and the typed count does; an action that cannot succeed is
//! refused before any question and no call reaches libvirt; a clone's name with markup is
//! just a name. Every domain made here has a name of its own and is removed at the end.

mod pty;

use std::process::Command;
use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl, virsh};

const LONG: Duration = Duration::from_secs(60);

/// Removes these domains from lab1 (with their storage), whatever state they are in.
struct Remove(Vec<String>);

impl Drop for Remove {
    fn drop(&mut self) {
        let uri = lab_ctl(&["uri", "1"]);
        for name in &self.0 {
            let _ = Command::new("virsh")
                .args(["-c", &uri, "undefine", name, "--remove-all-storage"])
                .output();
        }
    }
}

fn names_on_lab1() -> Vec<String> {
    let listed = virsh(&lab_ctl(&["uri", "1"]), &["list", "--all", "--name"]);
    listed.lines().map(str::to_string).collect()
}

/// A shut-off, diskless domain stamped as member `index` of set `set`.
fn define_member(set: &str, index: u32) -> String {
    let name = format!("{set}-{index}");
    let xml = format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>64</memory>\
         <metadata><vmdeck:vm xmlns:vmdeck='https://vmdeck.dev/xmlns/vm/1' type='small' \
         image='lab-busybox' set='{set}'/></metadata><os><type>hvm</type></os></domain>"
    );
    let file = std::env::temp_dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    virsh(&lab_ctl(&["uri", "1"]), &["define", file.to_str().unwrap()]);
    name
}

#[test]
fn enter_at_a_scale_down_deletes_nothing_and_the_typed_count_does() {
    let Some(lab) = lab_config() else { return };
    let set = format!("sx{}", std::process::id());
    let members: Vec<String> = (0..3).map(|i| define_member(&set, i)).collect();
    let _remove = Remove(members.clone());
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 48);
    tui.wait_text(&members[2]);
    tui.send(&format!("/{set}-0\r"));
    tui.send(":scale 1\r");
    let screen = tui.wait_text("Type 2 (how many) to confirm:");
    assert!(
        screen.contains(&format!("Scale set {set} 3 → 1: delete 2 VMs")),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("{set}-2 on lab1"))
            && screen.contains(&format!("{set}-1 on lab1")),
        "the question lists the VMs with their hosts: {screen}"
    );
    tui.send("\r");
    tui.wait_text("cancelled; nothing was done");
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        members.iter().all(|m| names_on_lab1().contains(m)),
        "Enter deleted nothing"
    );
    tui.send(":scale 1\r");
    tui.wait_text("Type 2 (how many) to confirm:");
    tui.send("2\r");
    tui.wait_for("the two highest gone", LONG, |_| {
        let names = names_on_lab1();
        names.contains(&members[0]) && !names.contains(&members[1]) && !names.contains(&members[2])
    });
}

/// Every public libvirt call of the vmdeck process goes to `log`.
fn api_log(log: &std::path::Path) -> Vec<(&'static str, String)> {
    vec![
        ("LIBVIRT_LOG_FILTERS", "1:libvirt 4:*".to_string()),
        ("LIBVIRT_LOG_OUTPUTS", format!("1:file:{}", log.display())),
    ]
}

#[test]
fn shutting_down_a_shut_off_vm_is_refused_before_any_question_or_call() {
    let Some(lab) = lab_config() else { return };
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("api.log");
    let env = api_log(&log);
    let config = home.path().join("config").display().to_string();
    let data = home.path().join("data").display().to_string();
    let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    all.extend([
        ("XDG_CONFIG_HOME", config.as_str()),
        ("XDG_DATA_HOME", data.as_str()),
    ]);
    let args = ["--config", lab.to_str().unwrap()];
    let mut tui = Tui::spawn_program(env!("CARGO_BIN_EXE_vmdeck"), &args, &all, 140, 40);
    tui.wait_text("lab1-spare");
    tui.send("/lab1-spare\r");
    tui.wait_for("lab1-spare listed", LONG, |_| {
        tui.line_with("│lab1-spare ").is_some()
    });
    tui.send("d");
    tui.wait_text("lab1-spare is not running (shutoff)");
    assert!(!tui.screen().contains("[y/N]"), "no question was asked");
    tui.send("F");
    tui.wait_text("lab1-spare is not running");
    tui.send(":q\r");
    let _ = tui.wait_exit(LONG);
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(calls.contains("virConnectOpen"), "the API log was written");
    for call in ["virDomainShutdown", "virDomainDestroy"] {
        assert!(!calls.contains(call), "{call} reached libvirt");
    }
    assert!(
        !home.path().join("data/vmdeck/audit.jsonl").exists(),
        "nothing was done, so nothing is audited"
    );
}

#[test]
fn a_clone_name_with_markup_makes_a_vm_with_exactly_that_name() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "1"]);
    let name = format!("m&x<{}>\"q'", std::process::id());
    let _remove = Remove(vec![name.clone()]);
    let memory = |vm: &str| {
        let info = virsh(&uri, &["dominfo", vm]);
        info.lines()
            .find(|l| l.starts_with("Max memory"))
            .map(str::to_string)
    };
    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 48);
    tui.wait_text("lab1-spare");
    tui.send("/lab1-spare\r");
    tui.wait_for("lab1-spare listed", LONG, |_| {
        tui.line_with("│lab1-spare ").is_some()
    });
    tui.send(&format!(":clone {name}\r"));
    tui.wait_text(&format!(
        "Clone lab1-spare on lab1 as {name} (--linked)? [y/N]"
    ));
    tui.send("y");
    tui.wait_for("the clone defined", LONG, |_| {
        names_on_lab1().contains(&name)
    });
    assert_eq!(
        memory(&name),
        memory("lab1-spare"),
        "nothing else was injected"
    );
    let stamp = virsh(&uri, &["dumpxml", &name]);
    assert!(stamp.contains("clone-of"), "{stamp}");
}
