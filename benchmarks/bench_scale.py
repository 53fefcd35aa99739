"""Scale, peer and replication throughput, measured in one run (issues 5 and 13).

Usage: python benchmarks/bench_scale.py [--sizes 1000 10000 100000 1000000] [--days 730]
           [--repeats 3] [--big 10000000] [--big-days 365] [--peer-size 100000] [--peer-days 365]
           [--reps 8] [--workers 2] [--plot out.png] [--json out.json]

1. Scaling: the baseline scenario (clustered scale-free graph, mean degree 10) at each size
   for `--days` days, and at `--big` persons for `--big-days` days (0: skip), each in a fresh
   subprocess: build (graph, ties, traits), run, total, time per day and peak memory (max
   RSS of that subprocess). Each `--sizes` row runs `--repeats` times (fresh processes, one
   after the other) and shows its median run and the range of the totals: a target near the
   machine's hour-to-hour drift is not judged on one run. The big run runs once.
2. Peer: circlesim's own `CommunityModel` (the full baseline rules) against the reduced rules
   written the idiomatic Mesa way (`shuffle_do("step")` on a `mesa.discrete_space.Network`),
   same graph, same days (benchmarks/reduced_rules.py): member-days per second of each and
   their ratio, a lower bound since circlesim does more per member-day. The reduced rules as
   a bare numpy loop are shown as a floor, not as circlesim.
3. Floor: FLOOR_PASSES full-length numpy array passes plus one sparse mat-vec per day, with
   no model logic, at the floor size; circlesim's time per day as a multiple of it.
4. Replication throughput: `--reps` runs of the baseline (5,000 persons x 730 days by
   default) on `--workers` worker processes (the pool compare, sweep and fit use): runs/s.

For a quick check that everything runs: --sizes 1000 --days 30 --repeats 1 --big 0 --peer-size 2000
--peer-days 30 --floor-size 1000 --reps 2 --rep-days 30 --plot ''.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from bench_run import CHILD, machine_line  # noqa: E402

BASELINE = os.path.join(ROOT, "scenarios", "baseline.yaml")

#: Full-length (one entry per person) numpy passes in circlesim's daily step, counted from the
#: code of sim/model/community.py and sim/model/mechanics/ (status masks, motivation, bincounts to n, resets,
#: the day's record), rounded up. Work on member or sender subsets is not counted.
FLOOR_PASSES = 50


def one_size(size: int, days: int, repeats: int = 1) -> dict:
    """The baseline at `size` persons for `days` days, `repeats` times, each in a fresh subprocess.

    Returns the run with the median total time (its build, run and memory), every total in
    `totals` (in the order run), and the size and days.
    """
    code = CHILD.format(root=ROOT, scenario=BASELINE, size=size, days=days)
    runs = []
    for _ in range(max(1, repeats)):
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if res.returncode:
            raise RuntimeError(res.stderr)
        runs.append(json.loads(res.stdout.strip().splitlines()[-1]))
    r = dict(sorted(runs, key=lambda x: x["total_s"])[(len(runs) - 1) // 2])  # the lower median
    r.update(size=size, days=days, totals=[x["total_s"] for x in runs])
    return r


def row(r: dict) -> str:
    """One Markdown table row of a scaling result (the median run; the range of totals when repeated)."""
    totals = r["totals"]
    spread = f"{min(totals):.2f}-{max(totals):.2f}" if len(totals) > 1 else "-"
    return (f"| {r['size']:,} | {r['days']} | {len(totals)} | {r['build_s']:.2f} | {r['run_s']:.2f} | "
            f"{r['total_s']:.2f} | {spread} | {1000 * r['run_s'] / r['days']:.2f} | {r['peak_rss_mb']:,.0f} |")


def floor_ms_per_day(size: int, days: int = 200) -> float:
    """FLOOR_PASSES array passes plus one sparse mat-vec, per day, at `size` persons (ms)."""
    import numpy as np

    from sim.model.population import build_population
    from sim.scenario import load_scenario

    sc = load_scenario(BASELINE, overrides=[f"population.size={size}"])
    pop = build_population(sc.population, np.random.default_rng(1))
    a = np.random.default_rng(2).random(size)
    b = np.empty_like(a)
    x = np.ones(size)
    t = time.perf_counter()
    for _ in range(days):
        for _ in range(FLOOR_PASSES):
            np.multiply(a, 1.0001, out=b)
        pop.maintained @ x
    return 1000 * (time.perf_counter() - t) / days


def replication_throughput(reps: int, workers: int, size: int, days: int) -> dict:
    """`reps` baseline runs on a process pool of `workers`: wall seconds and runs per second."""
    from sim.experiments.executors import make_executor
    from sim.experiments.replications import replication_seeds, run_many
    from sim.scenario import load_scenario

    sc = load_scenario(BASELINE, overrides=[f"population.size={size}"], days=days)
    jobs = [(sc, seed) for seed in replication_seeds(1, reps)]
    with make_executor(workers=workers) as ex:
        run_many(jobs[:workers], executor=ex)  # start the workers and import circlesim in them first
        t = time.perf_counter()
        run_many(jobs, executor=ex)
        wall = time.perf_counter() - t
    return {"reps": reps, "workers": workers, "size": size, "days": days, "wall_s": wall, "runs_per_s": reps / wall}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000, 1000000])
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--repeats", type=int, default=3,
                    help="fresh runs of each --sizes row: median run and range shown (the big run: once)")
    ap.add_argument("--big", type=int, default=10_000_000, help="persons of the big run (0: skip)")
    ap.add_argument("--big-days", type=int, default=365)
    ap.add_argument("--peer-size", type=int, default=100000, help="persons of the peer comparison (0: skip)")
    ap.add_argument("--peer-days", type=int, default=365)
    ap.add_argument("--floor-size", type=int, default=100000, help="persons of the floor (0: skip)")
    ap.add_argument("--reps", type=int, default=8, help="replications for the throughput figure (0: skip)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rep-size", type=int, default=5000)
    ap.add_argument("--rep-days", type=int, default=730)
    ap.add_argument("--plot", default=os.path.join(HERE, "scaling.png"), help="'' for no plot")
    ap.add_argument("--json", default="", help="also write every figure to this JSON file")
    args = ap.parse_args()
    if args.repeats < 1:
        ap.error("--repeats must be at least 1")
    for name in ("days", "big_days", "peer_days", "reps", "workers", "rep_days"):
        low = 0 if name == "reps" else 1
        if getattr(args, name) < low:
            ap.error(f"--{name.replace('_', '-')} must be at least {low}, got {getattr(args, name)}")
    # persons: whatever the baseline scenario takes (its founding team needs a few dozen); 0 skips where it says so
    from sim.scenario import ScenarioError, load_scenario

    for name in ("sizes", "big", "peer_size", "floor_size", "rep_size"):
        value = getattr(args, name)
        for v in value if isinstance(value, list) else [value]:
            if v == 0 and name in ("big", "peer_size", "floor_size"):
                continue
            try:
                load_scenario(BASELINE, overrides=[f"population.size={v}"])
            except ScenarioError as exc:
                reason = str(exc).splitlines()[-1].strip()
                ap.error(f"--{name.replace('_', '-')} {v}: the baseline cannot take it ({reason})")
    out: dict = {"date": time.strftime("%Y-%m-%d"), "machine": platform.machine(), "cores": os.cpu_count(),
                 "python": platform.python_version(), "about": machine_line()}
    print(f"# circlesim scale benchmark, {out['date']}, {out['about']}\n")
    print("| persons | days | runs | build (s) | run (s) | total (s) | range of totals (s) | ms/day | peak RSS (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = []
    for size in args.sizes:
        rows.append(one_size(size, args.days, args.repeats))
        print(row(rows[-1]), flush=True)
    if args.big:
        rows.append(one_size(args.big, args.big_days))
        print(row(rows[-1]), flush=True)
    out["scaling"] = rows

    if args.peer_size:
        peer_table(args, out)
    if args.floor_size:
        floor = floor_ms_per_day(args.floor_size)
        out["floor_ms_per_day"] = floor
        mine = next((1000 * r["run_s"] / r["days"] for r in rows if r["size"] == args.floor_size), None)
        print(f"\nFloor at {args.floor_size:,} persons: {FLOOR_PASSES} array passes + 1 sparse mat-vec = "
              f"{floor:.2f} ms/day"
              + (f"; circlesim {mine:.2f} ms/day = {mine / floor:.2f}x the floor." if mine else "."))
    finish(args, out, rows)
    return 0


def peer_table(args, out: dict) -> None:
    """The peer comparison: circlesim's model against idiomatic Mesa on the reduced rules, printed as a table."""
    from reduced_rules import peer

    p = peer(args.peer_size, args.peer_days)
    out["peer"] = p
    print(f"\nPeer, {args.peer_size:,} persons x {args.peer_days} days, one Holme-Kim graph "
          f"({p['ties']:,} ties), run time only:")
    print("| implementation | rules | member-days | run (s) | member-days/s | person-days/s |")
    print("|---|---|---:|---:|---:|---:|")
    for key, name, rules in (("circlesim", "circlesim `CommunityModel`", "full baseline"),
                             ("mesa", "idiomatic Mesa (FixedAgent, Network, shuffle_do)", "reduced"),
                             ("floor", "numpy floor (not circlesim)", "reduced")):
        print(f"| {name} | {rules} | {p[key]['member_days']:,} | {p[key]['run_s']:.2f} | {p[key]['rate']:,.0f} | "
              f"{p[key]['person_rate']:,.0f} |")
    print(f"circlesim's full model: at least {p['ratio']:.1f}x the member-days per second of idiomatic Mesa "
          f"on the reduced rules (issue 13's measure; a lower bound: circlesim does more per member-day).")
    more = p["mesa"]["member_days"] / p["circlesim"]["member_days"]
    print(f"Per person-day (the same {args.peer_size:,} persons, graph and days; the ratio of run times): "
          f"{p['person_ratio']:.1f}x. The reduced rules keep {more:.1f} times as many member-days.")


def finish(args, out: dict, rows: list) -> None:
    """The replication throughput, then the JSON and the plot, as asked."""
    if args.reps:
        r = replication_throughput(args.reps, args.workers, args.rep_size, args.rep_days)
        out["replications"] = r
        print(f"\nReplications: {r['reps']} baseline runs of {r['size']:,} persons x {r['days']} days on "
              f"{r['workers']} workers: {r['wall_s']:.1f} s, {r['runs_per_s']:.2f} runs/s.")

    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1)
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4.5), dpi=110)
        for days in sorted({r["days"] for r in rows}, reverse=True):
            sub = [r for r in rows if r["days"] == days]
            xs = [r["size"] for r in sub]
            ax.loglog(xs, [r["total_s"] for r in sub], "o-", label=f"total, {days} days")
            ax.loglog(xs, [r["run_s"] for r in sub], "s--", label=f"run only, {days} days")
            ax.loglog(xs, [r["build_s"] for r in sub], "^:", label=f"build, {days} days")
        ax.set_xlabel("persons")
        ax.set_ylabel("seconds")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        ax.set_title(f"circlesim scaling ({out['cores']} cores)")
        fig.tight_layout()
        fig.savefig(args.plot)
        print(f"\nplot: {args.plot}")


if __name__ == "__main__":
    sys.exit(main())
