//! `vmdeck list --output table` through the real binary on libvirt's test driver (a real
//! driver, read from a file): CJK, emoji and long names keep every column straight, because
//! cells are padded by display width, and nothing is cut.

use std::process::Command;

use vmdeck::app::columns::width;

const NAMES: [&str; 4] = [
    "数据库-主",
    "🚀-launch",
    "web-1",
    "a-very-long-name-that-used-to-push-the-other-columns-along",
];

fn node_xml() -> String {
    let domains: String = NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            format!(
                "<domain type='test'><name>{name}</name><memory>{}</memory><vcpu>{}</vcpu>\
                 <os><type>hvm</type></os></domain>",
                1_048_576 * (i + 1),
                i + 1
            )
        })
        .collect();
    format!("<node>{domains}</node>")
}

/// Where each title starts on the header line, in display cells.
fn starts(header: &str, titles: &[&str]) -> Vec<usize> {
    let at = |t: &str| header.find(t).map(|i| width(&header[..i]));
    titles.iter().map(|t| at(t).unwrap()).collect()
}

/// The display cell where `needle` starts on `line`.
fn cell_of(line: &str, needle: &str) -> usize {
    width(&line[..line.find(needle).unwrap()])
}

#[test]
fn cjk_and_emoji_names_keep_the_columns_aligned() {
    let dir = tempfile::tempdir().unwrap();
    let node = dir.path().join("node.xml");
    std::fs::write(&node, node_xml()).unwrap();
    let config = dir.path().join("vmdeck.toml");
    let text = format!(
        "[[pool]]\nname = \"lab-incus-and-more\"\nhosts = [{{ name = \"opteron-12\", uri = \"test://{}\" }}]\n",
        node.display()
    );
    std::fs::write(&config, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_DATA_HOME", dir.path().join("data"))
        .env_remove("VMDECK_CONFIG")
        .arg("--config")
        .arg(&config)
        .args(["list", "--output", "table"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1 + NAMES.len(), "{stdout}");
    let header = lines[0];
    let titles = ["POOL", "HOST", "NAME", "STATE", "VCPU", "MEMORY", "TYPE"];
    let columns = starts(header, &titles);
    for (i, name) in NAMES.iter().enumerate() {
        let line = lines.iter().find(|l| l.contains(name)).unwrap();
        // Nothing cut: the whole pool, host and name are there.
        assert!(!line.contains('…'), "{line}");
        assert!(line.starts_with("lab-incus-and-more opteron-12 "), "{line}");
        // The state starts under STATE, in display cells, whatever the name's width.
        assert_eq!(cell_of(line, "running"), columns[3], "{stdout}");
        // Numbers right-aligned: the vCPU count ends where the VCPU title ends.
        let vcpus = format!(" {} ", i + 1);
        let vcpu_end = cell_of(line, &vcpus) + width(&vcpus) - 1;
        assert_eq!(vcpu_end, columns[4] + width("VCPU"), "{stdout}");
    }
}
