//! A host's devices and networks kept up to date: read anew (the host view asks), or one VM's
//! uses changed or it went away. Who holds what and the per-node counts are recomputed here,
//! once per change, never while drawing.

use crate::app::state::HostState;
use crate::model::devices::{HostDevices, VmDeviceUse};

/// The devices and networks read anew replace the old ones; the VMs' uses are kept (they
/// change with the VMs, `vm_changed`).
pub fn replace(host: &mut HostState, devices: HostDevices) {
    if let Some(facts) = host.facts.as_mut() {
        let uses = std::mem::take(&mut facts.devices.uses);
        facts.devices = HostDevices { uses, ..devices }.with_users();
    }
}

/// One VM's `<hostdev>`s and NICs, after it was defined or changed.
pub fn vm_changed(host: &mut HostState, uses: VmDeviceUse) {
    if let Some(facts) = host.facts.as_mut() {
        facts.devices = std::mem::take(&mut facts.devices).with_use(uses);
    }
}

/// A VM that is gone holds nothing any more.
pub fn vm_gone(host: &mut HostState, vm: &str) {
    if let Some(facts) = host.facts.as_mut() {
        facts.devices = std::mem::take(&mut facts.devices).without_vm(vm);
    }
}
