"""Regression guard: every shipped scenario's outputs are byte-identical to the recorded hashes.

`tests/data/golden_hashes.json` holds, per scenario and seed, the SHA-256 of `timeseries.csv`
and `summary.json` (less its wall-clock `timing` and its `provenance`) as `circlesim run` writes them. A refactor
must reproduce them; a behaviour change rewrites them on purpose
(`python tests/data/golden.py --write`) and says why in the commit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
sys.path.insert(0, str(DATA))
from golden import HASHES, SEEDS, VERSION, run_hashes, scenario_names  # noqa: E402

RECORDED = json.loads(HASHES.read_text())


def test_hashes_were_written_with_this_model_version():
    """A behaviour change bumps sim.version.MODEL_VERSION together with the hashes (golden.py checks)."""
    from sim.version import MODEL_VERSION

    assert int(VERSION.read_text()) == MODEL_VERSION


def test_every_shipped_scenario_is_recorded():
    assert sorted(RECORDED) == sorted(f"{n}@{s}" for n in scenario_names() for s in SEEDS)


@pytest.mark.parametrize("name", scenario_names())
def test_outputs_match_golden_hashes(name):
    for seed in SEEDS:
        assert run_hashes(name, seed) == RECORDED[f"{name}@{seed}"], f"{name} seed {seed}"
