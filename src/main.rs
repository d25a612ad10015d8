//! vmdeck: parse the CLI, set up logging and the terminal hooks, then run the UI or a
//! headless command.

use std::fs::File;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser;
use vmdeck::app::State;
use vmdeck::cli::{Cli, Command};
use vmdeck::config::{self, Paths};
use vmdeck::{headless, startup, tui};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let paths = Paths::from_env();
    let log = open_log(&paths.log_file());
    route_libvirt_log(&paths.data_dir);
    let (mut config, _source, mut warnings) = match config::load(cli.config.as_deref(), &paths) {
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
        Some(Command::Capacity { pool, output }) => exit_code(vmdeck::capacity_report::capacity(
            &config,
            pool.as_deref(),
            output,
        )),
        Some(Command::Console { pool, watch, vm }) => {
            match vmdeck::attach::attach(&config, &keymap, pool.as_deref(), &vm, watch) {
                Ok(end) => {
                    eprintln!("\r\nvmdeck: {end}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("vmdeck: {e}");
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
        None => {
            let mut state = State::new(&config, keymap, themes);
            vmdeck::app::update(&mut state, vmdeck::app::Msg::Warnings(warnings));
            run_ui(&config, state, log, &paths.data_dir)
        }
    }
}

fn run_ui(config: &config::Config, state: State, log: Option<File>, data_dir: &Path) -> ExitCode {
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
    let result = runtime.block_on(tui::run(config, state, log, data_dir));
    vmdeck::term::restore();
    // Host threads may sit in a blocking libvirt call; do not wait for them.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
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

/// The log file (mode 0600: it may name hosts and users), and tracing into it.
fn open_log(path: &Path) -> Option<File> {
    let file = vmdeck::files::open_private_append(path)?;
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
