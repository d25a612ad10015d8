use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use super::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Set by `modes_under_umask_000` for the child process it starts.
const CHILD_DIR: &str = "VMDECK_TEST_UMASK_CHILD_DIR";

/// Runs only as the child of `modes_under_umask_000`: the umask is process-wide, so it is
/// changed in a process of its own, never under the other tests' feet.
#[test]
fn umask_000_child() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    // SAFETY: umask has no preconditions; this process runs only this test.
    unsafe { libc::umask(0) };
    let data = Path::new(&dir).join("share/vmdeck");
    open_private_append(&data.join("audit.jsonl")).unwrap();
    open_private_append(&data.join("consoles/a.log")).unwrap();
    assert!(secure_data_dir(&data.join("deeper")).is_empty());
}

#[test]
fn modes_under_umask_000() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), Permissions::from_mode(0o755)).unwrap();
    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "files::tests::umask_000_child",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, tmp.path())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&child.stdout);
    assert!(child.status.success() && out.contains("1 passed"), "{out}");
    let data = tmp.path().join("share/vmdeck");
    for dir in [
        "share",
        "share/vmdeck",
        "share/vmdeck/consoles",
        "share/vmdeck/deeper",
    ] {
        assert_eq!(mode(&tmp.path().join(dir)), 0o700, "{dir}");
    }
    assert_eq!(mode(&data.join("audit.jsonl")), 0o600);
    assert_eq!(mode(&data.join("consoles/a.log")), 0o600);
    // A folder that existed before is not vmdeck's to change.
    assert_eq!(mode(tmp.path()), 0o755);
}

#[test]
fn an_existing_wide_log_is_narrowed_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let audit = tmp.path().join("audit.jsonl");
    std::fs::write(&audit, "{}\n").unwrap();
    std::fs::set_permissions(&audit, Permissions::from_mode(0o644)).unwrap();
    let opened = open_private_append(&audit).unwrap();
    assert_eq!(mode(&audit), 0o600);
    let warning = opened.warning.unwrap();
    assert!(
        warning.contains("was mode 0644") && warning.contains("0600"),
        "{warning}"
    );
    // Once narrowed, nothing more to say.
    assert!(open_private_append(&audit).unwrap().warning.is_none());
}

#[test]
fn secure_data_dir_narrows_the_audit_log_and_console_logs() {
    let tmp = tempfile::tempdir().unwrap();
    let consoles = tmp.path().join("consoles");
    std::fs::create_dir(&consoles).unwrap();
    for path in [tmp.path().join("audit.jsonl"), consoles.join("x.log")] {
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, Permissions::from_mode(0o664)).unwrap();
    }
    let warnings = secure_data_dir(tmp.path());
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(mode(&consoles.join("x.log")), 0o600);
    assert_eq!(mode(&tmp.path().join("audit.jsonl")), 0o600);
}
