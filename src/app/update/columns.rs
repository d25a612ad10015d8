//! `:columns`: which columns of the table on screen are shown (k9s `views.yaml` style), kept
//! per table in the config's `[columns]`.
//!
//! `:columns` says what is shown and what is not; `:columns name state host` shows those;
//! `:columns -pool +type` hides and shows one by one; `:columns all` shows every column.

use super::set_status;
use crate::app::commands::did_you_mean;
use crate::app::msg::Effect;
use crate::app::sheets::Sheet;
use crate::app::state::{Level, State};

pub fn choose(state: &mut State, words: Option<&str>) -> Vec<Effect> {
    let Some(sheet) = Sheet::of(&state.screen().view) else {
        let why = ":columns works in tables (:pools, :hosts, :vms, :ops, :audit, :images)";
        set_status(state, Level::Error, why);
        return Vec::new();
    };
    let Some(words) = words else {
        let text = describe(state, sheet);
        set_status(state, Level::Info, text);
        return Vec::new();
    };
    let chosen = match wanted_after(state, sheet, words) {
        Ok(chosen) => chosen,
        Err(why) => {
            set_status(state, Level::Error, why);
            return Vec::new();
        }
    };
    let keys = sheet.keys();
    let all = chosen.iter().all(|w| *w);
    let shown: Vec<String> = keys
        .into_iter()
        .zip(&chosen)
        .filter_map(|(k, w)| w.then_some(k))
        .collect();
    let saved = (!all).then(|| shown.clone());
    match &saved {
        Some(list) => state.columns.0.insert(sheet.name().into(), list.clone()),
        None => state.columns.0.remove(sheet.name()),
    };
    let text = format!("columns of {}: {}", sheet.name(), shown.join(" "));
    set_status(state, Level::Info, text);
    vec![Effect::SaveColumns {
        table: sheet.name().into(),
        columns: saved,
    }]
}

/// Which columns `words` leave shown: `all`; names (exactly those); or `+name`/`-name`
/// (the current choice with those shown or hidden).
fn wanted_after(state: &State, sheet: Sheet, words: &str) -> Result<Vec<bool>, String> {
    let keys = sheet.keys();
    let words: Vec<&str> = words.split_whitespace().collect();
    if words == ["all"] {
        return Ok(vec![true; keys.len()]);
    }
    let exact = words.iter().any(|w| !w.starts_with(['+', '-']));
    let mut wanted = if exact {
        vec![false; keys.len()]
    } else {
        state.columns.wanted(sheet)
    };
    for word in words {
        let (show, name) = match word.strip_prefix('-') {
            Some(name) => (false, name),
            None => (true, word.trim_start_matches('+')),
        };
        let Some(at) = keys.iter().position(|k| k == name) else {
            let hint = did_you_mean(name, &keys, "");
            let all = keys.join(" ");
            return Err(format!(
                ":columns: {} has no column '{name}'{hint} (it has: {all})",
                sheet.name()
            ));
        };
        wanted[at] = show;
    }
    if !wanted.iter().any(|w| *w) {
        return Err(":columns: at least one column must stay".into());
    }
    Ok(wanted)
}

/// `vms shows name state host … · hidden: pool · too narrow: type — :columns …`
fn describe(state: &State, sheet: Sheet) -> String {
    let keys = sheet.keys();
    let chosen = state.columns.wanted(sheet);
    let on_screen = state.derived.table.as_ref().map(|t| &t.layout.widths);
    let mut shown = Vec::new();
    let (mut hidden, mut narrow) = (Vec::new(), Vec::new());
    for (i, key) in keys.iter().enumerate() {
        let fits = on_screen.is_none_or(|w| w.get(i).is_some_and(Option::is_some));
        match (chosen[i], fits) {
            (false, _) => hidden.push(key.as_str()),
            (true, false) => narrow.push(key.as_str()),
            (true, true) => shown.push(key.as_str()),
        }
    }
    let mut text = format!("{} shows {}", sheet.name(), shown.join(" "));
    if !hidden.is_empty() {
        text.push_str(&format!(" · hidden: {}", hidden.join(" ")));
    }
    if !narrow.is_empty() {
        text.push_str(&format!(" · too narrow for: {}", narrow.join(" ")));
    }
    text + " — :columns NAME… | +NAME | -NAME | all"
}
