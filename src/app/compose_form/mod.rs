//! The compose form: what the admin filled in, and the placement preview computed from it
//! and the pool as vmdeck knows it now.

use ratatui_textarea::TextArea;

use crate::app::state::State;
use crate::compose::{ComposeArgs, Plan, UserData, plan_from, template_for};

mod choices;

pub use choices::{
    ImagesKnown, cycle, image_hosts, images_known, known_images, offered_types, pool_view,
};

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
    /// The Compose button: Enter on it asks to compose.
    Compose,
}

impl Field {
    /// Fields whose value is one of a list, chosen with ←/→.
    pub fn is_choice(self) -> bool {
        matches!(
            self,
            Field::Type | Field::Image | Field::Group | Field::Host
        )
    }

    pub const ALL: [Field; 8] = [
        Field::Name,
        Field::Count,
        Field::Type,
        Field::Image,
        Field::Group,
        Field::Host,
        Field::UserData,
        Field::Compose,
    ];

    /// The single-line fields, shown above the user-data.
    pub const LINES: [Field; 6] = [
        Field::Name,
        Field::Count,
        Field::Type,
        Field::Image,
        Field::Group,
        Field::Host,
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
            Field::Compose => "compose",
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
    /// The `--user-data` file the text came from and its files per index, if any.
    pub files: UserData,
    /// The user-data differs from the template: closing the form asks first.
    pub edited: bool,
    /// Define the VMs without starting them (`:compose … --no-start`).
    pub no_start: bool,
}

impl ComposeForm {
    /// A form for `pool`, filled from `args` where given, else with the pool's first offered
    /// type and first known image.
    pub fn new(
        state: &State,
        pool: usize,
        args: &ComposeArgs,
        user_data: Option<UserData>,
    ) -> Self {
        let mut form = ComposeForm {
            pool,
            field: Field::Name,
            name: args.name.clone(),
            count: args.count.map(|c| c.to_string()).unwrap_or_default(),
            vm_type: args.vm_type.clone(),
            image: args.image.clone(),
            group: args.group.clone(),
            host: args.host.clone(),
            no_start: args.no_start,
            user_data: TextArea::default(),
            edited: user_data.is_some(),
            files: UserData::default(),
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
        let text = match user_data {
            Some(read) => {
                let text = read.template.clone();
                form.files = read;
                text
            }
            None => form.template(),
        };
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

    /// The user-data as typed, with the files per index of the file it was read from.
    pub fn user_data(&self) -> UserData {
        UserData {
            template: self.user_data_text(),
            ..self.files.clone()
        }
    }

    /// The first VM's name and place in its set: the one whose user-data the form checks.
    pub fn first_vm(&self) -> (String, Option<(&str, u32)>) {
        if self.is_set() {
            (format!("{}-0", self.name), Some((self.name.as_str(), 0)))
        } else {
            (self.name.clone(), None)
        }
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
            replicas: None,
            no_start: self.no_start,
        })
    }
}

/// The placement preview: every VM with every host's verdict, or why the request can't be
/// placed at all.
pub fn preview(state: &State, form: &ComposeForm) -> Result<Plan, String> {
    plan_with(state, form, &form.user_data())
}

/// The placement alone, whatever the user-data says: half-typed YAML must not blank the
/// preview (the form says what is wrong with it, and composing checks it).
pub fn placement(state: &State, form: &ComposeForm) -> Result<Plan, String> {
    plan_with(state, form, &UserData::text("#cloud-config\n"))
}

fn plan_with(state: &State, form: &ComposeForm, user_data: &UserData) -> Result<Plan, String> {
    // Said as the form says it (`compose` itself speaks of --type and --image).
    if form.name.is_empty() {
        return Err("type a name for the VM (with a count, for the set)".into());
    }
    if form.vm_type.is_empty() {
        return Err("choose a VM type (the pool offers none: add [[vm_type]] tables)".into());
    }
    if form.image.is_empty() {
        return Err(match images_known(state, form.pool) {
            ImagesKnown::Loading => "waiting for the hosts to list their images…".into(),
            ImagesKnown::Failed(e) => format!("no image to choose: {e}"),
            ImagesKnown::Empty | ImagesKnown::Listed => "choose an image".into(),
        });
    }
    let args = form.args()?;
    plan_from(
        &args,
        &pool_view(state, form.pool),
        &state.vm_types,
        user_data,
    )
}
