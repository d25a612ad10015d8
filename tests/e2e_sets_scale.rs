//! End-to-end on the lab (an Incus set of 3): `:scale 2` in the TUI asks for the count of
//! running members to delete, deletes the highest and restamps the rest, so the sets view
//! counts 2 desired; `:scale 3` composes the free index again. `vmdeck sets scale` run from a
//! terminal asks for the count too: a wrong one changes nothing, the right one scales.

mod pty;

use std::process::{Command, Stdio};
use std::time::Duration;

use pty::{Tui, lab_config};

const SET: &str = "e2e-set-s";

fn remove() {
    for i in 0..4 {
        let name = format!("{SET}-{i}");
        let _ = Command::new("incus")
            .args(["delete", "--force", &name])
            .output();
    }
}

struct Cleanup;

impl Drop for Cleanup {
    fn drop(&mut self) {
        remove();
    }
}

/// The figures line under the set's row in the sets view.
fn figures_line(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let row = lines.iter().position(|l| l.contains(&format!("│{SET} ")));
    row.and_then(|i| lines.get(i + 1))
        .map_or(String::new(), |l| l.to_string())
}

fn desired(lab: &std::path::Path) -> (u64, u64) {
    let out = Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .arg("--config")
        .arg(lab)
        .args(["sets", "--pool", "lab-incus", "--output", "json"])
        .output()
        .expect("vmdeck");
    let sets: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let set = sets
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == SET)
        .unwrap()
        .clone();
    (
        set["desired"].as_u64().unwrap(),
        set["present"].as_u64().unwrap(),
    )
}

#[test]
fn an_incus_set_scales_in_the_tui_and_from_a_terminal_with_the_count_typed() {
    let Some(lab) = lab_config() else { return };
    remove();
    let _cleanup = Cleanup;
    let args = [
        "compose",
        "--pool",
        "lab-incus",
        SET,
        "--type",
        "small",
        "--image",
        "busybox",
    ];
    let out = Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .arg("--config")
        .arg(&lab)
        .args(args)
        .args(["--count", "3", "--yes"])
        .stdin(Stdio::null())
        .output()
        .expect("vmdeck");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let config = lab.to_str().unwrap();
    let mut tui = Tui::spawn(&["--config", config], 160, 48);
    tui.wait_text("lab1");
    tui.send(":sets lab-incus\r");
    tui.wait_for("the set", Duration::from_secs(30), |s| {
        figures_line(s).contains("3 desired · 3 present · 3 running")
    });
    tui.send(&format!(":vm {SET}-0\r:scale 2\r"));
    tui.wait_for("the typed question", Duration::from_secs(10), |s| {
        s.contains(&format!("Scale set {SET} 3 → 2: delete {SET}-2 on "))
            && s.contains("Type 1 (running ones) to confirm:")
    });
    tui.send("1\r");
    tui.send(":sets lab-incus\r");
    tui.wait_for("2 desired", Duration::from_secs(60), |s| {
        figures_line(s).contains("2 desired · 2 present · 2 running")
    });
    tui.send(&format!(":vm {SET}-0\r:scale 3\r"));
    tui.wait_for("the scale-up question", Duration::from_secs(10), |s| {
        s.contains(&format!("compose {SET}-2 → ")) && s.contains("[y/N]")
    });
    tui.send("y");
    tui.send(":sets lab-incus\r");
    tui.wait_for("3 desired again", Duration::from_secs(60), |s| {
        figures_line(s).contains("3 desired · 3 present · 3 running")
    });
    drop(tui);
    assert_eq!(desired(&lab), (3, 3), "every admin sees the count");

    // From a terminal, --yes still wants the running members' count typed.
    let scale = [
        "--config",
        config,
        "sets",
        "scale",
        SET,
        "2",
        "--pool",
        "lab-incus",
        "--yes",
    ];
    for (answer, code, after) in [("2", 2, (3, 3)), ("1", 0, (2, 2))] {
        let mut run = Tui::spawn(&scale, 120, 30);
        run.wait_text("This deletes 1 running member with their disks. Type 1 to confirm:");
        run.send(&format!("{answer}\r"));
        let status = run.wait_exit(Duration::from_secs(60)).expect("vmdeck ends");
        assert_eq!(status.exit_code(), code, "{}", run.screen());
        assert_eq!(desired(&lab), after, "{}", run.screen());
    }
}
