"""One simulated day: the context every mechanism receives, and what the earlier ones produced.

A mechanism's `step(day)` reads only what it needs from here (the state, the population, its
scenario section, the random generator, today's strategy effects and the results of the
mechanisms that ran before it) and returns a small typed result, which the model stores under
the mechanism's name. Nothing is written onto the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Day:
    """The context of day `number`; `results` fills in as the mechanisms run, in order."""

    number: int
    state: Any            # sim.model.state.State
    population: Any       # sim.model.population.Population
    scenario: Any         # sim.scenario.Scenario
    rng: np.random.Generator
    effects: Any          # sim.model.strategies.Effects
    strategies: tuple = ()  # strategies in force today, sorted by name (for their hooks)
    results: dict = field(default_factory=dict)

    def keep(self, name: str, result: Any) -> None:
        """Store a mechanism's result: in `results`, and as an attribute (`day.content`) read directly."""
        self.results[name] = result
        self.__dict__[name] = result

    def __getattr__(self, name: str) -> Any:
        """A result of an earlier mechanism, by its name: `day.content`, `day.reading` (stored by `keep`)."""
        results = self.__dict__.get("results")
        if results is not None and name in results:
            return results[name]
        raise AttributeError(f"no result {name!r} yet today (mechanisms so far: {list(results or ())})")
