//! Per-instance user-data: one template serves every member of a set, each `{{name}}`,
//! `{{index}}` and `{{set}}` in it becoming the member's own (like KubeVirt pools give each VM
//! its own cloud-init data). The only place placeholders are replaced.

/// Who the user-data is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instance<'a> {
    /// The VM's name (`web-2`).
    pub name: &'a str,
    /// Its set and index in it; None for a VM of its own.
    pub member: Option<(&'a str, u32)>,
}

const KNOWN: &str = "{{name}}, {{index}}, {{set}}";

/// `template` with every placeholder replaced for `instance`. `origin` names the text in
/// errors (a file, or "user-data"). A `{{word}}` that is not a placeholder is an error, as
/// are `{{index}}`/`{{set}}` for a VM outside a set; in a Jinja template (`## template:
/// jinja`, rendered by cloud-init in the guest) unknown words are left for cloud-init.
pub fn instance_user_data(
    template: &str,
    instance: &Instance,
    origin: &str,
) -> Result<String, String> {
    let jinja = template
        .lines()
        .next()
        .is_some_and(|l| l.trim().eq_ignore_ascii_case("## template: jinja"));
    let mut out = String::with_capacity(template.len());
    for (number, line) in template.split_inclusive('\n').enumerate() {
        let at = |why: String| format!("{origin} line {}: {why}", number + 1);
        let mut rest = line;
        while let Some((before, word, after)) = next_placeholder(rest) {
            out.push_str(before);
            match value(word, instance) {
                Some(Ok(value)) => out.push_str(&value),
                Some(Err(why)) => return Err(at(why)),
                None if jinja => out.push_str(&rest[before.len()..rest.len() - after.len()]),
                None => {
                    let why = format!("unknown placeholder {{{{{word}}}}} (known: {KNOWN})");
                    return Err(at(why));
                }
            }
            rest = after;
        }
        out.push_str(rest);
    }
    Ok(out)
}

/// The first `{{ word }}` of `text` (spaces inside allowed, a word of letters, digits, `_`,
/// `-` and `.`): the text before it, the word, the text after it. Other uses of braces are
/// not placeholders.
fn next_placeholder(text: &str) -> Option<(&str, &str, &str)> {
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|i| from + i) {
        let inner_start = open + 2;
        if let Some(close) = text[inner_start..].find("}}").map(|i| inner_start + i) {
            let word = text[inner_start..close].trim();
            let is_word = !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if is_word {
                return Some((&text[..open], word, &text[close + 2..]));
            }
        }
        from = inner_start;
    }
    None
}

/// A placeholder's value; Some(Err) for one that means nothing outside a set; None for an
/// unknown word.
fn value(word: &str, instance: &Instance) -> Option<Result<String, String>> {
    let outside = |word: &str| {
        Err(format!(
            "{{{{{word}}}}} is for a set's members (compose with a count)"
        ))
    };
    Some(match (word, instance.member) {
        ("name", _) => Ok(instance.name.to_string()),
        ("index", Some((_, index))) => Ok(index.to_string()),
        ("set", Some((set, _))) => Ok(set.to_string()),
        ("index" | "set", None) => outside(word),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMBER: Instance = Instance {
        name: "web-2",
        member: Some(("web", 2)),
    };

    #[test]
    fn every_placeholder_becomes_the_members_own() {
        let template =
            "#cloud-config\nhostname: {{name}}\nruncmd:\n  - echo {{ set }} #{{index}}\n";
        assert_eq!(
            instance_user_data(template, &MEMBER, "user-data").unwrap(),
            "#cloud-config\nhostname: web-2\nruncmd:\n  - echo web #2\n"
        );
        let alone = Instance {
            name: "db",
            member: None,
        };
        assert_eq!(
            instance_user_data("hostname: {{name}}", &alone, "u").unwrap(),
            "hostname: db"
        );
    }

    #[test]
    fn unknown_words_are_errors_naming_origin_and_line() {
        let err = instance_user_data("#cloud-config\n\nhostname: {{nmae}}\n", &MEMBER, "ud.yaml")
            .unwrap_err();
        assert_eq!(
            err,
            "ud.yaml line 3: unknown placeholder {{nmae}} (known: {{name}}, {{index}}, {{set}})"
        );
        let alone = Instance {
            name: "db",
            member: None,
        };
        let err = instance_user_data("x: {{index}}\n", &alone, "u").unwrap_err();
        assert!(err.contains("{{index}} is for a set's members"), "{err}");
    }

    #[test]
    fn other_braces_stay_and_jinja_keeps_its_own_words() {
        let text = "#!/bin/sh\necho {{ not: yaml }} {{ {x} }} {{\n";
        assert_eq!(instance_user_data(text, &MEMBER, "u").unwrap(), text);
        let jinja =
            "## template: jinja\n#cloud-config\nhostname: {{name}}-{{ v1.local_hostname }}\n";
        assert_eq!(
            instance_user_data(jinja, &MEMBER, "u").unwrap(),
            "## template: jinja\n#cloud-config\nhostname: web-2-{{ v1.local_hostname }}\n"
        );
    }
}
