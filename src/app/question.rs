//! A question the admin answers before something happens, and what waits for the answer.

/// Something that needs a yes before it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pending {
    /// Operations on VMs, each checked before it was asked for.
    Ops(Vec<super::ops::OpRequest>),
    /// Take a console over from the client that holds it.
    ForceConsole(crate::backend::console::ConsoleId),
    /// Close the compose form, losing the user-data written in it.
    DiscardCompose,
    /// Quit while operations are still running.
    Quit,
}

/// A question. Only `y` confirms a `[y/N]`; what cannot be undone in bulk, or a delete, wants
/// a word typed instead (the VM's name, or how many VMs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub question: String,
    /// What the question is about, one line each (VMs with their hosts, what is skipped);
    /// shown above the question and scrolled when long.
    pub lines: Vec<String>,
    pub pending: Pending,
    /// The word to type, and what was typed so far.
    pub typed: Option<(String, String)>,
    pub scroll: usize,
}

impl Confirm {
    /// A `[y/N]` question with nothing listed.
    pub fn yes_no(question: impl Into<String>, pending: Pending) -> Confirm {
        Confirm {
            question: question.into(),
            lines: Vec::new(),
            pending,
            typed: None,
            scroll: 0,
        }
    }
}
