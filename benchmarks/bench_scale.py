"""Scale and speed, measured side by side in one run (issue 5).

Usage: python benchmarks/bench_scale.py [--sizes 1000 10000 100000 1000000] [--days 730]
                                         [--peer-size 100000] [--peer-days 365] [--plot out.png]

1. Scaling: the baseline scenario (clustered scale-free graph, mean degree 10) at each size
   for `--days` days, each in a fresh subprocess: graph construction, run, total, time per
   day and peak memory (max RSS).
2. Peer: the reduced rules (join by word of mouth, interest decay, leave below a threshold)
   written the idiomatic Mesa way (benchmarks/reduced_rules.py: `shuffle_do("step")` on a
   `mesa.discrete_space.Network`) and through circlesim's engine, same graph, same days:
   member-days per second of each and the ratio.
3. Floor: FLOOR_PASSES full-length numpy array passes plus one sparse mat-vec per day, with
   no model logic, at the floor size; circlesim's time per day as a multiple of it.
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

from bench_run import CHILD  # noqa: E402

#: Full-length (one entry per person) numpy passes in circlesim's daily step, counted from the
#: code of sim/model/community.py and sim/model/mechanics/ (status masks, motivation, bincounts to n, resets,
#: the day's record), rounded up. Work on member or sender subsets is not counted.
FLOOR_PASSES = 50


def scaling(sizes, days):
    rows = []
    for size in sizes:
        code = CHILD.format(root=ROOT, scenario=os.path.join(ROOT, "scenarios", "baseline.yaml"), size=size,
                            days=days)
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if res.returncode:
            raise RuntimeError(res.stderr)
        r = json.loads(res.stdout.strip().splitlines()[-1])
        r["size"] = size
        rows.append(r)
        print(f"| {size:,} | {days} | {r['build_s']:.2f} | {r['run_s']:.2f} | {r['total_s']:.2f} | "
              f"{1000 * r['run_s'] / days:.2f} | {r['peak_rss_mb']:.0f} |", flush=True)
    return rows


def peer(size, days):
    import networkx as nx
    from reduced_rules import MesaReducedModel, engine_reduced

    g = nx.powerlaw_cluster_graph(size, 5, 0.3, seed=1)
    t = time.perf_counter()
    model = MesaReducedModel(g, q=0.01, rng=1)
    for _ in range(days):
        model.step()
    mesa_s = time.perf_counter() - t
    t = time.perf_counter()
    engine_days = engine_reduced(g, days, q=0.01, rng=1)
    engine_s = time.perf_counter() - t
    return {"mesa_member_days": model.member_days, "mesa_s": mesa_s, "engine_member_days": engine_days,
            "engine_s": engine_s}


def floor_ms_per_day(size, days=200):
    import numpy as np

    from sim.model.population import build_population
    from sim.scenario import load_scenario

    sc = load_scenario(os.path.join(ROOT, "scenarios", "baseline.yaml"), overrides=[f"population.size={size}"])
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000, 1000000])
    ap.add_argument("--days", type=int, default=730)
    ap.add_argument("--peer-size", type=int, default=100000)
    ap.add_argument("--peer-days", type=int, default=365)
    ap.add_argument("--floor-size", type=int, default=100000)
    ap.add_argument("--plot", default=os.path.join(HERE, "scaling.png"))
    args = ap.parse_args()
    print(f"# circlesim scale benchmark, {time.strftime('%Y-%m-%d')}, {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}\n")
    print("| persons | days | build (s) | run (s) | total (s) | ms/day | peak RSS (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    rows = scaling(args.sizes, args.days)

    p = peer(args.peer_size, args.peer_days)
    mesa_rate = p["mesa_member_days"] / p["mesa_s"]
    engine_rate = p["engine_member_days"] / p["engine_s"]
    print(f"\nPeer, reduced rules, {args.peer_size:,} persons x {args.peer_days} days, same graph:")
    print("| implementation | member-days | wall (s) | member-days/s |")
    print("|---|---:|---:|---:|")
    print(f"| idiomatic Mesa (shuffle_do, Network) | {p['mesa_member_days']:,} | {p['mesa_s']:.1f} "
          f"| {mesa_rate:,.0f} |")
    print(f"| circlesim engine | {p['engine_member_days']:,} | {p['engine_s']:.2f} | {engine_rate:,.0f} |")
    print(f"Ratio: {engine_rate / mesa_rate:.1f}x more member-days per second.")

    floor = floor_ms_per_day(args.floor_size)
    mine = next((1000 * r["run_s"] / args.days for r in rows if r["size"] == args.floor_size), None)
    print(f"\nFloor at {args.floor_size:,} persons: {FLOOR_PASSES} array passes + 1 sparse mat-vec = "
          f"{floor:.2f} ms/day" + (f"; circlesim {mine:.2f} ms/day = {mine / floor:.2f}x the floor." if mine else "."))

    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4.5), dpi=110)
        xs = [r["size"] for r in rows]
        ax.loglog(xs, [r["total_s"] for r in rows], "o-", label="total (build + run)")
        ax.loglog(xs, [r["run_s"] for r in rows], "s-", label="run only")
        ax.loglog(xs, [r["build_s"] for r in rows], "^-", label="graph build")
        ax.set_xlabel("persons")
        ax.set_ylabel(f"seconds for {args.days} days")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        ax.set_title("circlesim scaling (2 cores)")
        fig.tight_layout()
        fig.savefig(args.plot)
        print(f"\nplot: {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
