"""What a fit's report and summary say to weigh first, checked on stand-in results (no ABC run).

A researcher's red team (2026-12-07) found a 5-day history forecast with confidence, a single
statistic outside its band flagged as a misfit, and "effective sample size 29 of 30 ... few distinct
particles"; these pin the rules that replaced them.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from sim.fitting.result import share_of_prior
from sim.fitting.spec import Prior
from sim.outputs.fit_report import fit_caveats, misfit, read_with_care


def _result(statistics=39, parameters=4, outside=0, particles=100, weights=None):
    spec = SimpleNamespace(parameters=tuple(range(parameters)), population_size=particles, block_days=14)
    weights = [1.0] * particles if weights is None else weights
    check = {"statistics": statistics, "outside": outside, "share_outside": outside / statistics, "draws": 60,
             "worst": {"statistic": "dau[0-13]", "observed": 10.0, "band": (1.0, 2.0)} if outside else None}
    return SimpleNamespace(spec=spec, layout=SimpleNamespace(size=lambda: statistics),
                           history_check=lambda: check, particles=pd.DataFrame({"weight": weights}),
                           generations=pd.DataFrame({"t": [0, 1]}), parameter_summary=lambda: {},
                           forecast=lambda: {"draws": 60})


def test_a_history_with_fewer_statistics_than_parameters_is_read_with_care():
    thin = _result(statistics=3, parameters=4)
    assert read_with_care(thin) == ("Read with care: the history gives 3 summary statistics for 4 fitted parameters; "
                                    "see the caveats.")
    said = fit_caveats(thin)
    assert any(c.startswith("The history gives 3 summary statistics for 4 fitted parameters") for c in said)
    assert read_with_care(_result()) is None and fit_caveats(_result()) == []


def test_one_statistic_outside_is_chance_two_of_a_few_are_a_misfit():
    assert not misfit(_result(statistics=3, outside=1).history_check())  # a third, but one: chance
    assert misfit(_result(statistics=3, outside=2).history_check())
    assert not misfit(_result(statistics=39, outside=9).history_check())  # 23%: under the share
    bad = _result(statistics=39, outside=11)
    assert "does not reproduce this history well (11 of 39 statistics outside their bands)" in read_with_care(bad)
    assert fit_caveats(bad)[0].startswith("THE MODEL DOES NOT REPRODUCE THIS HISTORY WELL: 11 of 39")


def test_few_particles_are_not_called_few_distinct_ones():
    spread = fit_caveats(_result(particles=20))  # every particle weighs the same: ESS 20 of 20
    assert len(spread) == 1 and "rests on 20 particles" in spread[0] and "distinct" not in spread[0]
    lumpy = fit_caveats(_result(particles=100, weights=[50.0] + [1.0] * 99))  # one particle holds a third
    assert len(lumpy) == 1 and "few distinct particles" in lumpy[0]


@pytest.mark.parametrize("kind, low, high, lower_half, upper_half", [
    ("log-uniform", 100.0, 1000.0, (100.0, 316.23), (316.23, 1000.0)),
    ("uniform", 0.0, 1.0, (0.0, 0.5), (0.5, 1.0)),
])
def test_the_share_of_the_prior_is_on_the_priors_own_scale(kind, low, high, lower_half, upper_half):
    """The same information (half the prior's range) reads the same wherever it sits in the range."""
    p = Prior("k", kind, low, high)
    a, b = share_of_prior(p, *lower_half), share_of_prior(p, *upper_half)
    assert a == pytest.approx(b, rel=1e-4) and a == pytest.approx(0.5 / 0.9, rel=1e-3)


def test_a_semicolon_separated_history_is_named_as_such_and_missing_days_count_as_gaps(tmp_path):
    from sim.fitting.history import HistoryError, read_history

    semi = tmp_path / "semi.csv"
    semi.write_text("day;members;dau\n0;10;5\n1;12;6\n", encoding="utf-8")
    with pytest.raises(HistoryError, match=r"separated by ';', and the file is read as comma-separated"):
        read_history(semi)
    gap = tmp_path / "gap.csv"
    gap.write_text("day,members,dau\n0,10,5\n1,12,\n5,14,7\n6,15,8\n", encoding="utf-8")
    assert read_history(gap).describe().endswith("gaps: 3 days with no line; empty cells: dau 1")


def test_a_history_observed_from_a_later_day_says_its_own_span(tmp_path):
    """'3 observed days, days 0-15' for days 10, 11 and 15 (a review, 2026-12-07)."""
    from sim.fitting.history import read_history

    late = tmp_path / "late.csv"
    late.write_text("day,members,dau\n10,10,5\n11,12,6\n15,14,7\n", encoding="utf-8")
    text = read_history(late).describe()
    assert "3 observed days, days 10-15 (the fit simulates from launch, day 0)" in text
    assert text.endswith("gaps: 3 days with no line")


def test_an_integer_log_uniform_prior_rounded_below_its_low_end_gives_a_finite_share():
    p = Prior("groups.x", "log-uniform", 0.2, 50.0, integer=True)
    assert 0 < share_of_prior(p, 0.0, 10.0) < 1.2
