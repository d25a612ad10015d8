//! The emulated terminal of one console: vt100 plus answers to the questions guests ask
//! their terminal (busybox asks for the cursor position; full-screen programs ask for the
//! device attributes and window size). Without answers, shells hang or draw wrongly.

use std::fmt;

use tui_term::vt100::{self, Callbacks, Screen};

/// Collects the replies the guest's queries need.
#[derive(Debug, Default)]
pub struct Replies {
    pending: Vec<u8>,
}

impl Callbacks for Replies {
    fn unhandled_csi(
        &mut self,
        screen: &mut Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let first = params.first().and_then(|p| p.first()).copied().unwrap_or(0);
        let reply = match (i1, c, first) {
            // DSR: cursor position, 1-based.
            (None, 'n', 6) => {
                let (row, col) = screen.cursor_position();
                format!("\x1b[{};{}R", row + 1, col + 1)
            }
            // DSR: status — "terminal OK".
            (None, 'n', 5) => "\x1b[0n".into(),
            // DA1: a VT100 with advanced video, as xterm answers by default.
            (None, 'c', 0) => "\x1b[?1;2c".into(),
            // DA2: xterm's secondary attributes.
            (Some(b'>'), 'c', _) => "\x1b[>0;276;0c".into(),
            // XTWINOPS 18: the text area size, so serial guests can learn it.
            (None, 't', 18) => {
                let (rows, cols) = screen.size();
                format!("\x1b[8;{rows};{cols}t")
            }
            _ => return,
        };
        self.pending.extend_from_slice(reply.as_bytes());
    }
}

/// One console's terminal state.
pub struct ConsoleScreen {
    parser: vt100::Parser<Replies>,
}

impl fmt::Debug for ConsoleScreen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (rows, cols) = self.parser.screen().size();
        write!(f, "ConsoleScreen({rows}x{cols})")
    }
}

impl ConsoleScreen {
    pub fn new(rows: u16, cols: u16, scrollback: usize) -> ConsoleScreen {
        ConsoleScreen {
            parser: vt100::Parser::new_with_callbacks(
                rows.max(1),
                cols.max(1),
                scrollback,
                Replies::default(),
            ),
        }
    }

    /// Feeds guest output; returns what must be written back to the guest.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<u8> {
        self.parser.process(bytes);
        std::mem::take(&mut self.parser.callbacks_mut().pending)
    }

    pub fn resize(&mut self, rows: u16, cols: u16) {
        self.parser.screen_mut().set_size(rows.max(1), cols.max(1));
    }

    pub fn screen(&self) -> &Screen {
        self.parser.screen()
    }

    /// Scrolls the view `rows` lines back into history (0 = live); clamped by vt100.
    pub fn set_scrollback(&mut self, rows: usize) {
        self.parser.screen_mut().set_scrollback(rows);
    }

    /// How far back the view currently is.
    pub fn scrollback(&self) -> usize {
        self.parser.screen().scrollback()
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
            screen.screen().contents().contains("line 38"),
            "{}",
            screen.screen().contents()
        );
        screen.set_scrollback(0);
        assert!(screen.screen().contents().contains("line 49"));
    }
}
