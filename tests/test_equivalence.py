"""Optimisation changes no behaviour.

`tests/data/equivalence_reference.csv` holds the read-outs of every shipped scenario over 20
seeds, made by the commit named in its first line, before the daily step was optimised
(issue 5). Here the current code runs the same scenarios on 20 *other* seeds, and each
read-out must be statistically indistinguishable: Welch's t-test per scenario and read-out,
Bonferroni-corrected to a family-wise alpha of 0.05. A second test shows the check has power:
a real behaviour change (a shorter novelty half-life) is caught.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from sim.experiments.executors import make_executor
from sim.experiments.replications import replication_seeds, run_many

DATA = Path(__file__).parent / "data"
sys.path.insert(0, str(DATA))
from make_equivalence_reference import COLUMNS, SEEDS, load, scenarios  # noqa: E402

FAMILY_ALPHA = 0.05


def reference() -> pd.DataFrame:
    return pd.read_csv(DATA / "equivalence_reference.csv", comment="#")


def current(names, overrides=()) -> pd.DataFrame:
    seeds = replication_seeds(99, SEEDS)
    jobs = [(load(n).with_overrides(list(overrides)) if overrides else load(n), s) for n in names for s in seeds]
    with make_executor(workers=2) as ex:
        rows = run_many(jobs, ex)
    df = pd.DataFrame(rows)
    df.insert(0, "scenario", [n for n in names for _ in seeds])
    return df


def differences(ref: pd.DataFrame, new: pd.DataFrame, tests: int) -> list[str]:
    """Scenario/read-out pairs whose means differ at the Bonferroni-corrected level."""
    bad = []
    for name in sorted(set(new["scenario"])):
        a, b = ref[ref["scenario"] == name], new[new["scenario"] == name]
        for col in COLUMNS:
            x, y = a[col].astype(float).dropna(), b[col].astype(float).dropna()
            if x.std() == 0 and y.std() == 0:
                if x.mean() != y.mean():
                    bad.append(f"{name}.{col}: constant {x.mean()} vs {y.mean()}")
                continue
            p = stats.ttest_ind(x, y, equal_var=False).pvalue
            if p < FAMILY_ALPHA / tests:
                bad.append(f"{name}.{col}: {x.mean():.4g} vs {y.mean():.4g} (p = {p:.1e})")
    return bad


def test_shipped_scenarios_are_statistically_unchanged():
    names = scenarios()
    ref = reference()
    assert sorted(set(ref["scenario"])) == names, "reference is missing scenarios: regenerate it"
    new = current(names)
    bad = differences(ref, new, tests=len(names) * len(COLUMNS))
    assert bad == [], bad


def test_the_check_detects_a_real_change():
    names = ["baseline", "points"]
    ref = reference()
    changed = current(names, overrides=["motivation.novelty_halflife=180"])
    bad = differences(ref, changed, tests=len(scenarios()) * len(COLUMNS))
    assert any("active_member_days" in b for b in bad), bad


def test_same_seed_is_bit_identical():
    from sim.model import CommunityModel

    a, b = (CommunityModel(load("dunbar_split"), seed=7) for _ in range(2))
    a.run()
    b.run()
    assert a.timeseries().equals(b.timeseries())
    assert np.array_equal(a.state.interest, b.state.interest)
    assert math.isfinite(a.summary()["active_member_days"])
