//! Pieces drawn on every screen.

pub mod header;
pub mod hints;
pub mod status;
