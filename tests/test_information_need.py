"""The information need (motivation.information_need): does the core's content then matter?

Members come for information and for company (Ridings & Gefen 2004). By default the model lets
any message's value stand in for any other's, so the core's rare posts are drowned in chatter
and neither removing them nor promoting KOCs into the core moves the community. With the need
on, a share of what reading is worth is met only by information (core posts, fermented prompts,
event content). These tests check the claims the README makes of it, paired by seed, at 2,000
persons over 540 days (the baseline's growth, peak and decline).

Tolerances come from 8 seeds measured with the code of this change (log ratio of active
member-days to the same seed's baseline): without core posts -2.04 (sd 0.67) with the need,
+0.026 (sd 0.041) without it; KOC promotion with the need +0.76, every seed positive but in two
clusters (0.08 to 0.32 in five seeds, 1.61 to 1.85 in three: whether the promoted core takes
off), and -0.04 (sd 0.054) without. The tests use 6 seeds (standard errors about 0.27 and
0.017 for the first two); the KOC test asks only what holds in the low cluster too (8 of 8
seeds positive, so at most one negative seed of 6 is allowed; the low cluster's mean, 0.20,
is four times the 0.05 asked of the mean).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from sim.model import CommunityModel
from sim.scenario import load_scenario
from tests.conftest import ROOT

SEEDS = range(1, 7)
SIZE, DAYS = 2000, 540


@lru_cache(maxsize=None)
def member_days(name: str, need: float, seed: int, *extra: str) -> float:
    """Active member-days of scenario `name` at information need `need` and `seed` (cached: baselines repeat)."""
    sc = load_scenario(ROOT / "scenarios" / name, days=DAYS,
                       overrides=[f"population.size={SIZE}", f"motivation.information_need={need}", *extra])
    model = CommunityModel(sc, seed=seed)
    model.run()
    return float(model.timeseries()["dau"].sum())


def log_ratios(name: str, need: float, *extra: str) -> np.ndarray:
    """Per seed: log(active member-days of the variant / those of the baseline)."""
    return np.array([np.log(member_days(name, need, s, *extra) / member_days("baseline.yaml", need, s))
                     for s in SEEDS])


@pytest.fixture(scope="module")
def no_core():
    """Per need (0, 0.5): log ratios of the baseline without core posts to the baseline."""
    return {need: log_ratios("baseline.yaml", need, "content.core_post_rate=0") for need in (0.0, 0.5)}


@pytest.fixture(scope="module")
def koc():
    """Per need (0, 0.5): log ratios of KOC promotion to the baseline."""
    return {need: log_ratios("koc_promotion.yaml", need) for need in (0.0, 0.5)}


def test_with_the_need_a_community_without_core_content_withers(no_core):
    """Without the core's posts (and so without fermented prompts) the information need goes unmet:
    far fewer active member-days (8 seeds: e^-2.04, about an eighth). Fails if chatter meets the need."""
    assert no_core[0.5].mean() < -1.0, no_core[0.5]
    assert (no_core[0.5] < 0).all(), no_core[0.5]


def test_without_the_need_core_content_hardly_matters(no_core):
    """The default's known limit, measured so a change to it is noticed: removing core posts moves
    member-days by a few percent at most (0.026, sd 0.041 over 8 seeds; 0.15 is 8 standard
    errors of 6 seeds away)."""
    assert abs(no_core[0.0].mean()) < 0.15, no_core[0.0]


def test_with_the_need_koc_promotion_pays_off(koc):
    """Promoting top contributors into the core (seed 003's KOC incubation) adds member-days once
    members need information, in nearly every seed, and more than without the need in most."""
    assert np.count_nonzero(koc[0.5] > 0) >= 5 and koc[0.5].mean() > 0.05, koc[0.5]
    assert np.count_nonzero(koc[0.5] > koc[0.0]) >= 5, (koc[0.5], koc[0.0])
