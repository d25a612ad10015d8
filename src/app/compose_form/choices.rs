//! What the pool offers the compose form: its room as compose sees it, its VM types,
//! images (and whether its hosts have listed them yet), and cycling through choices.

use crate::app::rooms::host_room;
use crate::app::state::State;
use crate::compose::{HostView, PoolView};

/// The pool as compose sees it: each host's room, its images, its NUMA nodes' CPUs. Incus
/// images belong to the whole server, so every member gets the list its pool's first host
/// read.
pub fn pool_view(state: &State, pool: usize) -> PoolView<'_> {
    let pool_state = &state.pools[pool];
    let incus_images = match pool_state.driver {
        crate::model::Driver::Incus => pool_state.hosts.first().and_then(|h| h.images.clone()),
        crate::model::Driver::Libvirt => None,
    };
    let hosts = pool_state
        .hosts
        .iter()
        .map(|host| HostView {
            room: host_room(host),
            images: incus_images.clone().or_else(|| host.images.clone()),
            node_cpus: host
                .facts
                .iter()
                .flat_map(|f| f.numa.iter().map(|c| (c.id, c.cpus.clone())))
                .collect(),
            cores: crate::placement::HostCores::of(
                host.facts.as_ref().map_or(&[], |f| &f.numa),
                &host.placement,
            ),
        })
        .collect();
    PoolView {
        name: &pool_state.name,
        driver: pool_state.driver,
        settings: &pool_state.compose,
        overcommit: pool_state.overcommit,
        cluster: pool_state.cluster,
        hosts,
    }
}

/// The VM types the pool offers, by name.
pub fn offered_types(state: &State, pool: usize) -> Vec<String> {
    state
        .vm_types
        .iter()
        .filter(|t| state.pools[pool].compose.offers(&t.name))
        .map(|t| t.name.clone())
        .collect()
}

/// Every image name a host of the pool reported, once each, sorted.
pub fn known_images(state: &State, pool: usize) -> Vec<String> {
    let mut names: Vec<String> = state.pools[pool]
        .hosts
        .iter()
        .filter_map(|h| h.images.as_ref()?.as_ref().ok())
        .flatten()
        .map(|i| i.name.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The choice after (or before) `current` in `choices`, wrapping; `None` is one of the
/// choices when `optional`.
pub fn cycle(
    choices: &[String],
    current: Option<&str>,
    back: bool,
    optional: bool,
) -> Option<String> {
    let mut all: Vec<Option<&String>> = Vec::new();
    if optional {
        all.push(None);
    }
    all.extend(choices.iter().map(Some));
    if all.is_empty() {
        return current.map(str::to_string);
    }
    let at = all
        .iter()
        .position(|c| c.map(String::as_str) == current)
        .unwrap_or(0);
    let len = all.len();
    let next = if back {
        (at + len - 1) % len
    } else {
        (at + 1) % len
    };
    all[next].cloned()
}

/// What the pool's hosts have said about their images, for the form's image field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImagesKnown {
    /// At least one image is known.
    Listed,
    /// A host asked has not answered yet.
    Loading,
    /// Every host asked answered, and none has an image.
    Empty,
    /// No image known, and why: the hosts' errors, or no host up to ask.
    Failed(String),
}

/// The hosts that answer for the pool's images: every host up (libvirt), or the server or
/// cluster's first (Incus).
pub fn image_hosts(state: &State, pool: usize) -> Vec<usize> {
    let pool_state = &state.pools[pool];
    let asked = match pool_state.driver {
        crate::model::Driver::Incus => pool_state.hosts.len().min(1),
        crate::model::Driver::Libvirt => pool_state.hosts.len(),
    };
    (0..asked)
        .filter(|h| pool_state.hosts[*h].is_up())
        .collect()
}

pub fn images_known(state: &State, pool: usize) -> ImagesKnown {
    if !known_images(state, pool).is_empty() {
        return ImagesKnown::Listed;
    }
    let hosts = &state.pools[pool].hosts;
    let asked = image_hosts(state, pool);
    if asked.is_empty() {
        return ImagesKnown::Failed("no host of the pool is up to list images".into());
    }
    if asked.iter().any(|h| hosts[*h].images.is_none()) {
        return ImagesKnown::Loading;
    }
    let errors: Vec<String> = asked
        .iter()
        .filter_map(|h| match &hosts[*h].images {
            Some(Err(e)) => Some(format!("{}: {e}", hosts[*h].name)),
            _ => None,
        })
        .collect();
    match errors.is_empty() {
        true => ImagesKnown::Empty,
        false => ImagesKnown::Failed(errors.join("; ")),
    }
}
