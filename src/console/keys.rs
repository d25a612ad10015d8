//! Keys typed into a console pane, encoded as xterm sends them to the guest.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// xterm's modifier parameter: 1 + Shift(1) + Alt(2) + Ctrl(4).
fn modifier_param(mods: KeyModifiers) -> u8 {
    1 + u8::from(mods.contains(KeyModifiers::SHIFT))
        + 2 * u8::from(mods.contains(KeyModifiers::ALT))
        + 4 * u8::from(mods.contains(KeyModifiers::CONTROL))
}

/// The bytes for a key, or None for keys that send nothing (modifier-only, media keys).
/// `app_cursor` is the guest's DECCKM mode (arrows as `ESC O A` instead of `ESC [ A`).
pub fn encode(key: &KeyEvent, app_cursor: bool) -> Option<Vec<u8>> {
    let mods = key.modifiers;
    let alt = mods.contains(KeyModifiers::ALT);
    let ctrl = mods.contains(KeyModifiers::CONTROL);
    let param = modifier_param(mods);
    let mut out = match key.code {
        KeyCode::Char(c) if ctrl => vec![ctrl_byte(c)?],
        KeyCode::Char(c) => c.to_string().into_bytes(),
        KeyCode::Enter => vec![b'\r'],
        KeyCode::Tab => vec![b'\t'],
        KeyCode::BackTab => b"\x1b[Z".to_vec(),
        KeyCode::Backspace if ctrl => vec![0x08],
        KeyCode::Backspace => vec![0x7f],
        KeyCode::Esc => vec![0x1b],
        KeyCode::Up => cursor(b'A', param, app_cursor),
        KeyCode::Down => cursor(b'B', param, app_cursor),
        KeyCode::Right => cursor(b'C', param, app_cursor),
        KeyCode::Left => cursor(b'D', param, app_cursor),
        KeyCode::Home => cursor(b'H', param, app_cursor),
        KeyCode::End => cursor(b'F', param, app_cursor),
        KeyCode::Insert => tilde(2, param),
        KeyCode::Delete => tilde(3, param),
        KeyCode::PageUp => tilde(5, param),
        KeyCode::PageDown => tilde(6, param),
        KeyCode::F(n) => function_key(n, param)?,
        _ => return None,
    };
    // Alt prefixes ESC for keys without their own modifier encoding.
    if alt
        && matches!(
            key.code,
            KeyCode::Char(_) | KeyCode::Enter | KeyCode::Backspace | KeyCode::Tab
        )
    {
        out.insert(0, 0x1b);
    }
    Some(out)
}

/// Ctrl+letter and the classic control punctuation (`Ctrl-@` … `Ctrl-_`).
fn ctrl_byte(c: char) -> Option<u8> {
    match c {
        'a'..='z' => Some(c as u8 - b'a' + 1),
        'A'..='Z' => Some(c as u8 - b'A' + 1),
        '@' | ' ' | '2' => Some(0),
        '[' | '3' => Some(0x1b),
        '\\' | '4' => Some(0x1c),
        ']' | '5' => Some(0x1d),
        '^' | '6' => Some(0x1e),
        '_' | '/' | '7' => Some(0x1f),
        '?' | '8' => Some(0x7f),
        _ => None,
    }
}

fn cursor(letter: u8, param: u8, app_cursor: bool) -> Vec<u8> {
    match (param, app_cursor) {
        (1, true) => vec![0x1b, b'O', letter],
        (1, false) => vec![0x1b, b'[', letter],
        (p, _) => format!("\x1b[1;{p}{}", letter as char).into_bytes(),
    }
}

fn tilde(code: u8, param: u8) -> Vec<u8> {
    if param == 1 {
        format!("\x1b[{code}~").into_bytes()
    } else {
        format!("\x1b[{code};{param}~").into_bytes()
    }
}

fn function_key(n: u8, param: u8) -> Option<Vec<u8>> {
    let ss3 = |c: char| {
        if param == 1 {
            format!("\x1bO{c}").into_bytes()
        } else {
            format!("\x1b[1;{param}{c}").into_bytes()
        }
    };
    Some(match n {
        1 => ss3('P'),
        2 => ss3('Q'),
        3 => ss3('R'),
        4 => ss3('S'),
        5 => tilde(15, param),
        6 => tilde(17, param),
        7 => tilde(18, param),
        8 => tilde(19, param),
        9 => tilde(20, param),
        10 => tilde(21, param),
        11 => tilde(23, param),
        12 => tilde(24, param),
        _ => return None,
    })
}

/// Pasted text, wrapped in bracketed-paste markers when the guest asked for them.
pub fn paste(text: &str, bracketed: bool) -> Vec<u8> {
    // Terminals send newlines in a paste as carriage returns, as if typed.
    let body = text.replace("\r\n", "\r").replace('\n', "\r");
    if bracketed {
        format!("\x1b[200~{body}\x1b[201~").into_bytes()
    } else {
        body.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> Vec<u8> {
        encode(&KeyEvent::new(code, mods), false).unwrap()
    }

    #[test]
    fn encodes_like_xterm() {
        let none = KeyModifiers::NONE;
        assert_eq!(key(KeyCode::Char('a'), none), b"a");
        assert_eq!(key(KeyCode::Char('c'), KeyModifiers::CONTROL), [3]);
        assert_eq!(key(KeyCode::Char('x'), KeyModifiers::ALT), b"\x1bx");
        assert_eq!(key(KeyCode::Enter, none), b"\r");
        assert_eq!(key(KeyCode::Backspace, none), [0x7f]);
        assert_eq!(key(KeyCode::Up, none), b"\x1b[A");
        assert_eq!(key(KeyCode::Left, KeyModifiers::CONTROL), b"\x1b[1;5D");
        assert_eq!(key(KeyCode::PageDown, none), b"\x1b[6~");
        assert_eq!(key(KeyCode::Delete, KeyModifiers::SHIFT), b"\x1b[3;2~");
        assert_eq!(key(KeyCode::F(1), none), b"\x1bOP");
        assert_eq!(key(KeyCode::F(5), none), b"\x1b[15~");
        assert_eq!(key(KeyCode::F(12), KeyModifiers::CONTROL), b"\x1b[24;5~");
        assert_eq!(key(KeyCode::BackTab, KeyModifiers::SHIFT), b"\x1b[Z");
        let app = encode(&KeyEvent::new(KeyCode::Down, none), true).unwrap();
        assert_eq!(app, b"\x1bOB");
    }

    #[test]
    fn paste_is_bracketed_when_asked() {
        assert_eq!(paste("a\nb", true), b"\x1b[200~a\rb\x1b[201~");
        assert_eq!(paste("a\r\nb", false), b"a\rb");
    }
}
