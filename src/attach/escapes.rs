//! The console's detach keys, read from the keymap as raw terminal bytes, and the filter that
//! finds them in what the admin types: single keys at once, sequences (`Enter ~ .`) only after
//! a line end, the escape key twice sending it once — as the console pane does.

use crate::keymap::{Action, Context, Keymap};

/// The detach keys as raw terminal bytes: single keys, and sequences after a line end.
pub(super) struct Escapes {
    singles: Vec<Vec<u8>>,
    /// (line-end bytes, the rest) of sequences such as `<Enter>~.`.
    sequences: Vec<(Vec<u8>, Vec<u8>)>,
    pub(super) describe: String,
}

impl Escapes {
    pub(super) fn from_keymap(keymap: &Keymap) -> Escapes {
        let bytes = |c: &crate::keymap::Chord| {
            crate::console::keys::encode(&c.to_key_event(), false).unwrap_or_default()
        };
        let detach = keymap
            .bindings(Context::Console)
            .iter()
            .filter(|b| b.action == Action::Detach);
        let mut escapes = Escapes {
            singles: Vec::new(),
            sequences: Vec::new(),
            describe: String::new(),
        };
        for binding in detach {
            escapes.singles.extend(binding.keys.iter().map(bytes));
            for seq in &binding.sequences {
                let rest: Vec<u8> = seq[1..].iter().flat_map(bytes).collect();
                escapes.sequences.push((bytes(&seq[0]), rest));
            }
            escapes.describe = crate::keymap::describe_keys(binding);
        }
        escapes
    }
}

#[derive(Default)]
pub(super) struct EscapeFilter {
    at_line_start: bool,
    held: Vec<u8>,
}

pub(super) enum Filtered {
    Send(Vec<u8>),
    Detach,
}

impl EscapeFilter {
    /// Passes bytes through, holding back what may be an escape sequence after a line end.
    pub(super) fn feed(&mut self, bytes: &[u8], escapes: &Escapes) -> Filtered {
        let mut out = Vec::new();
        for &byte in bytes {
            if escapes.singles.iter().any(|s| s.as_slice() == [byte]) {
                return Filtered::Detach;
            }
            if self.at_line_start || !self.held.is_empty() {
                let mut typed = self.held.clone();
                typed.push(byte);
                if escapes.sequences.iter().any(|(_, rest)| *rest == typed) {
                    return Filtered::Detach;
                }
                if escapes
                    .sequences
                    .iter()
                    .any(|(_, rest)| rest.starts_with(&typed))
                {
                    self.held = typed;
                    self.at_line_start = false;
                    continue;
                }
                // The escape key twice sends it once.
                let doubled = typed.len() == 2 && typed[0] == typed[1];
                out.extend(if doubled { &typed[..1] } else { &typed[..] });
                self.held.clear();
            } else {
                out.push(byte);
            }
            self.at_line_start = escapes
                .sequences
                .iter()
                .any(|(end, _)| end.as_slice() == [byte]);
        }
        Filtered::Send(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(filter: &mut EscapeFilter, bytes: &[u8]) -> Option<Vec<u8>> {
        let escapes = Escapes::from_keymap(&Keymap::builtin());
        match filter.feed(bytes, &escapes) {
            Filtered::Send(b) => Some(b),
            Filtered::Detach => None,
        }
    }

    #[test]
    fn escapes_like_the_pane() {
        let mut f = EscapeFilter::default();
        assert_eq!(feed(&mut f, b"ls\r"), Some(b"ls\r".to_vec()));
        assert_eq!(
            feed(&mut f, b"~"),
            Some(Vec::new()),
            "held after a line end"
        );
        assert_eq!(feed(&mut f, b"~"), Some(b"~".to_vec()), "~~ sends one ~");
        assert_eq!(feed(&mut f, b"\r~x"), Some(b"\r~x".to_vec()));
        assert_eq!(
            feed(&mut f, b"a~."),
            Some(b"a~.".to_vec()),
            "not at a line start"
        );
        assert_eq!(feed(&mut f, b"\r~."), None);
        assert_eq!(
            feed(&mut EscapeFilter::default(), b"abc\x1d"),
            None,
            "Ctrl-]"
        );
    }
}
