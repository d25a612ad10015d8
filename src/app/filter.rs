//! The `/` filter. Plain text is a case-insensitive substring; `~` in front makes it a regex
//! (case-insensitive, `^`/`$` at each cell's ends), `%` a fuzzy match within a cell; `!` before either
//! inverts it, `\` makes the rest literal (`\!x` finds `!x`).

use std::ops::Range;
use std::sync::Mutex;

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use regex::{Regex, RegexBuilder};

/// The prefixes as the filter line's hint shows them.
pub const HINT: &str = "text · ~regex · %fuzzy · !invert";

/// Joins the cells of a row into its filter text: never typed, so a substring never spans
/// two cells, and a regex's `^`/`$` match at each cell's ends.
pub const CELL_SEPARATOR: char = '\n';

#[derive(Debug)]
pub struct Filter {
    how: How,
    inverted: bool,
}

#[derive(Debug)]
enum How {
    /// Substrings are an escaped regex: case folding and a fast literal search for free.
    Text(Regex),
    Regex(Regex),
    Fuzzy {
        pattern: Pattern,
        // The matcher keeps scratch space; behind a lock so drawing (with `&State`) can ask
        // for highlights.
        matcher: Mutex<Matcher>,
    },
}

impl Filter {
    /// The filter `text` asks for; `None` for one that lets every row through (empty, or only
    /// prefixes typed so far); an invalid regex gives its error.
    pub fn parse(text: &str) -> Result<Option<Filter>, String> {
        let (inverted, rest) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let how = if let Some(re) = rest.strip_prefix('~') {
            if re.is_empty() {
                return Ok(None);
            }
            How::Regex(regex(re).map_err(|e| regex_error(&e))?)
        } else if let Some(fuzzy) = rest.strip_prefix('%') {
            let pattern = Pattern::parse(fuzzy, CaseMatching::Ignore, Normalization::Smart);
            if fuzzy.trim().is_empty() {
                return Ok(None);
            }
            let matcher = Mutex::new(Matcher::new(Config::DEFAULT));
            How::Fuzzy { pattern, matcher }
        } else {
            let literal = rest.strip_prefix('\\').unwrap_or(rest);
            if literal.is_empty() {
                return Ok(None);
            }
            How::Text(regex(&regex::escape(literal)).map_err(|e| regex_error(&e))?)
        };
        Ok(Some(Filter { how, inverted }))
    }

    /// Whether a row whose filter text is `haystack` passes.
    pub fn matches(&self, haystack: &str) -> bool {
        let found = match &self.how {
            How::Text(re) | How::Regex(re) => re.is_match(haystack),
            // Cell by cell: letters picked from across a row match almost anything.
            How::Fuzzy { pattern, matcher } => {
                let mut buf = Vec::new();
                let mut matcher = matcher.lock().unwrap_or_else(|e| e.into_inner());
                haystack.split(CELL_SEPARATOR).any(|cell| {
                    let text = Utf32Str::new(cell, &mut buf);
                    pattern.score(text, &mut matcher).is_some()
                })
            }
        };
        found != self.inverted
    }

    /// The byte ranges of `cell` to highlight, in order: what the filter found there. An
    /// inverted filter shows rows for what they lack, so nothing is highlighted.
    pub fn ranges(&self, cell: &str) -> Vec<Range<usize>> {
        if self.inverted {
            return Vec::new();
        }
        match &self.how {
            How::Text(re) | How::Regex(re) => re
                .find_iter(cell)
                .map(|m| m.range())
                .filter(|r| !r.is_empty())
                .collect(),
            How::Fuzzy { pattern, matcher } => {
                let mut buf = Vec::new();
                let text = Utf32Str::new(cell, &mut buf);
                let mut matcher = matcher.lock().unwrap_or_else(|e| e.into_inner());
                let mut at = Vec::new();
                if pattern.indices(text, &mut matcher, &mut at).is_none() {
                    return Vec::new();
                }
                at.sort_unstable();
                at.dedup();
                char_ranges(cell, &at)
            }
        }
    }
}

fn regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .multi_line(true)
        .build()
}

/// The last line of the regex crate's message says what is wrong (`unclosed group`); the
/// lines before it draw the pattern with a caret, which a one-line filter cannot show.
fn regex_error(error: &regex::Error) -> String {
    let text = error.to_string();
    let reason = text.lines().rev().find(|l| !l.trim().is_empty());
    let reason = reason.unwrap_or(&text).trim();
    let reason = reason.strip_prefix("error: ").unwrap_or(reason);
    format!("invalid regex: {reason}")
}

/// The byte ranges of the characters at `chars` (sorted char indices), adjacent ones merged.
fn char_ranges(text: &str, chars: &[u32]) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut wanted = chars.iter().peekable();
    for (i, (at, c)) in text.char_indices().enumerate() {
        if wanted.peek().is_none_or(|w| **w as usize != i) {
            continue;
        }
        wanted.next();
        let end = at + c.len_utf8();
        match ranges.last_mut() {
            Some(last) if last.end == at => last.end = end,
            _ => ranges.push(at..end),
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::Filter;

    fn passes(filter: &str, text: &str) -> bool {
        let filter = Filter::parse(filter).expect("valid");
        filter.is_none_or(|f| f.matches(text))
    }

    #[test]
    fn plain_text_is_a_case_insensitive_substring() {
        assert!(passes("DB", "lab1-db-3"));
        assert!(!passes("db", "k1\nnoDe1\nlaB-cluster"), "no fuzzy match");
        assert!(!passes("1 lab", "node1\nlab"), "never across two cells");
        assert!(passes("\\!x", "a!x"));
    }

    #[test]
    fn regex_fuzzy_and_inverted() {
        assert!(passes("~lab[12]-db", "lab2-db-0"));
        assert!(!passes("~lab[12]-db", "lab3-db-0"));
        assert!(passes("~^db", "x\ndb-1"), "^ at a cell's start");
        assert!(passes("%l1web", "lab1-web\nrunning"));
        assert!(!passes("%db", "k1\nnode1\nlab"), "fuzzy within one cell");
        assert!(passes("!db", "lab1-web"));
        assert!(!passes("!~web$", "lab1-web"));
        assert!(passes("!", "anything") && passes("~", "x") && passes("!%", "x"));
    }

    #[test]
    fn an_invalid_regex_says_why() {
        let error = Filter::parse("~lab[").expect_err("invalid");
        assert_eq!(error, "invalid regex: unclosed character class");
    }

    #[test]
    fn ranges_are_what_was_found() {
        let ranges = |f: &str, t: &str| Filter::parse(f).unwrap().unwrap().ranges(t);
        assert_eq!(ranges("b-0", "LAB-0 lab-0"), [2..5, 8..11]);
        assert_eq!(ranges("~[0-9]+", "a12b3"), [1..3, 4..5]);
        assert_eq!(ranges("%lw", "lab-web"), [0..1, 4..5]);
        assert_eq!(ranges("%éb", "xéb"), [std::ops::Range { start: 1, end: 4 }]);
        assert!(ranges("!lab", "lab").is_empty());
    }
}
