//! End-to-end on the lab: a user's keymap entry that runs a `:` command with its arguments
//! (`run = ":snapshot before-test"`) makes that snapshot, after the usual question.

mod pty;

use std::process::Command;
use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl, virsh};

const LONG: Duration = Duration::from_secs(60);

/// Deletes the snapshot again, whatever happened.
struct DropSnapshot(String, String);

impl Drop for DropSnapshot {
    fn drop(&mut self) {
        let _ = Command::new("virsh")
            .args(["-c", &self.0, "snapshot-delete", "lab3-spare", &self.1])
            .output();
    }
}

#[test]
fn a_keymap_entry_runs_its_command_with_arguments() {
    let Some(lab) = lab_config() else { return };
    let uri = lab_ctl(&["uri", "3"]);
    let name = format!("before-test-{}", std::process::id());
    let _cleanup = DropSnapshot(uri.clone(), name.clone());
    let keymap = format!(
        "[table]\nkeymap = [{{ on = \"<F5>\", run = \":snapshot {name}\", desc = \"snapshot before the test\" }}]\n"
    );
    let mut tui = Tui::spawn_with(&["--config", lab.to_str().unwrap()], 160, 48, |home| {
        let dir = home.join("config/vmdeck");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("keymap.toml"), &keymap).unwrap();
    });
    tui.wait_text("lab3-spare");
    tui.send("/lab3-spare\r");
    tui.wait_for("lab3-spare listed", LONG, |_| {
        tui.line_with("│lab3-spare ").is_some()
    });
    tui.wait_text("F5  snapshot before the test");
    tui.send("\x1b[15~");
    tui.wait_text(&format!(
        "Take snapshot {name} of lab3-spare on lab3? [y/N]"
    ));
    tui.send("y");
    tui.wait_for("the snapshot made", LONG, |_| {
        virsh(&uri, &["snapshot-list", "lab3-spare", "--name"])
            .lines()
            .any(|l| l.trim() == name)
    });
}
