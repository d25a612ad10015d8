//! Draws a console's visible screen into the frame: each cell's symbol, colours and
//! attributes, and the cursor (a block on an empty cell, reversed video on a written one),
//! as tui-term drew it before.

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Clear, Widget};

use crate::console::screen::{CellColor, CellView, ConsoleScreen};

/// The console screen in an optional block, with or without the cursor.
pub struct TerminalView<'a> {
    screen: &'a ConsoleScreen,
    block: Option<Block<'a>>,
    show_cursor: bool,
}

impl<'a> TerminalView<'a> {
    pub fn new(screen: &'a ConsoleScreen) -> TerminalView<'a> {
        TerminalView {
            screen,
            block: None,
            show_cursor: true,
        }
    }

    pub fn block(mut self, block: Block<'a>) -> TerminalView<'a> {
        self.block = Some(block);
        self
    }

    /// Whether the cursor is drawn (it never is where the guest hid it).
    pub fn show_cursor(mut self, show: bool) -> TerminalView<'a> {
        self.show_cursor = show;
        self
    }
}

impl Widget for TerminalView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        Clear.render(area, buf);
        let area = match self.block {
            Some(block) => {
                let inner = block.inner(area);
                block.render(area, buf);
                inner
            }
            None => area,
        };
        let (rows, cols) = self.screen.size();
        for row in 0..rows.min(area.height) {
            let y = area.y + row;
            for (col, cell) in self
                .screen
                .row_cells(row)
                .take(usize::from(cols.min(area.width)))
                .enumerate()
            {
                draw_cell(&cell, &mut buf[(area.x + col as u16, y)]);
            }
        }
        if self.show_cursor && !self.screen.hide_cursor() {
            draw_cursor(self.screen, area, buf);
        }
    }
}

fn draw_cell(cell: &CellView<'_>, out: &mut Cell) {
    // The right half of a wide character keeps the blank Clear left: the left half covers it.
    if !cell.spacer {
        if cell.zerowidth.is_empty() {
            out.set_char(cell.ch);
        } else {
            let mut symbol = String::from(cell.ch);
            symbol.extend(cell.zerowidth);
            out.set_symbol(&symbol);
        }
    }
    out.set_style(
        Style::reset()
            .fg(color(cell.fg))
            .bg(color(cell.bg))
            .add_modifier(modifiers(cell)),
    );
}

fn modifiers(cell: &CellView<'_>) -> Modifier {
    [
        (cell.bold, Modifier::BOLD),
        (cell.dim, Modifier::DIM),
        (cell.italic, Modifier::ITALIC),
        (cell.underline, Modifier::UNDERLINED),
        (cell.inverse, Modifier::REVERSED),
        (cell.strikeout, Modifier::CROSSED_OUT),
        (cell.hidden, Modifier::HIDDEN),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .fold(Modifier::empty(), |all, (_, m)| all | m)
}

/// The guest's default colours are the terminal's own (the theme's shows through).
fn color(color: CellColor) -> Color {
    match color {
        CellColor::Default => Color::Reset,
        CellColor::Indexed(i) => Color::Indexed(i),
        CellColor::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

/// The cursor is where the guest's is, moved down by how far the view is scrolled back
/// (off the pane when scrolled far enough).
fn draw_cursor(screen: &ConsoleScreen, area: Rect, buf: &mut Buffer) {
    let (row, col) = screen.cursor_position();
    let row = row.saturating_add(u16::try_from(screen.scrollback()).unwrap_or(u16::MAX));
    if row >= area.height.min(screen.size().0) || col >= area.width.min(screen.size().1) {
        return;
    }
    let blank = screen
        .row_cells(row)
        .nth(usize::from(col))
        .is_none_or(|c| c.is_blank());
    let out = &mut buf[(area.x + col, area.y + row)];
    if blank {
        out.set_symbol("█");
        out.set_style(Style::default().fg(Color::Gray));
    } else {
        out.set_style(Style::default().add_modifier(Modifier::REVERSED));
    }
}
