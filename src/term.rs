//! The terminal guard: raw mode and the alternate screen on enter; restored on drop, on
//! panic (before the panic message prints), on error and on every signal that ends vmdeck.
//! All of them call the one `restore`, which is idempotent, so every path may call it.

use std::io::{self, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The signals that end vmdeck (ALRM is ignored instead), with their names for the audit log.
pub const ENDING_SIGNALS: &[(i32, &str)] = &[
    (libc::SIGTERM, "SIGTERM"),
    (libc::SIGHUP, "SIGHUP"),
    (libc::SIGINT, "SIGINT"),
    (libc::SIGQUIT, "SIGQUIT"),
    (libc::SIGUSR1, "SIGUSR1"),
    (libc::SIGUSR2, "SIGUSR2"),
];

static ACTIVE: AtomicBool = AtomicBool::new(false);
/// The real stderr while it points at the log file (so nothing draws over the UI).
static SAVED_STDERR: Mutex<Option<RawFd>> = Mutex::new(None);

/// The signal that ended the UI (0: none), for the exit status.
static ENDED_BY: AtomicI32 = AtomicI32::new(0);

/// Remembers the signal that ends the UI; false when an earlier one already did.
pub fn note_signal(number: i32) -> bool {
    ENDED_BY
        .compare_exchange(0, number, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
}

/// The shell's convention for a program ended by a signal (128 + its number), if one did.
pub fn signal_exit_status() -> Option<u8> {
    match ENDED_BY.load(Ordering::SeqCst) {
        0 => None,
        n => u8::try_from(128 + n).ok(),
    }
}

pub type Tui = Terminal<CrosstermBackend<FrameWriter>>;

/// Where frames are written: kept whole until ratatui flushes at a frame's end, then written
/// in one go inside a synchronized update (DEC mode 2026), so a frame reaches the terminal in
/// one write (over SSH a few packets, not one per kilobyte) and is never shown half drawn by
/// terminals that know the mode (tmux, kitty, WezTerm, foot, recent xterm; others ignore it).
/// Once the terminal is restored (a panic mid-frame, a signal) what is left is dropped, never
/// written over the admin's shell.
#[derive(Default)]
pub struct FrameWriter {
    frame: Vec<u8>,
}

impl FrameWriter {
    const BEGIN: &[u8] = b"\x1b[?2026h";
    const END: &[u8] = b"\x1b[?2026l";
}

impl Write for FrameWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.frame.is_empty() {
            self.frame.extend_from_slice(FrameWriter::BEGIN);
        }
        self.frame.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    /// Writes the frame and keeps the buffer's room for the next.
    fn flush(&mut self) -> io::Result<()> {
        if self.frame.is_empty() {
            return Ok(());
        }
        self.frame.extend_from_slice(FrameWriter::END);
        let written = if ACTIVE.load(Ordering::SeqCst) {
            let mut stdout = io::stdout().lock();
            stdout.write_all(&self.frame).and_then(|()| stdout.flush())
        } else {
            Ok(())
        };
        self.frame.clear();
        written
    }
}

/// Owns the terminal while the UI runs.
pub struct TerminalGuard {
    pub terminal: Tui,
}

impl TerminalGuard {
    /// Takes over the terminal; stderr goes to `log` until restore.
    pub fn enter(log: Option<&std::fs::File>) -> io::Result<TerminalGuard> {
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut stdout = io::stdout();
        if let Err(e) = execute!(stdout, EnterAlternateScreen, EnableBracketedPaste) {
            restore();
            return Err(e);
        }
        if let Some(log) = log {
            redirect_stderr(log);
        }
        let backend = CrosstermBackend::new(FrameWriter::default());
        let terminal = Terminal::new(backend).inspect_err(|_| restore())?;
        Ok(TerminalGuard { terminal })
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = self.terminal.show_cursor();
        restore();
    }
}

/// Gives the terminal back: cooked mode, main screen, visible cursor, real stderr.
pub fn restore() {
    restore_stderr();
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut stdout = io::stdout();
        let _ = execute!(
            stdout,
            crossterm::event::DisableMouseCapture,
            DisableBracketedPaste,
            LeaveAlternateScreen,
            crossterm::cursor::Show
        );
        let _ = disable_raw_mode();
        let _ = stdout.flush();
    }
}

/// The panic hook: a panic in a host's supervisor (contained there) goes to the log file only
/// and leaves the UI running; any other panic restores the terminal first, then prints.
pub fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if crate::backend::contain::contained_here() {
            let thread = std::thread::current();
            tracing::error!(
                "panic in thread '{}' at {}: {}",
                thread.name().unwrap_or("?"),
                info.location().map_or("?".into(), ToString::to_string),
                crate::backend::contain::message(info.payload()),
            );
            return;
        }
        restore();
        previous(info);
    }));
}

fn redirect_stderr(log: &std::fs::File) {
    // SAFETY: dup/dup2 on valid descriptors; the saved copy is restored exactly once.
    unsafe {
        let saved = libc::dup(libc::STDERR_FILENO);
        if saved >= 0 && libc::dup2(log.as_raw_fd(), libc::STDERR_FILENO) >= 0 {
            if let Ok(mut slot) = SAVED_STDERR.lock() {
                *slot = Some(saved);
            }
        } else if saved >= 0 {
            libc::close(saved);
        }
    }
}

fn restore_stderr() {
    let saved = SAVED_STDERR.lock().ok().and_then(|mut slot| slot.take());
    if let Some(fd) = saved {
        // SAFETY: fd is the descriptor saved by redirect_stderr.
        unsafe {
            libc::dup2(fd, libc::STDERR_FILENO);
            libc::close(fd);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_held_whole_inside_one_synchronized_update() {
        let mut out = FrameWriter::default();
        out.write_all(b"\x1b[1;1Hab").unwrap();
        out.write_all(b"cd").unwrap();
        assert_eq!(out.frame, b"\x1b[?2026h\x1b[1;1Habcd");
    }

    #[test]
    fn a_frame_left_once_the_terminal_is_given_back_is_dropped() {
        // No guard holds the terminal in a unit test: as after a restore.
        assert!(!ACTIVE.load(Ordering::SeqCst));
        let mut out = FrameWriter::default();
        out.write_all(b"half a frame").unwrap();
        out.flush().unwrap();
        assert!(out.frame.is_empty());
        out.flush().unwrap();
    }
}
