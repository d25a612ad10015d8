//! The `/` filter: fuzzy by default, `!` in front inverts it.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

pub struct Filter {
    pattern: Pattern,
    inverted: bool,
    matcher: Matcher,
}

impl Filter {
    pub fn new(text: &str) -> Filter {
        let (inverted, text) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        Filter {
            pattern: Pattern::parse(text, CaseMatching::Smart, Normalization::Smart),
            inverted,
            matcher: Matcher::new(Config::DEFAULT),
        }
    }

    pub fn matches(&mut self, haystack: &str) -> bool {
        let mut buf = Vec::new();
        let text = Utf32Str::new(haystack, &mut buf);
        let found = self.pattern.score(text, &mut self.matcher).is_some();
        found != self.inverted
    }
}

#[cfg(test)]
mod tests {
    use super::Filter;

    #[test]
    fn fuzzy_and_inverted() {
        assert!(Filter::new("l1web").matches("lab1-web running lab1"));
        assert!(!Filter::new("zzz").matches("lab1-web"));
        assert!(Filter::new("!db").matches("lab1-web"));
        assert!(!Filter::new("!web").matches("lab1-web"));
    }
}
