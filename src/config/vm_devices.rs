//! A `[[vm_type]]`'s devices and networks: `gpu`, `gpu_model`, `sriov_vfs` on
//! `sriov_network`, `networks`.

use super::file::VmTypeFile;
use crate::model::devices::DeviceNeeds;

pub(super) fn device_needs(name: &str, t: &VmTypeFile) -> Result<DeviceNeeds, String> {
    let gpus = t.gpu.unwrap_or(0);
    let vfs = t.sriov_vfs.unwrap_or(0);
    let named = |value: &Option<String>, key: &str| match value.as_deref().map(str::trim) {
        Some("") => Err(format!("vm_type '{name}': {key} must not be empty")),
        other => Ok(other.map(str::to_string)),
    };
    let gpu_model = named(&t.gpu_model, "gpu_model")?;
    let vf_network = named(&t.sriov_network, "sriov_network")?;
    if gpu_model.is_some() && gpus == 0 {
        return Err(format!(
            "vm_type '{name}': gpu_model needs gpu = 1 (or more)"
        ));
    }
    match (vfs, &vf_network) {
        (0, Some(_)) => {
            return Err(format!(
                "vm_type '{name}': sriov_network needs sriov_vfs = 1 (or more)"
            ));
        }
        (1.., None) => {
            return Err(format!(
                "vm_type '{name}': sriov_vfs needs sriov_network, the network the functions carry"
            ));
        }
        _ => {}
    }
    let networks = t.networks.clone().unwrap_or_default();
    if networks.iter().any(|n| n.trim().is_empty()) {
        return Err(format!(
            "vm_type '{name}': networks must not hold an empty name"
        ));
    }
    Ok(DeviceNeeds {
        gpus,
        gpu_model,
        vfs,
        vf_network,
        networks,
    })
}

#[cfg(test)]
mod tests {
    use crate::config::parse_config;

    const TYPE: &str = "[[pool]]\nname = \"p\"\nhosts = [\"qemu:///system\"]\n\n\
                        [[vm_type]]\nname = \"g\"\nvcpus = 1\nmemory = \"1GiB\"\ndisk = \"1GiB\"\n";

    #[test]
    fn devices_and_networks_are_read() {
        let text = format!(
            "{TYPE}gpu = 2\ngpu_model = \"A100\"\nsriov_vfs = 1\nsriov_network = \"vlan-120\"\n\
             networks = [\"vlan-120\", \"storage\"]\n"
        );
        let config = parse_config(&text, "c.toml").expect("valid");
        let needs = &config.vm_types[0].devices;
        assert_eq!((needs.gpus, needs.gpu_model.as_deref()), (2, Some("A100")));
        assert_eq!(
            (needs.vfs, needs.vf_network.as_deref()),
            (1, Some("vlan-120"))
        );
        assert_eq!(needs.networks, ["vlan-120", "storage"]);
    }

    #[test]
    fn a_half_said_need_names_file_line_and_what_is_missing() {
        for (extra, said) in [
            ("sriov_vfs = 1\n", "sriov_vfs needs sriov_network"),
            ("sriov_network = \"x\"\n", "sriov_network needs sriov_vfs"),
            ("gpu_model = \"A100\"\n", "gpu_model needs gpu = 1"),
            (
                "networks = [\"\"]\n",
                "networks must not hold an empty name",
            ),
            ("gpu = \"one\"\n", "expected u32"),
        ] {
            let err = parse_config(&format!("{TYPE}{extra}"), "c.toml").expect_err(extra);
            assert!(err.to_string().starts_with("c.toml:"), "{err}");
            assert!(err.line.is_some(), "{err}");
            assert!(err.reason.contains(said), "{extra}: {err}");
        }
    }
}
