"""circlesim: an agent-based simulator of brand and interest community lifecycles.

>>> from sim import load_scenario, run_scenario
>>> result = run_scenario(load_scenario("scenarios/baseline.yaml", overrides=["population.size=300"]), days=20)
>>> result.summary["horizon_days"]
20
"""

from sim.lifecycle import analyse, health_warnings
from sim.model import METRICS, CommunityModel
from sim.runner import RunResult, run_scenario
from sim.scenario import Scenario, ScenarioError, load_scenario, scenario_from_dict

__version__ = "0.1.0"

__all__ = ["CommunityModel", "METRICS", "Scenario", "ScenarioError", "load_scenario",
           "scenario_from_dict", "run_scenario", "RunResult", "analyse", "health_warnings",
           "__version__"]
