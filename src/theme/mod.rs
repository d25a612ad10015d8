//! Themes are TOML data (`themes/*.toml`) naming semantic styles; views ask the theme for
//! "the style of a running VM", never for a colour.

use std::collections::BTreeMap;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use toml::Spanned;

use crate::model::VmState;
use crate::toml_place;

/// Themes shipped with vmdeck, by name.
pub const BUILTIN_THEMES: [(&str, &str); 4] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

/// The theme of no colours, which `NO_COLOR` (https://no-color.org) asks for.
pub const MONO: &str = "mono";

/// Whether the environment asks for no colour: `NO_COLOR` set to anything but "".
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleFile {
    fg: Option<String>,
    bg: Option<String>,
    bold: Option<bool>,
    dim: Option<bool>,
    italic: Option<bool>,
    underline: Option<bool>,
    reversed: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    styles: BTreeMap<Spanned<String>, StyleFile>,
}

/// The semantic style names a theme sets.
pub const STYLE_NAMES: [&str; 25] = [
    "text",
    "dim",
    "border",
    "border_focus",
    "title",
    "header",
    "selected",
    "breadcrumb",
    "hint_key",
    "hint_desc",
    "status_info",
    "status_warn",
    "status_error",
    "state_running",
    "state_paused",
    "state_shutoff",
    "state_crashed",
    "state_other",
    "host_up",
    "host_down",
    "host_connecting",
    "gauge_low",
    "gauge_mid",
    "gauge_high",
    "filter_match",
];

/// Resolved styles by semantic name.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    styles: BTreeMap<String, Style>,
}

impl Theme {
    /// The default theme. Shipped themes are parsed in a test, so failure is a build defect.
    pub fn builtin() -> Theme {
        Theme::parse(BUILTIN_THEMES[0].1).unwrap_or_else(|e| panic!("themes/default.toml: {e}"))
    }

    /// A theme from TOML; names it does not set fall back to the default theme. Errors are
    /// `LINE:COLUMN: reason`, at the style's name.
    pub fn parse(text: &str) -> Result<Theme, String> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| toml_place::toml_error(text, &e))?;
        let mut styles = BTreeMap::new();
        for (name, style) in file.styles {
            let located = |reason: String| toml_place::at(text, name.span().start, &reason);
            if !STYLE_NAMES.contains(&name.get_ref().as_str()) {
                return Err(located(format!(
                    "unknown style '{}' (known: {})",
                    name.get_ref(),
                    STYLE_NAMES.join(", ")
                )));
            }
            let style = to_style(&style).map_err(located)?;
            styles.insert(name.into_inner(), style);
        }
        Ok(Theme { styles })
    }

    /// Layers `other` over `self`: what `other` sets wins.
    pub fn overlay(mut self, other: Theme) -> Theme {
        self.styles.extend(other.styles);
        self
    }

    /// A shipped theme by name, on top of the default one.
    pub fn named_builtin(name: &str) -> Option<Theme> {
        let (_, text) = BUILTIN_THEMES.iter().find(|(n, _)| *n == name)?;
        Theme::parse(text).ok().map(|t| Theme::builtin().overlay(t))
    }

    pub fn style(&self, name: &str) -> Style {
        self.styles.get(name).copied().unwrap_or_default()
    }

    pub fn vm_state(&self, state: VmState) -> Style {
        self.style(match state {
            VmState::Running => "state_running",
            VmState::Paused | VmState::Suspended | VmState::Blocked | VmState::Incoming => {
                "state_paused"
            }
            VmState::Shutoff => "state_shutoff",
            VmState::Crashed => "state_crashed",
            VmState::ShuttingDown | VmState::Unknown => "state_other",
        })
    }

    /// Style for a utilisation gauge at `percent`.
    pub fn gauge(&self, percent: f64) -> Style {
        self.style(if percent >= 90.0 {
            "gauge_high"
        } else if percent >= 70.0 {
            "gauge_mid"
        } else {
            "gauge_low"
        })
    }
}

fn to_style(file: &StyleFile) -> Result<Style, String> {
    let color = |c: &Option<String>| -> Result<Option<Color>, String> {
        c.as_deref()
            .map(|c| Color::from_str(c).map_err(|_| format!("'{c}' is not a colour")))
            .transpose()
    };
    let mut style = Style::default();
    if let Some(fg) = color(&file.fg)? {
        style = style.fg(fg);
    }
    if let Some(bg) = color(&file.bg)? {
        style = style.bg(bg);
    }
    for (flag, modifier) in [
        (file.bold, Modifier::BOLD),
        (file.dim, Modifier::DIM),
        (file.italic, Modifier::ITALIC),
        (file.underline, Modifier::UNDERLINED),
        (file.reversed, Modifier::REVERSED),
    ] {
        if flag == Some(true) {
            style = style.add_modifier(modifier);
        }
    }
    Ok(style)
}

#[cfg(test)]
mod contrast;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_themes_parse_and_set_every_style() {
        for (name, text) in BUILTIN_THEMES {
            let theme = Theme::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            for style in STYLE_NAMES {
                assert!(theme.styles.contains_key(style), "{name} lacks {style}");
            }
        }
    }

    #[test]
    fn bad_theme_says_why() {
        assert!(
            Theme::parse("[styles]\nnope = { fg = \"red\" }\n")
                .unwrap_err()
                .contains("nope")
        );
        assert!(
            Theme::parse("[styles]\ntext = { fg = \"reddish\" }\n")
                .unwrap_err()
                .starts_with("2:1: 'reddish' is not a colour")
        );
    }

    #[test]
    fn overlay_keeps_unset_styles() {
        let user = Theme::parse("[styles]\ntext = { fg = \"red\" }\n").unwrap();
        let theme = Theme::builtin().overlay(user);
        assert_eq!(theme.style("text").fg, Some(Color::Red));
        assert_eq!(theme.style("header"), Theme::builtin().style("header"));
    }
}
