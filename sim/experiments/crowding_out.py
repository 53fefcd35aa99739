"""Crowding out, measured the way Deci, Koestner & Ryan (1999) measure it, and what its strength decides.

Their meta-analysis compares people rewarded for an activity with unrewarded controls in a
free-choice period after the reward ends: expected tangible rewards given for doing the
activity (engagement-contingent, as points for checking in and posting are) lower free-choice
behaviour by about 0.4 pooled standard deviations (Cohen's d = -0.40), while they raise the
activity as long as they are paid. `motivation.crowding_out` sets how strongly points undermine
interest in the model; its default (0.003) was chosen, not fitted.

The model's version of the lab measure (`undermining_job`): on the day a points strategy stops, the
*regular* members (habit at least `regular`: they visited about every other day, so they earned
the points the way the lab's subjects did) are followed for two windows of `window` days, and
their share of days visited is compared, as Cohen's d, with the run of the same seed with
crowding out switched off. The first window still holds some of the points' pull (it fades at
the adapt rate, half-life about 9 days); in the second it is gone, as in the lab's free-choice
period. The two runs share a seed, not their members: their histories diverge from day 0, so
about half the regular members are the same persons, and a small d is within the noise of a
few seeds. `consequence_job` runs the points scenarios at each strength against the baseline,
paired by seed: how much a planner's answer depends on a strength nobody has fitted.

Example
-------
>>> d, c = run(strengths=(0.05,), reps=2, size=600, window=10, consequence_days=60)
>>> sorted(d.columns) == ['d_interest', 'd_late', 'd_visits', 'regulars', 'seed', 'strength']
True

Command line: ``python -m sim.experiments.crowding_out --reps 8 --workers 2``.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import pandas as pd

from sim.experiments.executors import map_in_order
from sim.experiments.replications import progress_callback, replication_seeds
from sim.experiments.stats import mean_pm
from sim.experiments.store import write_or_print
from sim.model import CommunityModel
from sim.model.state import Circle
from sim.scenario import ScenarioError, load_scenario
from sim.scenario.paths import scenario_dir

#: Strengths compared by default: the model's default, ten and twenty times it, the adapt rate
#: (0.08), above which points lower a rewarded member's motivation even while they run, and 0.1.
STRENGTHS = (0.003, 0.03, 0.06, 0.08, 0.1)

#: The scenario whose points stop (day 180), and the scenarios whose outcomes the strength decides.
REMOVED = "points_removed.yaml"
CONSEQUENCES = ("points.yaml", "points_removed.yaml", "points_and_tiers.yaml")

#: Deci, Koestner & Ryan (1999): engagement-contingent tangible rewards, free-choice behaviour.
DECI_D = -0.40


def cohens_d(a, b) -> float:
    """Standardised difference of means, (mean(a) - mean(b)) / pooled standard deviation.

    >>> round(cohens_d([1.0, 2.0, 3.0], [2.0, 3.0, 4.0]), 6)
    -1.0
    >>> cohens_d([1.0], [2.0, 3.0])  # fewer than two in a group: undefined
    nan
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.size < 2 or b.size < 2:
        return float("nan")  # no spread to standardise by
    pooled = np.sqrt(((a.size - 1) * a.var(ddof=1) + (b.size - 1) * b.var(ddof=1)) / (a.size + b.size - 2))
    return float((a.mean() - b.mean()) / pooled) if pooled > 0 else 0.0


def stop_day(scenario) -> int:
    """The day the scenario's points strategy stops (an error if it has none that stops)."""
    for kind, _name, section in scenario.strategies:
        if kind == "points" and section.get("stop") is not None:
            return int(section["stop"])
    raise ValueError(f"{scenario.name!r} has no points strategy that stops: crowding out is measured after one")


def follow_regulars(strength: float, seed: int, size: int, window: int, regular: float,
                    path: str = REMOVED, overrides: tuple = ()) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Regular diffusion members on the day points stop: visits in two `window`-day windows, interest.

    Returns the share of days visited in the first and in the second window after the stop,
    and each member's interest on the stop day. `overrides`: more `KEY=VALUE` settings.
    """
    sc = load_scenario(scenario_dir() / path, overrides=[*overrides, f"population.size={size}",
                                                         f"motivation.crowding_out={strength}"])
    stop = stop_day(sc)
    m = CommunityModel(sc, seed=seed)
    m.run(stop)
    st = m.state
    ids = st.member_ids()
    ids = ids.compress((st.circle.take(ids) == Circle.DIFFUSION) & (st.habit.take(ids) >= regular))
    interest = st.interest.take(ids)
    visits = np.zeros((2, ids.size))
    for k in range(2 * window):
        visits[k // window] += st.active.take(ids)  # `active` after a step: who comes on the next day
        m.step()
    return visits[0] / window, visits[1] / window, interest


def undermining_job(job: tuple) -> list[dict]:
    """(strengths, seed, size, window, regular, overrides) -> one row per strength: d against no crowding out.

    The comparison run has the same seed and crowding out off.

    d_visits: first window after the stop; d_late: second window; d_interest: on the stop day.
    The run without crowding out is made once per seed.
    """
    strengths, seed, size, window, regular, overrides = job
    early0, late0, interest0 = follow_regulars(0.0, seed, size, window, regular, overrides=overrides)
    rows = []
    for strength in strengths:
        early, late, interest = (early0, late0, interest0) if strength == 0 else \
            follow_regulars(strength, seed, size, window, regular, overrides=overrides)
        rows.append({"strength": strength, "seed": seed, "regulars": int(early.size),
                     "d_visits": cohens_d(early, early0), "d_late": cohens_d(late, late0),
                     "d_interest": cohens_d(interest, interest0)})
    return rows


def consequence_job(job: tuple) -> dict:
    """(scenario file, strength, seed, size, days, overrides) -> lifespan (censored at the horizon), member-days."""
    path, strength, seed, size, days, overrides = job
    sc = load_scenario(scenario_dir() / path, overrides=[*overrides, f"population.size={size}",
                                                         f"motivation.crowding_out={strength}"], days=days)
    m = CommunityModel(sc, seed=seed)
    m.run()
    s = m.summary()
    return {"scenario": path, "strength": strength, "seed": seed,
            "lifespan": sc.horizon_days if s["lifespan"] is None else s["lifespan"],
            "alive_at_horizon": s["lifespan"] is None, "active_member_days": s["active_member_days"]}


def reserved(overrides) -> str | None:
    """The first of `overrides` setting the size or the strength, which every run sets itself (None: none).

    >>> reserved(["strategies.points.wear_days=0", "population.size = 300"])
    'population.size = 300'
    """
    return next((o for o in overrides
                 if o.split("=", 1)[0].strip() in ("population.size", "motivation.crowding_out")), None)


def run(strengths=STRENGTHS, reps: int = 8, size: int = 5000, window: int = 30, regular: float = 0.5,
        consequence_days: int | None = None, consequences: bool = True, workers: int = 1,
        progress=None, overrides=()) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Rows of `undermining_job` per (strength, seed), and of `consequence_job` (baseline included) or None.

    `overrides`: `KEY=VALUE` settings for the points scenarios' runs, e.g.
    `("strategies.points.wear_days=0",)` to measure crowding out on points that never wear out
    (model version 7's); the baseline takes those outside `strategies` (a `strategies.*` key
    would give it a points programme of its own). Size and strength are arguments, not overrides.
    """
    overrides = tuple(overrides)
    taken = reserved(overrides)
    if taken:
        raise ValueError(f"override {taken!r}: set it with `size` or `strengths` (--size, --strengths), "
                         "which the runs would otherwise override")
    seeds = replication_seeds(load_scenario(scenario_dir() / REMOVED).seed, reps)
    jobs = [(tuple(float(s) for s in strengths), seed, size, window, regular, overrides) for seed in seeds]
    more = []
    if consequences:
        plain = tuple(o for o in overrides if not o.strip().startswith("strategies."))
        more = [("baseline.yaml", 0.0, seed, size, consequence_days, plain) for seed in seeds]
        more += [(f, float(s), seed, size, consequence_days, overrides)
                 for f in CONSEQUENCES for s in strengths for seed in seeds]
    total = len(jobs) + len(more)

    def tick(offset):
        return None if progress is None else (lambda done, _n: progress(offset + done, total))

    d = pd.DataFrame([row for rows in map_in_order(undermining_job, jobs, workers, tick(0)) for row in rows])
    d = d.sort_values(["strength", "seed"], kind="stable", ignore_index=True)
    c = pd.DataFrame(map_in_order(consequence_job, more, workers, tick(len(jobs)))) if more else None
    return d, c


def paired_changes(c: pd.DataFrame, scenario: str, strength: float) -> pd.DataFrame:
    """Per seed: `scenario` at `strength` against the baseline of the same seed (empty if not run).

    Columns: lifespan change in days, member-days as a ratio minus 1, and whether the run was
    alive at the horizon (its lifespan change is then a lower bound).
    """
    base = c[c["scenario"] == "baseline.yaml"].set_index("seed")
    sub = c[(c["scenario"] == scenario) & (c["strength"] == strength)].set_index("seed")
    b = base.loc[sub.index]
    return pd.DataFrame({"lifespan": sub["lifespan"] - b["lifespan"],
                         "member_days": sub["active_member_days"] / b["active_member_days"] - 1.0,
                         "alive_at_horizon": sub["alive_at_horizon"]})


def table(d: pd.DataFrame, c: pd.DataFrame | None = None) -> str:
    """Markdown: d per strength (mean ± 95% interval over seeds), then the points scenarios against the baseline."""
    lines = ["| crowding_out | regular members | d, visits, first window | d, visits, second window "
             "| d, interest at the stop |", "|---:|---:|---|---|---|"]
    for s, sub in d.groupby("strength", sort=True):
        lines.append(f"| {s:g} | {sub['regulars'].mean():.0f} | {mean_pm(sub['d_visits'])} | "
                     f"{mean_pm(sub['d_late'])} | {mean_pm(sub['d_interest'])} |")
    if c is None:
        return "\n".join(lines) + "\n"
    alive = c.groupby("scenario")["alive_at_horizon"].sum()
    lines += ["", "Change from the baseline, paired by seed (mean ± 95% interval): lifespan in days, "
              "active member-days in %. A run alive at the horizon counts the horizon as its lifespan, so a "
              "lifespan change with [k alive] is a lower bound (k: runs alive at the horizon; the baseline's: "
              f"{int(alive.get('baseline.yaml', 0))}).", "",
              "| crowding_out | " + " | ".join(f"{f.removesuffix('.yaml')} {m}" for f in CONSEQUENCES
                                              for m in ("lifespan", "member-days")) + " |",
              "|---:" + "|---" * (2 * len(CONSEQUENCES)) + "|"]
    for s in sorted(set(c.loc[c["scenario"] != "baseline.yaml", "strength"])):
        cells = []
        for f in CONSEQUENCES:
            change = paired_changes(c, f, s)
            if change.empty:
                cells += ["-", "-"]
                continue
            k = int(change["alive_at_horizon"].sum())
            cells.append(mean_pm(change["lifespan"]) + (f" [{k} alive]" if k else ""))
            cells.append(mean_pm(change["member_days"], scale=100, unit="%"))
        lines.append(f"| {s:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def figure(d: pd.DataFrame, c: pd.DataFrame | None = None):
    """Left: the model's d against strength, with Deci et al.'s -0.40; right: points scenarios' lifespan change."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from sim.experiments.stats import mean_ci

    def errorbars(ax, rows, **style):  # rows: (strength, mean_ci of the values there)
        ax.errorbar([s for s, _ in rows], [r["mean"] for _, r in rows],
                    yerr=[[r["mean"] - r["low"] for _, r in rows], [r["high"] - r["mean"] for _, r in rows]],
                    capsize=3, **style)

    fig, axes = plt.subplots(1, 2 if c is not None else 1, figsize=(11 if c is not None else 5.5, 4), squeeze=False)
    ax = axes[0][0]
    for col, label, style in (("d_visits", "visits, first window after the stop", "o-"),
                              ("d_late", "visits, second window (no pull left)", "^-"),
                              ("d_interest", "interest on the stop day", "s--")):
        errorbars(ax, [(s, mean_ci(sub[col])) for s, sub in d.groupby("strength", sort=True)], fmt=style, label=label)
    ax.axhline(DECI_D, color="k", lw=1, ls=":", label="Deci et al. 1999, free choice (d = -0.40)")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("motivation.crowding_out")
    ax.set_ylabel("Cohen's d, regular members (vs no crowding out)")
    ax.set_title("Undermining after the points stop")
    ax.legend(fontsize=8)
    if c is not None:
        ax = axes[0][1]
        for f in CONSEQUENCES:
            strengths = sorted(set(c.loc[c["scenario"] == f, "strength"]))
            errorbars(ax, [(s, mean_ci(paired_changes(c, f, s)["lifespan"])) for s in strengths],
                      fmt="o-", label=f.removesuffix(".yaml"))
        ax.axhline(0, color="grey", lw=0.5)
        ax.set_xlabel("motivation.crowding_out")
        ax.set_ylabel("lifespan change from the baseline (days)\nruns alive at the horizon count it")
        ax.set_title("What the strength decides")
        ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def main(argv=None) -> int:
    """Run the measurement (and, unless --no-consequences, the points scenarios) and print or write the tables."""
    ap = argparse.ArgumentParser(description="Crowding out: the model's Deci et al. (1999) effect size at "
                                 "several strengths, and what each strength does to the points scenarios.")
    ap.add_argument("--strengths", type=float, nargs="+", default=list(STRENGTHS),
                    help="motivation.crowding_out values (default: %(default)s)")
    ap.add_argument("--reps", type=int, default=8, help="seeds per strength (default 8)")
    ap.add_argument("--size", type=int, default=5000, help="people on the graph (default 5000)")
    ap.add_argument("--window", type=int, default=30, help="free-choice days followed after the stop (default 30)")
    ap.add_argument("--regular", type=float, default=0.5, help="habit at which a member is regular (default 0.5)")
    ap.add_argument("--no-consequences", action="store_true", help="skip the points scenarios against the baseline")
    ap.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    ap.add_argument("--out", help="write the markdown here (default: print)")
    ap.add_argument("--plot", help="also save the figure here (PNG)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                    help="a scenario setting for the points scenarios' runs (and, outside strategies.*, "
                    "the baseline's), e.g. strategies.points.wear_days=0 (repeatable)")
    a = ap.parse_args(argv)
    for name in ("size", "window"):
        if getattr(a, name) < 1:
            ap.error(f"--{name} must be at least 1")
    if a.reps < 2:
        ap.error("--reps must be at least 2 (an interval needs two seeds)")
    if not all(0 <= s <= 1 for s in a.strengths):
        ap.error("--strengths must lie in [0, 1] (the range of motivation.crowding_out)")
    if not 0 < a.regular <= 1:
        ap.error("--regular must lie in (0, 1]: it is a habit, a recent visiting rate")
    if a.workers < 1:
        ap.error("--workers must be at least 1")
    for name in ("out", "plot"):
        path = getattr(a, name)
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            ap.error(f"--{name}: the folder of {path!r} does not exist (checked before any run)")
    if reserved(a.overrides):
        ap.error(f"--set {reserved(a.overrides)}: use --size or --strengths for it")
    try:  # a size the scenario cannot hold, or a bad --set, is the scenario's error, said before any run
        load_scenario(scenario_dir() / REMOVED, overrides=[*a.overrides, f"population.size={a.size}"])
    except ScenarioError as e:
        ap.error(" ".join([f"--size {a.size}", *(f"--set {o}" for o in a.overrides)]) + f": {e}")
    d, c = run(a.strengths, a.reps, a.size, a.window, a.regular, consequences=not a.no_consequences,
               workers=a.workers, progress=progress_callback("crowding_out jobs"), overrides=a.overrides)
    if a.plot:
        figure(d, c).savefig(a.plot, dpi=110)
    write_or_print(table(d, c), a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
