//! Every `:` command, in the order help lists them.

use super::{Arg, Cmd, Command, Kind, Opt, Scope};
use crate::model::action::PowerAction as P;

const fn arg(name: &'static str, kind: Kind) -> Arg {
    Arg {
        name,
        kind,
        required: true,
    }
}

const fn opt_arg(name: &'static str, kind: Kind) -> Arg {
    Arg {
        name,
        kind,
        required: false,
    }
}

const fn flag(flag: &'static str) -> Opt {
    Opt { flag, value: None }
}

const fn valued(flag: &'static str, kind: Kind) -> Opt {
    Opt {
        flag,
        value: Some(kind),
    }
}

/// A command with no arguments and no options that changes nothing.
const fn plain(
    cmd: Cmd,
    name: &'static str,
    aliases: &'static [&'static str],
    desc: &'static str,
    scope: Scope,
) -> Command {
    Command {
        cmd,
        name,
        aliases,
        args: &[],
        options: &[],
        rest: false,
        usage: "",
        desc,
        mutates: false,
        scope,
    }
}

/// A power action on the selected or marked VMs.
const fn power(cmd: P, name: &'static str, desc: &'static str) -> Command {
    Command {
        mutates: true,
        ..plain(Cmd::Power(cmd), name, &[], desc, Scope::Vms)
    }
}

const POOL: &[Arg] = &[opt_arg("POOL", Kind::Pool)];
const DIRECTION: Kind = Kind::Choice(&["asc", "desc"]);
const CLONE_OPTIONS: &[Opt] = &[
    flag("--linked"),
    flag("--full"),
    flag("--instant-full"),
    valued("--host", Kind::Host),
    flag("--with-snapshots"),
];
const MIGRATE_OPTIONS: &[Opt] = &[
    flag("--offline"),
    flag("--copy-storage"),
    flag("--auto-converge"),
    valued("--bw", Kind::Number),
    valued("--max-downtime", Kind::Number),
];
const COMPOSE_OPTIONS: &[Opt] = &[
    valued("--type", Kind::VmType),
    valued("--image", Kind::Image),
    valued("--count", Kind::Number),
    valued("--group", Kind::Text),
    valued("--host", Kind::Host),
    valued("--user-data", Kind::Text),
];

pub const COMMANDS: &[Command] = &[
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
            "filter the list (fuzzy, ! inverts; none clears)",
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
    power(P::Start, "start", "start"),
    power(P::Shutdown, "shutdown", "shut down (ACPI)"),
    power(P::Reboot, "reboot", "reboot"),
    power(P::Reset, "reset", "hard reset"),
    power(P::PowerOff, "off", "force off"),
    power(P::Suspend, "suspend", "suspend"),
    power(P::Resume, "resume", "resume"),
    Command {
        args: &[arg("HOST", Kind::Host)],
        options: MIGRATE_OPTIONS,
        usage: "HOST [--offline] [--copy-storage] [--auto-converge] [--bw MiB/s] [--max-downtime MS]",
        mutates: true,
        ..plain(
            Cmd::Migrate,
            "migrate",
            &["mv"],
            "move to another host (live if running)",
            Scope::Vms,
        )
    },
    Command {
        mutates: true,
        ..plain(
            Cmd::Abort,
            "abort",
            &[],
            "abort the running migration or Incus operation",
            Scope::OneVm,
        )
    },
    Command {
        options: &[flag("--storage"), flag("--force")],
        usage: "[--storage] [--force]",
        mutates: true,
        ..plain(
            Cmd::Delete,
            "delete",
            &["rm"],
            "delete (asks for its name)",
            Scope::OneVm,
        )
    },
    Command {
        args: &[
            arg("NAME", Kind::NewName),
            opt_arg("DESCRIPTION", Kind::Text),
        ],
        options: &[flag("--memory"), flag("--disk-only")],
        rest: true,
        usage: "NAME [--memory|--disk-only] [DESCRIPTION]",
        mutates: true,
        ..plain(
            Cmd::Snapshot,
            "snapshot",
            &["snap"],
            "take a snapshot",
            Scope::OneVm,
        )
    },
    Command {
        args: &[arg("SNAPSHOT", Kind::Snapshot)],
        usage: "SNAPSHOT",
        mutates: true,
        ..plain(
            Cmd::Revert,
            "revert",
            &[],
            "revert to a snapshot",
            Scope::OneVm,
        )
    },
    Command {
        args: &[arg("SNAPSHOT", Kind::Snapshot)],
        usage: "SNAPSHOT",
        mutates: true,
        ..plain(
            Cmd::SnapshotDelete,
            "snapshot-delete",
            &[],
            "delete a snapshot",
            Scope::OneVm,
        )
    },
    Command {
        args: &[opt_arg("NEWNAME", Kind::NewName)],
        options: CLONE_OPTIONS,
        usage: "[NEWNAME] [--linked|--full|--instant-full] [--host HOST] [--with-snapshots]",
        mutates: true,
        ..plain(
            Cmd::Clone,
            "clone",
            &[],
            "clone a shut-off VM",
            Scope::OneVm,
        )
    },
    Command {
        args: &[arg("N", Kind::Number)],
        usage: "N",
        mutates: true,
        ..plain(
            Cmd::Scale,
            "scale",
            &[],
            "grow or shrink the VM's set to N",
            Scope::OneVm,
        )
    },
    // The form is a preview only in read-only pools, so composing is offered there too.
    Command {
        args: &[opt_arg("NAME", Kind::NewName)],
        options: COMPOSE_OPTIONS,
        usage: "[NAME] [--type T] [--image I] [--count N] [--group G] [--host H] [--user-data FILE]",
        ..plain(
            Cmd::Compose,
            "compose",
            &["new"],
            "the compose form, filled from the words",
            Scope::Anywhere,
        )
    },
];
