//! The real binary with valid and invalid config fixtures, and the shipped example config.

use std::path::Path;
use std::process::Command;

fn vmdeck(config_home: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_vmdeck"));
    cmd.env("XDG_CONFIG_HOME", config_home.join("config"))
        .env("XDG_DATA_HOME", config_home.join("data"))
        .env_remove("VMDECK_CONFIG");
    cmd
}

fn check(config: &str) -> (i32, String) {
    let home = tempfile::tempdir().unwrap();
    let out = vmdeck(home.path())
        .args(["--config", config, "check"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn valid_config_and_example_pass() {
    for file in ["tests/fixtures/valid.toml", "assets/config.example.toml"] {
        let (code, stderr) = check(file);
        assert_eq!(code, 0, "{file}: {stderr}");
    }
}

#[test]
fn invalid_configs_fail_with_file_line_and_reason() {
    for (file, line, words) in [
        ("tests/fixtures/unknown_key.toml", 4, "flavour"),
        ("tests/fixtures/syntax_error.toml", 3, "unclosed array"),
        (
            "tests/fixtures/unknown_driver.toml",
            1,
            "unknown driver 'vmware'",
        ),
        ("tests/fixtures/bad_size.toml", 1, "'lots' is not a size"),
    ] {
        let (code, stderr) = check(file);
        assert_eq!(code, 2, "{file} should be refused");
        assert!(
            stderr.contains(&format!("{file}:{line}:")),
            "{file}: {stderr}"
        );
        assert!(stderr.contains(words), "{file}: {stderr}");
    }
}

#[test]
fn missing_explicit_config_is_an_error() {
    let (code, stderr) = check("tests/fixtures/does-not-exist.toml");
    assert_eq!(code, 2);
    assert!(stderr.contains("does-not-exist.toml"), "{stderr}");
}

#[test]
fn bad_user_keymap_and_theme_are_reported_by_check() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/vmdeck");
    std::fs::create_dir_all(dir.join("themes")).unwrap();
    std::fs::write(
        dir.join("keymap.toml"),
        "[table]\nkeymap = [{ on = \"<Bogus>\", run = \"quit\", desc = \"x\" }]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("themes/ugly.toml"),
        "[styles]\ntext = { fg = \"blurple\" }\n",
    )
    .unwrap();
    let out = vmdeck(home.path())
        .args(["--config", "tests/fixtures/valid.toml", "check"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("keymap.toml") && stderr.contains("<Bogus>"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ugly.toml") && stderr.contains("blurple"),
        "{stderr}"
    );
}

#[test]
fn list_with_unknown_pool_is_an_error() {
    let home = tempfile::tempdir().unwrap();
    let out = vmdeck(home.path())
        .args([
            "--config",
            "tests/fixtures/valid.toml",
            "list",
            "--pool",
            "nope",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no pool named 'nope'"));
}
