//! Where a set's new member goes: the placement engine's answer for one index, under the
//! set's group, with every member placed before it noted on its host so anti-affinity holds
//! across the members of one heal or scale. Pure; the TUI and the headless commands share it.

use crate::compose::{ComposeArgs, PoolView, template_for};
use crate::config::VmType;
use crate::model::compose::ComposeSpec;
use crate::model::set::SetSpec;
use crate::placement::PlacedVm;

/// Places the member `index` of `set`, made from `spec` and stamped with it (the caller sets
/// its generation), and notes it on the chosen host of `view`. The host's name and what to
/// compose there, or why no host fits.
pub fn place_member(
    view: &mut PoolView,
    vm_types: &[VmType],
    set: &str,
    index: u32,
    spec: &SetSpec,
) -> Result<(String, Box<ComposeSpec>), String> {
    let args = ComposeArgs {
        name: set.to_string(),
        vm_type: spec.vm_type.clone(),
        image: spec.image.clone(),
        count: Some(1),
        group: spec.group.clone(),
        first_index: index,
        replicas: Some(spec.replicas),
        ..ComposeArgs::default()
    };
    // The set's own template, stamped with its spec; vmdeck's default for a set made before
    // templates were stamped.
    let template = spec
        .user_data
        .clone()
        .unwrap_or_else(|| template_for(set, true));
    let planned = crate::compose::plan_in(&args, view, vm_types, &template)?;
    let vm = planned.vms.first().ok_or("nothing planned")?;
    let (Some(host), Some(made)) = (vm.decision.chosen.clone(), vm.spec.clone()) else {
        return Err(vm.decision.why_none.clone().unwrap_or_default());
    };
    // The member carries the set's spec as given (min, max, autoscale and all).
    let made = ComposeSpec {
        set_spec: Some(spec.clone()),
        ..made
    };
    if let Some(room) = view.hosts.iter_mut().find(|h| h.room.name == host) {
        room.room.vms.push(PlacedVm {
            name: vm.name.clone(),
            group: spec.group.clone(),
        });
    }
    Ok((host, Box::new(made)))
}
