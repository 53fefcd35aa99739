"""`sim.fit(...)` and `circlesim fit`: check everything, run ABC-SMC, forecast, write the folder.

Order of work, so that bad input writes nothing and an interrupted fit loses little:

1. load and validate the scenario (its `fit:` section) and the history; check them against
   each other (observed series present, forecast horizon after the last observed day);
   raise `FitInputError` (the CLI exits with 2) before anything is written;
2. refuse an output folder that holds a *different* fit (other scenario, priors, history
   or seed); the same fit resumes;
3. ABC-SMC into ``fit.db`` (resumes from the last finished generation);
4. the forecast runs into the ``forecast/`` results store (finished runs are reused);
5. write the tables, figures and reports.

>>> from sim.fitting.run import FitInputError
>>> issubclass(FitInputError, ValueError)
True
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
import time
import warnings
from concurrent.futures import Executor
from pathlib import Path

import numpy as np

from sim.fitting.history import ObservedHistory, history_from_frame, read_history
from sim.fitting.spec import FitSpec, budget_shortfall
from sim.fitting.summary import SummaryLayout
from sim.scenario import Scenario, load_scenario, scenario_from_dict
from sim.version import MODEL_VERSION

#: The forecast must run this many days past the last observation: dormancy is only recognised
#: after DAU has stayed low for 30 days (sim.readouts.lifecycle).
MIN_FORECAST_AHEAD = 31


class FitInputError(ValueError):
    """The scenario, its fit section, the history or the output folder do not fit together."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        n = len(self.problems)
        super().__init__("\n".join([f"{n} problem{'s' if n != 1 else ''} with the fit:"]
                                   + ["  " + p for p in self.problems]))


class FitProgress:
    """Progress lines on stderr: generation, accepted, acceptance rate, epsilon, elapsed and time left."""

    def __init__(self, spec: FitSpec, n_days: int, horizon: int, workers: int, stream=None, enabled=True):
        self.spec, self.n_days, self.horizon, self.workers = spec, n_days, horizon, max(1, workers)
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.t0 = time.perf_counter()
        self.last_t, self.last_quarter, self.last_print = None, -1, 0.0
        self.evaluated_before: int | None = None  # evaluations already in the database when this call began

    def seconds_left(self, event: dict) -> float:
        """A rough estimate of the seconds left: evaluations still to do, plus the forecast.

        Each later generation is assumed to accept a third fewer than the one before, and none
        starts once the budget is spent; the forecast counts as draws x horizon / history days
        evaluations; all at the wall time per evaluation seen so far.
        """
        spent = time.perf_counter() - self.t0
        if self.evaluated_before is None:
            self.evaluated_before = event["used"]
        evaluated = event["used"] + event["evaluated"] - self.evaluated_before
        per_eval = spent / evaluated if evaluated else 0.0
        n, acc, k = event["n"], max(event["accepted"], 1), max(event["evaluated"], 1)
        rate = acc / k
        left_now = (n - event["accepted"]) / max(rate, 1e-3)
        t = event["generation"]
        future = sum(n / max(rate * (2 / 3) ** (g - max(t, 0)), 1e-3)
                     for g in range(max(t, 0) + 1, self.spec.generations))
        # no generation starts once the budget is spent, but the one running then finishes
        after = max(self.spec.budget - event["used"] - event["evaluated"] - left_now, 0)
        first = n / max(rate * (2 / 3), 1e-3) if t + 1 < self.spec.generations else 0.0
        sims = left_now + (min(future, after + first) if after > 0 else 0.0)
        forecast = self.spec.forecast_draws * self.horizon / max(self.n_days, 1)
        return (sims + forecast) * per_eval

    def __call__(self, event: dict) -> None:
        """Print a line at each quarter of a generation (and at least every 30 s)."""
        if not self.enabled:
            return
        t = event["generation"]
        if t != self.last_t:
            self.last_t, self.last_quarter = t, -1
        quarter = 4 * event["accepted"] // max(event["n"], 1)
        now = time.perf_counter()
        if quarter == self.last_quarter and now - self.last_print < 30:
            return
        self.last_quarter, self.last_print = quarter, now
        what = "calibration sample (prior)" if t < 0 else \
            f"generation {t + 1} of at most {self.spec.generations}"
        rate = event["accepted"] / max(event["evaluated"], 1)
        eps = "" if event.get("epsilon") is None else f", epsilon {event['epsilon']:.4g}"
        left = self.seconds_left(event)
        print(f"fit: {what}: {event['accepted']}/{event['n']} accepted of {event['evaluated']} simulations "
              f"(acceptance {rate:.0%}{eps}); {_duration(now - self.t0)} elapsed, ~{_duration(left)} left "
              f"(budget {event['used'] + event['evaluated']:,}/{self.spec.budget:,} simulations)",
              file=self.stream, flush=True)


def _duration(s: float) -> str:
    s = max(0.0, s)
    if s < 90:
        return f"{s:.0f} s"
    if s < 5400:
        return f"{s / 60:.0f} min"
    return f"{s / 3600:.1f} h"


# ------------------------------------------------------------------------------ preparing
def _check_settings(settings: dict, seed) -> None:
    """Settings given for this fit (CLI options, keyword arguments) within the `fit:` section's ranges.

    FitInputError naming each bad setting, before anything is read or written: a setting out of
    range used to fail deep inside the fit (an IndexError for 0 particles) or after outputs
    were written (0 forecast draws).
    """
    from sim.fitting.spec import SETTINGS

    problems = []
    given = dict(settings, seed=seed)
    for key, value in given.items():
        if value is None or key not in SETTINGS:
            continue
        param = SETTINGS[key]
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            problems.append(f"fit setting {key}={value!r}: expected a whole number")
        elif value < param.low or (param.high is not None and value > param.high):
            problems.append(f"fit setting {key}={value}: must be in [{int(param.low):,}, {int(param.high):,}]")
    if problems:
        raise FitInputError(problems)


def _attach_fit_section(scenario: Scenario, parameters: dict | None, settings: dict) -> Scenario:
    """The scenario with a `fit:` section given in Python (validated like a file's)."""
    if parameters is None:
        return scenario  # the scenario's own fit: section
    if not isinstance(parameters, dict) or not parameters:
        raise FitInputError(["parameters: a non-empty dict of dotted scenario keys and their priors, e.g. "
                             "{'acquisition.q_weak': {'prior': 'uniform', 'low': 0.01, 'high': 0.1}}; leave it out "
                             f"(None) to use the scenario's fit: section; got {parameters!r}"])
    doc = scenario.to_dict()
    section = dict(scenario.fit or {})
    section.pop("where", None)
    section["parameters"] = parameters
    doc["fit"] = section
    return scenario_from_dict(doc, name=scenario.path or "<scenario>",
                              base_dir=Path(scenario.path).parent if scenario.path else None)


def prepare(scenario, history, *, parameters=None, seed=None, **settings):
    """Validate and resolve the inputs of a fit: (scenario with the forecast horizon, spec, history, layout, seed).

    Raises ScenarioError, HistoryError or FitInputError; writes nothing.
    """
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    _check_settings(settings, seed)
    sc = _attach_fit_section(sc, parameters, settings)
    spec = FitSpec.from_scenario(sc).with_settings(**settings)
    if isinstance(history, ObservedHistory):
        hist = history
    elif hasattr(history, "columns"):
        hist = history_from_frame(history)
    else:
        hist = read_history(history, spec.launch_date)
    problems = []
    series = list(spec.observed) if spec.observed else hist.series
    missing = [s for s in series if s not in hist.series]
    if missing:
        problems.append(f"{spec.where('observed')}: fit.observed: {', '.join(missing)} not in the history "
                        f"({Path(hist.path).name} has {', '.join(hist.series)})")
    horizon = spec.forecast_days or sc.horizon_days
    if horizon < hist.last_day + MIN_FORECAST_AHEAD:
        if settings.get("forecast_days") is not None:
            where, key = f"forecast_days={settings['forecast_days']} (given for this fit, not from the file)", \
                "fit.forecast_days"
        elif spec.forecast_days:
            where, key = spec.where("forecast_days"), "fit.forecast_days"
        else:
            where, key = sc.path or "<scenario>", "horizon_days"
        problems.append(f"{where}: {key}: the forecast horizon (day {horizon}) must be at least "
                        f"{MIN_FORECAST_AHEAD} days after the last observed day ({hist.last_day}) of "
                        f"{Path(hist.path).name}" + ("" if key == "fit.forecast_days" else
                                                     "; raise horizon_days or set fit.forecast_days"))
    from sim.model.population import NAMED_GRAPH_SIZES

    gtype = sc.population.graph.type
    size = NAMED_GRAPH_SIZES.get(gtype, sc.population.size)  # a named graph brings its own persons
    for s in ("members", "dau", "mau", "joins", "leaves"):  # counts of persons: none can exceed the population
        if s in hist.series and gtype != "file":
            v = np.asarray(hist.values[s], float)
            over = np.flatnonzero(v > size)
            if over.size:
                i = int(over[0])
                more = f" (and {over.size - 1:,} more day{'s' * (over.size > 2)})" if over.size > 1 else ""
                whose = (f"{size:,} persons of the {gtype} graph" if gtype in NAMED_GRAPH_SIZES
                         else f"scenario's {size:,} persons (population.size)")
                problems.append(f"{hist.where(s, i)}: {v[i]:,.6g} on day {int(hist.days[i])}{more}, more than the "
                                f"{whose}: no run can reach it; raise population.size to the community's "
                                "potential audience")
    short = budget_shortfall(spec.budget, spec.population_size)
    if short:
        given = [k for k in ("budget", "population_size") if settings.get(k) is not None]
        where = (f"{' and '.join(f'{k}={settings[k]}' for k in given)} (given for this fit, not from the file)"
                 if given else spec.where("budget" if "budget" in spec.extra.get("where", {}) else "parameters"))
        problems.append(f"{where}: fit.budget: {short}")
    if problems:
        raise FitInputError(problems)
    if "dau" in hist.series and "members" in hist.series:
        dau, members = np.asarray(hist.values["dau"], float), np.asarray(hist.values["members"], float)
        leaves = np.nan_to_num(np.asarray(hist.values["leaves"], float)) if "leaves" in hist.series else 0.0
        # DAU counts members active that day (the day's leavers included, which a history without
        # a leaves column does not show): well above the members it cannot be
        over = np.flatnonzero(dau - members - leaves > np.maximum(5.0, 0.1 * members))
        if over.size:
            i = int(over[0])
            warnings.warn(f"{hist.where('dau', i)}: {dau[i]:,.6g} active on day {int(hist.days[i])} with "
                          f"{members[i]:,.6g} members" + (f", and {over.size - 1:,} more such days" if over.size > 1
                                                           else "")
                          + ": DAU counts members active that day, so it cannot exceed members by more than the "
                          "day's leavers; check the columns", stacklevel=2)
    if hist.origin is not None and spec.launch_date and hist.origin != dt.date.fromisoformat(spec.launch_date):
        # a history read beforehand (read_history(path)) counts its days from its own first date
        warnings.warn(f"{Path(hist.path).name}: its day 0 is {hist.origin.isoformat()}, but fit.launch_date is "
                      f"{spec.launch_date}: the history was read without it; read it with "
                      f"read_history(path, launch_date={spec.launch_date!r}) or pass the file's path", stacklevel=2)
    elif hist.origin_assumed and not spec.launch_date:
        warnings.warn(f"{Path(hist.path).name}: day 0 is taken as the history's first date, {hist.date_of(0)}, "
                      "as no fit.launch_date is given; if the community launched earlier (or the dates are week "
                      "ends), set fit.launch_date, or every day and date of the forecast is shifted", stacklevel=2)
    layout = SummaryLayout.from_history(hist, series, spec.block_days)
    few = thin_history(layout.size(), len(spec.parameters))
    if few:
        warnings.warn(f"{Path(hist.path).name}: {few}", stacklevel=2)
    sc = sc.with_overrides([f"horizon_days={horizon}"])
    fit_seed = int(seed if seed is not None else (spec.seed if spec.seed is not None else sc.seed))
    return sc, spec, hist, layout, fit_seed


def thin_history(statistics: int, parameters: int) -> str | None:
    """What to say when a history gives fewer summary statistics than there are fitted parameters (pure).

    A fit is not refused then (a short history still narrows some parameters), but at most
    `statistics` directions of the parameter space can be constrained: the others stay at their prior.

    >>> thin_history(39, 4) is None
    True
    >>> thin_history(3, 4)[:62]
    'the history gives 3 summary statistics for 4 fitted parameters'
    """
    few = thin_history_headline(statistics, parameters)
    if few is None:
        return None
    return (f"{few}: at most {statistics} combination{'s' * (statistics != 1)} of them can be constrained, "
            "the rest will stay at their prior; a longer history (or fewer parameters) tells more")


def thin_history_headline(statistics: int, parameters: int) -> str | None:
    """`thin_history`'s fact alone, for a headline's list of reasons (pure).

    >>> thin_history_headline(3, 4)
    'the history gives 3 summary statistics for 4 fitted parameters'
    """
    if statistics >= parameters:
        return None
    return (f"the history gives {statistics} summary statistic{'s' * (statistics != 1)} for {parameters} fitted "
            "parameters")


def identity(sc: Scenario, spec: FitSpec, hist: ObservedHistory, layout: SummaryLayout, fit_seed: int) -> str:
    """What makes two fits the same fit (so a folder resumes): scenario, priors, statistics, history, seed, model.

    A fit never resumes across model versions: its generations would mix two models.

    The budget, the number of generations and the forecast settings may change between runs:
    a fit continues with more generations, or re-forecasts, from where it is.
    """
    return _identity_of(identity_parts(sc, spec, hist, layout, fit_seed))


def _identity_of(parts: dict) -> str:
    """The identity a fit's parts hash to (`identity`)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def identity_parts(sc: Scenario, spec: FitSpec, hist: ObservedHistory, layout: SummaryLayout, fit_seed: int) -> dict:
    """The parts `identity` hashes, by name: kept in the manifest, so a refused folder can say which differ.

    The graph file's contents and a dated history's launch day count too (a fit resumed its old
    posterior after the graph file was replaced, or with every observed day moved by a new
    `fit.launch_date`: red team, 2026-12-07); they are left out when there is no graph file or
    no date, so the fits that had neither keep their identity and still resume; a fit made
    before them resumes too (`_made_before_parts`).
    """
    from sim.experiments.store import graph_file_hash

    parts = {"scenario": sc.with_overrides(["horizon_days=1"]).digest(),
             "priors": [p.to_dict() | {"key": p.key} for p in spec.parameters],
             "series": list(layout.series), "block_days": spec.block_days, "population_size": spec.population_size,
             "quantile": spec.quantile, "history": hist.sha256, "seed": fit_seed, "model_version": MODEL_VERSION}
    graph = sc.population.graph
    if graph.type == "file" and graph.file:
        parts["graph_file"] = graph_file_hash(graph.file)
    launch = hist.date_of(0)
    if launch:
        parts["launch_date"] = launch
    return parts


#: What each identity part is, in the words of the scenario file and the command line.
_PART_NAMES = {"scenario": "the scenario's parameters", "priors": "the fitted parameters or their priors "
               "(fit.parameters)", "series": "the observed series (fit.observe)", "block_days": "fit.block_days",
               "population_size": "fit.population_size (--population-size)", "quantile": "fit.quantile",
               "history": "the history file's contents", "seed": "the seed (--seed)",
               "model_version": "circlesim's model version", "graph_file": "the graph file's contents",
               "launch_date": "the launch date (fit.launch_date): every observed day moved"}


#: Identity parts added on 2026-12-07; a fit made before has an identity without them.
_LATER_PARTS = ("graph_file", "launch_date")


def _made_before_parts(man: dict, parts: dict | None) -> bool:
    """Whether the fit of manifest `man` is this fit, made before `_LATER_PARTS` joined its identity.

    Such a fit's identity is the hash of the other parts; it resumes if those match and its
    manifest's recorded launch date is this one (its graph file's contents were not recorded,
    and are taken as they are, as before). Its manifest is then rewritten with every part.
    """
    if not parts or not man.get("identity") or "identity_parts" in man:
        return False
    if _identity_of({k: v for k, v in parts.items() if k not in _LATER_PARTS}) != man["identity"]:
        return False
    history = man.get("history")
    return (history.get("launch_date") if isinstance(history, dict) else None) == parts.get("launch_date")


def _part_order(key: str) -> tuple:
    order = list(_PART_NAMES)
    return (order.index(key) if key in order else len(order), key)


def _differing(man: dict, parts: dict | None) -> str:
    """Which identity parts the fit of manifest `man` has other than `parts` (' (differs: ...)'), or '' when unknown."""
    old = man.get("identity_parts")
    if not parts or not isinstance(old, dict):
        return ""
    names = [_PART_NAMES.get(k, k) for k in sorted(set(parts) | set(old), key=_part_order)
             if json.dumps(old.get(k), sort_keys=True, default=str) != json.dumps(parts.get(k), sort_keys=True,
                                                                                     default=str)]
    return f" (differs: {'; '.join(names)})" if names else ""


def check_folder(out: Path, ident: str, create: bool = False, parts: dict | None = None) -> bool:
    """True when `out` holds this fit (resume); False when it is new; FitInputError for another fit.

    Also refused: an `out` that is a file, lies under one, is not writable, or holds another
    command's outputs (a run, compare or sweep folder, whose files the fit would overwrite).
    `create`: also create the folder and write a probe into it, so a folder that cannot be
    created (a read-only or virtual file system) is refused before the fit starts. `parts`
    (`identity_parts`): with them, a refusal names what differs from the fit in `out`.
    """
    from sim.outputs.folder import OutputError, check_usable, using

    try:
        check_usable(out, "fit")
        if create:
            with using(out, "fit"):
                pass
    except OutputError as exc:
        raise FitInputError([f"--out: {exc}"]) from None
    man = out / "fit_manifest.json"
    if not man.exists():
        if (out / "fit.db").exists():
            raise FitInputError([f"{out}: holds a fit database but no fit_manifest.json; delete {out / 'fit.db'} "
                                 "or choose another --out"])
        return False
    try:
        held = json.loads(man.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        held = None
    held = held if isinstance(held, dict) else {}
    if held.get("identity") != ident and _made_before_parts(held, parts):
        return True
    if held.get("identity") != ident:
        what = _differing(held, parts) or " (another scenario, fit section, history or seed)"
        raise FitInputError([f"{out}: holds a different fit{what}; choose another --out, or delete the folder to "
                             "start over"])
    return True


def lock_folder(out: Path):
    """Hold ``out/.lock`` while a fit runs there (an ExitStack to close); FitInputError if another process holds it.

    The same lock as every output folder (`sim.outputs.folder.lock`): re-entrant in this process,
    so the fit's final publication takes it again; it dies with its process (also on SIGKILL),
    so a killed fit never blocks its resume, and `compare --from-fit` waits for no half-written set.
    """
    from sim.outputs.folder import OutputError, lock

    stack = contextlib.ExitStack()
    try:
        stack.enter_context(lock(out))
    except OutputError:
        raise FitInputError([f"{out}: another circlesim process (a fit, or a compare reading it) is using this "
                             "folder; wait for it or choose another --out"]) from None
    return stack


def _write_manifest(out: Path, sc, spec, hist, layout, fit_seed, parts: dict) -> None:
    from sim.experiments.store import atomic_write_text, versions
    from sim.fitting.engine import require_pyabc

    pyabc = require_pyabc()
    man = {"kind": "fit", "identity": _identity_of(parts), "identity_parts": parts,
           "model_version": MODEL_VERSION,
           "versions": {**versions(), "pyabc": pyabc.__version__},
           "scenario": {"path": sc.path, "digest": sc.digest(), "resolved": sc.to_dict()},
           "fit": spec.to_dict(), "observed": list(layout.series), "seed": fit_seed,
           "history": {"path": hist.path, "sha256": hist.sha256, "last_day": hist.last_day,
                       "series": hist.series, "launch_date": hist.date_of(0), "comments": hist.comments}}
    atomic_write_text(out / "fit_manifest.json", json.dumps(man, indent=2, default=str))
    from sim.fitting.history import write_history

    # the copy counts days from launch (the launch date is in the manifest) and keeps the file's comments
    write_history(hist.frame().drop(columns=["date"], errors="ignore"), out / "history.csv", hist.comments)


# ------------------------------------------------------------------------------ the fit
def fit(scenario, history, out: str | os.PathLike | None = None, *, parameters: dict | None = None,
        budget: int | None = None, generations: int | None = None, population_size: int | None = None,
        forecast_draws: int | None = None, forecast_days: int | None = None, seed: int | None = None,
        executor: Executor | str | None = None, workers: int | None = None, progress: bool = True,
        write: bool = True):
    """Fit a scenario's `fit:` parameters to a community's history with ABC-SMC, then forecast it.

    Parameters
    ----------
    scenario : path or Scenario
        A scenario with a `fit:` section, or any scenario plus `parameters`.
    history : path, ObservedHistory or DataFrame
        The community's history (see `sim.fitting.history`).
    out : folder, optional
        Where the database, tables, figures and reports go (a temporary folder if None).
        The same call with the same folder resumes an interrupted fit.
    parameters : dict, optional
        Priors as in the `fit:` section, e.g. ``{"acquisition.q_weak": {"prior": "uniform",
        "low": 0.01, "high": 0.15}}``; replaces the section's.
    budget, generations, population_size, forecast_draws, forecast_days, seed
        Override the `fit:` section's settings.
    executor : Executor, "serial" or None
        Where simulations run: any concurrent.futures Executor (a Dask client's
        `get_executor()`), "serial" (this process), or None for a local process pool of
        `workers` processes. Every choice gives the same result for a given seed.
    write : bool
        Write the tables, figures and reports (False: only the database and the forecast
        store, as the calibration test does for speed).

    Returns
    -------
    FitResult
    """
    from sim.experiments.preflight import check_workers
    from sim.fitting.engine import require_pyabc

    workers = check_workers(executor, workers)  # as compare's: "bad" or 3 ran on a local pool
    settings = dict(budget=budget, generations=generations, population_size=population_size,
                    forecast_draws=forecast_draws, forecast_days=forecast_days)
    sc, spec, hist, layout, fit_seed = prepare(scenario, history, parameters=parameters, seed=seed, **settings)
    require_pyabc()
    out = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="circlesim-fit-"))
    parts = identity_parts(sc, spec, hist, layout, fit_seed)
    ident = _identity_of(parts)
    resuming = check_folder(out, ident, parts=parts)
    out.mkdir(parents=True, exist_ok=True)
    lock = lock_folder(out)
    try:
        return _fit_locked(out, sc, spec, hist, layout, fit_seed, parts, resuming, executor, workers, progress, write)
    finally:
        if lock is not None:
            lock.close()


def _fit_locked(out, sc, spec, hist, layout, fit_seed, parts, resuming, executor, workers, progress, write):
    """The body of `fit` once the inputs are valid and the folder is locked."""
    from sim.experiments.executors import default_workers, describe, make_executor
    from sim.experiments.store import ResultStore
    from sim.fitting.engine import Simulator, run_abc
    from sim.fitting.forecast import make_draws, run_forecast
    from sim.fitting.result import FitResult
    from sim.fitting.sampler import executor_slots

    _write_manifest(out, sc, spec, hist, layout, fit_seed, parts)
    simulator = Simulator(sc, spec, layout, fit_seed)
    t0 = time.perf_counter()

    def work(ex):
        slots = executor_slots(ex)
        bar = FitProgress(spec, layout.n_days, sc.horizon_days, slots, enabled=progress)
        if progress and resuming:
            print(f"fit: resuming the fit in {out}", file=sys.stderr, flush=True)
        abc = run_abc(simulator, out, executor=ex, progress=bar)
        if progress:
            if abc.previously_done:
                print(f"fit: {abc.previously_done} generation(s) read from {abc.db.name}, not recomputed",
                      file=sys.stderr, flush=True)
            print(f"fit: ABC-SMC stopped: {abc.stopped_by}; {abc.total_simulations:,} simulations in "
                  f"{len(abc.generations)} generation(s)", file=sys.stderr, flush=True)
        particles = abc.particles
        posterior = particles[["weight", "distance"]].copy()
        internal = particles[[c for c in particles.columns if c.startswith("p") and c[1:].isdigit()]]
        natural = [simulator.natural(dict(r)) for _, r in internal.iterrows()]
        for p in spec.parameters:
            posterior[p.key] = [v[p.key] for v in natural]
        posterior["seed"] = [simulator.seed_of(dict(r)) for _, r in internal.iterrows()]
        posterior.insert(0, "particle", np.arange(len(posterior)))
        posterior = posterior[["particle", "weight", *spec.keys, "seed", "distance"]]
        draws = make_draws(particles, simulator, spec.forecast_draws, fit_seed)
        records, failures = run_forecast(simulator, draws, ResultStore(out / "forecast"), ex, progress)
        info = {"executor": describe(ex), "resumed": bool(abc.previously_done), "generations_reused":
                abc.previously_done, "exact_resume": abc.exact_resume, "stopped_by": abc.stopped_by,
                "total_simulations": abc.total_simulations, "simulations_run_this_call": abc.simulations_run,
                "wall_seconds_this_call": round(time.perf_counter() - t0, 1)}
        return FitResult(sc, spec, hist, layout, fit_seed, posterior, abc.generations, draws, records, failures,
                         info, out)

    if isinstance(executor, Executor):
        result = work(executor)
    else:
        with make_executor(workers=workers or default_workers(), serial=(executor == "serial")) as pool:
            result = work(pool)
    if write:
        result.write(out)
    return result


__all__ = ["FitInputError", "FitProgress", "MIN_FORECAST_AHEAD", "check_folder", "fit", "identity", "identity_parts",
           "lock_folder", "prepare"]
