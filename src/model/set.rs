//! A VM set's spec: what the set should be, stamped on every member (libvirt metadata
//! attributes `set-*`, Incus keys `user.vmdeck.set-*`), so every admin's vmdeck reads the same
//! set. Members written at different times may disagree; the newest generation wins.

use serde::Serialize;

/// What a set should be. `min`, `max` and `autoscale_cpu` are carried for autoscaling.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SetSpec {
    /// How many members the set should have.
    pub replicas: u32,
    pub vm_type: String,
    pub image: String,
    pub group: Option<String>,
    /// sha256 of the user-data template (before its placeholders become each member's own).
    pub user_data_digest: Option<String>,
    /// The template itself, so a member made later (heal, scale, the watcher) gets the same
    /// text; files per index (`FILE.i`) are not carried.
    pub user_data: Option<String>,
    pub min: Option<u32>,
    pub max: Option<u32>,
    /// Target average CPU use in percent, for autoscaling.
    pub autoscale_cpu: Option<u32>,
    /// `heal = "auto"`: the watcher (`vmdeck sets watch`) heals the set by itself.
    pub heal: bool,
    /// Seconds the watcher waits after a scaling action before the next.
    pub cooldown_secs: Option<u32>,
    /// The watcher's last decision in words, with its time, for every admin's view.
    pub decision: Option<String>,
    /// When the spec was written (ms since the Unix epoch): the newest one wins.
    pub generation: u64,
}

/// The stamp keys, one table for both backends.
const REPLICAS: &str = "set-replicas";
const TYPE: &str = "set-type";
const IMAGE: &str = "set-image";
const GROUP: &str = "set-group";
const DIGEST: &str = "set-user-data";
const TEMPLATE: &str = "set-template";
const MIN: &str = "set-min";
const MAX: &str = "set-max";
const AUTOSCALE: &str = "set-autoscale-cpu";
const HEAL: &str = "set-heal";
const COOLDOWN: &str = "set-cooldown";
const DECISION: &str = "set-decision";
const GENERATION: &str = "set-generation";

/// Every key a spec may be stamped under.
pub const KEYS: [&str; 12] = [
    REPLICAS, TYPE, IMAGE, GROUP, DIGEST, MIN, MAX, AUTOSCALE, HEAL, COOLDOWN, DECISION, GENERATION,
];

impl SetSpec {
    /// The stamp's key/value pairs; absent optional fields are left out.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            (REPLICAS, self.replicas.to_string()),
            (TYPE, self.vm_type.clone()),
            (IMAGE, self.image.clone()),
        ];
        let optional = [
            (GROUP, self.group.clone()),
            (DIGEST, self.user_data_digest.clone()),
            (TEMPLATE, self.user_data.clone()),
            (MIN, self.min.map(|n| n.to_string())),
            (MAX, self.max.map(|n| n.to_string())),
            (AUTOSCALE, self.autoscale_cpu.map(|n| n.to_string())),
            (HEAL, self.heal.then(|| "auto".to_string())),
            (COOLDOWN, self.cooldown_secs.map(|n| n.to_string())),
            (DECISION, self.decision.clone()),
        ];
        fields.extend(
            optional
                .into_iter()
                .filter_map(|(key, value)| Some((key, value?))),
        );
        fields.push((GENERATION, self.generation.to_string()));
        fields
    }

    /// Reads a spec back from a stamp's keys (`get` gives a key's non-empty value). None
    /// when the member carries no spec, or one without a readable count or generation.
    pub fn from_fields(get: impl Fn(&str) -> Option<String>) -> Option<SetSpec> {
        let number = |key: &str| get(key).and_then(|v| v.trim().parse::<u32>().ok());
        Some(SetSpec {
            replicas: number(REPLICAS)?,
            generation: get(GENERATION)?.trim().parse().ok()?,
            vm_type: get(TYPE).unwrap_or_default(),
            image: get(IMAGE).unwrap_or_default(),
            group: get(GROUP),
            user_data_digest: get(DIGEST),
            user_data: get(TEMPLATE),
            min: number(MIN),
            max: number(MAX),
            autoscale_cpu: number(AUTOSCALE),
            heal: get(HEAL).is_some_and(|v| v.trim() == "auto"),
            cooldown_secs: number(COOLDOWN),
            decision: get(DECISION),
        })
    }

    /// Whether two specs say the same thing (the generation and the last decision aside:
    /// a member the watcher has not restamped yet still agrees).
    pub fn agrees_with(&self, other: &SetSpec) -> bool {
        let plain = |spec: &SetSpec| SetSpec {
            generation: 0,
            decision: None,
            ..spec.clone()
        };
        plain(self) == plain(other)
    }
}

/// The digest stamped for a user-data template: its sha256, in hex.
pub fn user_data_digest(template: &str) -> String {
    ring::digest::digest(&ring::digest::SHA256, template.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The generation of a spec written at `at`: ms since the Unix epoch.
pub fn generation_at(at: std::time::SystemTime) -> u64 {
    at.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A member's index from its name: `web-2` of set `web` is 2.
pub fn member_index(set: &str, name: &str) -> Option<u32> {
    name.strip_prefix(set)?.strip_prefix('-')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_reads_back_from_its_fields_and_needs_count_and_generation() {
        let spec = SetSpec {
            replicas: 3,
            vm_type: "small".into(),
            image: "lab-busybox".into(),
            group: Some("web".into()),
            user_data_digest: Some(user_data_digest("hostname: {{name}}")),
            user_data: Some("#cloud-config\nhostname: {{name}}\n".into()),
            min: Some(2),
            max: None,
            autoscale_cpu: Some(70),
            heal: true,
            cooldown_secs: Some(120),
            decision: Some("2 → 3: avg CPU 91 % > 70 %".into()),
            generation: 1_700_000_000_123,
        };
        let fields = spec.fields();
        let get = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(SetSpec::from_fields(get), Some(spec.clone()));
        assert!(!fields.iter().any(|(k, _)| *k == MAX));
        let without = |missing: &'static str| {
            let get = |key: &str| get(key).filter(|_| key != missing);
            SetSpec::from_fields(get)
        };
        assert_eq!(without(REPLICAS), None);
        assert_eq!(without(GENERATION), None);
        let newer = SetSpec {
            generation: 5,
            ..spec.clone()
        };
        assert!(newer.agrees_with(&spec));
        assert_eq!(user_data_digest("").len(), 64);
        assert_eq!(member_index("web", "web-12"), Some(12));
        assert_eq!(member_index("web", "webby-1"), None);
    }
}
