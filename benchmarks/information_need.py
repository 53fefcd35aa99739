"""Does the core's content matter? The README's information-need table.

Usage: python benchmarks/information_need.py [-r 10] [--workers 2] [--needs 0 0.25 0.5] [--out table.md]

For each `motivation.information_need` in `--needs`, runs the baseline, the baseline with the
core posting nothing (`content.core_post_rate=0`), KOC promotion and attitude content on the
same spawned seeds, and prints the baseline's means and each variant's mean paired change
(95% t-interval): lifespan in days (a community alive at the 1,000-day horizon counts the
horizon: "[k alive]" marks a lower bound), active member-days and peak DAU in per cent.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from sim.experiments.executors import map_in_order  # noqa: E402
from sim.experiments.replications import progress_callback, replication_seeds, run_readouts  # noqa: E402
from sim.experiments.stats import mean_ci  # noqa: E402
from sim.experiments.store import write_or_print  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")
#: label -> (scenario file, extra overrides)
VARIANTS = {
    "baseline": ("baseline.yaml", []),
    "no core posts": ("baseline.yaml", ["content.core_post_rate=0"]),
    "KOC promotion": ("koc_promotion.yaml", []),
    "attitude content": ("attitude_content.yaml", []),
}


def interval(d: np.ndarray) -> tuple[float, float]:
    """Mean and 95% t half-width (n - 1 degrees of freedom) of paired differences `d`."""
    ci = mean_ci(d)
    return ci["mean"], ci["high"] - ci["mean"]


def readouts(job) -> dict:
    """One run's read-outs (module level, for the process pool)."""
    return run_readouts(*job)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-r", type=int, default=10)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--needs", type=float, nargs="+", default=[0.0, 0.25, 0.5])
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    if args.r < 2 or args.workers < 1 or not all(0 <= w <= 1 for w in args.needs):
        ap.error("-r must be at least 2, --workers at least 1, every --needs in [0, 1]")
    seeds = replication_seeds(load_scenario(os.path.join(HERE, "baseline.yaml")).seed, args.r)
    jobs, keys = [], []
    for need in args.needs:
        for label, (name, extra) in VARIANTS.items():
            sc = load_scenario(os.path.join(HERE, name), overrides=[f"motivation.information_need={need}", *extra])
            jobs += [(sc, s) for s in seeds]
            keys += [(need, label)] * len(seeds)
    t0 = time.time()
    rows = map_in_order(readouts, jobs, args.workers, progress_callback("information need"))
    res: dict = {}
    for key, row in zip(keys, rows):
        res.setdefault(key, []).append(row)
    horizon = jobs[0][0].horizon_days
    lines = [f"{args.r} paired seeds per cell, {jobs[0][0].population.size:,} persons; the baseline's means, then "
             "each variant's mean "
             "change from the baseline of the same need (95% interval).", "",
             "| information_need | baseline: lifespan, member-days, peak DAU | "
             + " | ".join(f"{v}: lifespan (days), member-days, peak DAU" for v in list(VARIANTS)[1:]) + " |",
             "|---:|---|" + "---|" * (len(VARIANTS) - 1)]
    for need in args.needs:
        base = res[(need, "baseline")]
        col = {m: np.array([r[m] for r in base], float) for m in ("lifespan", "active_member_days", "peak_dau")}
        alive = sum(r["lifespan"] >= horizon for r in base)
        cells = [f"{col['lifespan'].mean():.0f}{f' [{alive} alive]' if alive else ''}, "
                 f"{col['active_member_days'].mean():,.0f}, {col['peak_dau'].mean():.0f}"]
        for label in list(VARIANTS)[1:]:
            var = res[(need, label)]
            life = interval(np.array([r["lifespan"] for r in var], float) - col["lifespan"])
            alive = sum(r["lifespan"] >= horizon for r in var)
            pct = {m: interval(100 * (np.array([r[m] for r in var], float) / col[m] - 1))
                   for m in ("active_member_days", "peak_dau")}
            cells.append(f"{life[0]:+.0f} ± {life[1]:.0f}{f' [{alive} alive]' if alive else ''}, "
                         f"{pct['active_member_days'][0]:+.0f}% ± {pct['active_member_days'][1]:.0f}, "
                         f"{pct['peak_dau'][0]:+.0f}% ± {pct['peak_dau'][1]:.0f}")
        lines.append(f"| {need:g} | " + " | ".join(cells) + " |")
    write_or_print("\n".join(lines) + "\n", args.out)
    print(f"{len(rows)} runs in {time.time() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
