//! Work spread over the machine's cores, results in input order.
//!
//! `SSOLINT_THREADS=N` sets the number of workers (1: everything on the calling thread).

use std::sync::atomic::{AtomicUsize, Ordering};

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
    let workers = workers().min(items.len());
    if workers <= 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, work(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
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

    #[test]
    fn no_items_no_workers() {
        let none: Vec<u8> = Vec::new();
        assert!(map_ordered(&none, |b| *b).is_empty());
    }
}
