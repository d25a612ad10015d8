//! A row of a table drawn as one line (operations, audit, images): each shown column fitted
//! to the width its layout gives, styled cell by cell.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::app::columns::{Layout, Spec, fit};
use crate::app::sheets::GAP;

/// The line of one row; `cell(column)` gives its text, `style(column)` its style.
pub fn line<'a>(
    layout: &Layout,
    specs: &[Spec],
    cell: impl Fn(usize) -> String,
    style: impl Fn(usize) -> Style,
) -> Line<'a> {
    let gap = " ".repeat(GAP);
    let mut spans = Vec::new();
    for (n, (c, width)) in layout.shown().enumerate() {
        if n > 0 {
            spans.push(Span::raw(gap.clone()));
        }
        spans.push(Span::styled(fit(&cell(c), width, specs[c].align), style(c)));
    }
    Line::from(spans)
}

/// The header line: the titles.
pub fn header<'a>(layout: &Layout, specs: &[Spec], style: Style) -> Line<'a> {
    line(layout, specs, |c| specs[c].title.to_string(), |_| style)
}
