//! Helpers of the end-to-end tests over SSH: the lab's config over SSH, and the ssh
//! processes a vmdeck started (found in /proc).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::pty::{Tui, lab_config};

pub const LONG: Duration = Duration::from_secs(60);

/// The lab's config over SSH, beside its vmdeck.toml.
pub fn ssh_lab() -> Option<PathBuf> {
    let path = lab_config()?.with_file_name("vmdeck-ssh.toml");
    assert!(
        path.exists(),
        "{} is missing: run lab/up.sh",
        path.display()
    );
    Some(path)
}

pub fn lab_dir() -> PathBuf {
    lab_config().unwrap().parent().unwrap().to_path_buf()
}

/// Live processes (zombies are dead) whose command line contains `needle`, with `ppid` as
/// their parent when given: (pid, command line with spaces).
pub fn processes(needle: &str, ppid: Option<u32>) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or(vec![], |(_, f)| f.split_whitespace().collect());
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let parent = fields.get(1).and_then(|p| p.parse::<u32>().ok());
        if fields.first().is_some_and(|s| *s != "Z")
            && cmdline.contains(needle)
            && ppid.is_none_or(|p| parent == Some(p))
        {
            found.push((pid, cmdline));
        }
    }
    found
}

/// Waits until none of the processes `ssh` (from `processes`) lives on.
pub fn assert_gone(ssh: &[(u32, String)]) {
    let alive = || {
        let now = processes("", None);
        ssh.iter()
            .filter(|p| now.contains(p))
            .cloned()
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    while !alive().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(alive(), vec![], "ssh outlived vmdeck");
}

pub fn quit(tui: &mut Tui) {
    tui.send("q");
    let exited = tui.wait_exit(Duration::from_secs(5)).is_some();
    assert!(exited, "q quits: {}", tui.screen());
}

/// vmdeck with `config`, started by a shell that outlives it (files in `dir`): as from a
/// terminal, vmdeck is not the session leader, whose exit would hang up its children.
pub fn in_a_shell(config: &Path, dir: &Path) -> Tui {
    let (config_home, data_home) = (dir.join("config"), dir.join("data"));
    let env = [
        ("XDG_CONFIG_HOME", config_home.to_str().unwrap()),
        ("XDG_DATA_HOME", data_home.to_str().unwrap()),
    ];
    let script = "\"$0\" \"$@\"; echo vmdeck-exited; sleep 600";
    let args = ["-c", script, env!("CARGO_BIN_EXE_vmdeck"), "--config"];
    let mut args = args.map(str::to_string).to_vec();
    args.push(config.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Tui::spawn_program("sh", &args, &env, 150, 20)
}

/// `q` ends the vmdeck of `in_a_shell` at once.
pub fn quit_in_shell(tui: &mut Tui) {
    tui.send("q");
    tui.wait_for("vmdeck exited", Duration::from_secs(5), |s| {
        s.contains("vmdeck-exited")
    });
}
