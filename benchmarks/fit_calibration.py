"""Simulation-based calibration of `circlesim fit`: the figure and table of the README, in one command.

    python benchmarks/fit_calibration.py            # CI size: the test's settings (minutes)
    python benchmarks/fit_calibration.py --full     # full size: the example's four priors, 180-day histories
    python benchmarks/fit_calibration.py --full -n 20 --particles 50 --generations 3 --budget 400 --draws 20 \
        --figure docs/fit_calibration_180days.png   # the README's full-size check, a lighter ABC (70 min)

Each synthetic community draws its true parameters from the scenario's priors, is simulated
to the forecast horizon, fitted on its first days, and the posterior CDF at each truth is
recorded (sim/fitting/calibration.py). Writes docs/fit_calibration.png (or --figure) and
prints the coverage table in Markdown, with the binomial acceptance band, for the README.
Everything is seeded (--seed); the wall time is printed, not reproducible. With --out DIR an
interrupted run picks up where it stopped (finished communities are kept in DIR).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CI = dict(scenario=ROOT / "tests" / "data" / "fit_small.yaml", n=20, history_days=40,
          settings=dict(generations=2), overrides=[])
FULL = dict(scenario=ROOT / "scenarios" / "fit_example.yaml", n=30, history_days=180,
            settings=dict(population_size=100, generations=5, budget=1500, forecast_draws=40),
            overrides=["population.size=1000"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="full size (hours on 2 cores) instead of the CI size")
    ap.add_argument("-n", type=int, help="synthetic communities (default: 20 CI, 30 full)")
    ap.add_argument("--size", type=int, help="people on the graph (default: the scenario's; full: 1,000)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--figure", default=str(ROOT / "docs" / "fit_calibration.png"))
    ap.add_argument("--csv", help="also write every community's truths and posterior CDF values here")
    ap.add_argument("--out", help="keep each community's fit and result here; a re-run with the same --out "
                    "reuses the communities already finished (default: a temporary folder)")
    ap.add_argument("--particles", type=int, help="ABC particles per generation (fit.population_size)")
    ap.add_argument("--generations", type=int, help="at most this many ABC generations")
    ap.add_argument("--budget", type=int, help="at most this many simulations per fit")
    ap.add_argument("--draws", type=int, help="posterior draws forecast per community")
    args = ap.parse_args()

    import matplotlib

    matplotlib.use("Agg")
    from sim.fitting.calibration import simulation_based_calibration
    from sim.outputs.plots import save
    from sim.scenario import load_scenario

    cfg = FULL if args.full else CI
    overrides = list(cfg["overrides"]) + ([f"population.size={args.size}"] if args.size else [])
    sc = load_scenario(cfg["scenario"], overrides=overrides)
    n = args.n or cfg["n"]
    settings = dict(cfg["settings"])
    for key, value in (("population_size", args.particles), ("generations", args.generations),
                       ("budget", args.budget), ("forecast_draws", args.draws)):
        if value is not None:
            settings[key] = value
    t0 = time.time()
    cal = simulation_based_calibration(sc, n=n, history_days=cfg["history_days"], seed=args.seed,
                                       workers=args.workers, out=args.out, **settings)
    wall = time.time() - t0
    fig = cal.plot()
    save(fig, args.figure)
    lo, hi = cal.band
    print(f"Simulation-based calibration ({'full' if args.full else 'CI'} size): {n} synthetic communities of "
          f"{sc.population.size:,} people from {Path(cfg['scenario']).name}'s priors; {cal.description}; "
          f"seed {args.seed}.\n")
    print(f"| quantity | truth inside the 90% interval | accepted ({lo}-{hi} of {n}: two-sided 99% binomial "
          "band) | posterior 90% interval / prior's |")
    print("|---|---|---|---|")
    for _, r in cal.table().iterrows():
        width = "" if r["interval_vs_prior"] is None or r["interval_vs_prior"] != r["interval_vs_prior"] else \
            f"{r['interval_vs_prior']:.0%}"
        print(f"| {r['quantity']} | {r['covered']}/{r['n']} ({r['share']:.0%}) | "
              f"{'yes' if r['calibrated'] else 'NO'} | {width} |")
    dormant = sum(row["truth:dormancy day"] is not None for row in cal.rows)
    print(f"\n{dormant} of {n} communities went dormant within the forecast horizon. Figure: {args.figure}. "
          f"Wall time {wall / 60:.1f} min with {args.workers} workers (not reproducible; machine-dependent).")
    if args.csv:
        cal.frame().to_csv(args.csv, index=False)
    return 0 if all(cal.ok(q) for q in cal.quantities) else 1


if __name__ == "__main__":
    sys.exit(main())
