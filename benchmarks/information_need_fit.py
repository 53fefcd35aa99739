"""Can a fit tell the information need from a community's first 180 days? (README, "Does the core's content matter?")

Usage: python benchmarks/information_need_fit.py [--needs 0 0.25] [--budget 2000] [--out out/information_need_fit]

For each true `motivation.information_need` in `--needs`, runs the fit example's community
(`scenarios/fit_example.yaml` with its four true rates, `scenarios/make_fit_example.py`) with
that need at seed 20251, writes its first 180 days of members, DAU and posts as a history, and
fits it with `circlesim fit`: the fit example's four rates plus the need, uniform on 0-0.5.
Prints each fit's verdict table (the need's median and 90% interval among them). About 5-7
minutes a fit on 2 cores at the default budget.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scenarios"))

from make_fit_example import SEED, history_table, true_run  # noqa: E402

#: The fit example's spec (its four fitted rates and their priors, which `extends` keeps) plus the need.
FIT = """extends: {example}
name: fit example with the information need
fit:
  parameters:
    motivation.information_need: {{prior: uniform, low: 0.0, high: 0.5}}
"""


def write_history(need: float, path: Path) -> None:
    """The fit example's true community with information need `need`: its first 180 days as a history file.

    No export outage here: every day's posts are there.
    """
    from sim.fitting.history import write_history as write

    table = history_table(true_run([f"motivation.information_need={need}"]).timeseries, gap=())
    write(table, path, [f"SYNTHETIC: the fit example's truth with motivation.information_need={need}, seed {SEED}"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--needs", type=float, nargs="+", default=[0.0, 0.25])
    ap.add_argument("--budget", type=int, default=2000)
    ap.add_argument("--out", default="out/information_need_fit")
    args = ap.parse_args()
    if not all(0 <= w <= 0.5 for w in args.needs) or args.budget < 1:
        ap.error("every --needs must lie in the prior, 0 to 0.5, and --budget be at least 1")
    from sim.cli import main as circlesim

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    spec = out / "fit_information_need.yaml"
    spec.write_text(FIT.format(example=ROOT / "scenarios" / "fit_example.yaml"))
    for need in args.needs:
        history = out / f"history_need_{need:g}.csv"
        write_history(need, history)
        print(f"\n== true information_need {need:g}: {history}", flush=True)
        code = circlesim(["fit", str(spec), "--history", str(history), "--out", str(out / f"fit_need_{need:g}"),
                          "--budget", str(args.budget), "--draws", "20"])
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
