//! One view per resource.

pub mod audit;
pub mod console;
pub mod dashboard;
pub mod help;
pub mod host;
pub mod list;
pub mod ops;
pub mod vm;
