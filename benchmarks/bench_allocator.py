"""Building a large model with and without the allocator tuning (`sim.model.allocator`).

Usage: python benchmarks/bench_allocator.py [--sizes 200000 1000000] [--rounds 3]

Each build runs in a fresh process (the tuning is process-wide), alternating tuned and
untuned (`CIRCLESIM_MALLOC_TUNING=off`), and reports the build's seconds and minor page faults
(`getrusage`). Page faults are a count, so they compare across machines and hours; seconds
move with the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from statistics import median

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
from sim.model import CommunityModel
from sim.scenario import load_scenario
sc = load_scenario({root!r} + "/scenarios/baseline.yaml", overrides=["population.size={size}"])
f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
t0 = time.perf_counter()
CommunityModel(sc)
print(json.dumps({{"seconds": time.perf_counter() - t0,
                  "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0}}))
"""


def build(size: int, tuned: bool) -> dict:
    """Seconds and minor page faults of building the baseline at `size` persons, in a new process."""
    env = dict(os.environ, CIRCLESIM_MALLOC_TUNING="on" if tuned else "off")
    out = subprocess.run([sys.executable, "-c", CHILD.format(root=ROOT, size=size)], env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    print("| persons | allocator | build (s), median | each round | minor page faults |")
    print("|---:|---|---:|---|---:|")
    for size in args.sizes:
        runs = {False: [], True: []}
        for r in range(args.rounds):
            for tuned in ((False, True) if r % 2 == 0 else (True, False)):
                runs[tuned].append(build(size, tuned))
        for tuned in (False, True):
            secs = [x["seconds"] for x in runs[tuned]]
            faults = median(x["faults"] for x in runs[tuned])
            print(f"| {size:,} | {'tuned' if tuned else 'glibc default'} | {median(secs):.2f} | "
                  f"{', '.join(f'{s:.2f}' for s in secs)} | {faults:,.0f} |", flush=True)


if __name__ == "__main__":
    main()
