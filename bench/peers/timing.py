"""Timing loop shared by the in-process peers: median over several runs, per call."""

import json
import statistics
import time


def per_call(fn, runs=5, min_run_seconds=0.3):
    """Median seconds per call of fn() over `runs` runs of a calibrated number of calls."""
    fn()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start >= min_run_seconds / 4 or calls >= 1 << 20:
            break
        calls *= 2
    calls = max(1, int(calls * min_run_seconds / max(time.perf_counter() - start, 1e-9)))
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def whole(fn, runs=5):
    """Median seconds of one call of fn() (a whole batch) over `runs` runs."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(seconds, **extra):
    print(json.dumps(dict(extra, seconds=seconds)))
