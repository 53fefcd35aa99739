"""circlesim: an agent-based simulator of brand and interest community lifecycles.

The public names load lazily (PEP 562), so `agents` can import `sim.model.mechanics` without
pulling in the model.

>>> from sim import load_scenario, run_scenario, scenarios_dir
>>> scenario = load_scenario(scenarios_dir() / "baseline.yaml", overrides=["population.size=300"])
>>> result = run_scenario(scenario, days=20)
>>> result.summary["horizon_days"]
20
"""

from importlib import import_module

__version__ = "0.2.0"  # the same as pyproject.toml's (tests/test_architecture.py checks)

_EXPORTS = {
    "CommunityModel": "sim.model.community",
    "METRICS": "sim.model.community",
    "Scenario": "sim.scenario.loader",
    "ScenarioError": "sim.scenario.loader",
    "load_scenario": "sim.scenario.loader",
    "scenario_from_dict": "sim.scenario.loader",
    "run_scenario": "sim.experiments.runner",
    "RunResult": "sim.experiments.runner",
    "analyse": "sim.readouts.lifecycle",
    "health_warnings": "sim.readouts.lifecycle",
    "compare": "sim.experiments.compare",
    "sweep": "sim.experiments.sweep",
    "CompareResult": "sim.experiments.compare",
    "SweepResult": "sim.experiments.sweep",
    "fit": "sim.fitting.run",
    "FitResult": "sim.fitting.result",
    "load_fit": "sim.fitting.result",
    "read_history": "sim.fitting.history",
    "compare_from_fit": "sim.fitting.from_fit",
    "scenarios_dir": "sim.scenario.paths",
}

#: Subpackages reachable as attributes after a bare `import sim` (`sim.scenario`).
_SUBPACKAGES = ("cli", "experiments", "fitting", "model", "outputs", "readouts", "scenario", "version")

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    if name in _SUBPACKAGES:
        return import_module(f"sim.{name}")  # the import also sets it on this package
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
