//! The compose form: what the admin filled in, and the placement preview computed from it
//! and the pool as vmdeck knows it now.

use ratatui_textarea::TextArea;

use crate::app::rooms::host_room;
use crate::app::state::State;
use crate::compose::{ComposeArgs, HostView, Plan, PoolView, plan, template_for};

/// The form's fields, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Count,
    Type,
    Image,
    Group,
    Host,
    UserData,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Name,
        Field::Count,
        Field::Type,
        Field::Image,
        Field::Group,
        Field::Host,
        Field::UserData,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Count => "count",
            Field::Type => "type",
            Field::Image => "image",
            Field::Group => "group",
            Field::Host => "host",
            Field::UserData => "user-data",
        }
    }

    /// The next (or, `back`, previous) field, wrapping around.
    pub fn step(self, back: bool) -> Field {
        let at = Field::ALL.iter().position(|f| *f == self).unwrap_or(0);
        let len = Field::ALL.len();
        let next = if back { at + len - 1 } else { at + 1 } % len;
        Field::ALL[next]
    }
}

#[derive(Debug)]
pub struct ComposeForm {
    pub pool: usize,
    pub field: Field,
    pub name: String,
    /// Empty for one VM; a number for a set.
    pub count: String,
    pub vm_type: String,
    pub image: String,
    /// None: no placement group.
    pub group: Option<String>,
    /// None: placement chooses.
    pub host: Option<String>,
    pub user_data: TextArea<'static>,
    /// The user-data differs from the template: closing the form asks first.
    pub edited: bool,
}

impl ComposeForm {
    /// A form for `pool`, filled from `args` where given, else with the pool's first offered
    /// type and first known image.
    pub fn new(state: &State, pool: usize, args: &ComposeArgs, user_data: Option<String>) -> Self {
        let mut form = ComposeForm {
            pool,
            field: Field::Name,
            name: args.name.clone(),
            count: args.count.map(|c| c.to_string()).unwrap_or_default(),
            vm_type: args.vm_type.clone(),
            image: args.image.clone(),
            group: args.group.clone(),
            host: args.host.clone(),
            user_data: TextArea::default(),
            edited: user_data.is_some(),
        };
        if form.vm_type.is_empty() {
            form.vm_type = offered_types(state, pool)
                .first()
                .cloned()
                .unwrap_or_default();
        }
        if form.image.is_empty() {
            form.image = known_images(state, pool)
                .first()
                .cloned()
                .unwrap_or_default();
        }
        let text = user_data.unwrap_or_else(|| form.template());
        form.user_data = TextArea::new(text.lines().map(str::to_string).collect());
        form
    }

    pub fn is_set(&self) -> bool {
        !self.count.trim().is_empty()
    }

    /// The default user-data for the name and count as they are now.
    pub fn template(&self) -> String {
        let name = if self.name.is_empty() {
            "NAME"
        } else {
            &self.name
        };
        template_for(name, self.is_set())
    }

    /// Puts a fresh template in the text area while the admin has not written their own.
    pub fn refresh_template(&mut self) {
        if !self.edited {
            let text = self.template();
            self.user_data = TextArea::new(text.lines().map(str::to_string).collect());
        }
    }

    pub fn user_data_text(&self) -> String {
        let mut text = self.user_data.lines().join("\n");
        text.push('\n');
        text
    }

    /// The request the form makes, as `:compose` words would.
    pub fn args(&self) -> Result<ComposeArgs, String> {
        let count = match self.count.trim() {
            "" => None,
            n => Some(
                n.parse()
                    .map_err(|_| format!("count '{n}' is not a number"))?,
            ),
        };
        Ok(ComposeArgs {
            name: self.name.clone(),
            vm_type: self.vm_type.clone(),
            image: self.image.clone(),
            count,
            group: self.group.clone(),
            host: self.host.clone(),
            user_data: None,
            first_index: 0,
        })
    }
}

/// The placement preview: every VM with every host's verdict, or why the request can't be
/// placed at all.
pub fn preview(state: &State, form: &ComposeForm) -> Result<Plan, String> {
    let args = form.args()?;
    plan(
        &args,
        pool_view(state, form.pool),
        &state.vm_types,
        &form.user_data_text(),
    )
}

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
