"""CommunityModel: a Mesa model of a community's lifecycle, one simulated day per step.

The model owns the state arrays (`sim.model.state.State`), launches the community
(`sim.model.founding`) and runs one day as an ordered list of mechanisms
(`sim.model.mechanics.DAILY_STEPS`), each in its own module. Members are also Mesa agents
(`agents/`), thin handles kept in step with the arrays whenever you look at them. The day's
read-outs are declared in `sim.readouts.registry` and recorded by `sim.readouts.recorder`.

Example
-------
>>> from sim import CommunityModel, load_scenario, scenarios_dir
>>> model = CommunityModel(load_scenario(scenarios_dir() / "baseline.yaml", overrides=["population.size=400"]))
>>> model.run(days=30)
>>> int(model.timeseries()["day"].iloc[-1])
29
"""

from __future__ import annotations

import numbers
import os
from typing import Callable

import mesa
import networkx as nx
import numpy as np

from agents.member import sync_handles
from sim.model import allocator, founding, memory
from sim.model.day import Day
from sim.model.graphs import SocialGraph
from sim.model.mechanics import DAILY_STEPS
from sim.model.population import Population, build_population
from sim.model.state import Circle, State
from sim.model.strategies import KINDS, StrategyConflict, check_conflicts, in_force, todays_effects
from sim.readouts import registry
from sim.readouts.recorder import DailyCollector, Recorder, reporters
from sim.scenario import Scenario
from sim.scenario.schema import SCHEMA

#: Most days one run may take: horizon_days' upper bound (the CLI's --days has the same).
MAX_DAYS = int(SCHEMA["horizon_days"].high)

#: Columns of the daily time series, in order, with their meaning (from the read-out registry).
METRICS = {name: r.doc or r.label for name, r in registry.DAILY.items()}


class CommunityModel(mesa.Model):
    """A brand or interest community on a social graph, simulated day by day.

    Parameters
    ----------
    scenario : Scenario
        Validated scenario (see `sim.scenario.load_scenario`).
    seed : int, optional
        Overrides `scenario.seed`. Same scenario and seed give identical results.
    graph : networkx.Graph or sim.model.graphs.SocialGraph, optional
        Use this social graph instead of the scenario's generator (a `SocialGraph` for large
        graphs: no networkx graph is built).
    """

    def __init__(self, scenario: Scenario, seed: int | None = None, graph=None):
        if not isinstance(scenario, Scenario):
            hint = "; load a file with sim.load_scenario(path)" if isinstance(scenario, (str, os.PathLike)) else ""
            raise TypeError(f"CommunityModel expects a Scenario, got {type(scenario).__name__}{hint}")
        if graph is not None and not isinstance(graph, (nx.Graph, SocialGraph)):
            raise TypeError(f"graph must be a networkx Graph or a SocialGraph, got {type(graph).__name__}")
        seed = whole_number(scenario.seed if seed is None else seed, "seed", high=2**63 - 1)
        # refuse a run that cannot fit before spending minutes building it (sim.model.memory)
        memory.check_scenario(scenario, graph)
        # a large build allocates thousands of big arrays: keep glibc from faulting each in anew
        allocator.tune_for(graph.number_of_nodes() if graph is not None
                           else memory.graph_size(scenario.population.graph, scenario.population.size)[0])
        super().__init__(rng=np.random.default_rng(seed))
        self.seed_value = seed
        self.scenario = scenario
        self.day = 0
        self.population: Population = build_population(scenario.population, self.rng, graph=graph)
        founding.check_fits(scenario, self.population.n)
        self.state = State(self.population.n)
        self.strategies = [KINDS[kind](name, spec) for name, kind, spec in scenario.strategies]
        check_conflicts(self.strategies, scenario.horizon_days)
        self._clashes_checked = scenario.horizon_days  # days [0, this) are free of strategy clashes
        for strategy in self.strategies:
            strategy.bind(self)
        self.today: dict = {}
        self.last_day: Day | None = None
        self.recorder = Recorder()
        self._handles: dict = {}
        self._handle_circle = np.full(self.population.n, -1, np.int8)
        founders = founding.found(self.state, self.population, scenario, self.rng)
        self.recorder.found(founders, staff=np.flatnonzero(self.state.circle == Circle.ORGANIZER))
        self.datacollector = DailyCollector(model_reporters=reporters())
        #: The day's mechanisms in order, `(name, step)` (`DAILY_STEPS`). A research experiment
        #: may wrap one on its own model, e.g. to remove replies at random
        #: (`sim.experiments.evidence.newcomer_reply_experiment`); scenarios never change it.
        self.daily_steps = DAILY_STEPS

    # ------------------------------------------------------------------ Mesa agent views
    @property
    def agents(self):
        """All member agents (kept in step with the state arrays on access)."""
        sync_handles(self)
        return super().agents

    @property
    def agents_by_type(self):
        """Member agents by circle class: `model.agents_by_type[CoreMember]`."""
        sync_handles(self)
        return super().agents_by_type

    def remove_all_agents(self) -> None:
        """Refused, like `Member.remove`: the members are the state arrays' and leave in the daily step."""
        raise TypeError("CommunityModel.remove_all_agents(): members leave in the model's daily step "
                        "(sim/model/mechanics/churn.py); removing their Mesa handles would leave them members "
                        "without one. Build a new model to start over.")

    def member(self, person: int):
        """The Mesa agent of a member person (None for non-members)."""
        # 0.7 or True is a mistake, not person 0 or 1; nor is a person the graph does not have
        person = whole_number(person, "person", high=self.state.n - 1)
        sync_handles(self)
        return self._handles.get(person)

    @property
    def founders(self) -> int:
        """Members on day 0 (organizers, core experts, founding members)."""
        return self.recorder.founders

    # ------------------------------------------------------------------ one day
    def step(self) -> None:
        """Run one day: strategies set the day's effects, the mechanisms run in order, then record."""
        if self.day >= self._checked_until():  # stepping past the horizon: one more day to check
            self._check_clashes_until(self.day + 1)
        strategies = in_force(self.strategies, self.day)
        day = Day(self.day, self.state, self.population, self.scenario, self.rng,
                  todays_effects(strategies, self.day), strategies)
        for name, mechanism in self.daily_steps:
            day.keep(name, mechanism(day))
        self.today = self.recorder.record(self, day)
        self.datacollector.collect(self)
        self.last_day = day
        self.day += 1

    def run(self, days: int | None = None, progress: Callable[[int, int], None] | None = None) -> None:
        """Run `days` days (default: the scenario's horizon). `progress(done, total)` is called daily."""
        # the same bound as horizon_days (and the CLI's --days): a typo of 10**9 is refused, not run for hours
        total = self.scenario.horizon_days if days is None else whole_number(days, "days", high=MAX_DAYS)
        if progress is not None and not callable(progress):  # found before the first day, not after it
            raise TypeError(f"progress must be a function progress(done, total), or None; got {progress!r}")
        if self.day + total > self._checked_until():  # before any of the run: a clash is named, not met mid-run
            self._check_clashes_until(self.day + total)
        for i in range(total):
            self.step()
            if progress is not None:
                progress(i + 1, total)

    def _checked_until(self) -> int:
        """Days [0, this) are known free of strategy clashes (a model pickled before this check: its horizon)."""
        return getattr(self, "_clashes_checked", self.scenario.horizon_days)

    def _check_clashes_until(self, end: int) -> None:
        """Check days [0, end) for clashing strategies, past the horizon the scenario's own check covered.

        Raises `StrategyConflict` naming file, strategies and day, and how to have it reported
        when the scenario is loaded.
        """
        try:
            check_conflicts(self.strategies, end, since=self._checked_until())  # the days not yet checked
        except StrategyConflict as exc:
            raise StrategyConflict(
                f"{self.scenario.path or 'scenario'}: {exc} (this run goes to day {end - 1}, past the horizon "
                f"checked when the scenario was loaded, {self.scenario.horizon_days} days: load it with "
                f"days={end} to have every clash reported with its line)") from None
        self._clashes_checked = end

    # ------------------------------------------------------------------ read-outs
    def timeseries(self):
        """The daily read-outs as a pandas DataFrame (one row per day, columns `METRICS`)."""
        return self.datacollector.get_model_vars_dataframe()

    def summary(self) -> dict:
        """Run summary: lifecycle phases, lifespan and every read-out (see `sim.readouts`)."""
        from sim.readouts.metrics import summarize

        if self.day == 0:
            raise ValueError("no day has been simulated yet: call run() or step() before summary()")
        return summarize(self)


def whole_number(value, name: str, low: int = 0, high: int | None = None) -> int:
    """`value` as an int in [low, high]; TypeError for non-integers (2.9, '3', True), ValueError out of range.

    numpy integers are integers.

    >>> whole_number(np.int64(3), "days")
    3
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number (an int), got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        allowed = f"at least {low}" if high is None else f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {allowed}, got {value}")
    return value
