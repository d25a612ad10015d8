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
