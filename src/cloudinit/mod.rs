//! cloud-init NoCloud support for composed VMs: the texts of `meta-data` and `user-data`, a
//! check of user-data before it is written, and the seed disk itself (a small FAT image
//! labelled `cidata` that cloud-init finds at first boot without any network metadata service).
//!
//! Pure functions and no I/O apart from [`ssh_public_keys`], so that the compose flow can build
//! a seed in memory and hand the bytes to whichever backend uploads the volume.

mod instance;
mod reseed;
mod seed;
mod template;
mod validate;

pub use instance::{Instance, instance_user_data};
pub use reseed::{reidentify_meta_data, with_hostname};
pub use seed::{nocloud_seed, read_nocloud_seed};
pub use template::{default_user_data, meta_data, ssh_public_keys};
pub use validate::{hostname_in, validate_user_data};
