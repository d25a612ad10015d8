//! The one `State` the app loop owns. Only `update` mutates it; views only read it.

use std::collections::{BTreeSet, HashMap};

use crate::config::{Allocation, Config, Overcommit};
use crate::keymap::Keymap;
use crate::model::{Driver, HostFacts, Vm, VmDetails};
use crate::theme::Theme;

use super::console::Consoles;
use super::derived::Derived;
use super::dirty::Dirty;
use super::history::History;
use super::ops::{Ops, Target};
use super::rows::RowCache;
use super::table::RowId;

pub use super::question::{Confirm, Pending};
pub use super::screen::{Screen, View};

/// Whether a host can be used right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostStatus {
    Connecting,
    Up,
    Down { reason: String, retry_in_secs: u64 },
    Unsupported(String),
}

impl HostStatus {
    pub fn label(&self) -> &'static str {
        match self {
            HostStatus::Connecting => "connecting",
            HostStatus::Up => "up",
            HostStatus::Down { .. } => "down",
            HostStatus::Unsupported(_) => "unsupported",
        }
    }
}

#[derive(Debug, Clone)]
pub struct HostState {
    pub name: String,
    pub uri: String,
    pub migration_uri: Option<String>,
    /// Which of its VMs count against its capacity (its own policy, else the pool's).
    pub allocation: Allocation,
    pub status: HostStatus,
    pub facts: Option<HostFacts>,
    /// Sorted by name.
    pub vms: Vec<Vm>,
    pub details: HashMap<String, Result<VmDetails, String>>,
    /// Where the VMs are pinned, once the host view asked.
    pub placement: Vec<crate::model::VmPlacement>,
    /// The storage volumes, once the host view asked.
    pub volumes: Vec<crate::model::StorageVolume>,
    /// Each VM's recent live numbers, by uuid.
    pub history: HashMap<String, History>,
    /// The guests' CPU (as % of the host's CPUs) and memory in use, added up.
    pub load: History,
    /// The images new VMs can start from, once asked for (or why they can't be read).
    pub images: Option<Result<Vec<crate::model::compose::Image>, String>>,
    /// How old its NUMA and storage figures are.
    pub live: super::live::Freshness,
}

impl HostState {
    pub fn is_up(&self) -> bool {
        self.status == HostStatus::Up
    }
}

#[derive(Debug, Clone)]
pub struct PoolState {
    pub name: String,
    pub driver: Driver,
    pub read_only: bool,
    pub theme: Option<String>,
    pub overcommit: Overcommit,
    /// The pool's allocation policy (hosts may override it; see `HostState::allocation`).
    pub allocation: Allocation,
    /// Indices are stable: hosts are only ever added (an Incus cluster's members, once known).
    pub hosts: Vec<HostState>,
    /// An Incus cluster: its members are the hosts.
    pub cluster: bool,
    /// What new VMs are made of and where they may go.
    pub compose: crate::config::ComposeSettings,
}

/// Which line editor is open at the bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Command,
    /// Search in a console's history.
    ConsoleSearch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputLine {
    pub kind: InputKind,
    pub text: String,
    /// The filter before editing began, restored on cancel.
    pub previous: String,
    /// Tab completion of a `:` line, recomputed when the line changes.
    pub completion: super::commands::Completion,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    pub level: Level,
    pub text: String,
}

/// Themes by name; the active one follows the pool on screen.
#[derive(Debug, Clone)]
pub struct Themes {
    /// The theme used where a pool sets none (and for unknown names).
    pub global: Theme,
    pub by_name: HashMap<String, Theme>,
}

impl Themes {
    pub fn get(&self, name: Option<&str>) -> &Theme {
        name.and_then(|n| self.by_name.get(n))
            .unwrap_or(&self.global)
    }
}

/// Everything the UI shows.
#[derive(Debug)]
pub struct State {
    pub pools: Vec<PoolState>,
    /// The bottom of the navigation stack (the pools list).
    pub base: Screen,
    /// Screens opened on top of `base`.
    pub nav: Vec<Screen>,
    /// Visible rows of the top screen, filtered and sorted; derived by `update` when their
    /// inputs change (see `RowCache`).
    pub rows: Vec<RowId>,
    pub row_cache: RowCache,
    /// What the views show that takes work to compute, kept up to date by `update`.
    pub derived: Derived,
    /// What changed since the last frame.
    pub dirty: Dirty,
    pub input: Option<InputLine>,
    pub status: Option<StatusLine>,
    pub keymap: Keymap,
    pub themes: Themes,
    pub read_only: bool,
    /// Table rows that fit on screen, for paging.
    pub page_rows: usize,
    /// The terminal's size (columns, rows).
    pub size: (u16, u16),
    pub consoles: Consoles,
    pub confirm: Option<Confirm>,
    pub ops: Ops,
    /// The audit log as last read, newest first (or why it could not be read).
    pub audit: Option<Result<Vec<crate::model::action::AuditRecord>, String>>,
    /// VMs marked for a bulk action.
    pub marked: BTreeSet<Target>,
    /// The columns the admin chose per table (`:columns`, the config's `[columns]`).
    pub columns: super::sheets::Chosen,
    /// The operations (by command) whose question the admin turned off in the config.
    pub unasked: BTreeSet<String>,
    /// The VM types of the config, for "how many more fit".
    /// The compose form, while its view is open.
    pub compose: Option<super::compose_form::ComposeForm>,
    pub vm_types: Vec<crate::config::VmType>,
    /// The latest time a host message carried (`update` reads no clock); ages count from it.
    pub now: std::time::SystemTime,
    /// Seconds between stats samples: figures older than twice this show their age.
    pub stats_interval_secs: u64,
    /// The real-time check of each libvirt host, as of its last placement read.
    pub rt: super::rt::RtChecks,
    pub quit: bool,
}

impl State {
    pub fn new(config: &Config, keymap: Keymap, themes: Themes) -> State {
        let pools = config
            .pools
            .iter()
            .map(|p| PoolState {
                name: p.name.clone(),
                driver: p.driver,
                read_only: p.read_only || config.read_only,
                theme: p.theme.clone(),
                overcommit: p.overcommit,
                allocation: p.allocation,
                hosts: p
                    .hosts
                    .iter()
                    .map(|h| HostState {
                        name: h.name.clone(),
                        uri: h.uri.clone(),
                        migration_uri: h.migration_uri.clone(),
                        allocation: p.allocation_of(h),
                        status: HostStatus::Connecting,
                        facts: None,
                        vms: Vec::new(),
                        details: HashMap::new(),
                        placement: Vec::new(),
                        volumes: Vec::new(),
                        history: HashMap::new(),
                        load: History::default(),
                        images: None,
                        live: Default::default(),
                    })
                    .collect(),
                cluster: false,
                compose: p.compose.clone(),
            })
            .collect();
        let mut state = State {
            pools,
            base: Screen::new(View::Pools),
            nav: vec![Screen::new(View::Vms {
                pool: None,
                host: None,
            })],
            rows: Vec::new(),
            row_cache: RowCache::default(),
            derived: Derived::default(),
            dirty: Dirty::ALL,
            input: None,
            status: None,
            keymap,
            themes,
            read_only: config.read_only,
            page_rows: 20,
            size: (80, 24),
            consoles: Consoles {
                scrollback: config.console_scrollback,
                ..Consoles::default()
            },
            confirm: None,
            ops: Ops::default(),
            audit: None,
            marked: BTreeSet::new(),
            columns: super::sheets::Chosen(config.columns.clone()),
            unasked: config.unasked.clone(),
            vm_types: config.vm_types.clone(),
            now: std::time::SystemTime::UNIX_EPOCH,
            stats_interval_secs: config.stats_interval_secs,
            compose: None,
            rt: Default::default(),
            quit: false,
        };
        super::update::refresh_rows(&mut state);
        let mut all = Dirty::ALL;
        super::derived::refresh(&mut state, &mut all, None);
        state
    }

    /// What changed since the last frame, clearing it: the app loop draws when this says
    /// anything changed. (The one change made outside `update`: the frame was drawn.)
    pub fn take_dirty(&mut self) -> Dirty {
        std::mem::take(&mut self.dirty)
    }

    pub fn screen(&self) -> &Screen {
        self.nav.last().unwrap_or(&self.base)
    }

    pub fn screen_mut(&mut self) -> &mut Screen {
        match self.nav.last_mut() {
            Some(screen) => screen,
            None => &mut self.base,
        }
    }

    /// Every screen, bottom first (for breadcrumbs).
    pub fn screens(&self) -> impl Iterator<Item = &Screen> {
        std::iter::once(&self.base).chain(&self.nav)
    }

    /// The theme of the pool on screen, else the global one.
    pub fn theme(&self) -> &Theme {
        let pool_theme = self
            .screen()
            .view
            .pool()
            .and_then(|p| self.pools.get(p))
            .and_then(|p| p.theme.as_deref());
        self.themes.get(pool_theme)
    }

    pub fn vm(&self, pool: usize, host: usize, uuid: &str) -> Option<&Vm> {
        self.pools
            .get(pool)?
            .hosts
            .get(host)?
            .vms
            .iter()
            .find(|v| v.uuid == uuid)
    }

    pub fn host(&self, pool: usize, host: usize) -> Option<&HostState> {
        self.pools.get(pool)?.hosts.get(host)
    }
}
