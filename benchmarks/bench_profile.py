"""Where one baseline replication's time goes: a cProfile of the days, per day.

Issue 13's replication target is about the fixed cost of a day at 5,000 persons: this counts
the Python-level calls a day makes and lists the functions that take the most of it (their own
time, and the daily read-outs' total), so a claim like "no trimming comes near half the day"
can be checked. cProfile slows the run (about 1.3 times here): read the shares, not the times.

    python benchmarks/bench_profile.py              # 5,000 persons x 730 days, seed 1
    python benchmarks/bench_profile.py --size 100000 --days 100 --top 25

It also splits numpy's gathers (`ndarray.take`) by caller: those of the tie matrices, which
stay in any layout of the state, and those of per-person state at member ids, which a
member-major layout would turn into slices (docs/performance.md, "What compacting the state
to members could give at most").
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def profile(size: int, days: int, seed: int) -> pstats.Stats:
    """Profile `days` days of the baseline at `size` persons (building the model is not profiled)."""
    import sim

    scenario = sim.load_scenario(sim.scenarios_dir() / "baseline.yaml", overrides=[f"population.size={size}"],
                                 days=days)
    model = sim.CommunityModel(scenario, seed=seed)
    profiler = cProfile.Profile()
    profiler.enable()
    model.run(days=days)
    profiler.disable()
    return pstats.Stats(profiler)


def shares(stats: pstats.Stats, top: int) -> tuple[float, int, list[tuple[str, float]], float]:
    """(total seconds, calls, [(function, share of own time)] for the `top` largest, share of the read-outs)."""
    rows = stats.stats  # {(file, line, name): (primitive calls, calls, own time, cumulative time, callers)}
    total = stats.total_tt
    calls = sum(r[1] for r in rows.values())
    named = sorted(((f"{Path(f).name}:{line}({name})" if f != "~" else name, r[2] / total)
                    for (f, line, name), r in rows.items()), key=lambda x: -x[1])
    readouts = sum(r[3] for (f, _, name), r in rows.items()
                   if f.endswith("recorder.py") and name == "record") / total
    return total, calls, named[:top], readouts


#: Functions whose gathers read the tie matrices (CSR rows of followers or maintained ties), not member state.
TIE_GATHERS = ("row_runs", "reached_from", "reached_counts", "friends_inside", "friend_messages_both",
               "in_group_posts", "by_group_then", "_then_by_group")


def gathers(stats: pstats.Stats) -> tuple[float, float, int]:
    """(share of all `take` calls' own time, share of those from member state, `take` calls)."""
    for (f, _, name), (_, calls, own, _, callers) in stats.stats.items():
        if name == "<method 'take' of 'numpy.ndarray' objects>":
            ties = sum(c[2] for (_, _, caller), c in callers.items() if caller in TIE_GATHERS)
            return own / stats.total_tt, (own - ties) / stats.total_tt, calls
    return 0.0, 0.0, 0


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=5000, help="persons (default 5,000)")
    ap.add_argument("--days", type=int, default=730, help="days (default 730)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--top", type=int, default=15, help="functions to list (default 15)")
    args = ap.parse_args(argv)
    stats = profile(args.size, args.days, args.seed)
    total, calls, top, readouts = shares(stats, args.top)
    every, member_state, takes = gathers(stats)
    print(f"baseline, {args.size:,} persons x {args.days} days, seed {args.seed}, under cProfile: "
          f"{total:.2f} s, {total / args.days * 1000:.2f} ms/day, {calls / args.days:,.0f} calls/day")
    print(f"the day's read-outs and bookkeeping (Recorder.record, cumulative): {readouts:.1%} of the time")
    print(f"gathers (ndarray.take, {takes / args.days:,.0f} a day): {every:.1%} of the time, of which gathers of "
          f"member state {member_state:.1%} (if they cost nothing: {1 / (1 - member_state):.2f}x)")
    print("largest own times:")
    for name, share in top:
        print(f"  {share:6.1%}  {name}")


if __name__ == "__main__":
    main()
