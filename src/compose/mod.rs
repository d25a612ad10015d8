//! Composing VMs, the parts shared by the compose form, `:compose` and `vmdeck compose`: the
//! request as given, checked against the pool's settings, placed by the engine, and turned
//! into one [`ComposeSpec`] per VM.

mod args;
mod attach;
pub(crate) mod headless;
mod plan;
mod rt;
mod user_data;

pub use args::ComposeArgs;
pub use headless::run_headless;
pub use plan::{HostView, Plan, PlannedVm, PoolView, plan, plan_from, plan_in};
pub use user_data::UserData;

use std::path::PathBuf;

use crate::cloudinit;

/// The default user-data for the VM `name`: its hostname and the admin's SSH public keys.
pub fn default_user_data(name: &str) -> String {
    let keys = std::env::var_os("HOME")
        .map(|home| cloudinit::ssh_public_keys(&PathBuf::from(home).join(".ssh")))
        .unwrap_or_default();
    cloudinit::default_user_data(name, &keys)
}

/// The user-data template for `name` (a VM or a set, whose members get their own names).
pub fn template_for(name: &str, set: bool) -> String {
    default_user_data(if set { "{{name}}" } else { name })
}

#[cfg(test)]
mod tests;
