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

/// vmdeck run with `args` on the valid fixture, in a home of its own.
fn with_valid_config(args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    vmdeck(home.path())
        .args(["--config", "tests/fixtures/valid.toml"])
        .args(args)
        .output()
        .unwrap()
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
    let out = with_valid_config(&["list", "--pool", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no pool named 'nope'"));
}

fn record(action: &str) -> vmdeck::model::action::AuditRecord {
    vmdeck::model::action::AuditRecord {
        time: 1_700_000_000,
        user: "ann".into(),
        pool: "lab".into(),
        host: "lab1".into(),
        vm: "lab1-web".into(),
        action: action.into(),
        params: String::new(),
        result: "ok".into(),
        prev: None,
    }
}

fn verify(home: &Path, file: Option<&Path>) -> (i32, String) {
    let mut cmd = vmdeck(home);
    cmd.args(["audit", "verify"]);
    if let Some(file) = file {
        cmd.arg("--file").arg(file);
    }
    let out = cmd.output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn audit_verify_passes_on_vmdecks_log_and_names_an_edited_line() {
    let home = tempfile::tempdir().unwrap();
    // The default log: audit.jsonl in the data dir.
    let log = home.path().join("data/vmdeck/audit.jsonl");
    for action in ["reboot", "shutdown", "migrate"] {
        vmdeck::audit::append(&log, &record(action)).unwrap();
    }
    assert_eq!(
        verify(home.path(), None),
        (0, "audit log OK: 3 lines\n".into())
    );
    let text = std::fs::read_to_string(&log).unwrap();
    std::fs::write(&log, text.replacen("\"shutdown\"", "\"start\"", 1)).unwrap();
    let (code, out) = verify(home.path(), Some(&log));
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("audit log broken at line 2:"), "{out}");
    assert!(out.contains("line 2 was edited"), "{out}");
}

#[test]
fn audit_verify_counts_old_unchained_lines_and_fails_on_a_missing_file() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("old.jsonl");
    let old = serde_json::to_string(&record("reboot")).unwrap();
    std::fs::write(&log, format!("{old}\n")).unwrap();
    vmdeck::audit::append(&log, &record("start")).unwrap();
    let (code, out) = verify(home.path(), Some(&log));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("audit log OK: 2 lines (1 unchained"),
        "{out}"
    );
    let (code, out) = verify(home.path(), Some(&home.path().join("nope.jsonl")));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("nope.jsonl"), "{out}");
}

#[test]
fn startup_makes_the_data_dir_private_and_narrows_a_readable_audit_log() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let out = vmdeck(home.path())
        .args(["--config", "tests/fixtures/valid.toml", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let data = home.path().join("data/vmdeck");
    assert_eq!(mode(&home.path().join("data")), 0o700);
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("vmdeck.log")), 0o600);
    let audit = data.join("audit.jsonl");
    std::fs::write(&audit, "").unwrap();
    std::fs::set_permissions(&audit, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = vmdeck(home.path())
        .args(["--config", "tests/fixtures/valid.toml", "check"])
        .output()
        .unwrap();
    // A narrowed file is not a config problem: check still passes, the log says why.
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(mode(&audit), 0o600);
    let log = std::fs::read_to_string(data.join("vmdeck.log")).unwrap();
    assert!(log.contains("was mode 0644"), "{log}");
}

/// Each file in `tests/fixtures/invalid/` says on its first line where and why it is refused
/// (`# expect: LINE:COLUMN: words`); the real binary must say exactly that.
#[test]
fn every_invalid_fixture_is_refused_at_its_line_and_column() {
    let mut files: Vec<_> = std::fs::read_dir("tests/fixtures/invalid")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 30, "{} fixtures", files.len());
    for path in files {
        let file = path.to_str().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let head = String::from_utf8_lossy(bytes.split(|&b| b == b'\n').next().unwrap());
        let (place, words) = head
            .strip_prefix("# expect: ")
            .and_then(|rest| rest.split_once(": "))
            .unwrap_or_else(|| panic!("{file}: no '# expect: LINE:COLUMN: words' line"));
        let (code, stderr) = check(file);
        assert_eq!(code, 2, "{file} should be refused: {stderr}");
        assert!(
            stderr.contains(&format!("{file}:{place}: ")),
            "{file}: expected {place}: {stderr}"
        );
        assert!(
            stderr.contains(words),
            "{file}: expected '{words}': {stderr}"
        );
    }
}

/// The configs that used to panic vmdeck (exit 101) are refused before anything runs.
#[test]
fn a_nul_in_a_uri_and_a_huge_interval_never_reach_a_host() {
    for file in [
        "tests/fixtures/invalid/nul_uri.toml",
        "tests/fixtures/invalid/huge_interval.toml",
    ] {
        let home = tempfile::tempdir().unwrap();
        let out = vmdeck(home.path())
            .args(["--config", file, "list"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{file}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{file}: {stderr}");
    }
}

/// Each file in `tests/fixtures/{keymap,theme}_invalid/`, put in the config dir as
/// `keymap.toml` / `theme.toml`, is reported by `check` at the place its first line names
/// (`# expect: LINE:COLUMN: words`).
#[test]
fn every_invalid_keymap_and_theme_is_reported_at_its_line_and_column() {
    for (fixtures, name) in [
        ("tests/fixtures/keymap_invalid", "keymap.toml"),
        ("tests/fixtures/theme_invalid", "theme.toml"),
    ] {
        for fixture in std::fs::read_dir(fixtures).unwrap() {
            let fixture = fixture.unwrap().path();
            let text = std::fs::read_to_string(&fixture).unwrap();
            let (place, words) = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# expect: "))
                .and_then(|rest| rest.split_once(": "))
                .unwrap_or_else(|| panic!("{fixture:?}: no '# expect: LINE:COLUMN: words'"));
            let home = tempfile::tempdir().unwrap();
            let dir = home.path().join("config/vmdeck");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(name), &text).unwrap();
            let out = vmdeck(home.path())
                .args(["--config", "tests/fixtures/valid.toml", "check"])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{fixture:?}: {stderr}");
            let at = format!("{}:{place}: {words}", dir.join(name).display());
            assert!(stderr.contains(&at), "{fixture:?}: expected {at}: {stderr}");
        }
    }
}

#[test]
fn an_autoscale_target_out_of_range_is_refused_before_any_host_is_asked() {
    for target in ["0", "150", "half"] {
        let out = with_valid_config(&["sets", "spec", "web", "--autoscale-cpu", target]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{target}: {stderr}");
        let said = format!("--autoscale-cpu {target}: give a percentage (1 to 100) or off");
        assert!(stderr.contains(&said), "{target}: {stderr}");
    }
}
