//! A pool of three hosts with an image and a hard anti-affinity group, for compose tests.

use crossterm::event::KeyCode;
use vmdeck::app::{Msg, State, update};
use vmdeck::backend::HostEvent;
use vmdeck::config::parse_config;
use vmdeck::keymap::Keymap;
use vmdeck::model::compose::Image;
use vmdeck::model::{HostInventory, VmState};

use super::{facts, host, key, themes, typed, vm};

pub const CONFIG: &str = r#"
[[pool]]
name = "lab"
hosts = [{ name = "h1", uri = "qemu+ssh://h1/system" }, { name = "h2", uri = "qemu+ssh://h2/system" }, { name = "h3", uri = "qemu+ssh://h3/system" }]

[[pool.placement_group]]
name = "apart"
policy = "vm-anti-affinity"

[[vm_type]]
name = "small"
vcpus = 1
memory = "1GiB"
disk = "10GiB"
"#;

pub fn image(host: &str) -> Image {
    Image {
        name: "deb".into(),
        host: host.into(),
        format: "qcow2".into(),
        size_bytes: 1 << 30,
        location: format!("/img/{host}/deb.qcow2"),
    }
}

/// Three hosts up, each with image `deb`; h1 holds `old`; the VM list of the pool on screen.
pub fn lab(config: &str) -> State {
    lab_with(config, true)
}

/// Like `lab`, with `images` false: the hosts have not listed their images yet.
pub fn lab_with(config: &str, images: bool) -> State {
    let config = parse_config(config, "c.toml").unwrap();
    let mut s = State::new(&config, Keymap::builtin(), themes());
    update(
        &mut s,
        Msg::Resize {
            width: 120,
            height: 40,
        },
    );
    for (index, name) in ["h1", "h2", "h3"].iter().enumerate() {
        let vms = if index == 0 {
            vec![vm("old", VmState::Running, 1, 1024, "small")]
        } else {
            Vec::new()
        };
        let inventory = HostInventory {
            facts: facts(name),
            vms,
        };
        host(&mut s, 0, index, HostEvent::Connected(inventory));
        if images {
            host(&mut s, 0, index, HostEvent::Images(Ok(vec![image(name)])));
        }
    }
    key(&mut s, KeyCode::Char(':'));
    typed(&mut s, "vms lab");
    key(&mut s, KeyCode::Enter);
    s
}
