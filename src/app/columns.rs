//! The column layout engine every table uses (the lists, operations, audit, images and the
//! headless `--output table`): each column has a minimum, a preferred width (its widest
//! cell), a priority and an alignment. Columns shrink toward their minimum, least important
//! first; when even the minimums do not fit, the least important columns drop out. Numbers
//! never shrink (a cut number lies), and every cut text ends with `…`. Widths are display
//! widths, so CJK and emoji names keep the columns straight. No ratatui here: the headless
//! printer uses it too.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// What a column needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    pub title: &'static str,
    /// The narrowest it gets before it drops out (a number: the least its figures need).
    pub min: usize,
    /// 0 is the most important; the highest drops out first.
    pub priority: u8,
    pub align: Align,
    /// A number: never cut, so its width is never below its widest cell.
    pub numeric: bool,
}

/// A text column: left-aligned, cut with `…` down to `min`.
pub const fn text(title: &'static str, min: usize, priority: u8) -> Spec {
    Spec {
        title,
        min,
        priority,
        align: Align::Left,
        numeric: false,
    }
}

/// A number column: right-aligned and never cut.
pub const fn number(title: &'static str, priority: u8) -> Spec {
    Spec {
        title,
        min: 0,
        priority,
        align: Align::Right,
        numeric: true,
    }
}

/// What a text column gets before any column grows past it.
const FAIR: usize = 16;

/// Cells each column may gain when the screen has room to spare.
const SPREAD: usize = 2;

/// The readable least of a name column.
pub const NAME_MIN: usize = 12;

/// Where the columns go: the width of each shown column (None: hidden) and how many hid
/// because they did not fit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub widths: Vec<Option<usize>>,
    pub dropped: usize,
}

impl Layout {
    /// The shown columns, in order, with their widths.
    pub fn shown(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.widths
            .iter()
            .enumerate()
            .filter_map(|(i, w)| w.map(|w| (i, w)))
    }
}

/// The display width of `text`.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// The widest cell of each column, the title included; `cells(row, column)` gives a cell.
pub fn preferred<S: AsRef<str>>(
    specs: &[Spec],
    rows: usize,
    mut cells: impl FnMut(usize, usize) -> S,
) -> Vec<usize> {
    let mut widest: Vec<usize> = specs.iter().map(|s| width(s.title)).collect();
    for row in 0..rows {
        for (column, w) in widest.iter_mut().enumerate() {
            *w = (*w).max(width(cells(row, column).as_ref()));
        }
    }
    widest
}

/// Lays out the columns `wanted` (the others are hidden by choice, not counted as dropped)
/// in `total` cells with `gap` cells between columns.
pub fn layout(
    specs: &[Spec],
    preferred: &[usize],
    wanted: &[bool],
    total: usize,
    gap: usize,
) -> Layout {
    // The most important text columns (priority 0: a name) keep a fair width; less
    // important columns drop out before a name is cut to its bare minimum.
    let least = |i: usize| -> usize {
        let spec = &specs[i];
        match (spec.numeric, spec.priority) {
            (true, _) => preferred[i].max(spec.min),
            (false, 0) => preferred[i].min(spec.min.max(FAIR)).max(1),
            (false, _) => spec.min.min(preferred[i]).max(1),
        }
    };
    let mut shown: Vec<usize> = (0..specs.len()).filter(|&i| wanted[i]).collect();
    let needed = |shown: &[usize]| -> usize {
        let gaps = gap * shown.len().saturating_sub(1);
        shown.iter().map(|&i| least(i)).sum::<usize>() + gaps
    };
    let mut dropped = 0;
    while shown.len() > 1 && needed(&shown) > total {
        // The least important goes first; of equals, the rightmost.
        let (at, _) = shown
            .iter()
            .enumerate()
            .max_by_key(|(at, i)| (specs[**i].priority, *at))
            .unwrap_or((0, &0));
        shown.remove(at);
        dropped += 1;
    }
    let mut widths: Vec<Option<usize>> = vec![None; specs.len()];
    for &i in &shown {
        widths[i] = Some(least(i));
    }
    // One column left and still too wide: it is cut to the room there is.
    if let [only] = shown[..]
        && least(only) > total
    {
        widths[only] = Some(total.max(1));
    }
    let mut spare = total.saturating_sub(needed(&shown));
    let mut by_priority = shown.clone();
    by_priority.sort_by_key(|&i| (specs[i].priority, i));
    // First every column up to a fair width, so one long name does not leave the host and
    // pool at their minimum; then each up to its widest cell, the most important first.
    let fair = |i: usize| preferred[i].min(specs[i].min.max(FAIR));
    for target in [&fair as &dyn Fn(usize) -> usize, &|i| preferred[i]] {
        for &i in &by_priority {
            let Some(w) = widths[i].as_mut() else {
                continue;
            };
            let grow = target(i).saturating_sub(*w).min(spare);
            *w += grow;
            spare -= grow;
        }
    }
    // Room still left loosens the table a little; the rest stays at the right, so no one
    // column (NAME) sprawls.
    let loosen = (spare / shown.len().max(1)).min(SPREAD);
    for &i in &shown {
        if let Some(w) = widths[i].as_mut() {
            *w += loosen;
        }
    }
    Layout { widths, dropped }
}

/// A table as plain lines (the headless `--output table`): every column as wide as its
/// widest cell, nothing cut, padded by display width; no trailing blanks.
pub fn plain_table(specs: &[Spec], rows: &[Vec<String>]) -> Vec<String> {
    let widths = preferred(specs, rows.len(), |r, c| rows[r][c].as_str());
    let titles: Vec<String> = specs.iter().map(|s| s.title.to_string()).collect();
    std::iter::once(&titles)
        .chain(rows)
        .map(|row| {
            let cells: Vec<String> = specs
                .iter()
                .zip(&widths)
                .zip(row)
                .map(|((spec, w), text)| fit(text, *w, spec.align))
                .collect();
            cells.join(" ").trim_end().to_string()
        })
        .collect()
}

/// `text` in `width` cells: padded on the side its alignment says, or cut with `…`.
pub fn fit(text: &str, width: usize, align: Align) -> String {
    let text = cut(text, width);
    let pad = " ".repeat(width.saturating_sub(self::width(&text)));
    match align {
        Align::Left => format!("{text}{pad}"),
        Align::Right => format!("{pad}{text}"),
    }
}

/// `text` cut to at most `width` cells, ending with `…` when it was cut.
pub fn cut(text: &str, width: usize) -> String {
    if self::width(text) <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests;
