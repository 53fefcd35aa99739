"""Shared helpers: paths, a small-scenario factory and a model runner."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture
def root() -> Path:
    return ROOT


def small(overrides=(), path="baseline.yaml", **kw):
    """A shipped scenario at test size."""
    from sim.scenario import load_scenario

    return load_scenario(SCENARIOS / path, overrides=list(overrides), **kw)


def own_strategy_kind(name: str, boost: float):
    """Register a strategy kind of a researcher's own, `name`, that multiplies external joining by `boost`.

    What a notebook does with `sim.model.strategies.register`; the caller pops it from `KINDS`.
    """
    from sim.model.strategies import register
    from sim.model.strategies.base import Strategy
    from sim.scenario.params import P

    @register
    class Nudge(Strategy):
        kind = name
        summary = "test"
        PARAMS = {"size": P(0.5, "float", "x", "doc", 0, 10)}

        def apply(self, effects, day):
            effects.external_boost *= boost

    return Nudge
