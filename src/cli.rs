//! Command-line interface.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "vmdeck",
    version,
    about = "A terminal console for pools of virtual machines (libvirt and Incus)"
)]
pub struct Cli {
    /// Config file (default: $XDG_CONFIG_HOME/vmdeck/config.toml). An explicit file that is
    /// missing or invalid is an error; a bad default file only warns.
    #[arg(long, short, global = true, env = "VMDECK_CONFIG")]
    pub config: Option<PathBuf>,

    /// Refuse every action that changes a VM or host.
    #[arg(long, global = true)]
    pub read_only: bool,

    /// Theme name: default, light, high-contrast, mono, or a file name (without .toml) in the
    /// config dir's themes/. NO_COLOR set: always mono.
    #[arg(long, global = true)]
    pub theme: Option<String>,

    /// Seconds headless commands (list, capacity, images, console, compose) wait for hosts;
    /// a host that has not answered by then is named on stderr and the exit status is 1.
    #[arg(long, global = true, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the inventory (for scripts).
    List {
        /// Only this pool.
        #[arg(long)]
        pool: Option<String>,
        #[arg(long, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// Print hosts, NUMA nodes and storage with capacity figures (for scripts).
    Capacity {
        /// Only this pool.
        #[arg(long)]
        pool: Option<String>,
        #[arg(long, value_enum, default_value_t = crate::capacity_report::CapacityOutput::Json)]
        output: crate::capacity_report::CapacityOutput,
    },
    /// Place new VMs from a VM type and an image, print where each would go and why, and with
    /// --yes compose them (the pool's placement groups and overcommit apply; --no-start only
    /// defines them).
    Compose {
        /// The pool to compose in.
        #[arg(long)]
        pool: String,
        #[command(flatten)]
        args: crate::compose::ComposeArgs,
        /// Compose, not only show the placement.
        #[arg(long)]
        yes: bool,
    },
    /// Print the images VMs can be composed from (for scripts).
    Images {
        /// Only this pool.
        #[arg(long)]
        pool: Option<String>,
        #[arg(long, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// Check SEAPATH's real-time rules for every VM in a slice or under a real-time vCPU
    /// scheduler: exit 0 when all hold, 1 on a violation, 2 when a host could not be checked.
    RtCheck {
        /// Only this pool.
        #[arg(long)]
        pool: Option<String>,
        #[arg(long, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// The VM sets: desired / present / running / ready, members by host and problems;
    /// `sets heal` prints what would make each set whole.
    Sets {
        /// Only this pool.
        #[arg(long)]
        pool: Option<String>,
        #[arg(long, value_enum, default_value_t = Output::Table)]
        output: Output,
        #[command(subcommand)]
        command: Option<SetsCommand>,
    },
    /// Validate the config, keymap and theme files and exit.
    Check,
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Attach this terminal to a VM's serial console (Ctrl-] or Enter ~ . detaches).
    Console {
        /// Only look for the VM in this pool.
        #[arg(long)]
        pool: Option<String>,
        /// Show the console without sending anything to it.
        #[arg(long)]
        watch: bool,
        /// The VM's name.
        vm: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SetsCommand {
    /// Print what scaling the set to N does (members deleted, composed where placement puts
    /// them, restamped with the new count), and with --yes carry it out (exit 1 when a member
    /// can't be placed, a step failed or a host did not answer).
    Scale {
        /// Only this pool.
        #[arg(long)]
        pool: Option<String>,
        /// The set's name.
        set: String,
        /// The number of members the set should have.
        count: u32,
        /// Which members a scale-in deletes first.
        #[arg(long, value_enum, default_value_t = crate::sets::scale::Strategy::Highest)]
        strategy: crate::sets::scale::Strategy,
        /// Carry the plan out: each step printed and audited (from a terminal, deleting
        /// running members also wants their count typed).
        #[arg(long)]
        yes: bool,
    },
    /// Print the plan that makes the sets whole, and with --yes carry it out: restart stopped
    /// members, recreate missing indexes where placement puts them under the set's group
    /// (exit 1 when a host did not answer, a member can't be placed or a step failed).
    Heal {
        /// Only this pool.
        #[arg(long)]
        pool: Option<String>,
        /// Only this set.
        set: Option<String>,
        /// Print the plan only (the default without --yes).
        #[arg(long)]
        dry_run: bool,
        /// Also recreate members on hosts that do not answer (the old one may still run).
        #[arg(long)]
        replace_down: bool,
        /// Carry the plan out: each step printed and audited.
        #[arg(long, conflicts_with = "dry_run")]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain: exit 0 when it holds, 1 naming the first broken
    /// line, 2 when the file cannot be read.
    Verify {
        /// The log to check (default: audit.jsonl in the data dir).
        #[arg(long)]
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Json,
}
