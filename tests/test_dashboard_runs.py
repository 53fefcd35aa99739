"""What the interactive page computes, without a browser (issue 12, items 13 and 14).

* a design stepped in chunks (Step / Play) or run by the page's own action queue equals
  `circlesim run` with the same file, seed and `--set` values, the command the page prints;
* every shipped scenario's levers hold its own values; strategy levers exist for every kind
  that has a strength, and a start day never reaches the strategy's stop;
* what a browser sends is checked: unknown levers and scenarios refused, values clamped,
  stale panel states (older revisions) dropped, a bad seed refused;
* the overlay draws A and B on shared axes; the network view shows any simulated day.
"""

from __future__ import annotations

import json
import shlex

import numpy as np
import pandas as pd
import pytest

from sim.outputs import dashboard, dashboard_runs
from tests.conftest import ROOT

SMALL = {"population.size": 400, "horizon_days": 120, "acquisition.q_weak": 0.08,
         "strategies.points.start": 15, "strategies.points.value": 0.05}


def _cli(command: str, out, monkeypatch) -> tuple[str, dict]:
    """Run `command` (as the page prints it) through the real CLI; its timeseries.csv text and summary."""
    from sim.cli import main

    args = shlex.split(command)
    assert args[:2] == ["circlesim", "run"]
    monkeypatch.chdir(ROOT)
    assert main(args[1:] + ["--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    for key in ("timing", "parameters", "provenance"):
        summary.pop(key)
    return (out / "timeseries.csv").read_text(), summary


def _as_cli_writes(ts, summary) -> tuple[str, dict]:
    from sim.cli import _jsonable

    return ts.to_csv(index=False), json.loads(json.dumps(summary, default=_jsonable))


def test_a_design_stepped_in_chunks_equals_circlesim_run(tmp_path, monkeypatch):
    track = dashboard_runs.Track("B", "points.yaml", SMALL, seed=3)
    for chunk in (1, 7, 13, 50, 1000):  # Step, Play frames, then Run to the end
        track.step(chunk)
    assert track.done and track.day == 120 and len(track.codes) == 120
    command = track.command_line()
    assert "--seed 3" in command and "--set strategies.points.start=15" in command
    assert "--set strategies.points.value=0.05" in command and "population.size=400" in command
    page = _as_cli_writes(track.model.timeseries(), track.model.summary())
    assert page == _cli(command, tmp_path / "cli", monkeypatch)


def test_the_page_action_queue_runs_what_circlesim_run_computes(tmp_path, monkeypatch):
    state = dashboard.PageState({"A": "baseline.yaml", "B": "points.yaml"})
    for side, name in (("A", "baseline.yaml"), ("B", "points.yaml")):
        values = {k: v for k, v in SMALL.items() if not k.startswith("strategies.") or side == "B"}
        state.change(side, {"revision": 0, "scenario": name, "values": values})
    state.act({"action": "run", "seed": "5", "days": 10})
    _wait_idle(state)
    frames = state.frames.value
    assert set(frames) == {"A", "B"} and all(f.done for f in frames.values())
    for side, f in frames.items():
        page = _as_cli_writes(f.ts, f.summary)
        assert page == _cli(f.track.command_line(), tmp_path / side, monkeypatch), side
    a, b = frames["A"].summary, frames["B"].summary
    assert a["seed"] == b["seed"] == 5 and a != b  # one seed, two designs, two results


def _wait_idle(state, ceiling: float = 300):
    import time

    deadline = time.monotonic() + ceiling
    while state._working:
        assert time.monotonic() < deadline, "the page's worker did not finish"
        time.sleep(0.05)


def test_step_and_play_actions_advance_both_designs_by_the_shown_days():
    state = dashboard.PageState({"A": "baseline.yaml", "B": "points.yaml"})
    for side in ("A", "B"):
        current = state.designs[side].value
        state.change(side, {"revision": 0, "scenario": current["scenario"],
                            "values": {"population.size": 300, "horizon_days": 100}})
    state.act({"action": "step", "seed": "1", "days": 7})
    _wait_idle(state)
    assert {f.day for f in state.frames.value.values()} == {7}
    state.act({"action": "step", "seed": "1", "days": 7})
    _wait_idle(state)
    assert {f.day for f in state.frames.value.values()} == {14}
    state.act({"action": "play", "seed": "1", "days": 30})
    _wait_idle(state)  # play stops at the horizon
    assert {f.day for f in state.frames.value.values()} == {100} and not state.playing.value
    state.act({"action": "reset", "seed": "1", "days": 30})
    _wait_idle(state)
    assert {f.day for f in state.frames.value.values()} == {0} and state.runs.value == 2


def test_every_shipped_scenario_has_levers_that_hold_its_own_values():
    from sim.model.strategies import KINDS

    for kind, (param, _, lo, hi, _) in dashboard_runs.STRENGTH.items():
        p = KINDS[kind].PARAMS[param]
        assert p.low <= lo < hi <= p.high, kind
    assert set(KINDS) - set(dashboard_runs.STRENGTH) == {"personalized_feed"}  # on or off: a start day only
    seen_kinds = set()
    for name in dashboard_runs.scenario_files():
        levers = {lv.key: lv for lv in dashboard_runs.levers_for(name)}
        values = dashboard_runs.defaults_for(name)
        assert set(values) == set(levers)
        for key, value in values.items():
            assert levers[key].low <= value <= levers[key].high, (name, key, value)
        sc = dashboard_runs.load_offered(name)
        for strategy, kind, spec in sc.strategies:
            seen_kinds.add(kind)
            start = levers[f"strategies.{strategy}.start"]
            assert spec.stop is None or start.high < spec.stop, (name, strategy)
            own = [k for k in levers if k.startswith(f"strategies.{strategy}.") and not k.endswith(".start")]
            param = dashboard_runs.STRENGTH.get(kind, ("-",))[0]
            strength = [] if kind == "personalized_feed" else [f"strategies.{strategy}.{param}"]
            assert own == strength, (name, strategy)
        assert dashboard_runs.describe(name), f"{name} has no description for the picker"
    assert {"points", "split_groups", "operating_mode", "events"} <= seen_kinds


def test_what_the_browser_sends_is_checked():
    with pytest.raises(ValueError, match="unknown levers"):
        dashboard_runs.overrides("points.yaml", {"strategies.points.cost": 0})  # not a lever
    with pytest.raises(ValueError, match="unknown levers"):
        dashboard_runs.overrides("baseline.yaml", {"strategies.points.start": 0})  # baseline has no points
    assert dashboard_runs.overrides("points.yaml", {"strategies.points.start": -5, "strategies.points.value": 9}) == \
        ["strategies.points.start=0", "strategies.points.value=0.1"]
    for bad in (None, True, "x", float("nan")):
        with pytest.raises((TypeError, ValueError)):
            dashboard_runs.clamped("baseline.yaml", {"community.organizers": bad})

    state = dashboard.PageState({"A": "baseline.yaml", "B": "points.yaml"})
    before = state.designs["A"].value
    state.change("A", {"revision": 0, "scenario": "baseline.yaml", "values": {"community.organizers": 99}})
    assert state.designs["A"].value["values"]["community.organizers"] == 20  # clamped
    state.change("A", {"revision": 0, "scenario": "baseline.yaml", "values": {"population.graph.file": "/etc/x"}})
    state.change("A", {"revision": 7, "scenario": "baseline.yaml", "values": {"community.organizers": 1}})  # stale
    state.change("A", "not a dict")
    assert state.designs["A"].value["values"] == {**before["values"], "community.organizers": 20}
    state.pick("A", {"scenario": "../README.md"})
    assert state.designs["A"].value["scenario"] == "baseline.yaml"
    assert "unknown scenario" in state.designs["A"].value["error"]
    state.pick("A", {"scenario": "dunbar_split.yaml"})
    picked = state.designs["A"].value
    assert picked["revision"] == 2 and picked["error"] == ""
    assert "strategies.split_groups.cap" in picked["values"]
    for seed in ("abc", "-1", str(2**63), None):
        state.act({"action": "run", "seed": seed, "days": 10})
        assert "seed must be a whole number" in state.message.value
    state.act({"action": "format the disk", "seed": "1"})
    assert not state._working and state.frames.value == {}


def test_the_overlay_draws_both_designs_on_shared_axes():
    a = dashboard_runs.Track("A", "baseline.yaml", {"population.size": 300, "horizon_days": 100}, seed=1)
    b = dashboard_runs.Track("B", "points.yaml", {"population.size": 300, "horizon_days": 200}, seed=1)
    a.step(40)
    b.step(60)
    fig = dashboard_runs.overlay_figure({"A": a.frame(), "B": b.frame()})
    axes = fig.axes
    assert len(axes) == len(dashboard_runs.OVERLAY) == 4
    for ax in axes:
        assert axes[0].get_shared_x_axes().joined(axes[0], ax)
        labels = [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")]
        assert labels == ["A: baseline", "B: points"]
        (xa, _), (xb, _) = (line.get_data() for line in ax.get_lines()[::2])
        assert len(xa) == 40 and len(xb) == 60  # each curve as far as its design is simulated
    assert axes[0].get_xlim() == (0, 199)  # the longest horizon, from the start: the curves grow into it
    assert len(dashboard_runs.png(fig)) > 10_000


def test_the_network_view_shows_any_simulated_day():
    track = dashboard_runs.Track("A", "baseline.yaml", {"population.size": 2000, "horizon_days": 100}, seed=2)
    track.step(60)
    assert len(track.people) == dashboard_runs.NETWORK_LIMIT and len(track.codes) == 60
    founders = np.flatnonzero(track.codes[0] > 0)
    assert len(founders) >= track.model.founders  # the founders are drawn, the neighbourhood around them
    members = [int(np.isin(c, (1, 2, 3, 4)).sum()) for c in track.codes]
    assert members[59] > members[0]  # the community grew on the drawn people
    early, late = (dashboard_runs.network_figure(track, d) for d in (0, 59))
    title = [f.axes[0].get_title() for f in (early, late)]
    assert title[0].endswith("on day 0") and title[1].endswith("on day 59")
    legend = [[t.get_text() for t in f.axes[0].get_legend().get_texts()] for f in (early, late)]
    assert legend[0] != legend[1]
    assert dashboard_runs.network_figure(track, 30, upto=20).axes[0].get_title().endswith("on day 19")
    pos = track.pos
    assert pos.shape == (len(track.people), 2) and np.isfinite(pos).all()


def test_run_design_keeps_its_old_contract():
    res = dashboard.run_design("baseline.yaml", {"population.size": 300, "horizon_days": 100}, seed=1)
    assert isinstance(res["ts"], pd.DataFrame) and len(res["ts"]) == 100
    assert res["levers"] == {"population.size": 300, "horizon_days": 100}
    assert "lifespan" in dashboard.summary_html(res["summary"], res["levers"])


def test_dashboard_summary_names_the_scenarios_currency():
    """Money read-outs carry the scenario's currency label, as the text report prints them."""
    res = dashboard.run_design("baseline.yaml", {"population.size": 300, "horizon_days": 60}, seed=1)
    s = dict(res["summary"], parameters=dict(res["summary"].get("parameters") or {}, currency="EUR"))
    html = dashboard.summary_html(s, res["levers"])
    assert "EUR" in html and "currency" not in html
    s["parameters"].pop("currency")
    assert "cost units" in dashboard.summary_html(s, res["levers"])


def test_dashboard_summary_says_when_a_lifespan_of_0_is_the_dormancy_floors():
    """A run under `lifecycle.dormant_below` throughout showed '0 days' and 'dormancy 0' only (a review)."""
    res = dashboard.run_design("baseline.yaml", {"population.size": 300, "horizon_days": 60}, seed=1)
    s = dict(res["summary"], lifespan=0, peak_dau=13.0)
    assert "0 days (never reached lifecycle.dormant_below)" in dashboard.summary_html(s, res["levers"])
    assert "never reached" not in dashboard.summary_html(dict(s, peak_dau=0.0), res["levers"])


def test_a_taken_port_is_one_error_before_the_page_is_announced(capsys):
    """The command printed "circlesim dashboard on http://..." and then failed to bind (a red team's find)."""
    import socket

    from sim.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["dashboard", "--port", str(port)]) == 2
    out, err = capsys.readouterr()
    assert "circlesim dashboard on" not in out and f"cannot serve on 127.0.0.1:{port}" in err
