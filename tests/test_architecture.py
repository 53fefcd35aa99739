"""The architecture's promises: order-free strategies, one-entry read-outs, self-contained mechanisms."""

from __future__ import annotations

import ast
import itertools
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from sim.model import CommunityModel
from sim.model.strategies import KINDS, Effects, StrategyConflict, combine
from sim.readouts import registry
from sim.scenario import scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
MECHANICS = ROOT / "sim" / "model" / "mechanics"


def _scenario(strategies: list[tuple[str, dict]], days: int = 60, size: int = 300):
    """A small scenario whose strategies appear in exactly the given order."""
    return scenario_from_dict({"population": {"size": size}, "horizon_days": days,
                               "strategies": {name: spec for name, spec in strategies}})


def _run(sc) -> tuple[list[str], pd.DataFrame]:
    model = CommunityModel(sc, seed=3)
    model.run()
    return [s.name for s in model.strategies], model.timeseries()


# every strategy in force from day 0 with its defaults; events and KOC rounds fire on day 0 and 30
SPECS = {kind: {"kind": kind} for kind in KINDS if not kind.endswith("_for_tests")}


@pytest.mark.parametrize("first,second", list(itertools.combinations(sorted(SPECS), 2)))
def test_strategy_order_never_changes_a_result(first, second):
    # names chosen so that file order and alphabetical order disagree in one of the two runs
    a, b = ("z_" + first, SPECS[first]), ("a_" + second, SPECS[second])
    names_ab, ts_ab = _run(_scenario([a, b]))
    names_ba, ts_ba = _run(_scenario([b, a]))
    assert names_ab != names_ba, "the two scenarios must list their strategies in different orders"
    pd.testing.assert_frame_equal(ts_ab, ts_ba)


def test_multipliers_compound_whatever_the_order():
    content, mode = Effects(), Effects()
    content.ugc_boost, mode.ugc_boost = 1.5, 1.36
    one = combine([("content", content), ("operating_mode", mode)]).ugc_boost
    two = combine([("operating_mode", mode), ("content", content)]).ugc_boost
    assert one == two == 1.5 * 1.36


def test_two_events_on_one_day_both_happen_and_both_are_charged():
    sc = _scenario([("meetup", {"kind": "events", "format": "offline", "messages": 30.0, "cost": 200.0}),
                    ("live", {"kind": "events", "format": "online", "messages": 70.0, "cost": 50.0})], days=2)
    model = CommunityModel(sc, seed=1)
    model.step()
    effects = model.last_day.effects
    assert [e.name for e in effects.events] == ["live", "meetup"]
    assert effects.spend == {"live": 50.0, "meetup": 200.0}
    assert model.last_day.content.event_msgs.max() == pytest.approx(100.0)


def test_two_points_programmes_at_once_are_refused():
    """Refused when the scenario is loaded (with the day), when a Scenario is made from a dict, and by the model
    for a Scenario circlesim made without checking again (`_checked=True`, as an unpickled one is)."""
    from sim.scenario import Scenario, ScenarioError

    with pytest.raises(ScenarioError, match="strategies.more_points: .* both set 'points_checkin' on day 0"):
        _scenario([("points", {"kind": "points"}), ("more_points", {"kind": "points", "checkin": 9.0})])
    one = _scenario([("points", {"kind": "points"})]).to_dict()
    one["strategies"]["more_points"] = dict(one["strategies"]["points"], checkin=9.0)
    with pytest.raises(ScenarioError, match="strategies.more_points: .* both set 'points_checkin' on day 0"):
        Scenario(one)
    with pytest.raises(StrategyConflict, match="more_points"):
        CommunityModel(Scenario(one, _checked=True))  # the model's own check, behind the constructor's


def test_a_clash_past_the_horizon_is_named_before_the_run_goes_there(tmp_path):
    """The load checks clashes up to the horizon; running longer checks the added days first,
    naming the file, the strategies and the day (a red team met a bare StrategyConflict mid-run)."""
    from sim.scenario import load_scenario

    path = tmp_path / "kocs.yaml"
    path.write_text(f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\nhorizon_days: 100\n"
                    "population: {size: 300}\nstrategies:\n"
                    "  k1: {kind: koc_promotion, start: 0, every: 30}\n"
                    "  k2: {kind: koc_promotion, start: 1, every: 7}\n")  # rounds meet first on day 120
    sc = load_scenario(path)  # no clash within 100 days
    model = CommunityModel(sc, seed=1)
    model.run(60)
    with pytest.raises(StrategyConflict, match=r"kocs\.yaml: .*'k1' and 'k2'.* on day 120;.*days=200"):
        model.run(140)
    assert model.day == 60  # refused before any day of it ran
    model.run(40)  # up to the horizon, nothing to check
    assert model.day == 100
    model.run(10)  # past it, but before the clash: checked and run
    for _ in range(10):  # step() checks each day it adds past the checked ones
        model.step()
    assert model.day == 120
    with pytest.raises(StrategyConflict, match=r"'k1' and 'k2'.* on day 120;.*days=121"):
        model.step()
    assert model.day == 120


def test_run_lengths_are_bounded_like_the_horizon():
    from sim.experiments.runner import run_scenario
    from sim.scenario import load_scenario

    sc = load_scenario(ROOT / "scenarios" / "baseline.yaml", overrides=["population.size=300"])
    with pytest.raises(ValueError, match=r"days.*20000"):
        CommunityModel(sc, seed=1).run(10**9)  # refused at once, not run for hours
    with pytest.raises(ValueError, match=r"days"):
        run_scenario(sc, days=0)  # a summary needs a day
    with pytest.raises(ValueError, match=r"days.*20000"):
        run_scenario(sc, days=20001)


def test_a_new_readout_is_one_entry(tmp_path):
    """One daily and one per-run entry reach timeseries.csv, summary.json, compare tables and the report."""
    from sim.cli import main
    from sim.experiments.compare import compare

    daily = registry.Readout("test_double_dau", "doubled DAU", "persons", True, "day",
                             lambda v: 2 * int(v.day.churn.active_today.sum()), aggregate="max")
    per_run = registry.Readout("test_lifespan_weeks", "lifespan in weeks", "weeks", True, "run",
                               lambda run: (run.summary["lifespan"] or run.summary["horizon_days"]) / 7,
                               "{:.1f}")
    registry.register(daily)
    registry.register(per_run)
    try:
        out = tmp_path / "run"
        assert main(["run", str(ROOT / "scenarios" / "baseline.yaml"), "--set", "population.size=300",
                     "--days", "40", "--out", str(out)]) == 0
        ts = pd.read_csv(out / "timeseries.csv")
        assert (ts["test_double_dau"] == 2 * ts["dau"]).all()
        summary = json.loads((out / "summary.json").read_text())
        assert summary["test_lifespan_weeks"] == pytest.approx(40 / 7)

        base = scenario_from_dict({"population": {"size": 300}, "horizon_days": 40, "name": "base"})
        res = compare([base, base.with_overrides(["name=again"])], replications=2, executor="serial",
                      progress=False, store=tmp_path / "store")
        runs = res.runs()
        assert (runs["test_double_dau"] > 0).all() and "test_lifespan_weeks" in runs
        assert "test_lifespan_weeks" in set(res.summary()["measure"])
        res.write(tmp_path / "cmp")
        report = (tmp_path / "cmp" / "report.md").read_text()
        assert "lifespan in weeks" in report and "doubled DAU" in report
    finally:
        registry.unregister("test_double_dau")
        registry.unregister("test_lifespan_weeks")


def test_every_readout_is_declared_with_label_unit_and_direction():
    for r in [*registry.DAILY.values(), *registry.RUN.values()]:
        assert r.label and r.unit and r.better in (True, False, None) and r.per in ("day", "run"), r.name


def _names_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) for a in n.args.args}
    return names


@pytest.mark.parametrize("path", sorted(MECHANICS.glob("*.py")), ids=lambda p: p.name)
def test_mechanisms_never_see_the_model(path):
    """A mechanism gets a Day context; it never holds `model`, so it cannot write attributes onto it."""
    assert "model" not in _names_in(path)


def test_every_mechanism_declares_params_state_and_a_step():
    from sim.model.mechanics import DAILY_STEPS, MECHANISM_MODULES

    for module in MECHANISM_MODULES:
        assert isinstance(module.PARAMS, dict) and isinstance(module.STATE, dict), module.__name__
    stepped = {fn.__module__ for _, fn in DAILY_STEPS}
    assert stepped == {m.__name__ for m in MECHANISM_MODULES}


def test_status_and_circle_are_never_compared_with_each_other():
    mixed = re.compile(r"circle\W*[!=]=\s*Status\.|status\W*[!=]=\s*Circle\.")
    for path in [*(ROOT / "sim").rglob("*.py"), *(ROOT / "agents").rglob("*.py")]:
        for i, line in enumerate(path.read_text().splitlines(), 1):
            assert not mixed.search(line), f"{path}:{i}: {line.strip()}"


def test_a_bare_import_reaches_the_subpackages_and_the_examples_run_from_any_folder(tmp_path):
    """`import sim; sim.scenario` raised AttributeError until something imported it; the docstring
    examples read "scenarios/..." and failed outside the repository root (a notebook's folder)."""
    import subprocess
    import sys

    code = ("import doctest, importlib, sim\n"
            "assert sim.scenario.load_scenario is sim.load_scenario and sim.fitting and sim.readouts\n"
            "bad = 0\n"
            "for name in ('sim', 'sim.scenario', 'sim.scenario.loader', 'sim.experiments.compare',\n"
            "             'sim.model.community', 'agents.member'):\n"
            "    r = doctest.testmod(importlib.import_module(name))\n"
            "    assert r.attempted, name\n"
            "    bad += r.failed\n"
            "raise SystemExit(bad)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


def test_the_package_reports_the_version_pyproject_declares():
    import tomllib

    import sim

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert sim.__version__ == declared
