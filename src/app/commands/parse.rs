//! A `:` line → its command and checked arguments, or a sentence saying what is wrong (with
//! the usage line, and a suggestion for a mistyped word).

use super::{Arg, Command, Kind, Opt, all, did_you_mean, find, values};
use crate::app::state::State;

/// A line that names a known command with arguments that fit it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub command: &'static Command,
    /// Every word after the command's name, as typed (the handlers parse their options).
    pub words: Vec<String>,
    /// The positional arguments; a free-text last argument is one string.
    pub positionals: Vec<String>,
}

impl Parsed {
    pub fn arg(&self, index: usize) -> Option<&str> {
        self.positionals.get(index).map(String::as_str)
    }
}

/// `Ok(None)` for an empty line.
pub fn parse(state: &State, line: &str) -> Result<Option<Parsed>, String> {
    let mut words = line.split_whitespace();
    let Some(name) = words.next() else {
        return Ok(None);
    };
    let Some(command) = find(name) else {
        let names: Vec<String> = all().map(|c| c.name.to_string()).collect();
        let hint = did_you_mean(name, &names, ":");
        return Err(format!("unknown command ':{name}'{hint} (:help lists all)"));
    };
    let words: Vec<&str> = words.collect();
    let positionals = Checker { state, command }.check(&words)?;
    Ok(Some(Parsed {
        command,
        words: words.iter().map(ToString::to_string).collect(),
        positionals,
    }))
}

struct Checker<'a> {
    state: &'a State,
    command: &'static Command,
}

impl Checker<'_> {
    fn check(&self, words: &[&str]) -> Result<Vec<String>, String> {
        let command = self.command;
        let mut positionals = Vec::new();
        let mut rest = words.iter().enumerate();
        while let Some((i, word)) = rest.next() {
            if word.starts_with("--") && !(command.options.is_empty() && command.rest) {
                if let Some(kind) = self.option(word)?.value {
                    let value = rest.next().map(|(_, v)| *v);
                    let value =
                        value.ok_or_else(|| self.error(&format!("{word} needs a value")))?;
                    self.value(word, kind, value)?;
                }
                continue;
            }
            let Some(arg) = command.args.get(positionals.len()) else {
                let why = format!("too many arguments: '{word}'");
                return Err(self.error(&why));
            };
            if command.rest && positionals.len() + 1 == command.args.len() {
                positionals.push(words[i..].join(" "));
                break;
            }
            self.value(arg.name, arg.kind, word)?;
            positionals.push(word.to_string());
        }
        match command.args.get(positionals.len()) {
            Some(Arg {
                name,
                required: true,
                ..
            }) => Err(self.error(&format!("missing {name}"))),
            _ => Ok(positionals),
        }
    }

    fn option(&self, word: &str) -> Result<&'static Opt, String> {
        let options = self.command.options;
        options.iter().find(|o| o.flag == word).ok_or_else(|| {
            let flags: Vec<String> = options.iter().map(|o| o.flag.to_string()).collect();
            let hint = did_you_mean(word, &flags, "");
            self.error(&format!("unknown option {word}{hint}"))
        })
    }

    /// Names must exist (with a suggestion when they don't), numbers must be numbers.
    fn value(&self, what: &str, kind: Kind, word: &str) -> Result<(), String> {
        let noun = match kind {
            Kind::Number if word.parse::<u64>().is_err() => {
                return Err(self.error(&format!("{what} wants a number, not '{word}'")));
            }
            Kind::Vm => "VM",
            Kind::Host => "host",
            Kind::HostOrPool => "host or pool",
            Kind::Pool => "pool",
            Kind::Column => "column",
            Kind::Choice(_) => "choice",
            // Snapshots are known only once the VM's details are in; the handler checks.
            _ => return Ok(()),
        };
        let known = values(self.state, kind);
        if known.iter().any(|k| k == word) {
            return Ok(());
        }
        match kind {
            Kind::Choice(words) => {
                Err(self.error(&format!("'{word}' is not one of {}", words.join(", "))))
            }
            _ => Err(format!(
                "no {noun} named '{word}'{}",
                did_you_mean(word, &known, "")
            )),
        }
    }

    fn error(&self, why: &str) -> String {
        format!(
            ":{}: {why} — usage: {}",
            self.command.name,
            self.command.usage_line()
        )
    }
}
