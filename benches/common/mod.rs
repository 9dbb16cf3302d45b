//! Timing for the in-process benchmarks, with std only (no benchmark framework: the benches
//! are compiled by `cargo test --all-targets` and must stay quick to build).
//!
//! `cargo bench --bench NAME` passes `--bench`: each case runs five samples of a calibrated
//! number of calls and the median is printed. Without it (`cargo test --all-targets`), each
//! case runs once as a smoke test.

#![allow(dead_code)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub struct Bench {
    measure: bool,
    rows: Vec<(String, f64)>,
}

impl Bench {
    pub fn from_args() -> Bench {
        Bench {
            measure: std::env::args().any(|a| a == "--bench"),
            rows: Vec::new(),
        }
    }

    /// Time `f`, which must do one whole operation per call.
    pub fn case<T>(&mut self, name: &str, mut f: impl FnMut() -> T) {
        black_box(f());
        if !self.measure {
            println!("{name}: ran once (pass --bench to measure)");
            return;
        }
        let sample = Duration::from_millis(300);
        let mut calls: u64 = 1;
        let elapsed = loop {
            let start = Instant::now();
            for _ in 0..calls {
                black_box(f());
            }
            let elapsed = start.elapsed();
            if elapsed >= sample / 4 || calls >= 1 << 30 {
                break elapsed;
            }
            calls *= 2;
        };
        let calls = ((calls as f64) * sample.as_secs_f64() / elapsed.as_secs_f64().max(1e-9))
            .max(1.0) as u64;
        let mut samples: Vec<f64> = (0..5)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..calls {
                    black_box(f());
                }
                start.elapsed().as_nanos() as f64 / calls as f64
            })
            .collect();
        samples.sort_by(f64::total_cmp);
        self.rows.push((name.to_string(), samples[2]));
    }

    /// Print the table; one `bench: NAME NS` line per case for scripts.
    pub fn finish(self) {
        if !self.measure {
            return;
        }
        let width = self
            .rows
            .iter()
            .map(|(n, _)| n.len())
            .max()
            .unwrap_or(4)
            .max(4);
        println!("{:<width$}  {:>12}  {:>12}", "case", "ns/op", "ops/s");
        for (name, ns) in &self.rows {
            println!("{name:<width$}  {ns:>12.0}  {:>12.0}", 1e9 / ns);
        }
        for (name, ns) in &self.rows {
            println!("bench: {name} {ns:.1}");
        }
    }
}

/// The material bench/compare.sh generates (`SSOLINT_BENCH_MATERIAL`, else bench/out/material),
/// or None with a message saying how to make it.
pub fn material(relative: &str) -> Option<PathBuf> {
    let root = std::env::var_os("SSOLINT_BENCH_MATERIAL")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/out/material"));
    let path = root.join(relative);
    if path.exists() {
        Some(path)
    } else {
        println!(
            "skipped: {} is missing (bench/compare.sh generates it)",
            path.display()
        );
        None
    }
}
