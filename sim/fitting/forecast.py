"""The forecast: posterior draws continued past the last observed day, and what they say.

Draws. `forecast_draws` particles are drawn from the final ABC population in proportion to
their weights (systematic resampling, seeded). Each draw is the accepted particle's own
simulation, parameters *and* seed, so its first days are the very run the fit judged
close to the history, and the forecast conditions on the observed path, not only on the
parameters. A particle drawn twice would repeat the same run; its second and later copies
get fresh seeds (spawned from the particle's seed) and so add the run-to-run noise of that
parameter set instead.

Runs go through the results store (``<out>/forecast/``) on the same executors as
`compare`, so an interrupted forecast resumes and every engine gives the same numbers.

Read-outs: the dormancy day (`lifespan`: first day of dormancy, as in `summary.json`;
a community still alive at the forecast horizon counts as "after the horizon"), the peak
day, peak DAU and members, active member-days, and for each day D of `dormant_by` the
probability of being dormant by day D. Each has q05, q50 and q95; a probability's are
the Jeffreys interval of its Monte Carlo error over the draws.
"""

from __future__ import annotations

import math
import traceback

import numpy as np
import pandas as pd

from sim.experiments.store import ResultStore
from sim.fitting.history import SERIES
from sim.fitting.weighted import systematic_resample, weighted_quantile

#: Read-outs of a forecast run summarised with quantiles (besides the dormancy day).
FORECAST_MEASURES = ("peak_day", "peak_dau", "peak_members", "active_member_days")
#: Daily series every forecast run keeps (for the fan charts).
KEPT_SERIES = ("dau",) + tuple(s for s in SERIES if s != "dau")
#: Series every stored run record holds at its top level (`ResultStore.read_valid` checks them).
STORED_COUNTS = ("dau", "members")


def daily(record: dict, series: str) -> list:
    """One daily series of a forecast record: a stored count (dau, members) or one of `record["series"]`."""
    return record[series] if series in STORED_COUNTS else record["series"][series]


def make_draws(particles: pd.DataFrame, simulator, n: int, seed: int) -> pd.DataFrame:
    """`n` posterior draws: particle index, simulation seed and parameter values (natural units)."""
    from sim.fitting.engine import parameter_names

    names = parameter_names(simulator.spec)
    rng = np.random.default_rng(np.random.SeedSequence([int(seed) % 2**63, 0xF0CA57]))
    picks = np.sort(systematic_resample(particles["weight"].to_numpy(), n, rng))
    rows, copies = [], {}
    for draw, i in enumerate(picks):
        internal = {k: float(particles.loc[i, k]) for k in names}
        base_seed = simulator.seed_of(internal)
        k = copies.get(i, 0)
        copies[i] = k + 1
        run_seed = base_seed if k == 0 else int(np.random.SeedSequence([base_seed, k]).generate_state(1)[0])
        rows.append({"draw": draw, "particle": int(i), "copy": k, "seed": run_seed,
                     **simulator.natural(internal)})
    return pd.DataFrame(rows)


def forecast_task(scenario, seed: int, store_root: str, key: str | None = None) -> dict:
    """Worker: run one draw to the forecast horizon; store read-outs, dormancy day and daily series."""
    from sim.experiments.runner import run_scenario
    from sim.experiments.store import run_key
    from sim.readouts.registry import run_values

    store = ResultStore(store_root)
    digest = scenario.digest()
    try:
        key = key or run_key(scenario)
        result = run_scenario(scenario, seed=seed, keep_model=False)
        ts = result.timeseries
        record = {"digest": digest, "population": int(result.summary["population"]),
                  "lifespan": result.summary.get("lifespan"),
                  "readouts": run_values(result.summary, ts),
                  "dau": ts["dau"].astype(int).tolist(), "members": ts["members"].astype(int).tolist(),
                  # dau and members are kept once, above (the store validates them there)
                  "series": {s: ts[s].astype(float).tolist() for s in KEPT_SERIES
                             if s in ts.columns and s not in STORED_COUNTS}}
        store.write_run(key, seed, record)
        return {"ok": True, "key": key, "digest": digest, "seed": int(seed)}
    except Exception:  # noqa: BLE001 - reported, the other draws finish
        key = key or "unkeyed"
        store.write_failure(key, seed, traceback.format_exc())
        return {"ok": False, "key": key, "digest": digest, "seed": int(seed), "error": traceback.format_exc()}


def run_forecast(simulator, draws: pd.DataFrame, store: ResultStore, executor=None, progress: bool = True):
    """Run every draw to the horizon (reusing stored runs); return (records in draw order, failures)."""
    from sim.experiments.replications import execute
    from sim.fitting.engine import scenario_with

    spec = simulator.spec
    tasks, keys = [], []
    for _, d in draws.iterrows():
        sc = scenario_with(simulator.scenario, spec, {k: d[k] for k in spec.keys})
        tasks.append((sc, int(d["seed"])))
        keys.append((sc.digest(), int(d["seed"])))
    found: dict = {}

    def on_record(sc, seed, record):
        found[(record["digest"], int(seed))] = record

    ex = execute(tasks, store, executor, on_record, progress, label="forecast", task=forecast_task)
    records = [found.get(k) for k in keys]
    return records, ex.failures


def lifespans(records, horizon: int) -> np.ndarray:
    """Dormancy day of each run, inf when still alive at the horizon."""
    return np.array([math.inf if r["lifespan"] is None else float(r["lifespan"]) for r in records])


def _q(values) -> dict:
    v = np.asarray(values, float)
    qs = weighted_quantile(v, np.ones(v.size), [0.05, 0.5, 0.95])
    return {name: (None if not math.isfinite(x) else float(x)) for name, x in zip(("q05", "q50", "q95"), qs)}


def jeffreys(k: int, n: int) -> dict:
    """Probability k/n with the 5%, 50% and 95% points of its Jeffreys Beta(k+1/2, n-k+1/2) posterior."""
    from scipy.stats import beta

    dist = beta(k + 0.5, n - k + 0.5)
    return {"probability": k / n if n else None, "q05": float(dist.ppf(0.05)), "q50": float(dist.ppf(0.5)),
            "q95": float(dist.ppf(0.95)), "draws": n}


def most_likely(values: np.ndarray) -> float | None:
    """The mode of the finite values (Gaussian kernel density), or the median when too few to smooth."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return None
    if v.size < 5 or np.ptp(v) == 0:
        return float(np.median(v))
    from scipy.stats import gaussian_kde

    grid = np.linspace(v.min(), v.max(), 512)
    return float(grid[np.argmax(gaussian_kde(v)(grid))])


def forecast_summary(records, horizon: int, dormant_by=(365, 730), last_observed: int | None = None) -> dict:
    """The forecast block of fit_summary.json (see the module docstring)."""
    ok = [r for r in records if r is not None]
    n = len(ok)
    life = lifespans(ok, horizon)
    alive = int(np.sum(~np.isfinite(life)))
    out: dict = {"draws": n, "horizon_days": int(horizon), "last_observed_day": last_observed}
    lq = _q(life)
    out["lifespan"] = {**lq, "most_likely": most_likely(life), "after_horizon_share": alive / n if n else None,
                       "unit": "day of dormancy (first dormant day); null quantile = after the horizon"}
    for m in FORECAST_MEASURES:
        vals = [r["readouts"].get(m) for r in ok]
        vals = [math.nan if v is None else float(v) for v in vals]
        out[m] = _q(vals)
    beyond = []
    for d in dormant_by:
        if d <= horizon:
            out[f"dormant_by_day_{d}"] = jeffreys(int(np.sum(life <= d)), n)
        else:
            beyond.append(int(d))
    if beyond:  # asked for (fit.dormant_by) but past the forecast: say so rather than drop them
        out["dormant_by_beyond_horizon"] = beyond
    out["alive_at_horizon"] = jeffreys(alive, n)
    return out


def fan(records, series: str, horizon: int) -> pd.DataFrame:
    """Per-day 5/25/50/75/95% points of a series over the forecast draws."""
    ok = [r for r in records if r is not None and (series in r["series"] or series in STORED_COUNTS)]
    if not ok:
        return pd.DataFrame(columns=["day", "q05", "q25", "q50", "q75", "q95"])
    arr = np.array([np.asarray(daily(r, series)[:horizon], float) for r in ok])
    qs = np.quantile(arr, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
    df = pd.DataFrame({"day": np.arange(arr.shape[1])})
    for name, row in zip(("q05", "q25", "q50", "q75", "q95"), qs):
        df[name] = row
    return df


__all__ = ["FORECAST_MEASURES", "KEPT_SERIES", "fan", "forecast_summary", "forecast_task", "jeffreys",
           "lifespans", "make_draws", "most_likely", "run_forecast"]
