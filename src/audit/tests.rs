use super::*;

fn record(action: &str) -> AuditRecord {
    AuditRecord {
        time: 1,
        user: "ann".into(),
        pool: "lab".into(),
        host: "lab1".into(),
        vm: "web".into(),
        action: action.into(),
        params: String::new(),
        result: "ok".into(),
        prev: None,
    }
}

/// A log of `n` lines written by the real writer.
fn written(n: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    for i in 0..n {
        assert!(append(&path, &record(&format!("a{i}"))).unwrap().is_none());
    }
    (dir, path)
}

fn lines(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines().map(str::to_string).collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn each_line_carries_the_hash_of_the_one_before() {
    let (_dir, path) = written(3);
    let lines = lines(&path);
    let parsed: Vec<AuditRecord> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed[0].prev.as_deref(), Some(genesis().as_str()));
    assert_eq!(parsed[2].prev, Some(line_hash(lines[1].as_bytes())));
    assert_eq!(parsed[2].action, "a2");
    assert_eq!(
        verify(&std::fs::read(&path).unwrap()),
        Verdict::Ok {
            lines: 3,
            unchained: 0
        }
    );
}

#[test]
fn an_edited_line_breaks_the_chain_at_that_line() {
    let (_dir, path) = written(4);
    let mut edited = lines(&path);
    edited[1] = edited[1].replace("\"result\":\"ok\"", "\"result\":\"failed\"");
    write_lines(&path, &edited);
    let Verdict::Broken { line, why } = verify(&std::fs::read(&path).unwrap()) else {
        panic!("an edit went unnoticed");
    };
    assert_eq!(line, 2, "{why}");
    assert!(why.contains("line 2 was edited"), "{why}");
}

#[test]
fn a_deleted_line_breaks_the_chain() {
    let (_dir, path) = written(4);
    let mut all = lines(&path);
    all.remove(2);
    write_lines(&path, &all);
    assert!(matches!(
        verify(&std::fs::read(&path).unwrap()),
        Verdict::Broken { line: 2, .. }
    ));
    // The first line removed: the new first one does not start a chain.
    let (_dir, path) = written(2);
    write_lines(&path, &lines(&path)[1..]);
    let verdict = verify(&std::fs::read(&path).unwrap());
    assert!(
        matches!(verdict, Verdict::Broken { line: 1, .. }),
        "{verdict}"
    );
}

#[test]
fn old_lines_without_a_hash_are_unchained_and_new_ones_chain_onto_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let old = serde_json::to_string(&record("old")).unwrap();
    assert!(!old.contains("prev"), "{old}");
    std::fs::write(&path, format!("{old}\n{old}\n")).unwrap();
    append(&path, &record("new")).unwrap();
    let verdict = verify(&std::fs::read(&path).unwrap());
    assert_eq!(
        verdict,
        Verdict::Ok {
            lines: 3,
            unchained: 2
        }
    );
    assert!(verdict.to_string().contains("2 unchained"), "{verdict}");
    // A line without a hash after chained ones is not accepted.
    std::fs::write(&path, std::fs::read_to_string(&path).unwrap() + &old + "\n").unwrap();
    assert!(matches!(
        verify(&std::fs::read(&path).unwrap()),
        Verdict::Broken { line: 4, .. }
    ));
}

#[test]
fn a_torn_last_line_is_kept_and_the_next_line_starts_on_its_own() {
    let (_dir, path) = written(1);
    let mut text = std::fs::read(&path).unwrap();
    text.extend_from_slice(b"{\"time\":");
    std::fs::write(&path, &text).unwrap();
    append(&path, &record("after")).unwrap();
    let all = lines(&path);
    assert_eq!(all.len(), 3);
    assert_eq!(all[1], "{\"time\":");
    let verdict = verify(&std::fs::read(&path).unwrap());
    assert!(
        matches!(verdict, Verdict::Broken { line: 2, .. }),
        "{verdict}"
    );
}

#[test]
fn long_lines_are_found_across_read_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    let mut long = record("long");
    long.params = "x".repeat(20_000);
    append(&path, &long).unwrap();
    append(&path, &long).unwrap();
    append(&path, &record("short")).unwrap();
    assert_eq!(
        verify(&std::fs::read(&path).unwrap()),
        Verdict::Ok {
            lines: 3,
            unchained: 0
        }
    );
}

#[test]
fn two_writers_at_once_keep_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("audit.jsonl");
    std::thread::scope(|scope| {
        for writer in 0..4 {
            let path = &path;
            scope.spawn(move || {
                for i in 0..25 {
                    append(path, &record(&format!("w{writer}-{i}"))).unwrap();
                }
            });
        }
    });
    assert_eq!(
        verify(&std::fs::read(&path).unwrap()),
        Verdict::Ok {
            lines: 100,
            unchained: 0
        }
    );
}
