"""Replication throughput of two versions of circlesim on this machine, interleaved.

Usage: python benchmarks/bench_before_after.py [--before REV ...] [-r 25] [--workers 2] [--rounds 2]

Speed figures measured on different days are often on different machines (these VMs differ by
2x and more), so "twice today's runs per second" can only be judged by running both versions
here, now, alternately. For each revision this exports the tree (`git archive`, nothing in
the repository changes) into a temporary folder and runs that version's own
`benchmarks/bench_compare.py` (2 scenarios x `-r` replications, 5,000 persons x 730 days, the
process pool compare, sweep and fit use) with that tree first on the path; the working tree is
"after". Rounds alternate the versions, in reverse order every other round, so that a slow
spell of the machine hits all of them alike. Prints each run, then the median runs/s of each
version and the ratio to the first `--before`. Every revision runs on the packages installed
today (mesa, numpy, ...), not those of its own day, and with its own model and scenario files:
the ratio is the product's throughput, code and model behaviour together.

Default `--before`: 35e3ca8, the code when issue 13 was taken up (model version 2), and
3b7a79a, before issue 9's behaviour rework (model version 1, when 1.19 runs/s was measured on
2026-11-22's machine).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_BEFORE = ["35e3ca8", "3b7a79a"]


def export(rev: str, into: str) -> str:
    """The tree of `rev` written into folder `into` (git archive | tar); returns the folder."""
    os.makedirs(into, exist_ok=True)
    archive = subprocess.run(["git", "-C", ROOT, "archive", "--format=tar", rev], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", into], input=archive.stdout, check=True)
    return into


def runs_per_second(tree: str, reps: int, workers: int) -> float:
    """That tree's bench_compare.py with `workers` workers: its runs/s (last table row)."""
    env = dict(os.environ, PYTHONPATH=tree)
    res = subprocess.run([sys.executable, os.path.join(tree, "benchmarks", "bench_compare.py"), "-r", str(reps),
                          "--workers", str(workers)], capture_output=True, text=True, env=env, cwd=tree)
    if res.returncode:
        raise RuntimeError(f"{tree}: bench_compare failed\n{res.stderr}")
    rows = [line for line in res.stdout.splitlines() if line.startswith(f"| {workers} |")]
    if not rows:
        raise RuntimeError(f"{tree}: bench_compare printed no '| {workers} |' row:\n{res.stdout}")
    return float(rows[-1].split("|")[3])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", nargs="+", default=DEFAULT_BEFORE, help="revisions to compare with the working tree")
    ap.add_argument("-r", type=int, default=25, help="replications per scenario in each bench_compare run")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds (the median is reported)")
    args = ap.parse_args()
    for rev in args.before:
        if subprocess.run(["git", "-C", ROOT, "cat-file", "-e", f"{rev}^{{commit}}"], capture_output=True).returncode:
            ap.error(f"--before {rev}: no such commit in {ROOT} (a shallow clone lacks history: git fetch --unshallow)")
        if subprocess.run(["git", "-C", ROOT, "cat-file", "-e", f"{rev}:benchmarks/bench_compare.py"],
                          capture_output=True).returncode:
            ap.error(f"--before {rev}: that revision has no benchmarks/bench_compare.py to run")
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    from bench_run import machine_line

    print(f"# before/after replication throughput, {time.strftime('%Y-%m-%d %H:%M')}, {machine_line()}: "
          f"bench_compare.py -r {args.r} "
          f"--workers {args.workers}, {args.rounds} alternating rounds", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        trees = {rev: export(rev, os.path.join(tmp, rev)) for rev in args.before}
        trees["working tree"] = ROOT
        rates: dict[str, list[float]] = {name: [] for name in trees}
        for k in range(args.rounds):
            order = list(trees.items()) if k % 2 == 0 else list(trees.items())[::-1]
            for name, tree in order:
                rates[name].append(runs_per_second(tree, args.r, args.workers))
                print(f"round {k + 1}: {name}: {rates[name][-1]:.2f} runs/s", flush=True)
    base = statistics.median(rates[args.before[0]])
    print("\n| version | runs/s (median) | each round | vs " + args.before[0] + " |")
    print("|---|---:|---|---:|")
    for name, xs in rates.items():
        med = statistics.median(xs)
        print(f"| {name} | {med:.2f} | {', '.join(f'{x:.2f}' for x in xs)} | {med / base:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
