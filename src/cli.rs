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
