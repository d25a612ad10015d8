//! The commands that act on VMs (most of them change them), and compose.

use super::build::{arg, flag, opt_arg, plain, power, valued};
use super::{Cmd, Command, Kind, Opt, Scope};
use crate::model::action::PowerAction as P;

const CLONE_OPTIONS: &[Opt] = &[
    flag("--linked"),
    flag("--full"),
    flag("--instant-full"),
    valued("--host", Kind::Member),
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
    valued("--host", Kind::Member),
    valued("--user-data", Kind::Text),
    flag("--no-start"),
];

pub const VM_COMMANDS: &[Command] = &[
    power(P::Start, "start", "start"),
    power(P::Shutdown, "shutdown", "shut down (ACPI)"),
    power(P::Reboot, "reboot", "reboot"),
    power(P::Reset, "reset", "hard reset"),
    power(P::PowerOff, "off", "force off"),
    power(P::Suspend, "suspend", "suspend"),
    power(P::Resume, "resume", "resume"),
    Command {
        args: &[arg("HOST", Kind::Member)],
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
        args: &[
            arg("N", Kind::Number),
            opt_arg(
                "STRATEGY",
                Kind::Choice(crate::sets::scale::Strategy::WORDS),
            ),
        ],
        usage: "N [highest|stopped|loaded]",
        mutates: true,
        ..plain(
            Cmd::Scale,
            "scale",
            &[],
            "grow or shrink the set (of the VM) to N; which members go first",
            Scope::OneVm,
        )
    },
    Command {
        mutates: true,
        ..plain(
            Cmd::Heal,
            "heal",
            &[],
            "make the set (of the VM) whole: restart stopped, recreate missing members",
            Scope::OneVm,
        )
    },
    // The form is a preview only in read-only pools, so composing is offered there too.
    Command {
        args: &[opt_arg("NAME", Kind::NewName)],
        options: COMPOSE_OPTIONS,
        usage: "[NAME] [--type T] [--image I] [--count N] [--group G] [--host H] [--user-data FILE] [--no-start]",
        ..plain(
            Cmd::Compose,
            "compose",
            &["new"],
            "the compose form, filled from the words",
            Scope::Anywhere,
        )
    },
];
