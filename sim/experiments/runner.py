"""Run one scenario and collect what a strategist reads: time series and summary.

>>> from sim.scenario import scenario_from_dict
>>> r = run_scenario(scenario_from_dict({"population": {"size": 200}}), days=10)
>>> len(r.timeseries)
10
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from sim.model import CommunityModel
from sim.model.community import MAX_DAYS, whole_number
from sim.scenario import Scenario


@dataclass
class RunResult:
    """A finished run: the daily metrics, the summary dict and the model (for inspection)."""

    timeseries: pd.DataFrame
    summary: dict
    model: CommunityModel | None = None


def run_scenario(scenario: Scenario, seed: int | None = None, days: int | None = None,
                 progress: Callable[[int, int], None] | None = None, keep_model: bool = True) -> RunResult:
    """Build the model, run it for `days` (default: the horizon) and summarise."""
    if days is not None:  # a summary needs at least one day: 0 is refused here, not after the build
        days = whole_number(days, "days", low=1, high=MAX_DAYS)
    model = CommunityModel(scenario, seed=seed)
    model.run(days=days, progress=progress)
    ts = model.timeseries()
    return RunResult(ts, model.summary(), model if keep_model else None)
