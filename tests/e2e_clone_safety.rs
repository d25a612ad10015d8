//! End-to-end on the lab's real libvirt hosts: clones get their own NVRAM and seed, names
//! stay data, a delete never removes another VM's base, and a clone cut off by a dying host
//! leaves nothing behind once the host is back. The backend is called directly (the
//! confirmation flow of the UI is changing); every test cleans up what it made.

mod pty;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;
use std::time::{Duration, Instant};

use pty::{lab_config, lab_ctl, virsh};
use vmdeck::backend::libvirt::{cleanup_once, clone_once, delete_once};
use vmdeck::model::action::CloneMode;

fn images(n: &str) -> String {
    format!("/var/tmp/vmdeck-lab/hosts/lab{n}/images")
}

/// virsh, whatever it says (clean-up).
fn try_virsh(uri: &str, args: &[&str]) -> bool {
    let out = Command::new("virsh").arg("-c").arg(uri).args(args).output();
    out.is_ok_and(|o| o.status.success())
}

fn volumes(uri: &str) -> Vec<String> {
    try_virsh(uri, &["pool-refresh", "default"]);
    let list = virsh(uri, &["vol-list", "default"]);
    list.lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Removes the test's domains and volumes, before and after, even when the test fails.
struct Cleanup {
    uri: String,
    domains: Vec<String>,
    volumes: Vec<String>,
}

impl Cleanup {
    fn new(uri: &str, domains: &[&str], volumes: &[&str]) -> Cleanup {
        let cleanup = Cleanup {
            uri: uri.to_string(),
            domains: domains.iter().map(|d| d.to_string()).collect(),
            volumes: volumes.iter().map(|v| v.to_string()).collect(),
        };
        cleanup.run();
        cleanup
    }

    fn run(&self) {
        for dom in &self.domains {
            try_virsh(&self.uri, &["destroy", dom]);
            try_virsh(&self.uri, &["undefine", "--keep-nvram", dom]);
        }
        try_virsh(&self.uri, &["pool-refresh", "default"]);
        for vol in &self.volumes {
            try_virsh(&self.uri, &["vol-delete", "--pool", "default", vol]);
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.run();
    }
}

/// Defines a shut-off domain `name` with a disk of its own (`NAME.qcow2`) and `extra` devices.
fn define(uri: &str, n: &str, name: &str, os_extra: &str, devices: &str) {
    virsh(
        uri,
        &[
            "vol-create-as",
            "default",
            &format!("{name}.qcow2"),
            "64M",
            "--format",
            "qcow2",
        ],
    );
    let xml = format!(
        "<domain type='qemu'><name>{name}</name><memory unit='MiB'>96</memory>\
         <os><type arch='x86_64' machine='pc'>hvm</type>{os_extra}</os><features><acpi/></features>\
         <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{}/{name}.qcow2'/><target dev='vda' bus='virtio'/></disk>{devices}</devices></domain>",
        images(n)
    );
    let file = std::env::temp_dir().join(format!("{name}.xml"));
    std::fs::write(&file, xml).unwrap();
    virsh(uri, &["define", file.to_str().unwrap()]);
}

fn mode(path: &str) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_clone_gets_its_own_nvram_and_deleting_it_keeps_the_sources() {
    if lab_config().is_none() {
        return;
    }
    let uri = lab_ctl(&["uri", "1"]);
    let (src, copy) = ("cs-nv-src", "cs-nv-clone");
    let _cleanup = Cleanup::new(
        &uri,
        &[src, copy],
        &[
            "cs-nv-src.qcow2",
            "cs-nv-src_VARS.fd",
            "cs-nv-clone-vda.qcow2",
            "cs-nv-clone_VARS.fd",
        ],
    );
    virsh(
        &uri,
        &[
            "vol-create-as",
            "default",
            "cs-nv-src_VARS.fd",
            "128K",
            "--format",
            "raw",
        ],
    );
    let src_nvram = format!("{}/cs-nv-src_VARS.fd", images("1"));
    std::fs::write(&src_nvram, vec![0x5a; 128 << 10]).unwrap();
    let os = format!(
        "<loader readonly='yes' type='pflash'>/usr/share/qemu/edk2-x86_64-code.fd</loader><nvram>{src_nvram}</nvram>"
    );
    define(&uri, "1", src, &os, "");

    clone_once(&uri, src, copy, CloneMode::Linked).unwrap();
    let xml = virsh(&uri, &["dumpxml", "--inactive", copy]);
    let clone_nvram = format!("{}/cs-nv-clone_VARS.fd", images("1"));
    assert!(xml.contains(&format!(">{clone_nvram}</nvram>")), "{xml}");
    assert_eq!(
        std::fs::read(&clone_nvram).unwrap(),
        vec![0x5a; 128 << 10],
        "a copy"
    );
    assert_eq!(mode(&clone_nvram), 0o600);
    assert_eq!(
        mode(&format!("{}/cs-nv-clone-vda.qcow2", images("1"))),
        0o600
    );

    delete_once(&uri, copy, true).unwrap();
    assert!(
        std::path::Path::new(&src_nvram).exists(),
        "the source's NVRAM stays"
    );
    assert!(
        !std::path::Path::new(&clone_nvram).exists(),
        "the clone's went with it"
    );
    assert!(virsh(&uri, &["list", "--all", "--name"]).contains(src));
}

#[test]
fn deleting_the_base_of_a_linked_clone_is_refused_and_changes_nothing() {
    if lab_config().is_none() {
        return;
    }
    let uri = lab_ctl(&["uri", "1"]);
    let (src, copy) = ("cs-base-src", "cs-base-clone");
    let _cleanup = Cleanup::new(
        &uri,
        &[src, copy],
        &["cs-base-src.qcow2", "cs-base-clone-vda.qcow2"],
    );
    define(&uri, "1", src, "", "");
    clone_once(&uri, src, copy, CloneMode::Linked).unwrap();

    let err = delete_once(&uri, src, true).unwrap_err();
    assert_eq!(
        err,
        "cs-base-src's disk cs-base-src.qcow2 is the base of cs-base-clone; delete or flatten it first"
    );
    let listed = virsh(&uri, &["list", "--all", "--name"]);
    assert!(listed.contains(src) && listed.contains(copy), "{listed}");
    let vols = volumes(&uri);
    assert!(vols.contains(&"cs-base-src.qcow2".to_string()), "{vols:?}");
}

#[test]
fn a_clone_name_with_markup_is_just_a_name() {
    if lab_config().is_none() {
        return;
    }
    let uri = lab_ctl(&["uri", "2"]);
    let name = "cs-q&amp;<b>\"'c";
    let vol = format!("{name}-vda.qcow2");
    let _cleanup = Cleanup::new(&uri, &[name], &[&vol]);
    let before = volumes(&uri);

    let err = clone_once(
        &uri,
        "lab2-spare",
        "cs-x</name><memory>1</memory>",
        CloneMode::Linked,
    )
    .unwrap_err();
    assert!(err.contains("has a /"), "{err}");
    assert_eq!(volumes(&uri), before, "nothing made");

    clone_once(&uri, "lab2-spare", name, CloneMode::Linked).unwrap();
    let listed = virsh(&uri, &["list", "--all", "--name"]);
    assert!(listed.lines().any(|l| l == name), "{listed}");
    let memory = |dom: &str| {
        let info = virsh(&uri, &["dominfo", dom]);
        info.lines()
            .find(|l| l.starts_with("Max memory"))
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(memory(name), memory("lab2-spare"));
    let stamp = virsh(&uri, &["dumpxml", name]);
    assert!(stamp.contains("clone-of=\"lab2-spare\""), "{stamp}");
    let vols = volumes(&uri);
    assert!(vols.contains(&vol), "{vols:?}");
    assert_eq!(vols.len(), before.len() + 1, "{vols:?}");
}

/// Restarts lab3's daemon whatever happened.
struct HostBack;

impl Drop for HostBack {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .args(["lab/ctl.sh", "host-start", "3"])
            .output();
    }
}

#[test]
fn a_full_clone_cut_off_by_a_dying_host_leaves_nothing_and_can_be_retried() {
    if lab_config().is_none() {
        return;
    }
    let uri = lab_ctl(&["uri", "3"]);
    let (src, copy) = ("cs-kill-src", "cs-kill-clone");
    let _cleanup = Cleanup::new(
        &uri,
        &[src, copy],
        &["cs-kill-src.qcow2", "cs-kill-clone-vda.qcow2"],
    );
    define(&uri, "3", src, "", "");
    // Data that does not compress away, so the copy takes a while.
    let disk = format!("{}/cs-kill-src.qcow2", images("3"));
    let status = Command::new("qemu-io")
        .args(["-f", "qcow2", "-c", "write -P 0x6b 0 60M", &disk])
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let target = format!("{}/cs-kill-clone-vda.qcow2", images("3"));

    let _host_back = HostBack;
    let cloning = {
        let uri = uri.clone();
        std::thread::spawn(move || clone_once(&uri, src, copy, CloneMode::Full))
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::path::Path::new(&target).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    lab_ctl(&["host-kill", "3"]);
    let err = cloning.join().unwrap().unwrap_err();
    lab_ctl(&["host-start", "3"]);

    let removed = cleanup_once(&uri).unwrap();
    assert!(
        removed
            .iter()
            .any(|r| r.contains("cs-kill-clone-vda.qcow2")),
        "{removed:?} (the clone said: {err})"
    );
    assert!(!volumes(&uri).iter().any(|v| v.starts_with(copy)));
    assert!(cleanup_once(&uri).unwrap().is_empty(), "once is enough");

    clone_once(&uri, src, copy, CloneMode::Full).unwrap();
    assert!(virsh(&uri, &["list", "--all", "--name"]).contains(copy));
}

#[test]
fn a_clone_of_a_composed_vm_has_its_own_hostname_in_its_seed() {
    if lab_config().is_none() {
        return;
    }
    let uri = lab_ctl(&["uri", "2"]);
    let (src, copy) = ("cs-seed-src", "cs-seed-clone");
    let _cleanup = Cleanup::new(
        &uri,
        &[src, copy],
        &[
            "cs-seed-src.qcow2",
            "cs-seed-src-cidata.img",
            "cs-seed-clone-vda.qcow2",
            "cs-seed-clone-cidata.img",
        ],
    );
    // The seed as compose writes it.
    let user = vmdeck::cloudinit::default_user_data(src, &[]);
    let meta = vmdeck::cloudinit::meta_data(&format!("vmdeck-{src}"), src);
    let seed = vmdeck::cloudinit::nocloud_seed(&meta, &user).unwrap();
    let seed_file = std::env::temp_dir().join("cs-seed-src-cidata.img");
    std::fs::write(&seed_file, &seed).unwrap();
    let size = seed.len().to_string();
    virsh(
        &uri,
        &[
            "vol-create-as",
            "default",
            "cs-seed-src-cidata.img",
            &size,
            "--format",
            "raw",
        ],
    );
    virsh(
        &uri,
        &[
            "vol-upload",
            "--pool",
            "default",
            "cs-seed-src-cidata.img",
            seed_file.to_str().unwrap(),
        ],
    );
    let seed_disk = format!(
        "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='{}/cs-seed-src-cidata.img'/>\
         <target dev='vdb' bus='virtio'/><readonly/></disk>",
        images("2")
    );
    define(&uri, "2", src, "", &seed_disk);

    clone_once(&uri, src, copy, CloneMode::Linked).unwrap();
    let blk = virsh(&uri, &["domblklist", copy]);
    let clone_seed = format!("{}/cs-seed-clone-cidata.img", images("2"));
    assert!(blk.contains(&clone_seed), "{blk}");
    let bytes = std::fs::read(&clone_seed).unwrap();
    let (meta, user) = vmdeck::cloudinit::read_nocloud_seed(bytes).unwrap();
    assert!(meta.contains("local-hostname: cs-seed-clone\n"), "{meta}");
    assert!(
        meta.contains("instance-id: vmdeck-cs-seed-clone-"),
        "{meta}"
    );
    assert_eq!(vmdeck::cloudinit::hostname_in(&user).as_deref(), Some(copy));
    assert!(
        user.contains("name: admin"),
        "the rest of the user-data stays"
    );
}

#[test]
fn a_clone_that_fails_part_way_removes_what_it_made_and_a_retry_works() {
    if lab_config().is_none() {
        return;
    }
    let uri = lab_ctl(&["uri", "1"]);
    let (src, copy) = ("cs-rb-src", "cs-rb-clone");
    let _cleanup = Cleanup::new(
        &uri,
        &[src, copy],
        &[
            "cs-rb-src.qcow2",
            "cs-rb-src-b.qcow2",
            "cs-rb-clone-vda.qcow2",
            "cs-rb-clone-vdb.qcow2",
        ],
    );
    virsh(
        &uri,
        &[
            "vol-create-as",
            "default",
            "cs-rb-src-b.qcow2",
            "16M",
            "--format",
            "qcow2",
        ],
    );
    let second = format!(
        "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>\
         <source file='{}/cs-rb-src-b.qcow2'/><target dev='vdb' bus='virtio'/></disk>",
        images("1")
    );
    define(&uri, "1", src, "", &second);
    // Someone else's volume where the clone's second disk would go: the clone stops there.
    virsh(
        &uri,
        &[
            "vol-create-as",
            "default",
            "cs-rb-clone-vdb.qcow2",
            "1M",
            "--format",
            "qcow2",
        ],
    );

    let err = clone_once(&uri, src, copy, CloneMode::Full).unwrap_err();
    assert_eq!(
        err,
        "a volume cs-rb-clone-vdb.qcow2 exists already in storage pool 'default'; it is left alone; removed the volume it had made"
    );
    let vols = volumes(&uri);
    assert!(
        !vols.contains(&"cs-rb-clone-vda.qcow2".to_string()),
        "{vols:?}"
    );
    assert!(
        vols.contains(&"cs-rb-clone-vdb.qcow2".to_string()),
        "not ours: kept"
    );
    assert!(!virsh(&uri, &["list", "--all", "--name"]).contains(copy));

    virsh(
        &uri,
        &["vol-delete", "--pool", "default", "cs-rb-clone-vdb.qcow2"],
    );
    clone_once(&uri, src, copy, CloneMode::Full).unwrap();
    let blk = virsh(&uri, &["domblklist", copy]);
    assert!(
        blk.contains("cs-rb-clone-vda.qcow2") && blk.contains("cs-rb-clone-vdb.qcow2"),
        "{blk}"
    );
}
