use super::*;

#[test]
fn parses_named_and_bare_hosts() {
    let cfg = parse_config(
        r#"
[[pool]]
name = "p"
hosts = ["qemu+ssh://kvm1/system", { name = "k2", uri = "qemu+tls://kvm2/system" }]
"#,
        "t.toml",
    )
    .unwrap();
    let names: Vec<_> = cfg.pools[0].hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(names, ["kvm1", "k2"]);
    assert_eq!(cfg.pools[0].overcommit, Overcommit::default());
}

#[test]
fn unknown_key_names_line() {
    let err = parse_config("[[pool]]\nname = \"p\"\nhostz = []\n", "bad.toml").unwrap_err();
    assert_eq!(err.line, Some(3));
    assert!(err.reason.contains("hostz"), "{err}");
    assert!(err.to_string().starts_with("bad.toml:3:"), "{err}");
}

#[test]
fn duplicate_host_names_are_refused() {
    let text = "[[pool]]\nname = \"p\"\nhosts = [\"qemu:///system\", \"qemu:///session\"]\n";
    let err = parse_config(text, "d.toml").unwrap_err();
    assert!(err.reason.contains("two hosts"), "{err}");
}

#[test]
fn vm_type_sizes() {
    let text = "[[vm_type]]\nname = \"s\"\nvcpus = 2\nmemory = \"1GiB\"\ndisk = 1024\n";
    let cfg = parse_config(text, "v.toml").unwrap();
    assert_eq!(cfg.vm_types[0].memory_bytes, 1 << 30);
    assert_eq!(cfg.vm_types[0].disk_bytes, 1024);
    let bad = "[[vm_type]]\nname = \"s\"\nvcpus = 2\nmemory = \"1 parsec\"\ndisk = 1\n";
    assert!(parse_config(bad, "v.toml").is_err());
}

#[test]
fn vm_type_numa_and_hugepages() {
    let base = "[[vm_type]]\nname = \"rt\"\nvcpus = 2\nmemory = \"1GiB\"\ndisk = 1\n";
    let cfg = parse_config(base, "v.toml").unwrap();
    assert!(!cfg.vm_types[0].single_numa_node);
    assert_eq!(cfg.vm_types[0].hugepage_kib, None);
    let pinned = format!("{base}numa = \"single-node\"\nhugepages = \"1G\"\n");
    let cfg = parse_config(&pinned, "v.toml").unwrap();
    assert!(cfg.vm_types[0].single_numa_node);
    assert_eq!(cfg.vm_types[0].hugepage_kib, Some(1 << 20));
    let wrong = format!("{base}numa = \"two-nodes\"\n");
    let error = parse_config(&wrong, "v.toml").unwrap_err().to_string();
    assert!(
        error.contains("expected \"any\" or \"single-node\""),
        "{error}"
    );
    let wrong = format!("{base}hugepages = \"4K\"\n");
    assert!(parse_config(&wrong, "v.toml").is_err());
}

#[test]
fn incus_pool_defaults_and_https_settings() {
    let cfg = parse_config("[[pool]]\nname = \"i\"\ndriver = \"incus\"\n", "i.toml").unwrap();
    let incus = cfg.pools[0].incus.clone().unwrap();
    assert_eq!(incus.url, "unix:///var/lib/incus/unix.socket");
    assert!(incus.client_cert.ends_with(".config/incus/client.crt"));
    assert_eq!((incus.server_cert, incus.project), (None, None));
    let text = "[[pool]]\nname = \"i\"\ndriver = \"incus\"\nurl = \"https://10.0.0.1:8443\"\n\
                client_cert = \"/c.crt\"\nclient_key = \"/c.key\"\nserver_cert = \"/s.crt\"\nproject = \"web\"\n";
    let cfg = parse_config(text, "i.toml").unwrap();
    let incus = cfg.pools[0].incus.clone().unwrap();
    assert_eq!(incus.client_key, PathBuf::from("/c.key"));
    assert_eq!(incus.server_cert, Some(PathBuf::from("/s.crt")));
    assert_eq!(incus.project.as_deref(), Some("web"));
    assert_eq!(cfg.pools[0].hosts[0].name, "10.0.0.1");
}

#[test]
fn incus_settings_are_checked() {
    let on_libvirt = "[[pool]]\nname = \"p\"\nhosts = [\"qemu:///system\"]\nproject = \"x\"\n";
    let err = parse_config(on_libvirt, "p.toml").unwrap_err();
    assert!(
        err.reason.contains("'project' is an incus setting"),
        "{err}"
    );
    let unknown = "[[pool]]\nname = \"i\"\ndriver = \"incus\"\nclient_crt = \"x\"\n";
    assert!(
        parse_config(unknown, "i.toml")
            .unwrap_err()
            .reason
            .contains("client_crt")
    );
}

#[test]
fn host_name_from_uri() {
    assert_eq!(default_host_name("qemu+ssh://root@kvm1:22/system"), "kvm1");
    assert_eq!(default_host_name("https://10.0.0.1:8443"), "10.0.0.1");
}
