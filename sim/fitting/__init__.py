"""`sim.fitting`: fit the model to a community's own history and forecast its lifecycle (issue 10).

* `history`: the history CSV and its validation (file, line, column in every error);
* `spec`: the scenario's `fit:` section: dotted parameters, priors, settings;
* `summary`: the summary statistics (log of block means) and why;
* `engine`: the simulator as a pyabc model, the resumable adaptive distance, ABC-SMC;
* `sampler`: a reproducible pyabc sampler on any concurrent.futures executor;
* `forecast`: posterior draws continued past the last observation, and their read-outs;
* `result`: `FitResult` (posterior, forecast, figures, reports) and `load_fit`;
* `run`: `fit(...)`, behind `sim.fit` and `circlesim fit`;
* `from_fit`: `compare --from-fit`, designs compared over posterior draws;
* `calibration`: simulation-based calibration (the honesty test of the bands).

pyabc is an optional dependency (``pip install 'circlesim[fit]'``); only the engine imports it.
"""

from importlib import import_module

_EXPORTS = {
    "fit": "sim.fitting.run",
    "FitInputError": "sim.fitting.run",
    "FitResult": "sim.fitting.result",
    "load_fit": "sim.fitting.result",
    "FitSpec": "sim.fitting.spec",
    "Prior": "sim.fitting.spec",
    "read_history": "sim.fitting.history",
    "HistoryError": "sim.fitting.history",
    "ObservedHistory": "sim.fitting.history",
    "compare_from_fit": "sim.fitting.from_fit",
    "simulation_based_calibration": "sim.fitting.calibration",
}

__all__ = list(_EXPORTS)


def __getattr__(name):
    """Load the public names on first use (pyabc is imported only when a fit runs)."""
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim.fitting' has no attribute {name!r}")
