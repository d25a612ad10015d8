//! vmdeck: parse the CLI, set up logging and the terminal hooks, then run the UI or a
//! headless command.

use std::fs::File;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use vmdeck::app::State;
use vmdeck::cli::{AuditCommand, Cli, Command};
use vmdeck::config::{self, Paths};
use vmdeck::{headless, startup, tui};

fn main() -> ExitCode {
    let code = run();
    vmdeck::backend::libvirt::close_headless_connections();
    // Whatever ended the run: no ssh that libvirt started for vmdeck outlives it.
    vmdeck::backend::libvirt::end_ssh_children();
    code
}

fn run() -> ExitCode {
    let cli = Cli::parse();
    headless::set_timeout(std::time::Duration::from_secs(cli.timeout));
    let paths = Paths::from_env();
    // Before the log opens: it creates the data dir, which must be private.
    let mut file_warnings = vmdeck::files::secure_data_dir(&paths.data_dir);
    let log = open_log(&paths.log_file(), &mut file_warnings);
    for warning in &file_warnings {
        tracing::warn!("{warning}");
    }
    match vmdeck::fd_limit::raise() {
        Ok(limit) => tracing::debug!("open files: up to {limit}"),
        Err(e) => tracing::warn!("open files: the limit stays as it is: {e}"),
    }
    route_libvirt_log(&paths.data_dir);
    // Before any host thread starts: their panics go to the log, not the screen.
    vmdeck::term::install_panic_hook();
    // The audit log's check needs no config (a broken one must not hide a broken log).
    if let Some(Command::Audit {
        command: AuditCommand::Verify { file },
    }) = &cli.command
    {
        let path = file
            .clone()
            .unwrap_or_else(|| paths.data_dir.join("audit.jsonl"));
        return ExitCode::from(vmdeck::audit::verify_file(&path));
    }
    let (mut config, source, mut warnings) = match config::load(cli.config.as_deref(), &paths) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("vmdeck: {e}");
            return ExitCode::from(2);
        }
    };
    config.read_only |= cli.read_only;
    if let Some(theme) = &cli.theme {
        config.theme = theme.clone();
    }
    let keymap = startup::load_keymap(&paths.config_dir, &mut warnings);
    let themes = startup::load_themes(&paths.config_dir, &config.theme, &mut warnings);
    for warning in &warnings {
        tracing::warn!("{warning}");
    }
    match cli.command {
        Some(Command::Check) => check(&warnings),
        // Answered above, before the config was read.
        Some(Command::Audit { .. }) => ExitCode::SUCCESS,
        Some(Command::Capacity { pool, output }) => exit_code(vmdeck::capacity_report::capacity(
            &config,
            pool.as_deref(),
            output,
        )),
        Some(Command::Console { pool, watch, vm }) => {
            match vmdeck::attach::attach(&config, &keymap, pool.as_deref(), &vm, watch) {
                Ok(()) => {
                    eprintln!("\r\nvmdeck: detached");
                    ExitCode::SUCCESS
                }
                // The guest's output may have left the cursor mid-line.
                Err(e) => {
                    eprintln!("\r\nvmdeck: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Some(Command::Compose { pool, args, yes }) => {
            exit_code(vmdeck::compose::run_headless(&config, &pool, &args, yes))
        }
        Some(Command::Images { pool, output }) => {
            exit_code(headless::images(&config, pool.as_deref(), output))
        }
        Some(Command::List { pool, output }) => {
            exit_code(headless::list(&config, pool.as_deref(), output))
        }
        Some(Command::Sets {
            pool,
            output,
            command,
        }) => sets(
            &config,
            (pool.as_deref(), output),
            command,
            &paths.data_dir.join("audit.jsonl"),
        ),
        Some(Command::RtCheck { pool, output }) => rt_exit_code(vmdeck::rt::headless::rt_check(
            &config,
            pool.as_deref(),
            output,
        )),
        None => {
            let mut state = State::new(&config, keymap, themes);
            // Files narrowed to 0600 are worth a word in the status line too.
            warnings.extend(file_warnings);
            vmdeck::app::update(&mut state, vmdeck::app::Msg::Warnings(warnings));
            let config_file = match &source {
                config::ConfigSource::File(path) => Some(path.as_path()),
                config::ConfigSource::Discovered => None,
            };
            run_ui(&config, state, log, &paths.data_dir, config_file)
        }
    }
}

fn run_ui(
    config: &config::Config,
    state: State,
    log: Option<File>,
    data_dir: &Path,
    config_file: Option<&Path>,
) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("vmdeck: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(tui::run(config, state, log, data_dir, config_file));
    vmdeck::term::restore();
    // Host threads may sit in a blocking libvirt call; do not wait for them.
    runtime.shutdown_background();
    match result {
        Ok(()) => vmdeck::term::signal_exit_status().map_or(ExitCode::SUCCESS, ExitCode::from),
        Err(e) => {
            eprintln!("vmdeck: {e:?}");
            ExitCode::FAILURE
        }
    }
}

fn check(warnings: &[String]) -> ExitCode {
    if warnings.is_empty() {
        println!("config, keymap and themes are valid");
        ExitCode::SUCCESS
    } else {
        for warning in warnings {
            eprintln!("vmdeck: {warning}");
        }
        ExitCode::from(2)
    }
}

/// The log file (mode 0600: it may name hosts and users), and tracing into it. A warning
/// about its mode goes into `warnings` (tracing is not set up yet when it is opened).
fn open_log(path: &Path, warnings: &mut Vec<String>) -> Option<File> {
    let opened = match vmdeck::files::open_private_append(path) {
        Ok(opened) => opened,
        Err(e) => {
            warnings.push(format!("cannot open the log {}: {e}", path.display()));
            return None;
        }
    };
    warnings.extend(opened.warning);
    let file = opened.file;
    let writer = file.try_clone().ok()?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("VMDECK_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(writer))
        .try_init();
    Some(file)
}

/// libvirt's own log lines (the embedded driver writes some) go to a file, not the screen.
fn route_libvirt_log(data_dir: &Path) {
    if std::env::var_os("LIBVIRT_LOG_OUTPUTS").is_none() {
        let target = format!("3:file:{}", data_dir.join("libvirt.log").display());
        // SAFETY: called at the top of main before any thread exists.
        unsafe { std::env::set_var("LIBVIRT_LOG_OUTPUTS", target) };
    }
}

/// 0 when every host was read, 1 when some could not be, 2 when nothing could be done.
fn exit_code(result: Result<bool, String>) -> ExitCode {
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("vmdeck: {e}");
            ExitCode::from(2)
        }
    }
}

/// `vmdeck rt-check`: 0 when every rule holds, 1 on a violation, 2 when a host could not be
/// checked or nothing could be done.
fn rt_exit_code(result: Result<vmdeck::rt::headless::Outcome, String>) -> ExitCode {
    use vmdeck::rt::headless::Outcome;
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Violations) => ExitCode::from(1),
        Ok(Outcome::Incomplete) => ExitCode::from(2),
        Err(e) => {
            eprintln!("vmdeck: {e}");
            ExitCode::from(2)
        }
    }
}

/// `vmdeck sets`, `vmdeck sets heal` and `vmdeck sets scale`.
fn sets(
    config: &config::Config,
    (pool, output): (Option<&str>, vmdeck::cli::Output),
    command: Option<vmdeck::cli::SetsCommand>,
    audit: &Path,
) -> ExitCode {
    match command {
        None => exit_code(vmdeck::sets::run_list(config, pool, output)),
        Some(vmdeck::cli::SetsCommand::Scale {
            pool: scale_pool,
            set,
            count,
            strategy,
            yes,
        }) => exit_code(vmdeck::sets::run_scale(
            config,
            &vmdeck::sets::ScaleArgs {
                pool: scale_pool.as_deref().or(pool),
                set: &set,
                count,
                strategy,
                yes: yes.then(|| audit.to_path_buf()),
            },
        )),
        Some(vmdeck::cli::SetsCommand::Heal {
            pool: heal_pool,
            set,
            dry_run: _,
            replace_down,
            yes,
        }) => exit_code(vmdeck::sets::run_heal(
            config,
            &vmdeck::sets::HealArgs {
                pool: heal_pool.as_deref().or(pool),
                set: set.as_deref(),
                replace_down,
                yes: yes.then(|| audit.to_path_buf()),
            },
        )),
        Some(vmdeck::cli::SetsCommand::Spec {
            pool: spec_pool,
            set,
            min,
            max,
            autoscale_cpu,
            cooldown,
            heal,
        }) => {
            let autoscale_cpu = match autoscale_cpu.as_deref().map(parse_target).transpose() {
                Ok(target) => target,
                Err(e) => {
                    eprintln!("vmdeck: {e}");
                    return ExitCode::from(2);
                }
            };
            let edit = vmdeck::sets::SpecEdit {
                min,
                max,
                autoscale_cpu,
                cooldown_secs: cooldown,
                heal: heal.map(|h| h == vmdeck::cli::HealMode::Auto),
            };
            let pool = spec_pool.as_deref().or(pool);
            exit_code(vmdeck::sets::run_spec(config, pool, &set, &edit, audit))
        }
        Some(vmdeck::cli::SetsCommand::Watch {
            pool: watch_pool,
            set,
            interval,
            lease,
            once,
        }) => exit_code(vmdeck::sets::run_watch(
            config,
            &vmdeck::sets::WatchArgs {
                pool: watch_pool.as_deref().or(pool),
                set: set.as_deref(),
                interval: std::time::Duration::from_secs(interval),
                lease: std::time::Duration::from_secs(lease.unwrap_or(3 * interval)),
                once,
                audit: audit.to_path_buf(),
            },
        )),
    }
}

/// `--autoscale-cpu PCT|off`: Some(pct), or None for off.
fn parse_target(text: &str) -> Result<Option<u32>, String> {
    if text == "off" {
        return Ok(None);
    }
    match text.parse() {
        Ok(pct @ 1..=100) => Ok(Some(pct)),
        _ => Err(format!(
            "--autoscale-cpu {text}: give a percentage (1 to 100) or off"
        )),
    }
}
