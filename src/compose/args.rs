//! What the admin asks for: `NAME --type T --image I [--count N] [--group G] [--host H]
//! [--user-data FILE] [--no-start]`, from the command line or the `:compose` command.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, Default, clap::Args)]
pub struct ComposeArgs {
    /// The VM's name; with --count, the set's name (its VMs are NAME-0, NAME-1, …).
    pub name: String,
    /// The VM type (a [[vm_type]] the pool offers).
    #[arg(long = "type")]
    pub vm_type: String,
    /// The image: a volume of the pool's image_pool (libvirt) or an image alias (Incus).
    #[arg(long)]
    pub image: String,
    /// Compose a set of this many VMs, placed in turn.
    #[arg(long)]
    pub count: Option<u32>,
    /// The placement group the VMs join.
    #[arg(long)]
    pub group: Option<String>,
    /// Put them on this host instead of letting placement choose.
    #[arg(long)]
    pub host: Option<String>,
    /// cloud-init user-data (default: a template with the hostname and ~/.ssh/*.pub keys);
    /// `{{name}}`, `{{index}}` and `{{set}}` in it become each VM's own; files FILE.0,
    /// FILE.1, … beside it give each member of a set its own.
    #[arg(long)]
    pub user_data: Option<PathBuf>,
    /// Define the VMs without starting them (e.g. a real-time type on a host whose libvirtd
    /// may not give its vCPUs fifo/rr, such as a session daemon: start them where it can).
    #[arg(long)]
    pub no_start: bool,
    /// The index of a set's first new VM: scaling a set up continues after its last one.
    #[arg(skip)]
    pub first_index: u32,
    /// How many VMs the set should have once this is done (scaling: the new count); else
    /// the indexes up to the last new one.
    #[arg(skip)]
    pub replicas: Option<u32>,
}

impl ComposeArgs {
    /// Reads the words after `:compose`.
    pub fn parse_words(words: &[&str]) -> Result<ComposeArgs, String> {
        let mut args = ComposeArgs::default();
        let mut words = words.iter();
        while let Some(word) = words.next() {
            let mut value = |flag: &str| {
                words
                    .next()
                    .map(|v| v.to_string())
                    .ok_or(format!("{flag} needs a value"))
            };
            match *word {
                "--type" => args.vm_type = value("--type")?,
                "--image" => args.image = value("--image")?,
                "--group" => args.group = Some(value("--group")?),
                "--host" => args.host = Some(value("--host")?),
                "--user-data" => args.user_data = Some(PathBuf::from(value("--user-data")?)),
                "--no-start" => args.no_start = true,
                "--count" => {
                    let count = value("--count")?;
                    args.count = Some(
                        count
                            .parse()
                            .map_err(|_| format!("--count {count}: not a number"))?,
                    );
                }
                flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
                name if args.name.is_empty() => args.name = name.to_string(),
                extra => return Err(format!("unexpected '{extra}'")),
            }
        }
        Ok(args)
    }

    /// The VMs asked for: each name with the set it belongs to.
    pub fn names(&self) -> Vec<(String, Option<String>)> {
        match self.count {
            None => vec![(self.name.clone(), None)],
            Some(count) => (self.first_index..self.first_index + count)
                .map(|i| (format!("{}-{i}", self.name), Some(self.name.clone())))
                .collect(),
        }
    }

    /// What is missing or wrong before anything is looked up.
    pub fn check(&self) -> Result<(), String> {
        if self.name.is_empty() {
            return Err("compose needs a name".into());
        }
        if !valid_name(&self.name) {
            return Err(format!(
                "'{}' is not a usable name (letters, digits, '-', '_' and '.'; a letter first)",
                self.name
            ));
        }
        if self.vm_type.is_empty() {
            return Err("compose needs --type".into());
        }
        if self.image.is_empty() {
            return Err("compose needs --image".into());
        }
        if self.count == Some(0) {
            return Err("--count must be at least 1".into());
        }
        Ok(())
    }
}

/// A name both libvirt and Incus take and that makes a clean file name for the disk.
fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name.len() <= 63
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_names() {
        let args = ComposeArgs::parse_words(&[
            "db", "--type", "small", "--image", "deb", "--count", "3", "--group", "spread",
        ])
        .unwrap();
        assert_eq!(args.check(), Ok(()));
        let names: Vec<_> = args.names().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["db-0", "db-1", "db-2"]);
        assert_eq!(args.names()[0].1.as_deref(), Some("db"));
        assert_eq!(args.group.as_deref(), Some("spread"));
        let single = ComposeArgs::parse_words(&["web", "--type", "s", "--image", "i"]).unwrap();
        assert_eq!(single.names(), [("web".to_string(), None)]);
    }

    #[test]
    fn mistakes_are_named() {
        let err = |words: &[&str]| {
            ComposeArgs::parse_words(words)
                .and_then(|a| a.check())
                .unwrap_err()
        };
        assert_eq!(
            err(&["--type", "s", "--image", "i"]),
            "compose needs a name"
        );
        assert_eq!(err(&["w", "--image", "i"]), "compose needs --type");
        assert_eq!(err(&["w", "--type"]), "--type needs a value");
        assert_eq!(err(&["w", "--colour", "x"]), "unknown option --colour");
        assert_eq!(err(&["w", "--count", "many"]), "--count many: not a number");
        assert!(err(&["we b/../x", "--type", "s", "--image", "i"]).contains("not a usable name"));
    }
}
