"""The Dunbar experiment: whether keeping groups small makes a community live longer, and why.

Four shipped scenarios differ only in the group size (`community.group_cap` 30 / 150 / 500 /
one group), with the same staffing policy, so staff hours per member are equal once the
community outgrows the launch team (3 organizers up to 3,000 members). Each runs
with every mechanism, and again with one mechanism switched off at a time, so the table
shows which mechanism carries the difference between group sizes (a decomposition by
ablation): information overload (its interest cost, and muting under it), strangers in the
group, diffusion of responsibility (who dares speak in a crowd), the staff's per-group
overhead, and novelty (which fades with calendar time, the same whatever the group size).

Example
-------
>>> df = run(reps=1, size=400, days=60, scenarios=("dunbar_30.yaml",),
...          ablations={"all mechanisms": []})
>>> sorted(df["scenario"].unique())
['dunbar_30.yaml']

Command line: ``python -m sim.experiments.dunbar --reps 10 --out docs/dunbar.md``.
"""

from __future__ import annotations

import argparse

import pandas as pd

from sim.experiments.executors import map_in_order
from sim.experiments.replications import progress_callback, replication_seeds
from sim.experiments.stats import mean_pm
from sim.experiments.store import write_or_print
from sim.model import CommunityModel
from sim.scenario import load_scenario
from sim.scenario.paths import scenario_dir

SCENARIOS = ("dunbar_30.yaml", "dunbar_150.yaml", "megagroup_500.yaml", "one_group.yaml")

#: Variant name -> overrides switching one mechanism off.
ABLATIONS = {
    "all mechanisms": [],
    "no overload cost": ["attention.overload_cost=0"],
    "no muting under overload": ["churn.overload_mute=0"],
    "no stranger cost": ["attention.stranger_cost=0"],
    "no diffusion of responsibility": ["content.loafing_exponent=0"],
    "no group overhead": ["community.hours_per_group=0"],
    "friends' messages worth no more": ["content.friend_weight=1", "content.close_weight=1"],
    "no pull from friends' messages": ["activity.notification_pull=0"],
    "no novelty decay": ["motivation.novelty_halflife=1000000", "motivation.novelty_exposure=0"],
}


def measure(model: CommunityModel) -> dict:
    """The Dunbar read-outs of one finished run."""
    ts = model.timeseries()
    s = model.summary()
    alive = ts["dau"] > ts["organizers"]
    w = ts[alive] if alive.any() else ts
    groups = w["groups"].clip(lower=1)
    lifespan = len(ts) if s["lifespan"] is None else s["lifespan"]  # censored at the horizon
    return {"active_member_days": s["active_member_days"], "lifespan": lifespan,
            "messages_per_group": float((w["messages"] / groups).mean()),
            "group_activity": float(w["group_activity"].mean()),
            "overload": s["overload_share"], "strangers": float(w["stranger_share"].mean()),
            "staff_hours_per_group": float((w["staff_hours"] / groups).mean()),
            "answered": float(w["answered_share"].mean()), "groups": float(w["groups"].mean())}


def run_one(job: tuple) -> dict:
    """One replication: (scenario file, variant name, overrides, size, days, seed) -> a row."""
    f, name, ov, size, days, seed = job
    sc = load_scenario(scenario_dir() / f, overrides=[f"population.size={size}", *ov], days=days)
    m = CommunityModel(sc, seed=seed)
    m.run()
    return {"scenario": f, "variant": name, "seed": seed, **measure(m)}


def run(reps: int = 10, size: int = 5000, days: int | None = None, scenarios=SCENARIOS,
        ablations: dict = ABLATIONS, progress=None, workers: int = 1) -> pd.DataFrame:
    """One row per (scenario, ablation, seed) with `measure`'s read-outs (same rows whatever `workers`)."""
    jobs = []
    for f in scenarios:
        seeds = replication_seeds(load_scenario(scenario_dir() / f).seed, reps)
        jobs += [(f, name, ov, size, days, seed) for name, ov in ablations.items() for seed in seeds]
    rows = map_in_order(run_one, jobs, workers, progress)
    return pd.DataFrame(rows)


def table(df: pd.DataFrame) -> str:
    """Markdown: every read-out per group size (all mechanisms), then active member-days by ablation."""
    cell = mean_pm
    cols = ["active_member_days", "lifespan", "messages_per_group", "group_activity", "overload",
            "strangers", "staff_hours_per_group", "answered", "groups"]
    full = df[df["variant"] == "all mechanisms"]
    order = [s for s in SCENARIOS if s in set(df["scenario"])]
    lines = ["| scenario | " + " | ".join(c.replace("_", " ") for c in cols) + " |",
             "|---" * (len(cols) + 1) + "|"]
    for f in order:
        sub = full[full["scenario"] == f]
        lines.append(f"| {f.removesuffix('.yaml')} | " + " | ".join(cell(sub[c]) for c in cols) + " |")
    variants = list(dict.fromkeys(df["variant"]))
    lines += ["", "Active member-days by group size with one mechanism switched off "
              "(mean ± 95% interval):", "",
              "| variant | " + " | ".join(f.removesuffix(".yaml") for f in order) + " |",
              "|---" * (len(order) + 1) + "|"]
    for v in variants:
        sub = df[df["variant"] == v]
        lines.append(f"| {v} | " + " | ".join(cell(sub[sub["scenario"] == f]["active_member_days"])
                                              for f in order) + " |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    """Run the experiment and write the markdown tables."""
    ap = argparse.ArgumentParser(description="The Dunbar experiment (group size, with ablations).")
    ap.add_argument("--reps", type=int, default=10, help="replications per cell (default 10)")
    ap.add_argument("--size", type=int, default=5000, help="people on the graph (default 5000)")
    ap.add_argument("--out", help="write the markdown here (default: print)")
    ap.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    a = ap.parse_args(argv)

    write_or_print(table(run(a.reps, a.size, progress=progress_callback("dunbar"), workers=a.workers)), a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
