//! Tab completion of the `:` line: command names first, then each argument's values from
//! the live inventory. Computed by `update` when the line changes, never while drawing.

use super::{Command, Kind, find, offered, values};
use crate::app::state::State;

/// Enough to choose from; more would not fit above the input line anyway.
const MAX_CANDIDATES: usize = 100;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    /// What the word being typed can become, best first.
    pub candidates: Vec<String>,
    /// The candidate Tab put into the line, while cycling.
    pub selected: Option<usize>,
    /// The line before the word being completed.
    pub stem: String,
    /// The usage of the command being typed, with what it does.
    pub usage: Option<String>,
}

impl Completion {
    /// Tab (forward) or Shift-Tab: the next candidate, as the whole new line.
    pub fn cycle(&mut self, forward: bool) -> Option<String> {
        let n = self.candidates.len();
        if n == 0 {
            return None;
        }
        let next = match (self.selected, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.selected = Some(next);
        Some(format!("{}{}", self.stem, self.candidates[next]))
    }
}

/// The completion of `text` (the cursor is at its end).
pub fn complete(state: &State, text: &str) -> Completion {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (before, word) = match (text.ends_with(char::is_whitespace), words.split_last()) {
        (false, Some((last, before))) => (before, *last),
        _ => (words.as_slice(), ""),
    };
    let stem = text[..text.len() - word.len()].to_string();
    let Some((name, args)) = before.split_first() else {
        return Completion {
            candidates: command_names(state, word),
            stem,
            ..Completion::default()
        };
    };
    let Some(command) = find(name) else {
        return Completion::default();
    };
    Completion {
        candidates: argument(state, command, args, word),
        selected: None,
        stem,
        usage: Some(format!("{} — {}", command.usage_line(), command.desc)),
    }
}

fn command_names(state: &State, word: &str) -> Vec<String> {
    let starts =
        |c: &Command| c.name.starts_with(word) || c.aliases.iter().any(|a| a.starts_with(word));
    offered(state)
        .filter(|c| starts(c))
        .map(|c| c.name.to_string())
        .collect()
}

/// Values for the word after `args` (the words already typed after the command's name).
fn argument(state: &State, command: &Command, args: &[&str], word: &str) -> Vec<String> {
    let mut positional = 0;
    let mut pending = None;
    for arg in args {
        pending = match pending.take() {
            Some(_) => None,
            None => match command.options.iter().find(|o| o.flag == *arg) {
                Some(option) => option.value,
                None => {
                    positional += usize::from(!arg.starts_with("--"));
                    None
                }
            },
        };
    }
    if word.starts_with('-') {
        return flags(command, args, word);
    }
    // The last argument of a command that takes every word left is each of those words.
    let arg = command.args.get(positional);
    let arg = arg.or_else(|| command.args.last().filter(|_| command.rest));
    let kind = pending.or_else(|| arg.map(|a| a.kind));
    let found = kind.map_or_else(Vec::new, |kind| matching(state, kind, word));
    if found.is_empty() && word.is_empty() && pending.is_none() {
        return flags(command, args, word);
    }
    found
}

/// The options not given yet that start with `word`.
fn flags(command: &Command, args: &[&str], word: &str) -> Vec<String> {
    let options = command.options.iter();
    let unused = options.filter(|o| !args.contains(&o.flag) && o.flag.starts_with(word));
    unused.map(|o| o.flag.to_string()).collect()
}

/// Values that start with `word`, then those that contain it (case does not matter).
fn matching(state: &State, kind: Kind, word: &str) -> Vec<String> {
    let lower = word.to_lowercase();
    // One letter inside a word matches too much to help.
    let inside = |v: &str| lower.chars().count() > 1 && v.contains(&lower);
    let (mut first, rest): (Vec<String>, Vec<String>) = values(state, kind)
        .into_iter()
        .filter(|v| v.to_lowercase().starts_with(&lower) || inside(&v.to_lowercase()))
        .partition(|v| v.to_lowercase().starts_with(&lower));
    first.extend(rest);
    first.truncate(MAX_CANDIDATES);
    first
}
