//! One view per resource.

pub mod audit;
pub mod compose;
pub mod compose_preview;
pub mod console;
pub mod dashboard;
mod devices;
pub mod help;
pub mod host;
pub mod images;
pub mod list;
mod numa_cards;
pub mod op;
pub mod ops;
pub mod rt;
pub mod sets;
mod storage;
pub mod vm;
mod vm_nics;
