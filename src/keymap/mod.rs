//! Keymaps are TOML data (`keymaps/*.toml`): per context, bindings of chords to actions,
//! each with a description. Help and the hint bar are generated from the live keymap.

mod action;
mod chord;

pub use action::{Action, Context, command_mutates};
pub use chord::Chord;

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::toml_place;

/// The keymap shipped with vmdeck.
pub const DEFAULT_KEYMAP: &str = include_str!("../../keymaps/default.toml");

/// One binding: any of `keys` (or of the multi-key `sequences`) runs `action`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<Chord>,
    /// Sequences such as `<Enter>~.`, used by the console's ssh-style escapes.
    pub sequences: Vec<Vec<Chord>>,
    pub action: Action,
    /// The `:` command line of an `Action::Run` binding (without the colon).
    pub command: Option<String>,
    pub desc: String,
}

impl Binding {
    /// Whether what it does changes a VM (hidden in read-only pools).
    pub fn mutates(&self) -> bool {
        self.action.mutates() || self.command.as_deref().is_some_and(command_mutates)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BindingFile {
    on: Spanned<OneOrMany>,
    /// An action's name, or a `:` command line with its arguments.
    run: Spanned<String>,
    desc: String,
}

/// `run = "quit"` or `run = ":snapshot before-upgrade"`.
fn parse_run(run: &str) -> Result<(Action, Option<String>), String> {
    if let Some(line) = run.strip_prefix(':') {
        if line.trim().is_empty() {
            return Err("run = \":\" names no command".into());
        }
        return Ok((Action::Run, Some(line.trim().to_string())));
    }
    let action =
        Action::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(run))
            .map_err(|_| format!("unknown action '{run}' (or a `:command` with a colon)"))?;
    Ok((action, None))
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextFile {
    keymap: Vec<BindingFile>,
}

/// One binding of the file, its errors located at the `run` or `on` value.
fn binding(b: BindingFile, text: &str) -> Result<Binding, String> {
    let (action, command) =
        parse_run(b.run.get_ref()).map_err(|e| toml_place::at(text, b.run.span().start, &e))?;
    let at_on = b.on.span().start;
    let keys = match b.on.into_inner() {
        OneOrMany::One(k) => vec![k],
        OneOrMany::Many(ks) => ks,
    };
    let mut binding = Binding {
        keys: Vec::new(),
        sequences: Vec::new(),
        action,
        command,
        desc: b.desc,
    };
    for key in &keys {
        match Chord::parse(key) {
            Ok(chord) => binding.keys.push(chord),
            Err(e) => match Chord::parse_sequence(key) {
                Ok(seq) if seq.len() > 1 => binding.sequences.push(seq),
                _ => return Err(toml_place::at(text, at_on, &e)),
            },
        }
    }
    Ok(binding)
}

/// Bindings per context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    contexts: BTreeMap<Context, Vec<Binding>>,
}

impl Keymap {
    /// The shipped keymap. It is parsed in a test, so failing here is a build defect.
    pub fn builtin() -> Keymap {
        Keymap::parse(DEFAULT_KEYMAP).unwrap_or_else(|e| panic!("keymaps/default.toml: {e}"))
    }

    /// A keymap from TOML; errors are `LINE:COLUMN: reason`.
    pub fn parse(text: &str) -> Result<Keymap, String> {
        let file: BTreeMap<Context, ContextFile> =
            toml::from_str(text).map_err(|e| toml_place::toml_error(text, &e))?;
        let mut contexts = BTreeMap::new();
        for (context, ctx) in file {
            let bindings = ctx
                .keymap
                .into_iter()
                .map(|b| binding(b, text))
                .collect::<Result<Vec<_>, String>>()?;
            contexts.insert(context, bindings);
        }
        Ok(Keymap { contexts })
    }

    /// Layers `user` over `self`: an action the user binds in a context loses its default
    /// keys there; everything the user leaves alone stays. (`Run` entries, each its own
    /// command, never replace one another.)
    pub fn overlay(mut self, user: Keymap) -> Keymap {
        for (context, user_bindings) in user.contexts {
            let bindings = self.contexts.entry(context).or_default();
            bindings.retain(|b| {
                b.action == Action::Run || !user_bindings.iter().any(|u| u.action == b.action)
            });
            // The user's own bindings first: they are what this admin uses (hints show them
            // before the defaults).
            bindings.splice(0..0, user_bindings);
        }
        self
    }

    /// The action for a chord in a context, falling back to global bindings (except while
    /// typing, where every other key is text).
    pub fn action(&self, context: Context, chord: &Chord) -> Option<Action> {
        self.binding(context, chord).map(|b| b.action)
    }

    /// The binding of a chord in a context, falling back to global bindings where they
    /// apply.
    pub fn binding(&self, context: Context, chord: &Chord) -> Option<&Binding> {
        let find = |ctx| {
            self.contexts
                .get(&ctx)?
                .iter()
                .find(|b| b.keys.contains(chord))
        };
        let global = context.takes_global().then(|| find(Context::Global));
        find(context).or(global.flatten())
    }

    /// Multi-key sequences bound in a context, with their actions.
    pub fn sequences(&self, context: Context) -> impl Iterator<Item = (&[Chord], Action)> {
        self.bindings(context)
            .iter()
            .flat_map(|b| b.sequences.iter().map(move |s| (s.as_slice(), b.action)))
    }

    pub fn bindings(&self, context: Context) -> &[Binding] {
        self.contexts.get(&context).map_or(&[], Vec::as_slice)
    }

    pub fn contexts(&self) -> impl Iterator<Item = (Context, &[Binding])> {
        self.contexts.iter().map(|(c, b)| (*c, b.as_slice()))
    }

    /// The first key bound to an action in a context (or globally), for hints and titles.
    pub fn key_for(&self, context: Context, action: Action) -> Option<Chord> {
        [context, Context::Global].iter().find_map(|ctx| {
            self.bindings(*ctx)
                .iter()
                .find(|b| b.action == action)
                .and_then(|b| b.keys.first().copied())
        })
    }
}

/// How a binding's keys read in help and titles: `C-], Enter ~ .`.
pub fn describe_keys(binding: &Binding) -> String {
    let singles = binding.keys.iter().map(ToString::to_string);
    let sequences = binding.sequences.iter().map(|seq| {
        seq.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    });
    singles.chain(sequences).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_keymap_parses_and_describes_everything() {
        let keymap = Keymap::parse(DEFAULT_KEYMAP).unwrap();
        for (_, bindings) in keymap.contexts() {
            for b in bindings {
                assert!(
                    !b.desc.trim().is_empty(),
                    "{:?} has no description",
                    b.action
                );
                assert!(!b.keys.is_empty() || !b.sequences.is_empty());
            }
        }
        let q = Chord::parse("q").unwrap();
        assert_eq!(keymap.action(Context::Table, &q), Some(Action::Quit));
        assert_eq!(keymap.action(Context::Input, &q), None);
    }

    #[test]
    fn user_overlay_replaces_only_what_it_sets() {
        let user = Keymap::parse(
            "[global]\nkeymap = [{ on = \"Q\", run = \"quit\", desc = \"leave\" }]\n",
        )
        .unwrap();
        let keymap = Keymap::builtin().overlay(user);
        let x = Chord::parse("Q").unwrap();
        let q = Chord::parse("q").unwrap();
        assert_eq!(keymap.action(Context::Table, &x), Some(Action::Quit));
        assert_eq!(keymap.action(Context::Table, &q), None);
        let slash = Chord::parse("/").unwrap();
        assert_eq!(keymap.action(Context::Table, &slash), Some(Action::Filter));
    }

    #[test]
    fn bad_keymap_says_why() {
        let err = Keymap::parse(
            "[table]\nkeymap = [{ on = \"<Nope>\", run = \"quit\", desc = \"d\" }]\n",
        )
        .unwrap_err();
        assert!(err.starts_with("2:18: ") && err.contains("<Nope>"), "{err}");
        assert!(
            Keymap::parse("[table]\nkeymap = [{ on = \"q\", run = \"fly\", desc = \"d\" }]\n")
                .is_err()
        );
    }
}
