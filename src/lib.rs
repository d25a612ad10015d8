//! vmdeck: a full-screen terminal console for pools of virtual machines.

pub mod app;
pub mod attach;
pub mod audit;
pub mod backend;
pub mod capacity_report;
pub mod cli;
pub mod cloudinit;
pub mod compose;
pub mod config;
pub mod console;
pub mod effects;
pub mod fd_limit;
pub mod files;
pub mod headless;
pub mod keymap;
pub mod model;
pub mod placement;
pub mod rt;
pub mod sets;
pub mod startup;
pub mod term;
pub mod theme;
pub mod toml_place;
pub mod tui;
pub mod ui;
