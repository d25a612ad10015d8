use super::*;

const CONFIG: &str = "# my lab\n[[pool]]\nname = \"lab\"\nhosts = [\"qemu:///system\"]\n";

fn keys(words: &[&str]) -> Vec<String> {
    words.iter().map(ToString::to_string).collect()
}

#[test]
fn a_table_is_added_then_replaced_then_removed_leaving_the_rest_as_written() {
    let added = with_table(CONFIG, "vms", Some(&keys(&["name", "state"])));
    assert_eq!(
        added,
        format!("{CONFIG}\n[columns]\nvms = [\"name\", \"state\"]\n")
    );
    let hosts = with_table(&added, "hosts", Some(&keys(&["host"])));
    let replaced = with_table(&hosts, "vms", Some(&keys(&["name"])));
    assert!(replaced.starts_with(CONFIG), "{replaced}");
    assert!(replaced.ends_with("[columns]\nhosts = [\"host\"]\nvms = [\"name\"]\n"));
    let removed = with_table(&replaced, "vms", None);
    assert!(
        removed.ends_with("[columns]\nhosts = [\"host\"]\n"),
        "{removed}"
    );
    // The last one gone, so is the table.
    let emptied = with_table(&removed, "hosts", None);
    assert_eq!(emptied.trim_end(), CONFIG.trim_end());
}

#[test]
fn a_list_over_several_lines_is_replaced_whole() {
    let text = "[columns]\nvms = [\n  \"name\",\n  \"host\",\n]\n\n[[pool]]\nname = \"x\"\n";
    let replaced = with_table(text, "vms", Some(&keys(&["state"])));
    assert_eq!(
        replaced,
        "[columns]\nvms = [\"state\"]\n\n[[pool]]\nname = \"x\"\n"
    );
}

#[test]
fn saving_writes_a_private_file_and_refuses_what_would_break_the_config() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vmdeck.toml");
    std::fs::write(&path, CONFIG).unwrap();
    save(&path, "vms", Some(&keys(&["name", "cpu%"]))).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("vms = [\"name\", \"cpu%\"]"), "{text}");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let err = save(&path, "vms", Some(&keys(&["nope"]))).unwrap_err();
    assert!(err.contains("vmdeck.toml") && err.contains("nope"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // Nothing left behind in the folder.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}
