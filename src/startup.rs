//! Loading the user's keymap and themes from the config dir. A bad user file warns and the
//! shipped one is used instead; `vmdeck check` turns the warnings into errors.

use std::collections::HashMap;
use std::path::Path;

use crate::app::state::Themes;
use crate::keymap::Keymap;
use crate::theme::{BUILTIN_THEMES, Theme};

/// The live keymap: the shipped one with `keymap.toml` from the config dir layered on top.
pub fn load_keymap(config_dir: &Path, warnings: &mut Vec<String>) -> Keymap {
    let builtin = Keymap::builtin();
    let path = config_dir.join("keymap.toml");
    match std::fs::read_to_string(&path) {
        Err(_) => builtin,
        Ok(text) => match Keymap::parse(&text) {
            Ok(user) => builtin.overlay(user),
            Err(e) => {
                warnings.push(format!("{}:{e} — using the default keymap", path.display()));
                builtin
            }
        },
    }
}

/// Every theme by name (shipped ones and `themes/*.toml` in the config dir, each on top of
/// the default), and the global one (`global_name`, then `theme.toml` on top).
pub fn load_themes(config_dir: &Path, global_name: &str, warnings: &mut Vec<String>) -> Themes {
    if crate::theme::no_color() {
        return no_colour_themes();
    }
    let mut by_name: HashMap<String, Theme> = BUILTIN_THEMES
        .iter()
        .filter_map(|(name, _)| Some((name.to_string(), Theme::named_builtin(name)?)))
        .collect();
    if let Ok(entries) = std::fs::read_dir(config_dir.join("themes")) {
        for path in entries.flatten().map(|e| e.path()) {
            let Some(name) = path
                .file_stem()
                .and_then(|s| s.to_str())
                .map(str::to_string)
            else {
                continue;
            };
            if path.extension().is_some_and(|e| e == "toml")
                && let Some(theme) = read_theme(&path, warnings)
            {
                by_name.insert(name, Theme::builtin().overlay(theme));
            }
        }
    }
    let mut global = by_name.get(global_name).cloned().unwrap_or_else(|| {
        warnings.push(format!(
            "no theme named '{global_name}' — using the default theme"
        ));
        Theme::builtin()
    });
    let user_theme = config_dir.join("theme.toml");
    if user_theme.exists()
        && let Some(theme) = read_theme(&user_theme, warnings)
    {
        global = global.overlay(theme);
    }
    Themes { global, by_name }
}

/// `NO_COLOR`: the colourless theme everywhere. No theme is known by name, so a pool that
/// names one gets the global, colourless one too.
fn no_colour_themes() -> Themes {
    Themes {
        global: Theme::named_builtin(crate::theme::MONO).unwrap_or_else(Theme::builtin),
        by_name: HashMap::new(),
    }
}

fn read_theme(path: &Path, warnings: &mut Vec<String>) -> Option<Theme> {
    // A read error has no place in the file: ` reason` after `path:`, a parse error
    // `LINE:COLUMN: reason`.
    let parsed = std::fs::read_to_string(path)
        .map_err(|e| format!(" {e}"))
        .and_then(|text| Theme::parse(&text));
    match parsed {
        Ok(theme) => Some(theme),
        Err(e) => {
            warnings.push(format!("{}:{e} — ignored", path.display()));
            None
        }
    }
}
