//! End-to-end: a headless command reaches each host over one connection, however many
//! reads and writes it makes there — a watcher over several passes (its lock read, written
//! and read back, the pool read, CPU measured, every pass) and a compose (images, placement,
//! the compose itself). Counted on the wire by the lab's RPC-counting proxy in front of lab1.

mod lab_sets;
mod pty;
mod rpc_proxy;
mod watch;

use std::path::{Path, PathBuf};
use std::time::Duration;

use pty::{lab_config, lab_ctl, virsh};
use rpc_proxy::Proxy;
use watch::{ok, terminate, vmdeck, watcher};

/// The lab's config with lab1 reached through `proxy`.
fn config_through(lab: &Path, proxy: &Proxy, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(lab).unwrap();
    let direct = lab_ctl(&["uri", "1"]);
    assert!(text.contains(&direct), "the lab config has changed");
    let proxied = format!("qemu+unix:///session?socket={}", proxy.socket.display());
    let path = dir.join("vmdeck.toml");
    std::fs::write(&path, text.replacen(&direct, &proxied, 1)).unwrap();
    path
}

fn calls(connection: &serde_json::Value, procedure: &str) -> u64 {
    connection["by_procedure"][procedure].as_u64().unwrap_or(0)
}

#[test]
fn a_watcher_keeps_one_connection_to_a_host_across_its_passes() {
    let Some(lab) = lab_config() else { return };
    let _one = watch::one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::start(dir.path(), 1);
    let config = config_through(&lab, &proxy, dir.path());
    let log = dir.path().join("watch.log");
    let args = ["--pool", "lab", "--interval", "1", "--lease", "3"];
    let mut running = watcher(&config, dir.path(), &log, &args);
    watch::wait_until("the lock", Duration::from_secs(60), &log, || {
        watch::read_log(&log).contains("lock taken")
    });
    // Passes every second; the lock is renewed and the pool read at each.
    std::thread::sleep(Duration::from_secs(4));
    assert!(
        terminate(&mut running).success(),
        "{}",
        watch::read_log(&log)
    );

    let connections = proxy.all_connections(1);
    assert_eq!(connections.len(), 1, "{connections:?}");
    let passes = calls(&connections[0], "connect_list_all_domains");
    assert!(passes >= 2, "{passes} pool reads: {connections:?}");
}

#[test]
fn a_compose_reads_images_places_and_composes_over_one_connection() {
    let Some(lab) = lab_config() else { return };
    let name = "hc-one-conn";
    let uri = lab_ctl(&["uri", "1"]);
    let remove = || {
        // Gone already is fine.
        for step in [
            &["destroy", name][..],
            &["undefine", name, "--remove-all-storage"],
        ] {
            let _ = std::process::Command::new("virsh")
                .args(["-c", &uri])
                .args(step)
                .output();
        }
    };
    remove();
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::start(dir.path(), 1);
    let config = config_through(&lab, &proxy, dir.path());
    let mut args = vec!["compose", "--pool", "lab", name, "--type", "small"];
    args.extend(["--image", "lab-busybox", "--host", "lab1", "--yes"]);
    let said = ok(vmdeck(&config, dir.path(), &args));
    let listed = virsh(&uri, &["list", "--all", "--name"]);
    remove();
    assert!(listed.contains(name), "{said}");

    let connections = proxy.all_connections(1);
    assert_eq!(connections.len(), 1, "{said}\n{connections:?}");
}
