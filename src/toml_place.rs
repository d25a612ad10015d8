//! Errors in the small TOML files (keymap, themes) as `LINE:COLUMN: reason` (or ` reason`
//! when there is no place), so the caller that knows the file's path prints
//! `format!("{path}:{e}")`: `path:LINE:COLUMN: reason` like config errors.

/// `reason` at byte `offset` of `text`.
pub fn at(text: &str, offset: usize, reason: &str) -> String {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .unwrap_or_default()
        .chars()
        .count()
        + 1;
    format!("{line}:{column}: {reason}")
}

/// A TOML syntax or type error, located when toml knows where.
pub fn toml_error(text: &str, e: &toml::de::Error) -> String {
    match e.span() {
        Some(span) => at(text, span.start, e.message().trim_end()),
        None => format!(" {}", e.message().trim_end()),
    }
}

fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_from_one_in_characters() {
        assert_eq!(at("a\nbé c", 5, "why"), "2:3: why");
        assert_eq!(at("x", 0, "why"), "1:1: why");
    }
}
