//! libvirt calls issued side by side. The remote driver multiplexes the calls of many threads
//! over one connection, so N calls in flight at once cost about one round trip where N calls
//! in sequence cost N (300 domains behind 50 ms: 15 s). libvirt's API is blocking, so a call
//! in flight is a thread waiting: they come from one pool for the whole fleet, bounded, whose
//! threads end when idle.
//!
//! A task that no pool thread has started by the time its result is wanted runs on the thread
//! that wants it, so nothing ever waits for the pool to have room: a full pool only means
//! fewer calls overlap.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

/// Pool threads at most, fleet-wide: 3 hosts × 300 domains behind 50 ms then take about
/// four round trips of calls (benches/README.md).
const MAX_THREADS: usize = 256;
/// A pool thread with nothing to do for this long ends.
const IDLE_EXIT: Duration = Duration::from_secs(10);

type Job = Box<dyn FnOnce() + Send>;

enum Slot<R> {
    Pending(Box<dyn FnOnce() -> R + Send>),
    /// Since when.
    Running(Instant),
    Done(std::thread::Result<R>),
    Taken,
}

struct Cell<R> {
    slot: Mutex<Slot<R>>,
    done: Condvar,
}

/// A call started with `spawn`; `join` gives its result.
pub struct Task<R> {
    cell: Arc<Cell<R>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking task is caught before it could poison anything; tolerate it anyway.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<R> Cell<R> {
    /// Runs the task here unless some thread already did or does.
    fn run(&self) {
        let task = {
            let mut slot = lock(&self.slot);
            match std::mem::replace(&mut *slot, Slot::Running(Instant::now())) {
                Slot::Pending(task) => task,
                other => {
                    *slot = other;
                    return;
                }
            }
        };
        let result = catch_unwind(AssertUnwindSafe(task));
        *lock(&self.slot) = Slot::Done(result);
        self.done.notify_all();
    }
}

thread_local! {
    static INLINE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// While the guard lives, tasks started on this thread run at once on it: for a driver that
/// runs inside this process (`test:///`, `qemu:///embed`), whose calls are work on this
/// machine's CPUs rather than waits for a reply, and which serialises a connection's calls
/// anyway. Side by side they would only contend (1,000 simulated hosts: 35,000 tasks).
pub struct InlineHere {
    was: bool,
}

impl InlineHere {
    pub fn new(inline: bool) -> InlineHere {
        InlineHere {
            was: INLINE.replace(inline),
        }
    }
}

impl Drop for InlineHere {
    fn drop(&mut self) {
        INLINE.set(self.was);
    }
}

/// Starts `task` on the pool (or later on the joining thread, whichever comes first).
pub fn spawn<R: Send + 'static>(task: impl FnOnce() -> R + Send + 'static) -> Task<R> {
    let cell = Arc::new(Cell {
        slot: Mutex::new(Slot::Pending(Box::new(task))),
        done: Condvar::new(),
    });
    if INLINE.get() {
        cell.run();
        return Task { cell };
    }
    let shared = Arc::clone(&cell);
    pool().submit(Box::new(move || shared.run()));
    Task { cell }
}

impl<R> Task<R> {
    /// The task's result; a panic in the task goes on in the caller.
    pub fn join(self) -> R {
        self.cell.run();
        let mut slot = lock(&self.cell.slot);
        loop {
            match std::mem::replace(&mut *slot, Slot::Taken) {
                Slot::Done(Ok(result)) => return result,
                Slot::Done(Err(panic)) => {
                    drop(slot);
                    resume_unwind(panic)
                }
                other => {
                    *slot = other;
                    slot = self
                        .cell
                        .done
                        .wait(slot)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
        }
    }
}

impl<R> Task<R> {
    /// The task's result, unless it has been running for `stall` without ending: then None,
    /// and it goes on with nobody waiting for it. A task still waiting for a pool thread is
    /// waited for, not run here, so a stuck call never holds this thread.
    pub fn join_unless_stalled(self, stall: Duration) -> Option<R> {
        let mut slot = lock(&self.cell.slot);
        loop {
            let wait = match &*slot {
                Slot::Done(_) => break,
                Slot::Running(since) => (*since + stall).checked_duration_since(Instant::now()),
                Slot::Pending(_) | Slot::Taken => Some(stall),
            };
            let wait = wait.filter(|w| !w.is_zero())?;
            slot = self
                .cell
                .done
                .wait_timeout(slot, wait)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        match std::mem::replace(&mut *slot, Slot::Taken) {
            Slot::Done(Ok(result)) => Some(result),
            Slot::Done(Err(panic)) => {
                drop(slot);
                resume_unwind(panic)
            }
            _ => None,
        }
    }
}

/// `call` on every item side by side, started now; `Task::join` each for its result.
pub fn spawn_each<T, R, F>(items: impl IntoIterator<Item = T>, call: F) -> Vec<Task<R>>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let call = Arc::new(call);
    items
        .into_iter()
        .map(|item| {
            let call = Arc::clone(&call);
            spawn(move || call(item))
        })
        .collect()
}

/// `call` on every item side by side; the results in the items' order.
pub fn map<T, R, F>(items: impl IntoIterator<Item = T>, call: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let tasks = spawn_each(items, call);
    // Pool threads take tasks from the front; this thread works from the back meanwhile.
    for task in tasks.iter().rev() {
        task.cell.run();
    }
    tasks.into_iter().map(Task::join).collect()
}

struct Pool {
    state: Mutex<PoolState>,
    work: Condvar,
}

#[derive(Default)]
struct PoolState {
    queue: VecDeque<Job>,
    threads: usize,
    idle: usize,
}

fn pool() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| Pool {
        state: Mutex::new(PoolState::default()),
        work: Condvar::new(),
    })
}

impl Pool {
    fn submit(&'static self, job: Job) {
        let mut state = lock(&self.state);
        state.queue.push_back(job);
        if state.idle >= state.queue.len() || state.threads >= MAX_THREADS {
            self.work.notify_one();
            return;
        }
        state.threads += 1;
        let spawned = std::thread::Builder::new()
            .name("libvirt calls".into())
            .spawn(move || self.serve());
        if spawned.is_err() {
            state.threads -= 1;
            // With no pool thread at all, nothing would start what waits unstarted: run it
            // here. Otherwise the pool's threads get to it.
            if state.threads == 0
                && let Some(job) = state.queue.pop_back()
            {
                drop(state);
                job();
            }
        }
    }

    fn serve(&self) {
        let mut state = lock(&self.state);
        loop {
            if let Some(job) = state.queue.pop_front() {
                drop(state);
                job();
                state = lock(&self.state);
                continue;
            }
            state.idle += 1;
            let (guard, waited) = self
                .work
                .wait_timeout(state, IDLE_EXIT)
                .unwrap_or_else(PoisonError::into_inner);
            state = guard;
            state.idle -= 1;
            if waited.timed_out() && state.queue.is_empty() {
                state.threads -= 1;
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_the_items_order() {
        let squares = map(0..500u64, |n| n * n);
        assert_eq!(squares, (0..500u64).map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn blocking_calls_overlap() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let in_flight = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let (now, max) = (Arc::clone(&in_flight), Arc::clone(&most));
        map(0..32, move |_| {
            let running = now.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(running, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(50));
            now.fetch_sub(1, Ordering::SeqCst);
        });
        assert!(
            most.load(Ordering::SeqCst) > 1,
            "the calls ran one at a time"
        );
    }

    #[test]
    fn a_task_runs_on_the_joining_thread_when_no_pool_thread_took_it() {
        let inner = spawn(|| map(0..10, |n| n + 1).iter().sum::<i32>());
        assert_eq!(inner.join(), 55);
    }

    #[test]
    fn a_stuck_task_is_given_up_and_a_quick_one_is_not() {
        let stuck = spawn(|| std::thread::sleep(Duration::from_secs(5)));
        let quick = spawn(|| 7);
        assert_eq!(stuck.join_unless_stalled(Duration::from_millis(100)), None);
        assert_eq!(
            quick.join_unless_stalled(Duration::from_millis(100)),
            Some(7)
        );
    }

    #[test]
    fn inline_tasks_run_on_the_thread_that_starts_them() {
        let here = std::thread::current().id();
        let _inline = InlineHere::new(true);
        let ran_on = spawn(|| std::thread::current().id());
        assert!(ran_on.join_unless_stalled(Duration::ZERO) == Some(here));
        assert_eq!(map(0..3, |_| std::thread::current().id()), [here; 3]);
    }

    #[test]
    fn a_panic_in_a_task_reaches_the_caller() {
        let task = spawn(|| -> u32 { panic!("boom") });
        let caught = catch_unwind(AssertUnwindSafe(|| task.join()));
        assert!(caught.is_err());
    }
}
