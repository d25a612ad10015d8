//! Small constructors that keep the command table readable.

use super::{Arg, Cmd, Command, Kind, Opt, Scope};
use crate::model::action::PowerAction as P;

pub const fn arg(name: &'static str, kind: Kind) -> Arg {
    Arg {
        name,
        kind,
        required: true,
    }
}

pub const fn opt_arg(name: &'static str, kind: Kind) -> Arg {
    Arg {
        name,
        kind,
        required: false,
    }
}

pub const fn flag(flag: &'static str) -> Opt {
    Opt { flag, value: None }
}

pub const fn valued(flag: &'static str, kind: Kind) -> Opt {
    Opt {
        flag,
        value: Some(kind),
    }
}

/// A command with no arguments and no options that changes nothing.
pub const fn plain(
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
pub const fn power(cmd: P, name: &'static str, desc: &'static str) -> Command {
    Command {
        mutates: true,
        ..plain(Cmd::Power(cmd), name, &[], desc, Scope::Vms)
    }
}
