//! Slices and real-time VM types read from config text, and refused at the right key.

use crate::config::{Emulator, Scheduler, parse_config};

const POOL: &str = "[[pool]]\nname = \"p\"\nhosts = [{ name = \"h1\", uri = \"qemu:///a\" }, { name = \"h2\", uri = \"qemu:///b\" }]\n";
const RT: &str = "[[vm_type]]\nname = \"rt\"\nvcpus = 2\nmemory = \"1GiB\"\ndisk = \"1GiB\"\npartition = \"/machine/rt\"\n";

#[test]
fn slices_with_a_host_of_their_own() {
    let text = format!(
        "{POOL}[[pool.partition]]\nname = \"/machine/rt\"\ncpus = \"4-7\"\nhousekeeping = \"4\"\n\
         hosts = {{ h2 = {{ cpus = \"0-3\", housekeeping = \"0\" }} }}\n\
         [[pool.partition]]\nname = \"/machine/nort\"\nhosts = {{ h1 = \"8-9\", h2 = \"8\" }}\n"
    );
    let config = parse_config(&text, "c.toml").unwrap();
    let compose = &config.pools[0].compose;
    let rt = compose.partition("/machine/rt").unwrap();
    assert_eq!(rt.cpus_for("h1"), Some(&[4, 5, 6, 7][..]));
    assert_eq!(rt.on("h1").unwrap().housekeeping, [4]);
    assert_eq!(rt.on("h2").unwrap().housekeeping, [0]);
    assert_eq!(rt.cpus_for("h2"), Some(&[0, 1, 2, 3][..]));
    let nort = compose.partition("/machine/nort").unwrap();
    assert_eq!(
        (nort.cpus_for("h2"), nort.cpus_for("h9")),
        (Some(&[8][..]), None)
    );
}

#[test]
fn a_seapath_type_reads_with_defaults() {
    let text = format!("{RT}vcpusched = \"fifo\"\nisolate = \"core\"\n");
    let config = parse_config(&text, "c.toml").unwrap();
    let rt = &config.vm_types[0].rt;
    assert_eq!(rt.scheduler, Some(Scheduler::Fifo));
    assert_eq!(
        (rt.priority, &rt.emulator, rt.isolate_core),
        (1, &Emulator::Housekeeping, true)
    );
    assert!(config.vm_types[0].needs_one_node());
    let pinned = format!("{RT}vcpusched = \"rr\"\npriority = 50\nemulator = \"0-1\"\n");
    let rt = parse_config(&pinned, "c.toml").unwrap().vm_types[0]
        .rt
        .clone();
    assert_eq!((rt.priority, rt.emulator), (50, Emulator::Cpus(vec![0, 1])));
}

/// Each bad value is refused at its own line.
#[test]
fn bad_values_name_their_line() {
    let rt_lines = RT.lines().count() + 1;
    let cases = [
        (format!("{RT}vcpusched = \"deadline\"\n"), rt_lines, "expected \"fifo\" or \"rr\""),
        (format!("{RT}vcpusched = \"fifo\"\npriority = 100\n"), rt_lines + 1, "out of range (1 to 99)"),
        (format!("{RT}priority = 5\n"), rt_lines, "priority needs vcpusched"),
        (format!("{RT}isolate = \"thread\"\n"), rt_lines, "expected \"core\""),
        (format!("{RT}vcpusched = \"fifo\"\nemulator = \"zero\"\n"), rt_lines + 1, "is not a CPU list"),
        (format!("{RT}emulator = \"0\"\n"), rt_lines, "emulator goes with vcpusched"),
        (
            "[[vm_type]]\nname = \"rt\"\nvcpus = 1\nmemory = \"1GiB\"\ndisk = 1\nvcpusched = \"fifo\"\n".into(),
            6,
            "needs partition",
        ),
        (format!("{POOL}[[pool.partition]]\nname = \"/machine/rt\"\ncpus = \"4-\"\n"), 6, "not a CPU list"),
        (format!("{POOL}[[pool.partition]]\nname = \"machine/rt\"\ncpus = \"4\"\n"), 4, "must be a path"),
        (format!("{POOL}[[pool.partition]]\ncpus = \"4\"\n"), 4, "needs a name"),
        (format!("{POOL}[[pool.partition]]\nname = \"/r\"\nhosts = {{ h1 = \"1\" }}\n"), 4, "host 'h2' has no line"),
        (format!("{POOL}[[pool.partition]]\nname = \"/r\"\ncpus = \"1-3\"\nhousekeeping = \"0\"\n"), 7, "are not in the slice's cpus"),
        (
            format!("{POOL}[[pool.partition]]\nname = \"/r\"\ncpus = \"1-3\"\nhosts = {{ h2 = {{ cpus = \"1\", housekeeping = \"2\" }} }}\n"),
            7,
            "on h2: housekeeping CPUs 2",
        ),
        (format!("{POOL}[[pool.partition]]\nname = \"/r\"\ncpus = \"1\"\nhosts = {{ h9 = \"1\" }}\n"), 7, "'h9' is not a host"),
        (
            format!("{POOL}[[pool.partition]]\nname = \"/r\"\ncpus = \"1\"\n[[pool.partition]]\nname = \"/r\"\ncpus = \"2\"\n"),
            7,
            "defined twice",
        ),
        (
            "[[pool]]\nname = \"i\"\ndriver = \"incus\"\n[[pool.partition]]\nname = \"/r\"\ncpus = \"1\"\n".into(),
            4,
            "libvirt setting",
        ),
    ];
    for (text, line, words) in cases {
        let error = parse_config(&text, "c.toml").unwrap_err();
        assert_eq!(error.line, Some(line), "{text}\n{error}");
        assert!(error.reason.contains(words), "{text}\n{error}");
    }
}
