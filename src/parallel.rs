//! Work spread over the machine's cores, results in input order.
//!
//! `SSOLINT_THREADS=N` sets the number of workers (1: everything on the calling thread).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// How many workers to use: `SSOLINT_THREADS`, else the available cores, at most 8.
pub fn workers() -> usize {
    std::env::var("SSOLINT_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, 8)
}

/// `items.iter().map(work).collect()`, with the items shared out to the workers one at a time
/// (inputs of a batch differ in size), and the results in the order of `items`.
pub fn map_ordered<T, R, W>(items: &[T], work: W) -> Vec<R>
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> R + Sync,
{
    let mut all = Vec::with_capacity(items.len());
    let Ok(()) = for_each_ordered(items, work, |r| {
        all.push(r);
        Ok::<(), std::convert::Infallible>(())
    });
    all
}

/// `items.iter().map(work)`, each result handed to `sink` on the calling thread in the order
/// of `items` as soon as it and those before it are done, so results are not all held at
/// once. The calling thread works too (one worker needs no thread of its own). The first
/// error of `sink` stops the workers taking new items and is returned.
pub fn for_each_ordered<T, R, E, W, S>(items: &[T], work: W, sink: S) -> Result<(), E>
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> R + Sync,
    S: FnMut(R) -> Result<(), E>,
{
    // A lone item (the usual single check) needs no workers, nor the count of cores.
    let workers = if items.len() > 1 { workers() } else { 1 };
    for_each_ordered_on(workers, items, work, sink)
}

fn for_each_ordered_on<T, R, E, W, S>(
    workers: usize,
    items: &[T],
    work: W,
    mut sink: S,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> R + Sync,
    S: FnMut(R) -> Result<(), E>,
{
    let workers = workers.min(items.len());
    if workers <= 1 {
        return items.iter().try_for_each(|item| sink(work(item)));
    }
    let next = AtomicUsize::new(0);
    let done = Mutex::new(Done {
        slots: std::iter::repeat_with(|| None).take(items.len()).collect(),
        written: 0,
    });
    // Takes the next item's index, or None once every item is taken (or the sink failed).
    let take = || Some(next.fetch_add(1, Ordering::Relaxed)).filter(|&i| i < items.len());
    let run = |i: usize| {
        if let Some(item) = items.get(i) {
            let r = work(item);
            if let Some(slot) = lock(&done).slots.get_mut(i) {
                *slot = Some(r);
            }
        }
    };
    std::thread::scope(|s| {
        let others: Vec<_> = (1..workers)
            .map(|_| {
                s.spawn(|| {
                    while let Some(i) = take() {
                        run(i);
                    }
                })
            })
            .collect();
        let mut ready = Vec::new();
        let mut outcome = Ok(());
        while let Some(i) = take() {
            run(i);
            // The sink runs outside the lock: workers never wait on its writes.
            lock(&done).ready(&mut ready);
            outcome = ready.drain(..).try_for_each(&mut sink);
            if outcome.is_err() {
                next.store(items.len(), Ordering::Relaxed);
                break;
            }
        }
        for other in others {
            other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
        outcome?;
        lock(&done).ready(&mut ready);
        ready.into_iter().try_for_each(sink)
    })
}

/// Finished results not yet handed to the sink, by index.
struct Done<R> {
    slots: Vec<Option<R>>,
    written: usize,
}

impl<R> Done<R> {
    /// Moves out every result that follows the ones already handed over, up to the first gap.
    fn ready(&mut self, out: &mut Vec<R>) {
        while let Some(r) = self.slots.get_mut(self.written).and_then(Option::take) {
            self.written += 1;
            out.push(r);
        }
    }
}

/// A worker that panicked leaves no half-written slot behind, so the lock stays usable.
fn lock<R>(done: &Mutex<Done<R>>) -> MutexGuard<'_, Done<R>> {
    done.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        let got = map_ordered(&items, |n| {
            // Uneven work, so workers finish out of order.
            (0..(n % 7) * 1000).fold(*n, |a, b| a.wrapping_add(b % 3))
        });
        let want: Vec<u64> = items
            .iter()
            .map(|n| (0..(n % 7) * 1000).fold(*n, |a, b| a.wrapping_add(b % 3)))
            .collect();
        assert_eq!(got, want);
    }

    fn uneven(n: &u64) -> u64 {
        (0..(n % 7) * 1000).fold(*n, |a, b| a.wrapping_add(b % 3))
    }

    #[test]
    fn the_sink_sees_every_result_once_in_order_whatever_the_workers() {
        let items: Vec<u64> = (0..500).collect();
        let want: Vec<u64> = items.iter().map(uneven).collect();
        for workers in [1, 2, 3, 8] {
            let mut got = Vec::new();
            let outcome: Result<(), ()> = for_each_ordered_on(workers, &items, uneven, |r| {
                got.push(r);
                Ok(())
            });
            assert_eq!(outcome, Ok(()));
            assert_eq!(got, want, "{workers} workers");
        }
    }

    #[test]
    fn a_failing_sink_stops_the_work_and_its_error_is_returned() {
        let items: Vec<u64> = (0..10_000).collect();
        let worked = AtomicUsize::new(0);
        for workers in [1, 4] {
            worked.store(0, Ordering::Relaxed);
            let mut seen = 0;
            let outcome = for_each_ordered_on(
                workers,
                &items,
                |n| {
                    worked.fetch_add(1, Ordering::Relaxed);
                    uneven(n)
                },
                |_| {
                    seen += 1;
                    if seen == 3 {
                        Err("full")
                    } else {
                        Ok(())
                    }
                },
            );
            assert_eq!(outcome, Err("full"));
            assert_eq!(seen, 3, "{workers} workers");
            assert!(
                worked.load(Ordering::Relaxed) < items.len(),
                "{workers} workers"
            );
        }
    }

    #[test]
    fn no_items_no_workers() {
        let none: Vec<u8> = Vec::new();
        assert!(map_ordered(&none, |b| *b).is_empty());
    }
}
