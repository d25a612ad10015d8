//! End-to-end: the real binary in a PTY paints its theme's colours (24-bit foreground and
//! background), and with NO_COLOR set writes no colour at all.

mod pty;

use std::time::Duration;

use pty::Tui;

fn config(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("vmdeck.toml");
    let text = "[[pool]]\nname = \"t\"\nhosts = [{ name = \"t1\", uri = \"test:///default\" }]\n";
    std::fs::write(&path, text).unwrap();
    path
}

fn screen_bytes(env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let home = dir.path().to_str().unwrap().to_string();
    let config_home = format!("{home}/config");
    let data_home = format!("{home}/data");
    let mut all_env = vec![
        ("XDG_CONFIG_HOME", config_home.as_str()),
        ("XDG_DATA_HOME", data_home.as_str()),
    ];
    all_env.extend_from_slice(env);
    let mut tui = Tui::spawn_program(
        env!("CARGO_BIN_EXE_vmdeck"),
        &["--config", config.to_str().unwrap()],
        &all_env,
        100,
        20,
    );
    tui.wait_for("the test domain listed", Duration::from_secs(30), |s| {
        s.contains("│test ")
    });
    tui.send("q");
    tui.wait_exit(Duration::from_secs(10));
    String::from_utf8_lossy(&tui.raw_output()).into_owned()
}

#[test]
fn the_default_theme_paints_its_colours_and_no_color_paints_none() {
    let coloured = screen_bytes(&[]);
    // The default theme's background, #1c1f26, as a 24-bit SGR.
    assert!(
        coloured.contains("48;2;28;31;38"),
        "no theme background written"
    );
    let plain = screen_bytes(&[("NO_COLOR", "1")]);
    for sgr in ["38;2;", "48;2;", "38;5;", "48;5;"] {
        assert!(!plain.contains(sgr), "NO_COLOR still wrote colour ({sgr})");
    }
    // Still usable: the selection shows by reverse video.
    assert!(
        plain.contains("\x1b[7m"),
        "no reverse video for the selection"
    );
}
