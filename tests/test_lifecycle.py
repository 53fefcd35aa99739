"""Lifecycle and metric read-outs on hand-made series (pure functions)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from sim.readouts.lifecycle import analyse, first_run, health_warnings, monthly, phase_of_day, smooth
from sim.readouts.metrics import (
    cost_per_extra_active_day,
    dau_mau,
    overload_share,
    post_shares,
    retention,
    viral_coefficient,
)
from tests.conftest import SCENARIOS


def tent(up=100, down=100, tail=200, peak=100.0):
    rise = np.linspace(0, peak, up, endpoint=False)
    fall = np.linspace(peak, 0, down, endpoint=False)
    return np.r_[rise, fall, np.zeros(tail)]


def test_five_phases_on_a_tent():
    dau = tent()
    r = analyse(dau, smoothing_days=1)
    names = [p["name"] for p in r["phases"]]
    assert names == ["germination", "rapid growth", "active interaction", "decline", "dormancy"]
    ph = {p["name"]: p for p in r["phases"]}
    assert ph["germination"]["end"] == 10            # DAU first >= 10 at day 10
    assert ph["rapid growth"]["end"] == 80           # first >= 80 at day 80
    assert ph["active interaction"]["end"] == 121    # first < 80 after the peak
    assert r["lifespan"] == ph["dormancy"]["start"] == 191  # < 10 from day 191 for 30 days
    assert r["peak_day"] == 100 and r["peak_dau"] == 100
    assert r["decline_steepness"] == 181 - 121       # 80% -> 20% of the peak
    # phases tile the horizon without gaps
    assert all(a["end"] == b["start"] for a, b in zip(r["phases"], r["phases"][1:]))
    assert r["phases"][-1]["end"] == dau.size


def test_decline_steepness_is_never_negative_and_undefined_below_20_percent():
    dau = tent()
    assert analyse(dau, smoothing_days=1, growth_share=0.5)["decline_steepness"] == 181 - 151
    # active interaction ends at 10% of the peak, after the fall through 20%: no 'x% -> 20%' span
    assert analyse(dau, smoothing_days=1, growth_share=0.1)["decline_steepness"] is None


def test_alive_at_horizon_has_no_lifespan():
    r = analyse(np.r_[np.arange(100), np.full(100, 100)], smoothing_days=1)
    assert r["lifespan"] is None and r["alive_at_horizon"] is True
    assert [p["name"] for p in r["phases"]][-1] == "active interaction"


def test_brief_dip_is_not_dormancy():
    dau = tent(tail=0)
    dau = np.r_[dau, np.zeros(20), np.full(100, 50.0)]
    r = analyse(dau, smoothing_days=1)
    assert r["lifespan"] is None


def test_thresholds_are_parameters():
    dau = tent()
    strict = analyse(dau, smoothing_days=1, dormancy_share=0.2, dormancy_days=10)
    assert strict["lifespan"] < analyse(dau, smoothing_days=1)["lifespan"]


def test_empty_and_zero_series():
    assert analyse([])["phases"] == []
    assert analyse(np.zeros(50))["peak_day"] is None


def test_smoothing_and_helpers():
    assert smooth([1, 1, 1, 4], 2).tolist() == [1.0, 1.0, 1.0, 2.5]
    assert first_run(np.array([1, 1, 0, 1, 1, 1]), 2, start=2) == 3
    assert first_run(np.array([1, 0]), 2) is None
    assert monthly(np.arange(60), how="mean").tolist() == [14.5, 44.5]
    phases = analyse(tent(), smoothing_days=1)["phases"]
    assert phase_of_day(phases, 0) == "germination" and phase_of_day(phases, 10_000) is None


def test_health_warnings_one_per_stretch_with_its_day_range():
    members = np.r_[np.linspace(10, 1000, 180), np.full(180, 1000.0)]
    dau = np.r_[np.full(270, 100.0), np.full(90, 50.0)]
    at_risk = np.r_[np.zeros(200), np.full(40, 30.0), np.full(120, 7.0)]   # 3% of members, then 0.7%
    w = health_warnings(members, dau, at_risk=at_risk)
    assert [x["kind"] for x in w] == ["low_growth", "churn_risk", "activity_decline"]
    low, risk, fall = w
    assert (low["start"], low["end"]) == (180, 359) and "6 months" in low["message"]  # months 7-12 flat
    assert (fall["start"], fall["end"]) == (270, 299) and "50%" in fall["message"]    # the halving in month 10
    assert (risk["start"], risk["end"]) == (200, 239) and "at most 30 (3%)" in risk["message"]
    assert all(x["day"] == x["start"] and x["message"].startswith(f"days {x['start']}-") for x in w)
    # dormancy from day 250 cuts every stretch there: the decline after it is not warned
    cut = health_warnings(members, dau, at_risk=at_risk, until=250)
    assert [x["kind"] for x in cut] == ["churn_risk"] and cut[0]["end"] == 239


def test_growth_is_never_an_alarm_and_a_long_decline_is_one_warning():
    months = np.arange(20 * 30) // 30
    rising = 10.0 * 2.0 ** np.minimum(months, 6)           # DAU doubling each month, then flat
    assert [x["kind"] for x in health_warnings(np.full(600, 1e4) * (1 + months), rising)] == []
    falling = 1000.0 * 0.8 ** months                         # 20% down every month for 19 months
    w = health_warnings(np.full(600, 5000.0) * (1 + months), falling)
    assert len(w) == 1 and w[0]["kind"] == "activity_decline"
    assert (w[0]["start"], w[0]["end"]) == (30, 599) and "19 months in a row" in w[0]["message"]
    assert health_warnings(np.full(60, 5.0), np.full(60, 5.0), alarm_months=3) == []


def test_post_shares_van_mierlo_shape():
    posts = np.r_[np.full(1, 747.0), np.full(9, 240.0 / 9), np.full(90, 13.0 / 90)]
    s = post_shares(posts)
    assert s["top1"] == pytest.approx(0.747) and s["next9"] == pytest.approx(0.24)
    assert s["bottom90"] == pytest.approx(0.013)
    assert post_shares([0, 0, 0])["top1"] is None


def test_retention_k_dau_mau_cost():
    assert retention({1: [5, 10], 30: [0, 0]}) == {"d1": 0.5, "d30": None}
    assert viral_coefficient(np.array([3]), np.array([90]), horizon=100) is None
    assert viral_coefficient(np.array([3, 1, 0]), np.array([0, 0, -1]), horizon=100) == 2.0
    assert dau_mau([10, 20, 30], [100, 100, 100], around=2, window=2) == pytest.approx(0.25)
    assert cost_per_extra_active_day(100, 0, 50, 50) is None


def test_an_absolute_dormancy_floor_never_makes_phases_overlap():
    # a peak of 25 over a floor of 20 active members: the floor, not 10% of the peak, ends the life
    dau = np.r_[np.arange(26), np.full(100, 25.0), np.full(100, 15.0), np.zeros(100)]
    r = analyse(dau, smoothing_days=1, dormant_below=20)
    starts = [p["start"] for p in r["phases"]]
    ends = [p["end"] for p in r["phases"]]
    assert starts == sorted(starts) and all(e <= s for e, s in zip(ends, starts[1:]))
    assert r["lifespan"] == 126 and r["phases"][-1]["name"] == "dormancy"
    assert analyse(dau, smoothing_days=1)["lifespan"] == 226  # the relative rule alone: when DAU hits 0


def test_a_run_whose_peak_stays_under_the_floor_never_came_alive():
    """Lifespan was the peak's day (a run peaking on day 857 at 1.3 active members 'lived' 857
    days; a red team, 2026-12-07): under `dormant_below` throughout, it is dormant throughout."""
    for dau in (np.r_[np.zeros(800), np.full(60, 1.5), np.zeros(140)], np.full(300, 15.0)):
        r = analyse(dau, smoothing_days=7, dormant_below=20)
        assert (r["lifespan"], r["alive_at_horizon"]) == (0, False), r
        assert r["phases"] == [{"name": "dormancy", "start": 0, "end": dau.size}]
        assert r["peak_dau"] == pytest.approx(dau.max())  # the peak is still read off
        assert analyse(dau, smoothing_days=7)["lifespan"] != 0  # by its own peak alone it lived
    # too short to judge (under dormancy_days): alive at the horizon, as any run that short
    short = analyse(np.full(20, 15.0), dormant_below=20)
    assert (short["lifespan"], short["alive_at_horizon"]) == (None, True)


def test_the_summary_says_when_the_absolute_floor_decided_dormancy():
    """A small community's summary said 'dormant from day 351' with 18 of 87 members active daily,
    without saying the scenario's floor of 20 active members decided it (red team, 2026-12-07)."""
    from sim.outputs.report import _dormancy_floor

    base = {"lifespan": 351, "peak_dau": 30.0,
            "parameters": {"lifecycle": {"dormant_below": 20, "dormancy_share": 0.1}}}
    assert "The dormancy line here was lifecycle.dormant_below (20 active members)" in _dormancy_floor(base)[0]
    never = _dormancy_floor({**base, "lifespan": 0, "peak_dau": 13.0})[0]
    assert "never came alive" in never and "--set lifecycle.dormant_below=0" in never and "7-day mean" in never
    smooth14 = {**base, "parameters": {"lifecycle": {"dormant_below": 20, "dormancy_share": 0.1, "smoothing_days": 14}}}
    assert "14-day mean" in _dormancy_floor(smooth14)[0]  # the scenario's smoothing, not always 7
    assert _dormancy_floor({**base, "lifespan": 0, "peak_dau": 0.0}) == []  # nobody active: no floor to lower
    assert _dormancy_floor({**base, "peak_dau": 400.0}) == []  # 10% of the peak is above the floor
    assert _dormancy_floor({**base, "lifespan": None}) == []  # alive at the horizon: nothing decided
    assert _dormancy_floor({**base, "parameters": {"lifecycle": {"dormant_below": 0, "dormancy_share": 0.1}}}) == []


def test_members_after_90_days_is_none_in_a_shorter_run():
    """It read the last day's members when a run was shorter than 90 days (a 60-day run's final count)."""
    import pandas as pd

    from sim.readouts.registry import run_values

    members = list(range(100, 220))
    ts = pd.DataFrame({"day": range(120), "members": members, "dau": [10] * 120, "posts": [1] * 120,
                       "joins": [1] * 120, "joins_wom": [0] * 120, "stranger_share": [0.5] * 120})
    summary = {"lifecycle": {"phases": []}, "lifespan": None, "horizon_days": 120}
    assert run_values(summary, ts)["members_day90"] == members[89]
    short = run_values({**summary, "horizon_days": 60}, ts.iloc[:60])
    assert short["members_day90"] is None


def test_a_community_nobody_ever_visits_is_dormant_from_launch():
    """All-zero DAU over at least the dormancy window: lifespan 0, not 'alive at the horizon'."""
    r = analyse([0] * 60)
    assert r["lifespan"] == 0 and not r["alive_at_horizon"]
    assert r["phases"] == [{"name": "dormancy", "start": 0, "end": 60}]
    short = analyse([0] * 10)  # fewer days than the dormancy window: too soon to call
    assert short["lifespan"] is None and short["alive_at_horizon"]


@pytest.mark.parametrize("call, says", [
    (lambda: analyse([1, 2, float("nan"), 3]), "dau: day 2 is nan"),
    (lambda: analyse([1, 2], smoothing_days=-1), "smoothing_days must be a whole number"),
    (lambda: health_warnings([1, 2, 3], [1, 2]), "the same days; got 3, 2"),
    (lambda: post_shares([5, -1, 0]), "posts: entry 1 is -1.0"),
    (lambda: retention({1: [5, 2]}), "5 active of a cohort of 2"),
    (lambda: monthly([1, 2, 3], month=0), "month must be a whole number"),
    (lambda: dau_mau([1, 2, 3], [1, 2]), "dau and mau must cover the same days"),
    (lambda: overload_share({"joins": 3, "spend": 0.0}), "before model version 9"),  # an older recorder
    (lambda: overload_share({"reader_days": 5, "overloaded_reader_days": 7}), "outside [0, reader-days 5]"),
])
def test_pure_read_outs_refuse_data_that_would_give_a_plausible_wrong_number(call, says):
    """A gap (NaN), a negative count or series of different lengths gave e.g. top1 1.25 or d1 2.5."""
    with pytest.raises(ValueError, match=re.escape(says)):
        call()


def test_the_summarys_overload_share_is_over_reader_days_not_a_mean_of_days():
    """Model version 9: every reader-day counts once. Counted here from each day's readers and
    their `overloaded` flags as the run goes, independently of the recorder; a run whose
    readers per day vary from a few to hundreds separates it from the mean of the daily
    shares (version 8's read-out: 44.6% against 57.6% for the baseline, seed 1)."""
    from sim import CommunityModel, load_scenario, scenarios_dir

    model = CommunityModel(load_scenario(scenarios_dir() / "baseline.yaml",
                                         overrides=["population.size=1500"], days=600), seed=3)
    readers = overloaded = 0
    for _ in range(600):
        model.step()
        r = model.last_day.reading.readers
        readers += r.size
        overloaded += int(np.count_nonzero(model.state.overloaded[r]))
    ts = model.timeseries()
    share = model.summary()["overload_share"]
    assert readers > 10_000 and share == overloaded / readers
    day_mean = float(ts["overload_share"][ts["dau"] > 0].mean())
    assert abs(share - day_mean) > 0.02, (share, day_mean)
    assert overload_share({"reader_days": 0, "overloaded_reader_days": 0}) == 0.0  # nobody read


@pytest.mark.parametrize("call, words", [
    (lambda: analyse(np.ones(60), germination_share=1.5), "germination_share must be a share of the peak"),
    (lambda: analyse(np.ones(60), dormancy_share=-1), "dormancy_share must be a share of the peak"),
    (lambda: analyse(np.ones(60), dormant_below=float("nan")), "dormant_below must be a number"),
    (lambda: health_warnings([10] * 60, [5] * 60, until=2.5), "until must be a day"),
    (lambda: health_warnings([10] * 60, [5] * 60, until=-1), "until must be a day"),
    # NaN thresholds switched warnings off silently, months of 0 or 2.5 were taken (red team, 2026-12-07)
    (lambda: health_warnings([10] * 60, [5] * 60, alarm_growth=float("nan")), "alarm_growth must be a finite"),
    (lambda: health_warnings([10] * 60, [5] * 60, alarm_swing=float("nan")), "alarm_swing must be a finite"),
    (lambda: health_warnings([10] * 60, [5] * 60, alarm_months=0),
     "alarm_months must be a whole number of months, at least 1"),
    (lambda: dau_mau(np.ones(60), np.ones(60), around=-5), "around must be in [0, 59]"),
    (lambda: dau_mau(np.ones(60), np.ones(60), around=30, window=0), "window must be at least 1"),
    (lambda: viral_coefficient(np.ones(3), np.zeros(2), horizon=100), "one entry per person"),
    (lambda: viral_coefficient(np.ones(3), np.zeros(3), horizon=100, cycle=-30), "cycle must be at least 1"),
])
def test_read_outs_refuse_settings_outside_their_range(call, words):
    """A share of 1.5 or -1 gave plausible-looking lifespans; until=-1 silently dropped the last day
    (a red team's find, 2026-12-06)."""
    with pytest.raises(ValueError, match=re.escape(words)):
        call()


def test_the_summary_warns_when_the_peak_is_in_the_runs_last_month():
    """A 20-day run of a growing community showed 'active interaction' on days 15-20 with no word
    that DAU was still rising (red team, 2026-12-07)."""
    from sim.outputs.report import _peak_at_horizon

    growing = {"peak_day": 19, "horizon_days": 20, "lifespan": None, "parameters": {"lifecycle": {"dormancy_days": 30}}}
    (note,) = _peak_at_horizon(growing)
    assert "day 19" in note and "may still be growing" in note and "--days 365" in note
    assert _peak_at_horizon({**growing, "peak_day": 150, "horizon_days": 1000}) == []  # an early peak
    assert _peak_at_horizon({**growing, "lifespan": 0}) == []  # dormant: the run saw its end
    assert "--days 2,000" in _peak_at_horizon({**growing, "peak_day": 990, "horizon_days": 1000})[0]
    assert _peak_at_horizon({**growing, "peak_day": 0}) == []  # the founders' day: nothing grew after it
    assert _peak_at_horizon({**growing, "peak_day": 10}) == []  # a 20-day run's last third is days 14-19


def test_the_read_outs_give_a_lower_bound_for_a_lifespan_alive_at_the_horizon():
    """'lifespan n/a' read as unknown; a community alive at day 1,000 lived at least 1,000 days."""
    from sim.outputs.report import format_readouts

    alive = {"lifespan": None, "alive_at_horizon": True, "horizon_days": 1000, "peak_dau": 40.0}
    line = next(x for x in format_readouts(alive).split("\n") if x.strip().startswith("lifespan"))
    assert ">= 1,000 days (alive at the horizon)" in line
    dead = next(x for x in format_readouts({**alive, "lifespan": 737, "alive_at_horizon": False}).split("\n")
                if x.strip().startswith("lifespan"))
    assert "737" in dead and "alive" not in dead
    nobody = next(x for x in format_readouts({**alive, "peak_dau": 0.0, "horizon_days": 20}).split("\n")
                  if x.strip().startswith("lifespan"))
    assert nobody.split() == ["lifespan", "n/a"]  # nobody ever active, too short to judge: not "alive"


def test_warnings_cover_a_run_that_never_reached_the_floor():
    """Cutting warnings at lifespan 0 left 'none' for a group of 40 with 13 active a day (a review)."""
    from sim.readouts.metrics import _warn_until

    assert _warn_until({"lifespan": 0, "peak_dau": 13.0}) is None  # people were active: the whole run
    assert _warn_until({"lifespan": 0, "peak_dau": 0.0}) == 0  # nobody ever: nothing to warn about
    assert _warn_until({"lifespan": 300, "peak_dau": 90.0}) == 300 and _warn_until({"lifespan": None,
                                                                                    "peak_dau": 9.0}) is None


def test_the_fan_chart_reads_phases_with_the_scenarios_own_thresholds(monkeypatch):
    """fan.png shaded growth and decline with the default thresholds and no floor, while each run's
    summary used the scenario's (a review, 2026-12-07)."""
    import sim
    import sim.readouts.lifecycle as lifecycle
    from sim.outputs.plots import fan_figure

    sc = sim.load_scenario(SCENARIOS / "baseline.yaml", days=60,
                           overrides=["population.size=300", "lifecycle.dormant_below=7", "lifecycle.smoothing_days=3"])
    res = sim.compare([sc], replications=2, executor="serial", progress=False)
    seen = []
    real = lifecycle.analyse
    monkeypatch.setattr(lifecycle, "analyse", lambda *a, **k: seen.append(a[1:]) or real(*a, **k))
    fan_figure(res)
    assert seen and all(args[0] == 3 and args[-1] == 7 for args in seen), seen
