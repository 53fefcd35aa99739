"""Comparison throughput: 2 scenarios x 50 replications, 5,000 persons, 730 days.

Usage: python benchmarks/bench_compare.py [-r 50] [--workers 1 2]

Each configuration runs in a fresh results store (nothing reused) with the local process
pool; prints wall time per worker count and the speed-up over one worker.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from sim.experiments.compare import compare  # noqa: E402
from sim.experiments.executors import make_executor  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-r", type=int, default=50)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--size", type=int, default=5000)
    ap.add_argument("--days", type=int, default=730)
    args = ap.parse_args()
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")
    scs = [load_scenario(os.path.join(here, f), overrides=[f"population.size={args.size}"], days=args.days)
           for f in ("baseline.yaml", "invite_fission.yaml")]
    print(f"# compare benchmark, {time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores: "
          f"2 scenarios x {args.r} replications, {args.size} persons, {args.days} days")
    print("| workers | wall (s) | runs/s | speed-up |")
    print("|---:|---:|---:|---:|")
    first = None
    for w in args.workers:
        with tempfile.TemporaryDirectory() as d, make_executor(workers=w) as ex:
            t0 = time.perf_counter()
            compare(scs, replications=args.r, executor=ex, store=d, progress=False)
            wall = time.perf_counter() - t0
        first = first or wall
        print(f"| {w} | {wall:.1f} | {2 * args.r / wall:.2f} | {first / wall:.2f}x |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
