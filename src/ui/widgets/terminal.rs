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
    // The grid keeps a tab as the character `\t` where it was written (for copying), and a
    // guest may send other control characters: the frame gets a blank, never a control
    // character (ratatui refuses to measure one, and a terminal would act on it).
    if !cell.spacer {
        let shown = if cell.ch.is_control() { ' ' } else { cell.ch };
        let mut marks = cell.zerowidth.iter().filter(|c| !c.is_control()).peekable();
        if marks.peek().is_none() {
            out.set_char(shown);
        } else {
            let mut symbol = String::from(shown);
            symbol.extend(marks);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn draw(screen: &ConsoleScreen, show_cursor: bool) -> Buffer {
        let area = Rect::new(0, 0, 10, 3);
        let mut buf = Buffer::empty(area);
        TerminalView::new(screen)
            .show_cursor(show_cursor)
            .render(area, &mut buf);
        buf
    }

    #[test]
    fn draws_colours_attributes_and_wide_characters() {
        let mut screen = ConsoleScreen::new(3, 10, 0);
        screen.feed("\x1b[1;31mR\x1b[0;38;5;200;48;2;1;2;3mx\x1b[0;9;4m-\x1b[0m界z".as_bytes());
        let buf = draw(&screen, false);
        let red = &buf[(0, 0)];
        assert_eq!(red.symbol(), "R");
        assert_eq!(red.fg, Color::Indexed(1));
        assert!(red.modifier.contains(Modifier::BOLD));
        let x = &buf[(1, 0)];
        assert_eq!((x.fg, x.bg), (Color::Indexed(200), Color::Rgb(1, 2, 3)));
        let dash = &buf[(2, 0)].modifier;
        assert!(dash.contains(Modifier::CROSSED_OUT | Modifier::UNDERLINED));
        assert_eq!(buf[(3, 0)].symbol(), "界");
        assert_eq!(buf[(4, 0)].symbol(), " ", "the wide character's right half");
        assert_eq!(buf[(5, 0)].symbol(), "z");
        assert_eq!(
            (buf[(5, 0)].fg, buf[(5, 0)].bg),
            (Color::Reset, Color::Reset)
        );
    }

    #[test]
    fn a_tab_and_other_control_characters_draw_as_blanks() {
        let mut screen = ConsoleScreen::new(3, 20, 0);
        screen.feed(b"a\tb");
        let buf = draw(&screen, false);
        let row: String = (0..10).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert_eq!(row, "a       b ");
        assert!((0..10).all(|x| !buf[(x, 0)].symbol().chars().any(char::is_control)));
    }

    #[test]
    fn the_cursor_is_a_block_on_a_blank_and_reversed_on_text() {
        let mut screen = ConsoleScreen::new(3, 10, 0);
        screen.feed(b"ab");
        assert_eq!(draw(&screen, true)[(2, 0)].symbol(), "█");
        assert_eq!(draw(&screen, false)[(2, 0)].symbol(), " ");
        screen.feed(b"\x08");
        let on_b = draw(&screen, true);
        assert_eq!(on_b[(1, 0)].symbol(), "b");
        assert!(on_b[(1, 0)].modifier.contains(Modifier::REVERSED));
        screen.feed(b"\x1b[?25l");
        assert_eq!(draw(&screen, true)[(1, 0)].modifier, Modifier::empty());
    }
}
