"""Regenerate tests/data/equivalence_reference.csv: read-outs of every shipped scenario over
20 seeds at reduced size, from the commit named in the file. Run only when a *behaviour*
change is intended (never to make an optimisation pass the equivalence test).

Usage: python tests/data/make_equivalence_reference.py
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from sim.experiments.replications import replication_seeds, run_readouts  # noqa: E402
from sim.scenario import load_scenario  # noqa: E402

SIZE, DAYS, SEEDS = 1000, 500, 20
COLUMNS = ["lifespan", "active_member_days", "peak_members", "peak_day", "viral_k", "posts", "overload_share"]


def scenarios():
    return sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


def load(name):
    return load_scenario(ROOT / "scenarios" / f"{name}.yaml", overrides=[f"population.size={SIZE}"], days=DAYS)


def main() -> int:
    import pandas as pd

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    seeds = replication_seeds(2024, SEEDS)
    names = scenarios()
    jobs = [(load(n), s) for n in names for s in seeds]
    with ProcessPoolExecutor(2) as ex:
        rows = list(ex.map(run_readouts, *zip(*jobs)))
    df = pd.DataFrame(rows)
    df.insert(0, "scenario", [n for n in names for _ in seeds])
    out = HERE / "equivalence_reference.csv"
    with out.open("w") as fh:
        fh.write(f"# circlesim read-outs at commit {commit}, population.size={SIZE}, {DAYS} days, "
                 f"seeds replication_seeds(2024, {SEEDS})\n")
        df[["scenario", "seed", *COLUMNS]].to_csv(fh, index=False)
    print(f"wrote {out} ({len(df)} runs, commit {commit})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
