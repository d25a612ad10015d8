//! The interactive app loop: terminal input has its own channel, host supervisors, consoles
//! and signals feed another; `update` applies each message; the screen is redrawn only when
//! `update` marked something dirty, at most once a `FRAME` (never on a timer); effects go to
//! the host supervisors.

use std::path::Path;
use std::time::{Duration, Instant};

use color_eyre::eyre::Result;
use crossterm::event::{Event, EventStream, MouseEventKind};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use crate::app::{Msg, State, update};
use crate::backend::{EventSink, HostDriver, HostSettings, spawn_driver};
use crate::config::Config;
use crate::effects::Runner;
use crate::term::{self, TerminalGuard};
use crate::ui;

/// Runs the UI until the user quits or a signal ends it.
pub async fn run(
    config: &Config,
    mut state: State,
    log: Option<std::fs::File>,
    data_dir: &Path,
    config_file: Option<&Path>,
) -> Result<()> {
    let (tx, rx) = unbounded_channel();
    let (input_tx, input) = unbounded_channel();
    let hosts = spawn_hosts(config, &tx);
    let mut runner = Runner::new(hosts, tx.clone(), data_dir, config.console_log);
    runner.config_file = config_file.map(Path::to_path_buf);
    let mut guard = TerminalGuard::enter(log.as_ref())?;
    spawn_input(input_tx);
    spawn_signals(tx.clone())?;
    spawn_clock(tx.clone());
    let mut mouse = MouseCapture::default();
    let size = guard.terminal.size()?;
    update(
        &mut state,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );
    let mut queues = Queues { input, rx };
    let mut next_frame = Instant::now();
    while !state.quit {
        if state.dirty.any() && Instant::now() >= next_frame {
            state.take_dirty();
            guard.terminal.draw(|frame| ui::render(frame, &state))?;
            next_frame = Instant::now() + FRAME;
        }
        let due = state.dirty.any().then_some(next_frame);
        let Some(msg) = queues.next(due).await else {
            continue;
        };
        let mut effects = update(&mut state, msg);
        queues.drain(&mut state, &mut effects);
        for effect in effects {
            runner.run(effect);
        }
        mouse.follow(state.consoles.visible);
    }
    drop(guard);
    drop(runner);
    Ok(())
}

/// At most one frame per this: a flood of console output or host events costs some 60
/// frames a second, not one per message (over SSH every byte counts).
const FRAME: Duration = Duration::from_millis(16);

/// How long queued messages are applied before a frame that is due is drawn.
const BATCH: Duration = Duration::from_millis(8);

/// The loop's two inputs: keys (and resizes, pastes) come first, so the escape key works
/// during any flood of console output.
struct Queues {
    input: UnboundedReceiver<Msg>,
    rx: UnboundedReceiver<Msg>,
}

impl Queues {
    /// The next message, keys first; None when the frame due at `due` should be drawn (or
    /// every sender is gone).
    async fn next(&mut self, due: Option<Instant>) -> Option<Msg> {
        let frame = async {
            match due {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            Some(msg) = self.input.recv() => Some(msg),
            Some(msg) = self.rx.recv() => Some(msg),
            () = frame => None,
        }
    }

    /// Applies what is already queued, for up to `BATCH`: a burst costs one frame. Keys are
    /// taken before each other message, so they never wait behind a backlog.
    fn drain(&mut self, state: &mut State, effects: &mut Vec<crate::app::Effect>) {
        let until = Instant::now() + BATCH;
        loop {
            while let Ok(msg) = self.input.try_recv() {
                effects.extend(update(state, msg));
            }
            if state.quit || Instant::now() >= until {
                return;
            }
            match self.rx.try_recv() {
                Ok(msg) => effects.extend(update(state, msg)),
                Err(_) => return,
            }
        }
    }
}

/// One supervisor per host, by pool and host index; each runs on its own thread, so a slow
/// host never holds up another or the UI.
fn spawn_hosts(
    config: &Config,
    tx: &UnboundedSender<Msg>,
) -> Vec<Vec<Option<Box<dyn HostDriver>>>> {
    let stats_every = Duration::from_secs(config.stats_interval_secs);
    config
        .pools
        .iter()
        .enumerate()
        .map(|(p, pool)| {
            pool.hosts
                .iter()
                .enumerate()
                .map(|(h, host)| {
                    let read_only = pool.read_only || config.read_only;
                    let settings = HostSettings {
                        stats_every,
                        read_only,
                        deadlines: pool.deadlines,
                    };
                    spawn_driver(pool, host, host_sink(tx.clone(), p, h), settings)
                })
                .collect()
        })
        .collect()
}

fn host_sink(tx: UnboundedSender<Msg>, pool: usize, host: usize) -> EventSink {
    Box::new(move |event| {
        let _ = tx.send(Msg::Host { pool, host, event });
    })
}

fn spawn_input(tx: UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(Ok(event)) = events.next().await {
            let msg = match event {
                Event::Key(key) => Msg::Key(key),
                Event::Paste(text) => Msg::Paste(text),
                Event::Resize(width, height) => Msg::Resize { width, height },
                Event::Mouse(mouse) => match mouse.kind {
                    MouseEventKind::ScrollUp => Msg::Wheel { up: true },
                    MouseEventKind::ScrollDown => Msg::Wheel { up: false },
                    _ => continue,
                },
                _ => continue,
            };
            if tx.send(msg).is_err() {
                break;
            }
        }
    });
}

/// The wall clock once a second: `update` reads none, and a running operation's duration
/// counts on screen. A tick that changes nothing on screen draws nothing.
fn spawn_clock(tx: UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            every.tick().await;
            if tx.send(Msg::Clock(std::time::SystemTime::now())).is_err() {
                return;
            }
        }
    });
}

/// The signals that end vmdeck: TERM, HUP (the SSH connection dropped), INT and QUIT (typed
/// at another terminal or sent by `kill`; raw mode keeps ^C and ^\\ from making them), USR1 and
/// USR2. The first ends the UI cleanly (the guard restores the terminal, what still runs is
/// audited); a second one, should the loop be stuck, restores the terminal and exits at once.
/// ALRM is caught and ignored, so a stray alarm never kills vmdeck with the terminal raw.
fn spawn_signals(tx: UnboundedSender<Msg>) -> Result<()> {
    let mut alarm = signal(SignalKind::alarm())?;
    tokio::spawn(async move { while alarm.recv().await.is_some() {} });
    for &(number, name) in term::ENDING_SIGNALS {
        let mut stream = signal(SignalKind::from_raw(number))?;
        let tx = tx.clone();
        tokio::spawn(async move {
            while stream.recv().await.is_some() {
                if !term::note_signal(number) {
                    term::restore();
                    std::process::exit(128 + number);
                }
                let _ = tx.send(Msg::Terminate { signal: name });
            }
        });
    }
    Ok(())
}

/// The mouse is captured only while a console pane is shown (for wheel scrolling of its
/// history); otherwise the terminal keeps its own mouse selection.
#[derive(Default)]
struct MouseCapture {
    on: bool,
}

impl MouseCapture {
    fn follow(&mut self, want: bool) {
        if want != self.on {
            let mut out = std::io::stdout();
            let _ = if want {
                crossterm::execute!(out, crossterm::event::EnableMouseCapture)
            } else {
                crossterm::execute!(out, crossterm::event::DisableMouseCapture)
            };
            self.on = want;
        }
    }
}
