"""The scenario language: the parameter schema, the YAML loader and the generated reference.

`params.py` defines one parameter, `schema.py` assembles the tree from the sections declared
next to the code that reads them, `loader.py` turns YAML into a validated, frozen `Scenario`,
`reference.py` writes `docs/scenarios.md`. Names load lazily (PEP 562), so a mechanism can
import `sim.scenario.params` while the schema imports the mechanisms.

>>> from sim import load_scenario, scenarios_dir
>>> load_scenario(scenarios_dir() / "baseline.yaml").population.size
5000
"""

from importlib import import_module

_EXPORTS = ("Problem", "Scenario", "ScenarioError", "check_graph", "default_scenario", "load_scenario",
            "scenario_from_dict", "strategy_schema")

__all__ = list(_EXPORTS)


def __getattr__(name):
    """Load the loader's public names on first use."""
    if name in _EXPORTS:
        return getattr(import_module("sim.scenario.loader"), name)
    raise AttributeError(f"module 'sim.scenario' has no attribute {name!r}")
