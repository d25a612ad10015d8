//! "Did you mean": the few known words closest to a mistyped one.

/// At most this many suggestions: a hint, never a list to read.
const MAX: usize = 3;

/// Known words that start with `word`, contain it, or are a typo or two away from it (a
/// swap of two letters counts as one), best first.
pub fn suggest(word: &str, known: &[String]) -> Vec<String> {
    let word = word.to_lowercase();
    if word.is_empty() {
        return Vec::new();
    }
    let allowed = if word.chars().count() <= 4 { 1 } else { 2 };
    let mut scored: Vec<(usize, &String)> = known
        .iter()
        .filter_map(|k| {
            let lower = k.to_lowercase();
            let score = if lower.starts_with(&word) {
                0
            } else if lower.contains(&word) {
                1
            } else {
                let d = distance(&word, &lower);
                (d <= allowed).then_some(1 + d)?
            };
            Some((score, k))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.len().cmp(&b.1.len())));
    // A closer typo hides farther ones (`strat` is `start`, not also `sort`).
    let best = scored.first().map_or(0, |s| s.0.max(1));
    scored.retain(|s| s.0 <= best);
    scored
        .into_iter()
        .take(MAX)
        .map(|(_, k)| k.clone())
        .collect()
}

/// `' — did you mean :start?'`, `' — lab2-web, lab2-db?'`, or nothing.
pub fn did_you_mean(word: &str, known: &[String], prefix: &str) -> String {
    let found = suggest(word, known);
    match found.as_slice() {
        [] => String::new(),
        [one] => format!(" — did you mean {prefix}{one}?"),
        many => {
            let words: Vec<String> = many.iter().map(|w| format!("{prefix}{w}")).collect();
            format!(" — {}?", words.join(", "))
        }
    }
}

/// Edit distance with adjacent swaps (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn swaps_typos_prefixes_and_substrings() {
        assert_eq!(distance("strat", "start"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        let known = words(&["start", "stop", "status", "restart"]);
        assert_eq!(suggest("strat", &known), ["start"]);
        let vms = words(&["lab2-web", "lab2-db", "lab2-spare", "lab1-web", "other"]);
        assert_eq!(suggest("lab2", &vms), ["lab2-db", "lab2-web", "lab2-spare"]);
        assert_eq!(suggest("web", &vms), ["lab2-web", "lab1-web"]);
        assert!(suggest("zzzz", &vms).is_empty());
    }
}
