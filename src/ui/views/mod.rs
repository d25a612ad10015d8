//! One view per resource.

pub mod help;
pub mod list;
pub mod vm;
