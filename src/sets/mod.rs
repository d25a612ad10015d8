//! VM sets that keep themselves whole: each set's status derived from its members and their
//! stamped spec, and the plan that heals it (pure; the TUI and `vmdeck sets` share it), and
//! the headless commands that show and carry it out.

pub mod autoscale;
pub mod execute;
mod headless;
mod headless_scale;
pub mod heal;
pub mod lock;
mod meter;
pub mod place;
pub mod scale;
mod spec_edit;
pub mod status;
mod watch;
mod watch_act;

pub use headless::{HealArgs, run_heal, run_list};
pub use headless_scale::{ScaleArgs, run_scale};
pub use spec_edit::{SpecEdit, run_spec};
pub use status::{HostInput, Member, Problem, SetStatus, statuses};
pub use watch::{WatchArgs, run_watch};

#[cfg(test)]
mod tests;
