"""Replications: many seeds per scenario, the same seeds for every compared scenario.

Seeds come from `numpy.random.SeedSequence(base_seed).spawn(n)`; every compared scenario
uses the same list (common random numbers), so differences between designs are paired.
Tasks `(scenario, seed)` run on any `concurrent.futures.Executor` (see `sim.experiments.executors`);
each worker writes its run to the results store (`sim.experiments.store`) and returns only scalars,
so the driver's memory does not grow with the runs' time series. A task that raises is
recorded with its traceback; the others finish.

>>> replication_seeds(1, 3) == replication_seeds(1, 3)
True
"""

from __future__ import annotations

import sys
import tempfile
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from sim.experiments.store import ResultStore
from sim.readouts.registry import run_values
from sim.scenario import Scenario


def replication_seeds(base_seed: int, n: int) -> list[int]:
    """`n` independent seeds spawned from `base_seed` (same list for every compared scenario)."""
    return [int(child.generate_state(1)[0]) for child in np.random.SeedSequence(base_seed).spawn(n)]


def run_readouts(scenario: Scenario, seed: int) -> dict:
    """One run's scalar read-outs (in this process)."""
    from sim.experiments.runner import run_scenario

    result = run_scenario(scenario, seed=seed, keep_model=False)
    out = run_values(result.summary, result.timeseries)
    out["seed"] = seed
    return out


def run_task(scenario: Scenario, seed: int, store_root: str, key: str | None = None) -> dict:
    """Worker: run one (scenario, seed), write it to the store under `key`, return only scalars.

    Never raises: a failure is recorded in the store with its traceback.
    """
    from sim.experiments.runner import run_scenario
    from sim.experiments.store import run_key

    store = ResultStore(store_root)
    try:
        key = key or run_key(scenario)
        result = run_scenario(scenario, seed=seed, keep_model=False)
        ts = result.timeseries
        record = {"population": int(result.summary["population"]),
                  "readouts": run_values(result.summary, ts),
                  "dau": ts["dau"].astype(int).tolist(), "members": ts["members"].astype(int).tolist()}
        store.write_run(key, seed, record)
        return {"ok": True, "key": key, "seed": int(seed), "readouts": record["readouts"]}
    except Exception:  # noqa: BLE001 - every failure is reported, none stops the experiment
        key = key or "unkeyed"
        store.write_failure(key, seed, traceback.format_exc())
        return {"ok": False, "key": key, "seed": int(seed), "error": traceback.format_exc()}


def run_many(jobs: Iterable[tuple[Scenario, int]], executor: Executor | None = None) -> list[dict]:
    """Run (scenario, seed) jobs and return their read-outs in job order (no store)."""
    jobs = list(jobs)
    if executor is None:
        return [run_readouts(sc, seed) for sc, seed in jobs]
    futures = [executor.submit(run_readouts, sc, seed) for sc, seed in jobs]
    return [f.result() for f in futures]


# ------------------------------------------------------------------------------ progress
class RunProgress:
    """Runs done, failures and time left: a tqdm bar on a terminal, else a line per ~10%."""

    def __init__(self, total: int, label: str = "runs", enabled: bool = True, stream=None):
        self.total, self.label, self.enabled = total, label, enabled
        self.stream = stream or sys.stderr
        self.done = self.failed = self.cached = 0
        self.t0 = time.perf_counter()
        self._last_tenth = -1
        self.bar = None
        if enabled and total and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=label, unit="run", file=self.stream)

    def update(self, ok: bool, cached: bool = False) -> None:
        """Count one finished run (failed if not `ok`, reused from the store if `cached`) and report progress."""
        self.done += 1
        self.failed += 0 if ok else 1
        self.cached += 1 if cached else 0
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.set_postfix(failed=self.failed, reused=self.cached, refresh=False)
            self.bar.update(1)
            return
        tenth = self.done * 10 // max(self.total, 1)
        if tenth != self._last_tenth or self.done == self.total:
            self._last_tenth = tenth
            print(self.line(), file=self.stream, flush=True)

    def line(self) -> str:
        """One progress line: runs done, failed and reused, time elapsed and estimated time left."""
        elapsed = time.perf_counter() - self.t0
        fresh = self.done - self.cached
        left = self.total - self.done
        eta = (elapsed / fresh * left) if fresh else 0.0
        return (f"{self.label}: {self.done}/{self.total} done, {self.failed} failed, "
                f"{self.cached} reused, {elapsed:.0f} s elapsed, ~{eta:.0f} s left")

    def close(self) -> None:
        """Close the terminal progress bar, if one is shown."""
        if self.bar is not None:
            self.bar.close()


def progress_callback(label: str, stream=None) -> Callable[[int, int], None]:
    """A `progress(done, total)` callback (as `executors.map_in_order` calls it) reporting through `RunProgress`.

    >>> import io
    >>> out = io.StringIO()
    >>> tick = progress_callback("demo", stream=out)
    >>> tick(1, 2); tick(2, 2)
    >>> "demo: 2/2 done, 0 failed" in out.getvalue()
    True
    """
    bar: list[RunProgress] = []

    def progress(done: int, total: int) -> None:
        if not bar:
            bar.append(RunProgress(total, label, stream=stream))
        while bar[0].done < done:
            bar[0].update(True)
        if done == total:
            bar[0].close()

    return progress


# ------------------------------------------------------------------------------ execution
@dataclass
class Execution:
    """What happened to a batch of tasks."""

    store: ResultStore
    finished: int = 0
    reused: int = 0
    failures: list = field(default_factory=list)  # (run key, seed, traceback)
    invalid: list = field(default_factory=list)   # (path moved to invalid/, reason): recomputed
    seconds: float = 0.0


def execute(tasks: list[tuple[Scenario, int]], store: ResultStore, executor: Executor | None,
            on_record: Callable[[Scenario, int, dict], None], progress: bool = True,
            label: str = "runs", window: int | None = None, keys: dict | None = None,
            task: Callable | None = None) -> Execution:
    """Run every task not already validly in `store`, handing each finished run to `on_record`.

    `on_record(scenario, seed, record)` is called for every finished run (reused or new) as it
    arrives, with its record read back from the store and validated. A stored run that fails
    validation (`ResultStore.read_valid`) is moved to `invalid/`, reported, and recomputed.
    `keys` maps `id(scenario)` to its run key (computed here if not given).

    `task(scenario, seed, store_root, key)` is the worker function (None: `run_task`); another
    one (the fit's forecast keeps more series) must write a record that `read_valid` accepts
    under `key` and return the same ``{"ok", "key", "seed", ...}`` dict.

    Tasks are submitted in a bounded window, so neither futures nor results pile up.
    """
    from sim.experiments.store import run_key
    from sim.readouts.registry import measures

    t0 = time.perf_counter()
    names = measures()
    keys = dict(keys or {})
    for sc, _ in tasks:
        if id(sc) not in keys:
            keys[id(sc)] = run_key(sc)
    task = task or run_task
    bar = RunProgress(len(tasks), label, enabled=progress)
    ex = Execution(store)
    pending = []
    for sc, seed in tasks:
        key = keys[id(sc)]
        if store.has(key, seed):
            record, why = store.read_valid(key, seed, sc.horizon_days, names)
            if record is not None:
                on_record(sc, seed, record)
                ex.reused += 1
                bar.update(True, cached=True)
                continue
            ex.invalid.append((str(store.quarantine(key, seed)), why))
        pending.append((sc, seed))
    if ex.invalid and progress:
        print(f"{label}: {len(ex.invalid)} stored run(s) invalid, moved to {store.root / 'invalid'} and "
              f"recomputed (first: {ex.invalid[0][1]})", file=bar.stream, flush=True)

    def finish(sc, seed, result):
        ok = result["ok"]
        if ok:
            record, why = store.read_valid(result["key"], seed, sc.horizon_days, names)
            if record is None:
                ok = False
                ex.failures.append((result["key"], seed, f"the stored run is invalid right after writing: {why}"))
            else:
                on_record(sc, seed, record)
                ex.finished += 1
        else:
            ex.failures.append((result["key"], seed, result["error"]))
        bar.update(ok)

    try:
        if executor is None:
            for sc, seed in pending:
                finish(sc, seed, task(sc, seed, str(store.root), keys[id(sc)]))
        else:
            window = window or 64
            in_flight = {}
            queue = iter(pending)
            for sc, seed in queue:
                in_flight[executor.submit(task, sc, seed, str(store.root), keys[id(sc)])] = (sc, seed)
                if len(in_flight) >= window:
                    break
            while in_flight:
                done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
                for fut in done:
                    sc, seed = in_flight.pop(fut)
                    finish(sc, seed, fut.result())
                    nxt = next(queue, None)
                    if nxt is not None:
                        in_flight[executor.submit(task, nxt[0], nxt[1], str(store.root), keys[id(nxt[0])])] = nxt
    finally:
        bar.close()
    ex.seconds = time.perf_counter() - t0
    return ex


def temporary_store() -> ResultStore:
    """A store in a fresh temporary folder (for notebook use without an output folder)."""
    return ResultStore(tempfile.mkdtemp(prefix="circlesim-store-"))
