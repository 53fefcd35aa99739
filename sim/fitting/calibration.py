"""Simulation-based calibration (SBC): checks that the fit's 90% bands hold the truth 90% of the time.

For each of `n` synthetic communities (Talts et al. 2018, "Validating Bayesian inference
algorithms with simulation-based calibration"):

1. draw true parameters from the prior and a true seed;
2. simulate the community to the forecast horizon: its first `history_days` days are the
   history, the rest is the future it will actually have (its realised dormancy day);
3. fit the history (ABC-SMC, forecast) exactly as `circlesim fit` does;
4. record where each truth falls in its posterior: the posterior CDF at the truth, with
   the truth counted as one more draw and ties split uniformly at random (the randomised
   rank; exactly uniform when the posterior is right, even for few draws or a censored
   dormancy day).

A truth is inside the central 90% credible interval when that value lies in [0.05, 0.95].
If the fit is calibrated, the count of communities whose truth is inside is
Binomial(n, 0.9); `coverage_band` gives the two-sided 99% acceptance band of that count
(for n = 20: 14 to 20). Each fit is run serially in a worker, so the n fits spread over the
executor's cores; everything is seeded and gives the same numbers on every executor.

A long calibration keeps each finished community in ``OUT/community_NNN.json`` (with the
model version and settings it was run with); run it again with the same `out` and it reuses
those, so an interrupted run loses at most the communities in flight.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

DORMANCY = "dormancy day"


def coverage_band(n: int, level: float = 0.9, confidence: float = 0.99) -> tuple[int, int]:
    """The counts of n intervals at nominal `level` accepted by a two-sided `confidence` binomial test.

    >>> coverage_band(20)
    (14, 20)
    """
    from scipy.stats import binom

    tail = (1.0 - confidence) / 2.0
    return int(binom.ppf(tail, n, level)), int(binom.ppf(1.0 - tail, n, level))


def randomized_pit(values, weights, truth: float, u: float) -> float:
    """Posterior CDF at `truth` with the truth as one more draw and ties split by `u` ~ Uniform(0, 1).

    With L equally weighted draws this is (rank + u * (ties + 1)) / (L + 1), uniform on (0, 1)
    when the truth is exchangeable with the draws.

    >>> randomized_pit([1.0, 2.0, 3.0], [1, 1, 1], 2.5, 0.5)
    0.625
    """
    v = np.asarray(values, float)
    w = np.asarray(weights, float)
    w = w / w.sum()
    L = v.size
    scale = L / (L + 1.0)
    below = float(w[v < truth].sum()) if not math.isnan(truth) else 0.0
    tie = float(w[v == truth].sum())
    return scale * below + u * (1.0 / (L + 1.0) + scale * tie)


@dataclass
class Calibration:
    """The outcome of a simulation-based calibration run: per community and quantity, truth and PIT."""

    quantities: list[str]
    rows: list[dict]
    description: str
    confidence: float = 0.99
    settings: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        """How many synthetic communities."""
        return len(self.rows)

    @property
    def pit(self) -> dict:
        """{quantity: [posterior CDF at the truth, one per community]}."""
        return {q: [r[f"pit:{q}"] for r in self.rows] for q in self.quantities}

    @property
    def band(self) -> tuple[int, int]:
        """The accepted range of the count of covered truths (two-sided binomial band around 90%)."""
        return coverage_band(self.n, 0.9, self.confidence)

    def covered(self, quantity: str) -> int:
        """How many communities' truth lies in the central 90% interval of its posterior."""
        return int(sum(0.05 <= u <= 0.95 for u in self.pit[quantity]))

    def ok(self, quantity: str) -> bool:
        """Whether the coverage of `quantity` is inside the band."""
        lo, hi = self.band
        return lo <= self.covered(quantity) <= hi

    def width_ratio(self, key: str) -> float:
        """Mean over communities of (posterior 90% interval) / (prior 90% interval): below 1 = informative."""
        return float(np.mean([r[f"width:{key}"] for r in self.rows]))

    def table(self) -> pd.DataFrame:
        """One row per quantity: covered, n, share, band, verdict, and the interval width against the prior."""
        lo, hi = self.band
        out = []
        for q in self.quantities:
            c = self.covered(q)
            out.append({"quantity": q, "covered": c, "n": self.n, "share": c / self.n, "band_low": lo,
                        "band_high": hi, "calibrated": lo <= c <= hi,
                        "interval_vs_prior": self.width_ratio(q) if q != DORMANCY else None})
        return pd.DataFrame(out)

    def frame(self) -> pd.DataFrame:
        """Every community: truths, PITs, widths, the realised and forecast dormancy day."""
        return pd.DataFrame(self.rows)

    def plot(self):
        """PIT histograms and coverage per quantity."""
        from sim.outputs.fit_plots import calibration_figure

        return calibration_figure(self)


def _checkpoint_key(scenario, index: int, seed: int, history_days: int, series, settings: dict) -> dict:
    """What a stored community depends on: reused only when all of it matches."""
    from sim.version import MODEL_VERSION

    return {"model_version": MODEL_VERSION, "scenario": scenario.digest(), "index": int(index),
            "seed": int(seed), "history_days": int(history_days), "series": list(series),
            "settings": {k: settings[k] for k in sorted(settings)}}


def _stored_row(root: str, key: dict) -> dict | None:
    """The stored row of a finished community with this key, or None."""
    path = Path(root) / f"community_{key['index']:03d}.json"
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return stored.get("row") if stored.get("key") == key else None


def _store_row(root: str, key: dict, row: dict) -> None:
    """Keep a finished community's row (written to a temporary name, then renamed: never half a file)."""
    target = Path(root) / f"community_{key['index']:03d}.json"
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"key": key, "row": row}, default=float))
    os.replace(tmp, target)


def calibrate_one(scenario, index: int, seed: int, history_days: int, series, settings: dict, root: str) -> dict:
    """Worker: one synthetic community (draw truth, simulate, fit the history, locate the truths).

    The row is also written to ``root/community_NNN.json`` (atomically) for a resumed run.
    """
    from sim.experiments.runner import run_scenario
    from sim.fitting.engine import scenario_with
    from sim.fitting.forecast import lifespans
    from sim.fitting.history import history_from_frame
    from sim.fitting.run import fit
    from sim.fitting.spec import FitSpec

    spec = FitSpec.from_scenario(scenario).with_settings(**settings)
    horizon = spec.forecast_days or scenario.horizon_days
    ss = np.random.SeedSequence([int(seed) % 2**63, int(index)])
    truth_rng, pit_rng = (np.random.default_rng(s) for s in ss.spawn(2))
    truth = {p.key: float(p.sample(truth_rng)) for p in spec.parameters}
    truth_seed, fit_seed = (int(s.generate_state(1)[0]) for s in ss.spawn(2))
    sc = scenario.with_overrides([f"horizon_days={horizon}"])
    run = run_scenario(scenario_with(sc, spec, truth), seed=truth_seed, keep_model=False)
    life_true = math.inf if run.summary.get("lifespan") is None else float(run.summary["lifespan"])
    history = history_from_frame(run.timeseries.iloc[:history_days], series, path=f"<community {index}>")
    out = Path(root) / f"community_{index:03d}"
    res = fit(scenario, history, out=out, seed=fit_seed, executor="serial", progress=False, write=False, **settings)
    post = res.posterior()
    w = post["weight"].to_numpy()
    row = {"community": index, "truth_seed": truth_seed, "fit_seed": fit_seed}
    for p in spec.parameters:
        x = post[p.key].to_numpy(float)
        row[f"truth:{p.key}"] = truth[p.key]
        row[f"pit:{p.key}"] = randomized_pit(x, w, truth[p.key], float(pit_rng.random()))
        s = res.parameter_summary()[p.key]
        row[f"q05:{p.key}"], row[f"q95:{p.key}"] = s["q05"], s["q95"]
        row[f"width:{p.key}"] = s["interval_vs_prior"]
    life = lifespans([r for r in res.records if r is not None], horizon)
    row[f"truth:{DORMANCY}"] = None if math.isinf(life_true) else life_true
    row[f"pit:{DORMANCY}"] = randomized_pit(life, np.ones(life.size), life_true, float(pit_rng.random()))
    fq = res.forecast()["lifespan"]
    row[f"q05:{DORMANCY}"], row[f"q95:{DORMANCY}"] = fq["q05"], fq["q95"]
    row["simulations"] = int(res.generations["simulations"].sum())
    row["generations"] = len(res.generations)
    _store_row(root, _checkpoint_key(scenario, index, seed, history_days, series, settings), row)
    return row


def simulation_based_calibration(scenario, n: int = 20, history_days: int = 180, seed: int = 0,
                                 executor: Executor | str | None = None, workers: int | None = None,
                                 series=None, out: str | os.PathLike | None = None, progress: bool = True,
                                 **settings) -> Calibration:
    """Run SBC over `n` synthetic communities drawn from the scenario's priors (see the module docstring).

    `settings` override the `fit:` section (population_size, generations, budget,
    forecast_draws, forecast_days). `series`: the observed series (default
    members, dau, posts). `out`: where each community's fit database and finished row go (a
    temporary folder by default); communities already finished there with the same model
    version, scenario and settings are reused, not refitted.
    """
    import sys
    import time
    from concurrent.futures import FIRST_COMPLETED, wait

    from sim.experiments.executors import make_executor
    from sim.experiments.preflight import check_workers
    from sim.fitting.spec import FitSpec
    from sim.scenario import Scenario, load_scenario

    workers = check_workers(executor, workers)  # as fit's and compare's: "serial" with 8 ran serially, unsaid
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    spec = FitSpec.from_scenario(sc).with_settings(**settings)
    series = tuple(series or spec.observed or ("members", "dau", "posts"))
    root = str(out or tempfile.mkdtemp(prefix="circlesim-sbc-"))
    Path(root).mkdir(parents=True, exist_ok=True)
    args = [(sc, i, seed, history_days, series, settings, root) for i in range(n)]
    rows: list = [None] * n
    for i, a in enumerate(args):
        rows[i] = _stored_row(root, _checkpoint_key(*a[:-1]))
    reused = sum(r is not None for r in rows)
    args = [a for a, r in zip(args, rows) if r is None]
    t0 = time.perf_counter()
    if progress and reused:
        print(f"calibration: reusing {reused} communities already fitted in {root}", file=sys.stderr, flush=True)

    def note(done):
        if progress:
            print(f"calibration: {done + reused}/{n} communities fitted, {time.perf_counter() - t0:.0f} s",
                  file=sys.stderr, flush=True)

    def run_on(ex):
        if ex is None:
            for done, a in enumerate(args, 1):
                rows[a[1]] = calibrate_one(*a)
                note(done)
            return
        pending = {ex.submit(calibrate_one, *a): a[1] for a in args}
        done = 0
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for f in finished:
                rows[pending.pop(f)] = f.result()
                done += 1
                note(done)

    if args and isinstance(executor, Executor):
        run_on(executor)
    elif args:
        with make_executor(workers=workers, serial=(executor == "serial")) as pool:
            run_on(pool)
    desc = (f"{history_days}-day histories of {sc.population.size:,} people, {len(spec.parameters)} parameters, "
            f"{spec.population_size} particles, at most {spec.generations} generations (budget {spec.budget:,} "
            f"simulations), {spec.forecast_draws} forecast draws to day {spec.forecast_days or sc.horizon_days}")
    return Calibration([p.key for p in spec.parameters] + [DORMANCY], rows, desc,
                       settings={"n": n, "history_days": history_days, "seed": seed, "series": list(series),
                                 **settings})


__all__ = ["DORMANCY", "Calibration", "calibrate_one", "coverage_band", "randomized_pit",
           "simulation_based_calibration"]
