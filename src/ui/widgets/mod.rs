//! Pieces drawn on every screen.

pub mod completion;
pub mod header;
pub mod highlight;
pub mod hints;
pub mod question;
pub mod sheet_row;
pub mod status;
pub mod terminal;
