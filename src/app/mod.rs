//! The app: one `State`, `update` as its only mutator, messages in and effects out
//! (DESIGN.md §2). `run` wires it to the terminal and the backends.

pub mod capacity;
pub mod columns;
pub mod commands;
pub mod compose_form;
pub mod console;
pub mod dashboard;
pub mod derived;
pub mod dirty;
pub mod filter;
pub mod hints;
pub mod history;
pub mod layout;
pub mod live;

pub mod msg;
pub mod ops;
pub mod question;
pub mod rooms;
pub mod rows;
pub mod rt;
pub mod screen;
pub mod sets;
pub mod sheets;
pub mod state;
pub mod table;
pub mod update;

pub use msg::{Effect, Msg};
pub use state::State;
pub use update::update;
