//! What changed since the screen was last drawn. `update` sets these flags; the app loop
//! draws only when one is set, and clears them once drawn (`State::take_dirty`). A message
//! that changes nothing visible (a stats sample with the same figures, output of a console
//! that is not on screen) sets none, so an idle vmdeck draws nothing.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dirty {
    /// Hosts or VMs changed.
    pub inventory: bool,
    pub filter: bool,
    pub sort: bool,
    /// Another screen is on top.
    pub view: bool,
    /// The selected row or the first row shown moved.
    pub selection: bool,
    /// The console on screen has new output, or a console changed its state.
    pub console: bool,
    pub status: bool,
    /// Anything else on screen: the input line, a question, a form, live figures shown.
    pub screen: bool,
}

impl Dirty {
    /// Everything: the first frame, or after a resize.
    pub const ALL: Dirty = Dirty {
        inventory: true,
        filter: true,
        sort: true,
        view: true,
        selection: true,
        console: true,
        status: true,
        screen: true,
    };

    pub fn any(&self) -> bool {
        *self != Dirty::default()
    }

    /// Whether something besides console output changed (what the hints, the dashboard's
    /// summary and the host view's capacity may depend on).
    pub fn beyond_console(&self) -> bool {
        Dirty {
            console: false,
            ..*self
        }
        .any()
    }

    pub fn merge(&mut self, other: Dirty) {
        self.inventory |= other.inventory;
        self.filter |= other.filter;
        self.sort |= other.sort;
        self.view |= other.view;
        self.selection |= other.selection;
        self.console |= other.console;
        self.status |= other.status;
        self.screen |= other.screen;
    }
}
