//! The commands of navigation, lists and consoles, in the order help lists them.

use super::build::{opt_arg, plain};
use super::{Cmd, Command, Kind, Scope};

const POOL: &[super::Arg] = &[opt_arg("POOL", Kind::Pool)];
const DIRECTION: Kind = Kind::Choice(&["asc", "desc"]);

pub const NAVIGATION: &[Command] = &[
    plain(
        Cmd::Pools,
        "pools",
        &["pool", "p"],
        "the pools",
        Scope::Anywhere,
    ),
    Command {
        args: POOL,
        usage: "[POOL]",
        ..plain(
            Cmd::Hosts,
            "hosts",
            &["h"],
            "the hosts (of one pool)",
            Scope::Anywhere,
        )
    },
    Command {
        args: &[opt_arg("HOST", Kind::HostOrPool)],
        usage: "[HOST]",
        ..plain(
            Cmd::Host,
            "host",
            &["info"],
            "a host's capacity, NUMA nodes and storage (the selected one)",
            Scope::Anywhere,
        )
    },
    Command {
        args: POOL,
        usage: "[POOL]",
        ..plain(
            Cmd::Vms,
            "vms",
            &["v"],
            "the VMs (of one pool)",
            Scope::Anywhere,
        )
    },
    Command {
        args: &[opt_arg("VM", Kind::Vm)],
        usage: "[VM]",
        ..plain(Cmd::Vm, "vm", &[], "one VM by name", Scope::Anywhere)
    },
    Command {
        args: POOL,
        usage: "[POOL]",
        ..plain(
            Cmd::Dashboard,
            "dashboard",
            &["dash", "types"],
            "a pool at a glance, with its VM types",
            Scope::Anywhere,
        )
    },
    Command {
        args: POOL,
        usage: "[POOL]",
        ..plain(
            Cmd::Images,
            "images",
            &[],
            "what VMs can be composed from",
            Scope::Anywhere,
        )
    },
    Command {
        args: POOL,
        usage: "[POOL]",
        ..plain(
            Cmd::Rt,
            "rt",
            &["realtime"],
            "the real-time check of VMs in a slice or under fifo/rr",
            Scope::Anywhere,
        )
    },
    Command {
        args: POOL,
        usage: "[POOL]",
        ..plain(
            Cmd::Sets,
            "sets",
            &[],
            "the VM sets: desired, present, running, ready, problems",
            Scope::Anywhere,
        )
    },
    plain(
        Cmd::Ops,
        "ops",
        &["operations"],
        "the operations of this session",
        Scope::Anywhere,
    ),
    plain(Cmd::Audit, "audit", &[], "the audit log", Scope::Anywhere),
    plain(Cmd::Help, "help", &["?"], "this help", Scope::Anywhere),
    plain(
        Cmd::Back,
        "back",
        &[],
        "back to the previous screen",
        Scope::Anywhere,
    ),
    plain(
        Cmd::Quit,
        "quit",
        &["q"],
        "quit (asks while operations run)",
        Scope::Anywhere,
    ),
    plain(
        Cmd::QuitNow,
        "quit!",
        &["q!"],
        "quit without asking",
        Scope::Anywhere,
    ),
    plain(
        Cmd::Open,
        "open",
        &[],
        "open the selected row",
        Scope::Lists,
    ),
    Command {
        args: &[opt_arg("TEXT", Kind::Text)],
        rest: true,
        usage: "[TEXT]",
        ..plain(
            Cmd::Filter,
            "filter",
            &["f"],
            "filter the list (text, ~regex, %fuzzy; ! inverts; none clears)",
            Scope::Lists,
        )
    },
    Command {
        args: &[
            opt_arg("COLUMN", Kind::Column),
            opt_arg("asc|desc", DIRECTION),
        ],
        usage: "[COLUMN] [asc|desc]",
        ..plain(
            Cmd::Sort,
            "sort",
            &[],
            "sort by a column (none: the next one)",
            Scope::Lists,
        )
    },
    plain(
        Cmd::Reverse,
        "reverse",
        &["rev"],
        "reverse the sort",
        Scope::Lists,
    ),
    Command {
        args: &[opt_arg("COLUMN", Kind::Column)],
        rest: true,
        usage: "[COLUMN…|+COLUMN|-COLUMN|all]",
        ..plain(
            Cmd::Columns,
            "columns",
            &["cols"],
            "the table's columns: show these, +/- one, or all (saved in the config)",
            Scope::Anywhere,
        )
    },
    Command {
        args: &[opt_arg("FILTER", Kind::Text)],
        rest: true,
        usage: "[FILTER]",
        ..plain(
            Cmd::Mark,
            "mark",
            &[],
            "mark the VMs the filter matches (none: the list shown)",
            Scope::Lists,
        )
    },
    plain(Cmd::Unmark, "unmark", &[], "clear the marks", Scope::Lists),
    Command {
        args: &[opt_arg("HOST", Kind::Host)],
        usage: "[HOST]",
        ..plain(
            Cmd::Reconnect,
            "reconnect",
            &["rc"],
            "reconnect a host now (the selected one)",
            Scope::Anywhere,
        )
    },
    plain(
        Cmd::Xml,
        "xml",
        &[],
        "show or hide the VM's XML",
        Scope::Detail,
    ),
    Command {
        args: &[opt_arg("VM", Kind::Vm)],
        usage: "[VM]",
        ..plain(
            Cmd::Console { watch_only: false },
            "console",
            &["con"],
            "attach to a VM's console (the selected one)",
            Scope::Consoles,
        )
    },
    Command {
        args: &[opt_arg("VM", Kind::Vm)],
        usage: "[VM]",
        ..plain(
            Cmd::Console { watch_only: true },
            "watch",
            &[],
            "a VM's console, watch-only",
            Scope::Consoles,
        )
    },
    plain(
        Cmd::Zoom,
        "zoom",
        &[],
        "zoom the console pane / split again",
        Scope::Consoles,
    ),
    plain(
        Cmd::TabNext,
        "tab-next",
        &["tn"],
        "next console",
        Scope::Consoles,
    ),
    plain(
        Cmd::TabPrev,
        "tab-prev",
        &["tp"],
        "previous console",
        Scope::Consoles,
    ),
    plain(
        Cmd::TabClose,
        "tab-close",
        &["tc"],
        "close the console",
        Scope::Consoles,
    ),
    plain(
        Cmd::History,
        "history",
        &[],
        "the console's history: scroll, search, copy",
        Scope::Consoles,
    ),
];
