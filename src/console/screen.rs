//! The emulated terminal of one console: alacritty_terminal (its history is a ring of reused
//! rows, so a console that has run a while costs no allocation per scrolled line) plus
//! answers to the questions guests ask their terminal (busybox asks for the cursor position;
//! full-screen programs ask for the device attributes and window size). Without answers,
//! shells hang or draw wrongly. No caller sees the emulator's types: the pane reads cells
//! through [`ConsoleScreen::row_cells`].

use std::fmt;
use std::sync::{Arc, Mutex};

use alacritty_terminal::event::{Event, EventListener};
use alacritty_terminal::grid::{Dimensions, Scroll};
use alacritty_terminal::index::{Column, Line};
use alacritty_terminal::term::{Config, Osc52, Term, TermMode};
use alacritty_terminal::vte::ansi::Processor;

pub use super::cells::{CellColor, CellView};

/// Replies the emulator asked to write back to the guest, collected during one `feed`.
#[derive(Clone, Default)]
pub struct Replies {
    pending: Arc<Mutex<Vec<u8>>>,
}

impl Replies {
    fn take(&self) -> Vec<u8> {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *pending)
    }
}

impl EventListener for Replies {
    fn send_event(&self, event: Event) {
        // Clipboard, colour and pixel-size queries go unanswered, as they did with vt100:
        // the guest learns nothing about the admin's terminal or clipboard.
        if let Event::PtyWrite(text) = event {
            let reply = as_xterm(&text);
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.extend_from_slice(reply.as_bytes());
        }
    }
}

/// The device attributes answered as xterm answers by default (what vmdeck always said),
/// not as alacritty identifies itself: guests' terminfo choices rest on these.
fn as_xterm(reply: &str) -> &str {
    match reply {
        // DA1: a VT100 with advanced video.
        "\x1b[?6c" => "\x1b[?1;2c",
        // DA2: xterm's secondary attributes.
        r if r.starts_with("\x1b[>0;") && r.ends_with(";1c") => "\x1b[>0;276;0c",
        r => r,
    }
}

/// The size the emulator is given: rows and columns, no pixels.
struct GridSize {
    rows: usize,
    cols: usize,
}

impl GridSize {
    fn new(rows: u16, cols: u16) -> GridSize {
        GridSize {
            rows: usize::from(rows.max(1)),
            cols: usize::from(cols.max(1)),
        }
    }
}

impl Dimensions for GridSize {
    fn total_lines(&self) -> usize {
        self.rows
    }

    fn screen_lines(&self) -> usize {
        self.rows
    }

    fn columns(&self) -> usize {
        self.cols
    }
}

/// One console's terminal state.
pub struct ConsoleScreen {
    term: Term<Replies>,
    parser: Processor,
    replies: Replies,
}

impl fmt::Debug for ConsoleScreen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (rows, cols) = self.size();
        write!(f, "ConsoleScreen({rows}x{cols})")
    }
}

impl ConsoleScreen {
    pub fn new(rows: u16, cols: u16, scrollback: usize) -> ConsoleScreen {
        let config = Config {
            scrolling_history: scrollback,
            osc52: Osc52::Disabled,
            ..Config::default()
        };
        let replies = Replies::default();
        let term = Term::new(config, &GridSize::new(rows, cols), replies.clone());
        ConsoleScreen {
            term,
            parser: Processor::new(),
            replies,
        }
    }

    /// Feeds guest output; returns what must be written back to the guest.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.parser.advance(&mut self.term, bytes);
        // A synchronized update (DEC mode 2026) is held back until the guest ends it or a
        // timeout nobody here watches: what arrived is shown now, so a guest that never
        // ends one cannot freeze the pane (vt100 had no such mode: same as before).
        if self.parser.sync_timeout().sync_timeout().is_some() {
            self.parser.stop_sync(&mut self.term);
        }
        self.replies.take()
    }

    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.term.resize(GridSize::new(rows, cols));
    }

    /// Rows and columns of the screen.
    pub fn size(&self) -> (u16, u16) {
        let grid = self.term.grid();
        let rows = u16::try_from(grid.screen_lines()).unwrap_or(u16::MAX);
        let cols = u16::try_from(grid.columns()).unwrap_or(u16::MAX);
        (rows, cols)
    }

    /// Scrolls the view `rows` lines back into history (0 = live), clamped to the history.
    pub fn set_scrollback(&mut self, rows: usize) {
        let target = rows.min(self.history_len());
        let delta = target as i64 - self.scrollback() as i64;
        let delta = i32::try_from(delta).unwrap_or(i32::MAX);
        if delta != 0 {
            self.term.scroll_display(Scroll::Delta(delta));
        }
    }

    /// How far back the view currently is.
    pub fn scrollback(&self) -> usize {
        self.term.grid().display_offset()
    }

    /// Lines kept above the screen.
    pub fn history_len(&self) -> usize {
        self.term.grid().history_size()
    }

    /// Whether the guest hid the cursor.
    pub fn hide_cursor(&self) -> bool {
        !self.term.mode().contains(TermMode::SHOW_CURSOR)
    }

    /// Whether arrows send SS3 sequences (DECCKM).
    pub fn application_cursor(&self) -> bool {
        self.term.mode().contains(TermMode::APP_CURSOR)
    }

    /// Whether pasted text is to be bracketed.
    pub fn bracketed_paste(&self) -> bool {
        self.term.mode().contains(TermMode::BRACKETED_PASTE)
    }

    /// The cursor's row and column on the live screen (not moved by scrolling back).
    pub fn cursor_position(&self) -> (u16, u16) {
        let point = self.term.grid().cursor.point;
        let row = u16::try_from(point.line.0.max(0)).unwrap_or(u16::MAX);
        let col = u16::try_from(point.column.0).unwrap_or(u16::MAX);
        (row, col)
    }

    /// The cells of visible row `row` (0 = top of the pane), as shown at the current scrollback.
    pub fn row_cells(&self, row: u16) -> impl Iterator<Item = CellView<'_>> {
        let line = Line(i32::from(row) - self.scrollback() as i32);
        let grid = self.term.grid();
        let cells = &grid[line];
        (0..grid.columns()).map(move |col| CellView::of(&cells[Column(col)]))
    }

    /// The text of visible row `row`, trailing blanks dropped.
    pub fn row_text(&self, row: u16) -> String {
        self.text_of(Line(i32::from(row) - self.scrollback() as i32))
    }

    /// The text of line `pos`, counted up from the newest line (0) into history, wherever
    /// the view is; empty past the oldest line.
    pub fn line_text(&self, pos: usize) -> String {
        let rows = usize::from(self.size().0);
        if pos >= rows + self.history_len() {
            return String::new();
        }
        // Below the screen's top, lines are numbered from 0; history lines are negative.
        self.text_of(Line(rows as i32 - 1 - pos as i32))
    }

    fn text_of(&self, line: Line) -> String {
        let grid = self.term.grid();
        let cells = &grid[line];
        let mut text = String::new();
        for col in 0..grid.columns() {
            let cell = CellView::of(&cells[Column(col)]);
            if !cell.spacer {
                text.push(cell.ch);
                text.extend(cell.zerowidth);
            }
        }
        text.truncate(text.trim_end().len());
        text
    }

    /// The text of the visible rows, one line each (for tests and diagnostics).
    pub fn contents(&self) -> String {
        let rows = self.size().0;
        let lines: Vec<String> = (0..rows).map(|r| self.row_text(r)).collect();
        lines.join("\n").trim_end().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_cursor_position_and_size_queries() {
        let mut screen = ConsoleScreen::new(24, 80, 100);
        assert_eq!(screen.feed(b"hello\r\nab"), b"");
        assert_eq!(screen.feed(b"\x1b[6n"), b"\x1b[2;3R");
        assert_eq!(screen.feed(b"\x1b[5n"), b"\x1b[0n");
        assert_eq!(screen.feed(b"\x1b[18t"), b"\x1b[8;24;80t");
        assert_eq!(screen.feed(b"\x1b[c"), b"\x1b[?1;2c");
        assert_eq!(screen.feed(b"\x1b[>c"), b"\x1b[>0;276;0c");
        screen.resize(30, 100);
        assert_eq!(screen.feed(b"\x1b[18t"), b"\x1b[8;30;100t");
    }

    #[test]
    fn keeps_scrollback() {
        let mut screen = ConsoleScreen::new(3, 20, 1000);
        for i in 0..50 {
            screen.feed(format!("line {i}\r\n").as_bytes());
        }
        screen.set_scrollback(10);
        assert_eq!(screen.scrollback(), 10);
        assert!(
            screen.contents().contains("line 38"),
            "{}",
            screen.contents()
        );
        screen.set_scrollback(usize::MAX);
        assert_eq!(screen.scrollback(), screen.history_len());
        screen.set_scrollback(0);
        assert!(screen.contents().contains("line 49"));
    }

    #[test]
    fn reads_lines_up_from_the_newest_wherever_the_view_is() {
        let mut screen = ConsoleScreen::new(3, 20, 1000);
        for i in 0..10 {
            screen.feed(format!("line {i}\r\n").as_bytes());
        }
        // The cursor sits on an empty newest line; "line 9" is one up.
        assert_eq!(screen.line_text(1), "line 9");
        screen.set_scrollback(4);
        assert_eq!(screen.line_text(1), "line 9");
        assert_eq!(screen.line_text(10), "line 0");
        assert_eq!(screen.line_text(11), "");
    }

    #[test]
    fn shows_a_synchronized_update_that_never_ends() {
        let mut screen = ConsoleScreen::new(3, 20, 0);
        screen.feed(b"\x1b[?2026hframe");
        assert!(screen.contents().contains("frame"), "{}", screen.contents());
        screen.feed(b" two");
        assert!(screen.contents().contains("frame two"));
    }

    #[test]
    fn reports_modes_the_keys_depend_on() {
        let mut screen = ConsoleScreen::new(24, 80, 0);
        assert!(!screen.application_cursor() && !screen.bracketed_paste());
        screen.feed(b"\x1b[?1h\x1b[?2004h\x1b[?25l");
        assert!(screen.application_cursor() && screen.bracketed_paste());
        assert!(screen.hide_cursor());
    }
}
