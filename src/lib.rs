//! vmdeck: a full-screen terminal console for pools of virtual machines.

pub mod backend;
pub mod config;
pub mod model;
pub mod keymap;
pub mod theme;
pub mod app;
pub mod ui;
pub mod cli;
pub mod headless;
pub mod startup;
pub mod term;
pub mod tui;
