//! End-to-end: host devices and networks. On two libvirt test-driver hosts (`test:///FILE`,
//! a real driver) — one with PCI GPUs on NUMA nodes 0 and 1, an SR-IOV card with VFs, a
//! VLAN network and a domain holding a GPU, one with none of these — the host view lists
//! the devices with their nodes and the domain as the GPU's user, the VM view shows its NIC's
//! bridge and VLAN, `vmdeck capacity` holds them, and a type asking for a GPU is placed on
//! the host with a free one and refused elsewhere with the reason, one asking for a missing
//! network refused naming it. On the lab: a domain defined with a `<hostdev>` for lab1's
//! card shows as its user at once and frees it when undefined, and a VM composed on a network
//! only lab1 has cannot move to lab2, the refusal naming the network. (Incus:
//! `e2e_devices_incus.rs`.)

mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use pty::{Tui, lab_config, lab_ctl, virsh};

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/testdriver/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

const TYPES: &str = r#"
[[vm_type]]
name = "gpu"
vcpus = 1
memory = "256MiB"
disk = "1GiB"
gpu = 1
gpu_model = "A100"

[[vm_type]]
name = "net130"
vcpus = 1
memory = "256MiB"
disk = "1GiB"
networks = ["vlan-130"]
"#;

fn test_driver_config(dir: &Path) -> PathBuf {
    let path = dir.join("vmdeck.toml");
    let text = format!(
        "[[pool]]\nname = \"t\"\nimage_pool = \"images\"\nhosts = [\
         {{ name = \"gpuhost\", uri = \"test://{}\" }}, \
         {{ name = \"plain\", uri = \"test://{}\" }}]\n{TYPES}",
        fixture("gpu_host.xml"),
        fixture("plain_host.xml")
    );
    std::fs::write(&path, text).unwrap();
    path
}

fn vmdeck(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmdeck"))
        .arg("--config")
        .arg(config)
        .args(args)
        .env_remove("VMDECK_CONFIG")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn host<'a>(hosts: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    let hosts = hosts.as_array().unwrap();
    hosts.iter().find(|h| h["name"] == name).unwrap()
}

#[test]
fn test_driver_hosts_show_their_devices_and_place_by_them() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_driver_config(dir.path());
    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 160, 48);
    tui.wait_text("hosts 2/2 up");
    tui.send(":host gpuhost\r");
    let screen = tui.wait_text("Devices · 2 GPUs (1 free)");
    for needle in [
        "0000:41:00.0 GPU   node 0 · iommu 40 · used by gpu-user",
        "0000:c1:00.0 GPU   node 1 · iommu 80 · free",
        "0000:02:00.0 NIC   node 0 · iommu 12 · free · eth2 · 2/7 VFs",
        "└ 0000:02:10.2 VF    node 0",
        "vlan-120    libvirt network · bridge br120 · bridge · active · VMs gpu-user",
    ] {
        assert!(screen.contains(needle), "{needle}: {screen}");
    }
    tui.send(":vm gpu-user\r");
    let screen = tui.wait_text("Host devices");
    assert!(
        screen.contains("vlan-120       on bridge br120  VLAN 120"),
        "{screen}"
    );
    drop(tui);

    let out = vmdeck(&config, &["capacity", "--output", "json"]);
    let hosts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let gpus: Vec<(String, u64, Option<String>)> = host(&hosts, "gpuhost")["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "gpu")
        .map(|d| {
            let user = d["used_by"].as_str().map(str::to_string);
            let address = d["address"].as_str().unwrap().to_string();
            (address, d["numa_node"].as_u64().unwrap(), user)
        })
        .collect();
    assert_eq!(
        gpus,
        [
            ("0000:41:00.0".into(), 0, Some("gpu-user".into())),
            ("0000:c1:00.0".into(), 1, None)
        ]
    );
    assert_eq!(host(&hosts, "gpuhost")["networks"][0]["vms"][0], "gpu-user");
    assert_eq!(host(&hosts, "plain")["devices"], serde_json::json!([]));

    let args = ["compose", "--pool", "t", "--image", "base", "--type"];
    let placed = vmdeck(&config, &[&args[..], &["gpu", "g1"]].concat());
    let said = text(&placed);
    assert!(placed.status.success(), "{said}");
    assert!(said.contains("g1 → gpuhost"), "{said}");
    assert!(
        said.contains("plain          rejected       —  0 free A100 GPUs (1 asked)"),
        "{said}"
    );
    // The only free GPU goes to the first of a set; the second finds none.
    let set = vmdeck(
        &config,
        &[&args[..], &["gpu", "--count", "2", "gs"]].concat(),
    );
    let said = text(&set);
    assert!(
        said.contains("gs-0 → gpuhost") && said.contains("gs-1 → refused"),
        "{said}"
    );
    let refused = vmdeck(&config, &[&args[..], &["net130", "n1"]].concat());
    let said = text(&refused);
    assert!(!refused.status.success(), "{said}");
    assert!(
        said.contains("gpuhost: no bridge for vlan-130; plain: no bridge for vlan-130"),
        "{said}"
    );
}

/// Undefines the composed VM (with its disks) and the network, whatever happened.
struct Cleanup {
    uri: String,
    vm: String,
    network: String,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = Command::new("virsh")
            .args([
                "-c",
                &self.uri,
                "undefine",
                &self.vm,
                "--remove-all-storage",
            ])
            .output();
        let _ = Command::new("virsh")
            .args(["-c", &self.uri, "net-undefine", &self.network])
            .output();
    }
}

#[test]
fn a_vm_on_a_network_only_its_host_has_cannot_move_and_the_refusal_names_it() {
    let Some(lab) = lab_config() else { return };
    let dir = tempfile::tempdir().unwrap();
    let pid = std::process::id();
    let network = format!("e2enet{pid}");
    let vm = format!("netvm{pid}");
    let uri = lab_ctl(&["uri", "1"]);
    let _cleanup = Cleanup {
        uri: uri.clone(),
        vm: vm.clone(),
        network: network.clone(),
    };
    // Defined only, never started: a bridged network creates nothing on the machine.
    let file = dir.path().join("net.xml");
    std::fs::write(
        &file,
        format!("<network><name>{network}</name><forward mode='bridge'/><bridge name='br{pid}'/></network>"),
    )
    .unwrap();
    virsh(&uri, &["net-define", file.to_str().unwrap()]);

    let config = dir.path().join("vmdeck.toml");
    let text_of_lab = std::fs::read_to_string(&lab).unwrap();
    std::fs::write(
        &config,
        format!(
            "{text_of_lab}\n[[vm_type]]\nname = \"onnet\"\nvcpus = 1\nmemory = \"64MiB\"\n\
             disk = \"1GiB\"\nnetworks = [\"{network}\"]\n"
        ),
    )
    .unwrap();
    let compose = [
        "compose",
        "--pool",
        "lab",
        "--type",
        "onnet",
        "--image",
        "lab-busybox",
    ];
    let out = vmdeck(
        &config,
        &[
            &compose[..],
            &[&vm, "--host", "lab1", "--no-start", "--yes"],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", text(&out));
    let xml = virsh(&uri, &["dumpxml", &vm]);
    assert!(
        xml.contains(&format!("<source network='{network}'")),
        "{xml}"
    );

    let mut tui = Tui::spawn(&["--config", config.to_str().unwrap()], 160, 48);
    tui.wait_for("every host up", Duration::from_secs(90), |s| {
        s.contains("hosts 6/6 up")
    });
    tui.send(&format!(":vm {vm}\r"));
    tui.wait_text(&format!("on bridge br{pid}"));
    tui.send(":migrate lab2\r");
    let refusal = format!("{vm} does not fit on lab2: no bridge for {network}");
    tui.wait_for(&refusal, Duration::from_secs(20), |s| s.contains(&refusal));
}

/// Undefines the domain, whatever happened.
struct Undefine(String, String);

impl Drop for Undefine {
    fn drop(&mut self) {
        let _ = Command::new("virsh")
            .args(["-c", &self.0, "undefine", &self.1])
            .output();
    }
}

#[test]
fn a_domain_defined_with_a_hostdev_shows_as_the_devices_user_and_frees_it_when_gone() {
    let Some(lab) = lab_config() else { return };
    let dir = tempfile::tempdir().unwrap();
    let uri = lab_ctl(&["uri", "1"]);
    let out = vmdeck(&lab, &["capacity", "--pool", "lab", "--output", "json"]);
    let hosts: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let devices = host(&hosts, "lab1")["devices"].as_array().unwrap().clone();
    let nic = devices
        .iter()
        .find(|d| d["kind"] == "nic")
        .expect("lab1 lists its NIC");
    let address = nic["address"].as_str().unwrap().to_string();

    let mut tui = Tui::spawn(&["--config", lab.to_str().unwrap()], 160, 48);
    tui.wait_for("every host up", Duration::from_secs(90), |s| {
        s.contains("hosts 6/6 up")
    });
    tui.send(":host lab1\r");
    tui.wait_text(&format!("{address} NIC"));

    // Defined only (managed='no', never started): the device is not touched.
    let name = format!("hostdev{}", std::process::id());
    let _undefine = Undefine(uri.clone(), name.clone());
    let (bus, rest) = address[5..].split_once(':').unwrap();
    let (slot, function) = rest.split_once('.').unwrap();
    let file = dir.path().join("domain.xml");
    std::fs::write(
        &file,
        format!(
            "<domain type='qemu'><name>{name}</name><memory unit='MiB'>16</memory><vcpu>1</vcpu>\
             <os><type>hvm</type></os><devices><hostdev mode='subsystem' type='pci' managed='no'>\
             <source><address domain='0x0000' bus='0x{bus}' slot='0x{slot}' function='0x{function}'/>\
             </source></hostdev></devices></domain>"
        ),
    )
    .unwrap();
    virsh(&uri, &["define", file.to_str().unwrap()]);
    let user = format!("used by {name}");
    tui.wait_for(&user, Duration::from_secs(20), |_| {
        tui.line_with(&address).is_some_and(|l| l.contains(&user))
    });
    virsh(&uri, &["undefine", &name]);
    tui.wait_for("the device free again", Duration::from_secs(20), |_| {
        tui.line_with(&address)
            .is_some_and(|l| l.contains("· free"))
    });
}
