"""The README's behaviour figures: what a community researcher would measure first.

Usage: python benchmarks/behaviour.py [--reps 10] [--out behaviour.md]

Cohort retention and MAU/members over `reps` spawned seeds of the baseline; message volume
and activity of fixed groups of 25 to 1,000 members; active member-days by organizer
headcount (staffing policy off); lifespan at 5k, 20k and 50k people; the personalised
feed's posts per day over the whole horizon. Every figure is circlesim's own model.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from sim import CommunityModel, load_scenario  # noqa: E402
from sim.experiments import evidence  # noqa: E402
from sim.experiments.replications import replication_seeds  # noqa: E402
from sim.experiments.stats import mean_pm  # noqa: E402
from sim.scenario.paths import scenario_dir  # noqa: E402


def ci(x) -> str:
    """Mean ± 95% t-interval of a sample; runs alive at the horizon (None) are left out and counted "(n of N)"."""
    return mean_pm(x)


def pct(x) -> str:
    """Mean ± 95% t-interval as percentages."""
    return mean_pm(x, scale=100, unit="%")


def log(msg: str) -> None:
    """Progress on stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def main() -> int:
    """Measure and print (or write) the markdown."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=10, help="seeds per figure (default 10)")
    ap.add_argument("--out", help="write the markdown here (default: print)")
    a = ap.parse_args()
    out = []

    log("cohorts")
    c = evidence.cohort_measures(a.reps)
    out += ["| measure (baseline, %d seeds) | value | target |" % a.reps, "|---|---|---|",
            f"| active on day 1 after joining (D1) | {pct(c['d1'])} | 30-60% |",
            f"| D7 | {pct(c['d7'])} | 15-35% |",
            f"| D30 | {pct(c['d30'])} | 5-20% |",
            f"| still a member at D30 | {pct(c['member_d30'])} | below 80% |",
            f"| MAU/members at the DAU peak | {pct(c['mau_members_at_peak'])} | 30-70% |",
            f"| top 1% share of posts, month of the peak | {pct(c['top1'])} | 60-90% |",
            f"| bottom 90% share of posts, month of the peak | {pct(c['bottom90'])} | under 10% |",
            f"| lifespan (days) | {ci(c['lifespan'])} | 500-1,000 |", ""]

    log("fixed groups")
    g = evidence.group_size_effects(sizes=(25, 150, 250, 500, 1000), seeds=range(min(a.reps, 5)))
    out += [f"| fixed group ({min(a.reps, 5)} seeds) | messages/day | messages/member/day | DAU/members | "
            "overload share | stranger share | posters answered |", "|---|---|---|---|---|---|---|"]
    for n, sub in g.groupby("size"):
        out.append(f"| {n} | {ci(sub['messages'])} | {ci(sub['messages_per_member'])} | "
                   f"{ci(sub['engagement'])} | {ci(sub['overload'])} | {ci(sub['strangers'])} | "
                   f"{ci(sub['answered'])} |")
    out.append("")

    log("staffing")
    s = evidence.staffing(counts=(0, 1, 3, 6, 12, 24), seeds=range(min(a.reps, 5)))  # 0: E10's setting
    out += [f"| organizers (policy off; {min(a.reps, 5)} seeds) | active member-days | lifespan | posters answered |",
            "|---|---|---|---|"]
    for k, sub in s.groupby("organizers"):
        out.append(f"| {k} | {ci(sub['active_member_days'])} | {ci(sub['lifespan'])} | {ci(sub['answered'])} |")
    out.append("")

    log("sizes")
    z = evidence.size_lifespans(sizes=(5000, 20000, 50000), seeds=range(3))
    out += ["| people on the graph (3 seeds each) | lifespan | active member-days per person | peak members |",
            "|---|---|---|---|"]
    for n, sub in z.groupby("size"):
        out.append(f"| {n:,} | {ci(sub['lifespan'])} | {ci(sub['member_days_per_person'])} | "
                   f"{ci(sub['peak_members'])} |")
    out.append("")

    log("personalised feed")
    rows = {}
    for name in ("baseline.yaml", "personalized_feed.yaml"):
        sc = load_scenario(scenario_dir() / name)
        vals = []
        for seed in replication_seeds(sc.seed, a.reps):
            m = CommunityModel(sc, seed=seed)
            m.run()
            ts = m.timeseries()
            vals.append((ts["posts"].iloc[:365].mean(), ts["posts"].mean(), ts["dau"].sum()))
        rows[name] = np.array(vals)
    d = rows["personalized_feed.yaml"] - rows["baseline.yaml"]
    out += ["| personalised feed vs baseline (paired) | Δ |", "|---|---|",
            f"| posts per day, year 1 | {ci(d[:, 0])} |",
            f"| posts per day, whole horizon | {ci(d[:, 1])} |",
            f"| active member-days | {ci(d[:, 2])} |", ""]
    md = "\n".join(out)
    if a.out:
        with open(a.out, "w") as fh:
            fh.write(md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
