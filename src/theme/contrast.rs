//! Every shipped theme is readable: each foreground it draws meets WCAG AA (4.5:1) against the
//! background it is drawn on — the theme's own background (`text`'s), the selection bar
//! (`selected`'s, where every cell of a row can land), and a style's own background.

use ratatui::style::{Color, Style};

use super::{BUILTIN_THEMES, STYLE_NAMES, Theme};

/// WCAG's relative luminance of an sRGB colour.
fn luminance(color: Color) -> f64 {
    let Color::Rgb(r, g, b) = color else {
        panic!("shipped themes use #rrggbb colours only, so contrast can be known: {color:?}");
    };
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

fn ratio(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// (style, foreground, background, what the background is) of every pair a theme draws.
fn pairs(theme: &Theme) -> Vec<(&'static str, Color, Color, &'static str)> {
    let base = theme.style("text");
    let selected = theme.style("selected");
    let mut pairs = Vec::new();
    for name in STYLE_NAMES {
        let style: Style = theme.style(name);
        let Some(fg) = style.fg else { continue };
        match style.bg {
            Some(own) => pairs.push((name, fg, own, "its own background")),
            None => {
                pairs.extend(base.bg.map(|bg| (name, fg, bg, "the background")));
                // Borders are never drawn on the selection bar.
                if !name.starts_with("border") {
                    pairs.extend(selected.bg.map(|bg| (name, fg, bg, "the selection bar")));
                }
            }
        }
    }
    pairs
}

#[test]
fn every_shipped_theme_meets_wcag_aa_on_its_backgrounds() {
    let mut failures = Vec::new();
    for (name, _) in BUILTIN_THEMES {
        let theme = Theme::named_builtin(name).unwrap();
        for (style, fg, bg, on) in pairs(&theme) {
            let contrast = ratio(fg, bg);
            if contrast < 4.5 {
                failures.push(format!("{name}: {style} on {on}: {contrast:.2}:1"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_coloured_theme_paints_its_own_background() {
    for (name, _) in BUILTIN_THEMES {
        let theme = Theme::named_builtin(name).unwrap();
        let text = theme.style("text");
        if name == super::MONO {
            assert_eq!(text, Style::default(), "mono leaves the terminal's colours");
            assert!(STYLE_NAMES.iter().all(|s| theme.style(s).fg.is_none()));
        } else {
            assert!(
                text.fg.is_some() && text.bg.is_some(),
                "{name} sets no background"
            );
        }
    }
}

#[test]
fn the_contrast_of_known_pairs() {
    let black = Color::Rgb(0, 0, 0);
    let white = Color::Rgb(255, 255, 255);
    assert!((ratio(black, white) - 21.0).abs() < 1e-9);
    // The old dark theme's grey on its selection bar, which the issue saw as unreadable.
    assert!(ratio(Color::Rgb(0x76, 0x76, 0x76), Color::Rgb(0x26, 0x4f, 0x78)) < 4.5);
}
