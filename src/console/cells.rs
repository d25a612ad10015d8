//! One cell of the console screen as the pane draws it, in vmdeck's own terms: the
//! emulator's cell types stay inside `console`.

use alacritty_terminal::term::cell::{Cell, Flags};
use alacritty_terminal::vte::ansi::{Color, NamedColor};

/// A cell's colour: the pane's default, one of the 256 indexed colours (0–15 the named
/// ones), or RGB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellColor {
    Default,
    Indexed(u8),
    Rgb(u8, u8, u8),
}

impl CellColor {
    fn of(color: Color) -> CellColor {
        match color {
            Color::Spec(rgb) => CellColor::Rgb(rgb.r, rgb.g, rgb.b),
            Color::Indexed(i) => CellColor::Indexed(i),
            Color::Named(named) => {
                named_index(named).map_or(CellColor::Default, CellColor::Indexed)
            }
        }
    }
}

/// The index of a named colour; the terminal's own foreground, background and cursor
/// colours have none (the pane's defaults show).
fn named_index(named: NamedColor) -> Option<u8> {
    let index = named as usize;
    let dim_black = NamedColor::DimBlack as usize;
    let dim_white = NamedColor::DimWhite as usize;
    match index {
        0..=15 => u8::try_from(index).ok(),
        // Dim colours are the normal ones drawn with the dim attribute.
        i if (dim_black..=dim_white).contains(&i) => u8::try_from(i - dim_black).ok(),
        _ => None,
    }
}

/// What the pane needs of one cell.
#[derive(Debug, Clone, Copy)]
pub struct CellView<'a> {
    pub ch: char,
    /// Combining characters drawn on `ch`.
    pub zerowidth: &'a [char],
    pub fg: CellColor,
    pub bg: CellColor,
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    pub inverse: bool,
    pub strikeout: bool,
    pub hidden: bool,
    /// The right half of a wide character (or the padding before one that wrapped): it
    /// draws no symbol of its own.
    pub spacer: bool,
}

impl<'a> CellView<'a> {
    pub(super) fn of(cell: &'a Cell) -> CellView<'a> {
        let flags = cell.flags;
        CellView {
            ch: cell.c,
            zerowidth: cell.zerowidth().unwrap_or_default(),
            fg: CellColor::of(cell.fg),
            bg: CellColor::of(cell.bg),
            bold: flags.contains(Flags::BOLD),
            dim: flags.contains(Flags::DIM),
            italic: flags.contains(Flags::ITALIC),
            underline: flags.intersects(Flags::ALL_UNDERLINES),
            inverse: flags.contains(Flags::INVERSE),
            strikeout: flags.contains(Flags::STRIKEOUT),
            hidden: flags.contains(Flags::HIDDEN),
            spacer: flags.intersects(Flags::WIDE_CHAR_SPACER | Flags::LEADING_WIDE_CHAR_SPACER),
        }
    }

    /// Whether the cell shows anything (a blank is where the cursor draws its block).
    pub fn is_blank(&self) -> bool {
        self.ch == ' ' && self.zerowidth.is_empty()
    }
}
