//! Key chords as written in keymap files (`q`, `G`, `<C-c>`, `<Enter>`, `<A-x>`), and their
//! match against terminal key events.

use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key with the modifiers that matter (Shift is folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
    /// Only for keys whose character does not already say it (`<S-PageUp>`).
    pub shift: bool,
}

impl Chord {
    pub fn from_event(event: &KeyEvent) -> Chord {
        let code = match event.code {
            // Terminals report Shift-Tab as BackTab already; keep one spelling.
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            // Terminals send Ctrl-\ Ctrl-] Ctrl-^ Ctrl-_ as bytes 0x1c–0x1f, which crossterm
            // reports as Ctrl-4 … Ctrl-7; keymaps name them by their usual characters.
            KeyCode::Char(c @ '4'..='7') if event.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(['\\', ']', '^', '_'][(c as u8 - b'4') as usize])
            }

            code => code,
        };
        Chord {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
            shift: event.modifiers.contains(KeyModifiers::SHIFT)
                && !matches!(code, KeyCode::Char(_) | KeyCode::BackTab),
        }
    }

    pub fn parse(text: &str) -> Result<Chord, String> {
        let bad = || format!("'{text}' is not a key (examples: q, G, <C-c>, <Enter>, <PageDown>)");
        let Some(inner) = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) else {
            let mut chars = text.chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(Chord {
                    code: KeyCode::Char(c),
                    ctrl: false,
                    alt: false,
                    shift: false,
                }),
                _ => Err(bad()),
            };
        };
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        let mut rest = inner;
        while rest.len() > 2 && rest.as_bytes()[1] == b'-' {
            match &rest[..1] {
                "C" | "c" => ctrl = true,
                "A" | "a" | "M" | "m" => alt = true,
                "S" | "s" => shift = true,
                _ => return Err(bad()),
            }
            rest = &rest[2..];
        }
        let code = named_key(rest).ok_or_else(bad)?;
        let shift = shift && !matches!(code, KeyCode::Char(_));
        Ok(Chord {
            code,
            ctrl,
            alt,
            shift,
        })
    }

    /// The key event this chord stands for (to encode held console keys).
    pub fn to_key_event(&self) -> KeyEvent {
        let mut modifiers = KeyModifiers::NONE;
        modifiers.set(KeyModifiers::CONTROL, self.ctrl);
        modifiers.set(KeyModifiers::ALT, self.alt);
        modifiers.set(KeyModifiers::SHIFT, self.shift);
        KeyEvent::new(self.code, modifiers)
    }

    /// A key sequence such as `<Enter>~.`: `<…>` groups and single characters.
    pub fn parse_sequence(text: &str) -> Result<Vec<Chord>, String> {
        let mut chords = Vec::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let len = match (c, rest.find('>')) {
                ('<', Some(end)) if end > 1 => end + 1,
                _ => c.len_utf8(),
            };
            chords.push(Chord::parse(&rest[..len])?);
            rest = &rest[len..];
        }
        Ok(chords)
    }
}

fn named_key(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(KeyCode::Char(c));
    }
    Some(match name.to_ascii_lowercase().as_str() {
        "enter" | "cr" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "space" => KeyCode::Char(' '),
        "backspace" | "bs" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pageup" => KeyCode::PageUp,
        "pagedown" => KeyCode::PageDown,
        "lt" => KeyCode::Char('<'),
        "gt" => KeyCode::Char('>'),
        f if f.starts_with('f') => KeyCode::F(f[1..].parse().ok()?),
        _ => return None,
    })
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if !self.ctrl && !self.alt => return write!(f, "{c}"),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Backspace => "BS".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let ctrl = if self.ctrl { "C-" } else { "" };
        let shift = if self.shift { "S-" } else { "" };
        let alt = if self.alt { "A-" } else { "" };
        write!(f, "{ctrl}{alt}{shift}{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_chords() {
        for (text, shown) in [
            ("q", "q"),
            ("<C-c>", "C-c"),
            ("<Enter>", "Enter"),
            ("<A-x>", "A-x"),
            ("<F5>", "F5"),
            ("<PageDown>", "PgDn"),
        ] {
            assert_eq!(Chord::parse(text).unwrap().to_string(), shown, "{text}");
        }
        assert!(Chord::parse("<Nope>").is_err());
        assert!(Chord::parse("ab").is_err());
    }

    #[test]
    fn matches_events() {
        let event = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(Chord::from_event(&event), Chord::parse("<C-c>").unwrap());
        let raw_ctrl_bracket = KeyEvent::new(KeyCode::Char('5'), KeyModifiers::CONTROL);
        assert_eq!(
            Chord::from_event(&raw_ctrl_bracket),
            Chord::parse("<C-]>").unwrap()
        );
        let shifted = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);

        assert_eq!(Chord::from_event(&shifted), Chord::parse("G").unwrap());
    }
}
