"""One-run speed and memory: the baseline at several population sizes.

Usage: python benchmarks/bench_run.py [--sizes 10000 100000] [--days 730] [--repeat 1]

Each size runs in a fresh subprocess so its peak memory (max RSS) is its own. Graph
construction is included in the wall time and also shown on its own. With --repeat N each
size runs N times and the fastest run is shown (as timeit does: other work on a shared
machine only ever adds time), with the median of the totals beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from sim.model import CommunityModel
from sim.scenario import load_scenario
t0 = time.perf_counter()
sc = load_scenario({scenario!r}, overrides=["population.size={size}"], days={days})
m = CommunityModel(sc)
t1 = time.perf_counter()
m.run()
t2 = time.perf_counter()
s = m.summary()
print(json.dumps({{"build_s": t1 - t0, "run_s": t2 - t1, "total_s": t2 - t0,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "peak_members": s["peak_members"], "member_days": s["active_member_days"]}}))
"""


def machine_line() -> str:
    """This machine for a benchmark's header: architecture, CPU, numpy's kernels, cores, Python.

    This project's machines differ in speed by 2x and more, much of it by whether numpy has
    AVX-512 kernels here (docs/performance.md, measurement log of 2026-12-07 21:29).
    """
    sys.path.insert(0, ROOT)
    from sim.experiments.store import versions

    v = versions()
    return (f"{v['machine']}, {v['cpu']}, numpy kernels {v['numpy_kernels']}, {os.cpu_count()} cores, "
            f"Python {v['python']}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--scenario", default=os.path.join(ROOT, "scenarios", "baseline.yaml"))
    ap.add_argument("--repeat", type=int, default=1, help="runs per size; the fastest is shown")
    args = ap.parse_args()
    print(f"# circlesim single-run benchmark, {time.strftime('%Y-%m-%d')}, {machine_line()}")
    print("| persons | days | runs | build (s) | run (s) | total (s) | median total (s) | ms/day | peak RSS (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        code = CHILD.format(root=ROOT, scenario=args.scenario, size=size, days=args.days)
        runs = []
        for _ in range(max(1, args.repeat)):
            res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
            if res.returncode:
                print(res.stderr, file=sys.stderr)
                return 1
            runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
        r = min(runs, key=lambda x: x["total_s"])
        median = sorted(x["total_s"] for x in runs)[len(runs) // 2]
        print(f"| {size:,} | {args.days} | {len(runs)} | {r['build_s']:.2f} | {r['run_s']:.2f} | {r['total_s']:.2f} | "
              f"{median:.2f} | {1000 * r['run_s'] / args.days:.1f} | {r['peak_rss_mb']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
