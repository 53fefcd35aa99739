"""ABC-SMC with pyabc: the simulator as a pyabc model, a resumable adaptive distance, the run.

The model is treated as a black box ``(scenario with parameters set, seed) -> daily time
series`` (`sim.model.CommunityModel`), so the fit does not depend on how any mechanism works.

* `Simulator` maps pyabc's parameters (on the ABC scale: log10 for log-uniform priors) to
  scenario overrides, derives the run's seed from the fit's seed and the exact parameter
  values, runs the first `n_days` days and returns the summary statistics
  (`sim.fitting.summary`). Because the seed is a function of the parameters, the simulation
  behind every accepted particle can be re-run exactly: the forecast continues the very
  runs the fit accepted.
* `ResumableDistance` is pyabc's `AdaptivePNormDistance` (p = 2, scales by median absolute
  deviation over every simulation of the previous generation, rejected ones included) that
  also saves its scale weights next to the database. pyabc keeps them only in memory
  (`ABCSMC.load` refits them from the accepted particles alone), so without this a resumed
  fit would drift from an uninterrupted one. The weights of generation t+1 are computed and
  saved from generation t's full sample *before* pyabc commits generation t, so there is
  no moment at which a kill leaves a stored generation without its successor's weights:
  a resumed fit gives the same posterior as an uninterrupted one (a test kills one).
* `run_abc` creates or resumes the database ``fit.db`` in the output folder
  (``ABCSMC.new`` / ``ABCSMC.load``): generations already stored are never recomputed.
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.experiments.store import atomic_write_text
from sim.fitting.spec import FitSpec
from sim.fitting.summary import SummaryLayout
from sim.scenario import Scenario

PYABC_MISSING = "circlesim fit needs pyabc: pip install 'circlesim[fit]' (or '.[fit]' in the repository)"


def require_pyabc():
    """Import pyabc or raise ImportError with the install command."""
    try:
        import pyabc
    except ImportError as exc:  # pragma: no cover - pyabc is in the [fit] and [all] extras
        raise ImportError(PYABC_MISSING) from exc
    logging.getLogger("ABC").setLevel(logging.WARNING)
    return pyabc


def parameter_names(spec: FitSpec) -> list[str]:
    """The pyabc names of the fitted parameters: p00, p01, ... in `spec` order (sorted == spec order)."""
    return [f"p{i:02d}" for i in range(len(spec.parameters))]


def particle_seed(fit_seed: int, internal_values) -> int:
    """The simulation seed of a particle: a hash of the fit's seed and the parameters' exact bits."""
    bits = np.asarray(internal_values, dtype=np.float64).view(np.uint32)
    return int(np.random.SeedSequence([int(fit_seed) % 2**63, *bits.tolist()]).generate_state(1)[0])


def format_override(key: str, value: float, integer: bool) -> str:
    """A `--set` override that round-trips the exact value."""
    return f"{key}={int(value)}" if integer else f"{key}={float(value)!r}"


@dataclass
class Simulator:
    """pyabc model: internal parameters -> the summary statistics of one simulation.

    `scenario` already has ``horizon_days`` set to the forecast horizon, so a fitted run and
    its continuation are the same run, stopped at different days.
    """

    scenario: Scenario
    spec: FitSpec
    layout: SummaryLayout
    fit_seed: int

    def natural(self, internal: dict) -> dict:
        """{dotted key: value in natural units} from pyabc's {p00: internal value}."""
        names = parameter_names(self.spec)
        return {p.key: float(p.to_natural(internal[n])) for p, n in zip(self.spec.parameters, names)}

    def seed_of(self, internal: dict) -> int:
        """The simulation seed of these internal parameter values."""
        return particle_seed(self.fit_seed, [internal[n] for n in parameter_names(self.spec)])

    def scenario_for(self, values: dict) -> Scenario:
        """The scenario with fitted parameters set to `values` (natural units)."""
        return scenario_with(self.scenario, self.spec, values)

    def run(self, internal: dict, days: int):
        """The daily time series of the first `days` days for these internal parameters."""
        from sim.model import CommunityModel

        model = CommunityModel(self.scenario_for(self.natural(internal)), seed=self.seed_of(internal))
        model.run(days=days)
        return model.timeseries()

    def __call__(self, pars) -> dict:
        """The summary statistics of one simulation at pyabc's parameters `pars` (the pyabc model)."""
        ts = self.run(dict(pars), self.layout.n_days)
        return self.layout.simulated(ts)


def scenario_with(scenario: Scenario, spec: FitSpec, values: dict) -> Scenario:
    """`scenario` with each fitted parameter set to `values[key]` (validated like `--set`)."""
    overrides = [format_override(p.key, values[p.key], p.integer) for p in spec.parameters]
    return scenario.with_overrides(overrides)


def make_distance(weights_path: Path):
    """The adaptive weighted Euclidean distance of pyabc, saving its scale weights to `weights_path`."""
    pyabc = require_pyabc()
    from pyabc.distance import PNormDistance

    class ResumableDistance(pyabc.AdaptivePNormDistance):
        """AdaptivePNormDistance whose scale weights survive a restart (see the module docstring)."""

        def __init__(self, path: str):
            super().__init__(p=2, scale_function=pyabc.distance.mad)
            self.path = str(path)
            self.resumed_from_saved_weights: bool | None = None

        def _saved(self) -> dict:
            p = Path(self.path)
            if not p.exists():
                return {}
            return {int(k): np.asarray(v, float) for k, v in json.loads(p.read_text()).items()}

        def fit_scales(self, t, sample):
            super().fit_scales(t=t, sample=sample)
            data = {str(k): np.asarray(v, float).tolist() for k, v in self.scale_weights.items()}
            atomic_write_text(Path(self.path), json.dumps(data))

        def initialize(self, t, get_sample, x_0, total_sims):
            saved = self._saved()
            if t in saved:
                PNormDistance.initialize(self, t=t, get_sample=get_sample, x_0=x_0, total_sims=total_sims)
                self.scale_weights = {k: v for k, v in saved.items() if k <= t}
                self.resumed_from_saved_weights = True
                return
            self.resumed_from_saved_weights = False if t > 0 else None
            super().initialize(t=t, get_sample=get_sample, x_0=x_0, total_sims=total_sims)

    return ResumableDistance(str(weights_path))


@dataclass
class AbcOutcome:
    """What the ABC-SMC run left in the database, read back."""

    db: Path
    particles: object  # DataFrame: internal parameters (p00 ...), weight, distance
    generations: object  # DataFrame: t, epsilon, samples, particles, acceptance_rate, ess, wall_time
    resumed_at: int | None  # first generation computed in this call (None: nothing was left to do)
    previously_done: int  # generations found in the database at the start
    exact_resume: bool | None
    total_simulations: int
    simulations_run: int  # evaluations computed in this call, discarded look-ahead ones included
    stopped_by: str


def run_abc(simulator: Simulator, out: Path, executor=None, progress=None, budget: int | None = None,
            generations: int | None = None) -> AbcOutcome:
    """Run (or resume) ABC-SMC into ``out/fit.db``; return the final population and the generations table."""
    pyabc = require_pyabc()
    from sim.fitting.sampler import SeededSampler

    spec = simulator.spec
    budget = int(budget or spec.budget)
    generations = int(generations or spec.generations)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "fit.db"
    db = f"sqlite:///{db_path.resolve()}"
    priors = pyabc.Distribution(**{n: p.pyabc_rv() for n, p in zip(parameter_names(spec), spec.parameters)})
    distance = make_distance(out / "distance_weights.json")

    def save_next_weights(t, sample):
        # exactly what distance.update(t + 1) will compute from this sample, saved before the commit
        ahead = copy.deepcopy(distance)
        ahead.fit_scales(t=t + 1, sample=sample)

    sampler = SeededSampler(executor, seed=simulator.fit_seed, progress=progress, on_sample=save_next_weights)
    abc = pyabc.ABCSMC(simulator, priors, distance, population_size=spec.population_size, sampler=sampler,
                       eps=pyabc.QuantileEpsilon(alpha=spec.quantile))
    existing = db_path.exists()
    if existing:
        history = abc.load(db, 1)
        done = history.n_populations
        # a fit killed before its first generation recomputes the calibration sample (same seeds)
        sampler.used = int(history.total_nr_simulations or 0) if done > 0 else 0
    else:
        history = abc.new(db, simulator.layout.observed())
        done = 0
    left = generations - done
    resumed_at = None
    state_path = out / "abc_state.json"
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    settings = {"generations": generations, "budget": budget, "min_acceptance_rate": spec.min_acceptance_rate}
    if state.get("settings") == settings and state.get("generations_done") == done:
        # this fit already ran to its end with these settings: nothing to do (not even one more try)
        stopped_by = state["stopped_by"]
    elif left > 0 and sampler.used < budget:
        resumed_at = done
        history = abc.run(max_nr_populations=left, min_acceptance_rate=spec.min_acceptance_rate,
                          max_total_nr_simulations=budget)
        stopped_by = _why_stopped(history, spec, generations, budget, sampler)
    elif left <= 0:
        stopped_by = f"all {generations} generations done"
    else:
        stopped_by = f"budget of {budget:,} simulations spent"
    atomic_write_text(state_path, json.dumps({"settings": settings, "generations_done": history.n_populations,
                                              "stopped_by": stopped_by}))
    if history.n_populations == 0:
        cap = spec.population_size / max(spec.min_acceptance_rate, 1e-9)
        raise RuntimeError(f"no generation finished: the first one accepted fewer than {spec.population_size} "
                           f"particles in {cap:,.0f} simulations (fit.min_acceptance_rate); widen the priors or "
                           "lower it")
    import pandas as pd

    population = history.get_population(t=history.max_t)
    frame = pd.DataFrame([{**{n: float(p.parameter[n]) for n in parameter_names(spec)}, "weight": float(p.weight),
                           "distance": float(p.distance)} for p in population.particles])
    frame["weight"] /= frame["weight"].sum()
    gens = _generations_table(history)
    return AbcOutcome(db_path, frame, gens, resumed_at, done,
                      distance.resumed_from_saved_weights, int(history.total_nr_simulations),
                      sampler.simulations_run, stopped_by)


def _why_stopped(history, spec: FitSpec, generations: int, budget: int, sampler) -> str:
    pops = history.get_all_populations()
    pops = pops[pops.t >= 0]
    last = pops.iloc[-1] if len(pops) else None
    if history.n_populations >= generations:
        return f"all {generations} generations done"
    if (history.total_nr_simulations or 0) >= budget:
        return f"budget of {budget:,} simulations spent"
    if last is not None and last.samples and spec.population_size / last.samples < spec.min_acceptance_rate:
        return f"acceptance rate fell below {spec.min_acceptance_rate:g}"
    return "stopped by pyabc (epsilon no longer falling or a generation could not finish)"


def _generations_table(history):
    import pandas as pd

    from sim.fitting.weighted import effective_sample_size

    pops = history.get_all_populations()
    pops = pops[pops.t >= 0].reset_index(drop=True)
    rows = []
    for _, r in pops.iterrows():
        _, w = history.get_distribution(m=0, t=int(r.t))
        rows.append({"generation": int(r.t), "epsilon": float(r.epsilon), "simulations": int(r.samples),
                     "particles": int(r.particles), "acceptance_rate": float(r.particles) / max(int(r.samples), 1),
                     "ess": effective_sample_size(w), "wall_time_s": float(r.wall_time or 0.0)})
    return pd.DataFrame(rows, columns=["generation", "epsilon", "simulations", "particles", "acceptance_rate",
                                       "ess", "wall_time_s"])


__all__ = ["AbcOutcome", "Simulator", "format_override", "make_distance", "parameter_names", "particle_seed",
           "require_pyabc", "run_abc", "scenario_with"]
