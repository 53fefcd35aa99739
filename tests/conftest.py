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
