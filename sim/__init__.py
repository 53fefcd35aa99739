"""circlesim: an agent-based simulator of brand and interest community lifecycles.

The public names load lazily (PEP 562), so `agents` can import `sim.mechanics` without
pulling in the model.

>>> from sim import load_scenario, run_scenario
>>> result = run_scenario(load_scenario("scenarios/baseline.yaml", overrides=["population.size=300"]), days=20)
>>> result.summary["horizon_days"]
20
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "CommunityModel": "sim.model",
    "METRICS": "sim.model",
    "Scenario": "sim.scenario",
    "ScenarioError": "sim.scenario",
    "load_scenario": "sim.scenario",
    "scenario_from_dict": "sim.scenario",
    "run_scenario": "sim.runner",
    "RunResult": "sim.runner",
    "analyse": "sim.lifecycle",
    "health_warnings": "sim.lifecycle",
    "compare": "sim.comparison",
    "sweep": "sim.sweeps",
    "CompareResult": "sim.comparison",
    "SweepResult": "sim.sweeps",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sim' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
