//! A cell's text with what the filter found in it marked.

use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// `text` as spans, the byte `ranges` (sorted, on char boundaries) in `mark`.
pub fn marked(text: String, ranges: &[Range<usize>], mark: Style) -> Line<'static> {
    if ranges.is_empty() {
        return Line::from(text);
    }
    let mut spans = Vec::with_capacity(ranges.len() * 2 + 1);
    let mut at = 0;
    for range in ranges {
        let (Some(before), Some(found)) = (text.get(at..range.start), text.get(range.clone()))
        else {
            continue;
        };
        if !before.is_empty() {
            spans.push(Span::raw(before.to_string()));
        }
        spans.push(Span::styled(found.to_string(), mark));
        at = range.end;
    }
    if let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
        spans.push(Span::raw(rest.to_string()));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Modifier, Style};

    use super::marked;

    #[test]
    fn marks_only_the_ranges() {
        let mark = Style::default().add_modifier(Modifier::BOLD);
        let found = [std::ops::Range { start: 5, end: 7 }];
        let line = marked("lab1-db-0".into(), &found, mark);
        let parts: Vec<_> = line
            .spans
            .iter()
            .map(|s| (s.content.as_ref(), s.style))
            .collect();
        let plain = Style::default();
        assert_eq!(parts, [("lab1-", plain), ("db", mark), ("-0", plain)]);
        assert_eq!(marked("x".into(), &[], mark).spans.len(), 1);
    }
}
