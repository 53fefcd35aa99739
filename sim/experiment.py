"""Replications: the same scenario over many seeds, and several scenarios over the same seeds.

Seeds come from `numpy.random.SeedSequence(base_seed).spawn(n)`, and every compared scenario
uses the same list (common random numbers), so differences between designs are paired.
Work runs on any `concurrent.futures.Executor` (serial when none is given); results are
identical whichever executor runs them because each run depends only on (scenario, seed).

>>> replication_seeds(1, 3) == replication_seeds(1, 3)
True
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Iterable

import numpy as np

from sim.metrics import flat_readouts
from sim.scenario import Scenario


def replication_seeds(base_seed: int, n: int) -> list[int]:
    """`n` independent seeds spawned from `base_seed` (same list for every compared scenario)."""
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(base_seed).spawn(n)]


def run_readouts(scenario: Scenario, seed: int) -> dict:
    """One run's scalar read-outs plus a few extras; a top-level function so it pickles."""
    from sim.runner import run_scenario

    result = run_scenario(scenario, seed=seed, keep_model=False)
    s = result.summary
    out = flat_readouts(s)
    ts = result.timeseries
    out["core_at_peak"] = (s.get("circles_at_peak") or {}).get("core")
    out["stranger_share"] = float(ts["stranger_share"][ts["dau"] > 0].mean())
    out["posts"] = float(ts["posts"].sum())
    out["members_day90"] = int(ts["members"].iloc[min(89, len(ts) - 1)])
    out["external_joins"] = int((ts["joins"] - ts["joins_wom"]).sum())
    out["posts_per_active_day"] = out["posts"] / max(float(ts["dau"].sum()), 1.0)
    out["seed"] = seed
    return out


def run_many(jobs: Iterable[tuple[Scenario, int]], executor: Executor | None = None) -> list[dict]:
    """Run (scenario, seed) jobs, in order, on `executor` (None: in this process)."""
    jobs = list(jobs)
    if executor is None:
        return [run_readouts(sc, seed) for sc, seed in jobs]
    futures = [executor.submit(run_readouts, sc, seed) for sc, seed in jobs]
    return [f.result() for f in futures]
