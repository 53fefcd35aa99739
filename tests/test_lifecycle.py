"""Lifecycle and metric read-outs on hand-made series (pure functions)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.readouts.lifecycle import analyse, first_run, health_warnings, monthly, phase_of_day, smooth
from sim.readouts.metrics import cost_per_extra_active_day, dau_mau, post_shares, retention, viral_coefficient


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


def test_health_warnings():
    members = np.r_[np.linspace(10, 1000, 180), np.full(180, 1000.0)]
    dau = np.r_[np.full(180, 100.0), np.full(90, 100.0), np.full(90, 50.0)]
    w = health_warnings(members, dau, at_risk=np.r_[np.zeros(200), np.full(160, 7)])
    kinds = [x["kind"] for x in w]
    assert kinds.count("low_growth") == 1
    low = next(x for x in w if x["kind"] == "low_growth")
    assert low["day"] == 269          # months 7, 8, 9 flat: fires at the end of month 9
    swings = [x for x in w if x["kind"] == "activity_swing"]
    assert [x["day"] for x in swings] == [299]  # the halving in month 10
    risk = next(x for x in w if x["kind"] == "churn_risk")
    assert risk["day"] == 200 and "at most 7" in risk["message"]
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
    # a low peak (DAU 15) under a floor of 20 active members: dormant from the peak on
    dau = np.r_[np.arange(16), np.full(100, 15.0), np.zeros(100)]
    r = analyse(dau, smoothing_days=1, dormant_below=20)
    starts = [p["start"] for p in r["phases"]]
    ends = [p["end"] for p in r["phases"]]
    assert starts == sorted(starts) and all(e <= s for e, s in zip(ends, starts[1:]))
    assert r["lifespan"] == r["peak_day"] and r["phases"][-1]["name"] == "dormancy"
    assert analyse(dau, smoothing_days=1)["lifespan"] > r["lifespan"]  # relative rule alone: later
