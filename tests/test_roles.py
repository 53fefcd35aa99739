"""Every scenario key's role (lever, assumption, market, read-out, run), and what sweep, compare
and fit say when a user varies, or fits, something that is not what the role makes it for.

A planner's red team (2026-12-07) read a sweep of `strategies.points.value` (how much a point
motivates, at no extra cost) as a design to pick; these tests pin the notes that now say what
such a sweep is.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import sim
from sim.experiments.compare import assumption_differences
from sim.experiments.sweep import ParamRange, role_note
from sim.model.strategies import KINDS
from sim.outputs.report import market_and_staff
from sim.scenario import load_scenario
from sim.scenario.schema import COMMON_STRATEGY_PARAMS, ROLES, SCHEMA, iter_leaves, role_of

SCENARIOS = sim.scenarios_dir()


def test_every_key_has_a_known_role():
    keys = [".".join(p) for p, _ in iter_leaves(SCHEMA)]
    keys += [f"strategies.{kind}.{k}" for kind, cls in KINDS.items() for k in {**COMMON_STRATEGY_PARAMS, **cls.PARAMS}]
    roles = {k: role_of(k) for k in keys}
    assert all(r in ROLES for r in roles.values()), {k: r for k, r in roles.items() if r not in ROLES}
    # every role is used, and the classification is not one default for everything
    assert set(roles.values()) == set(ROLES)
    # whole sections read as what they are: thresholds of the read-outs, settings of the run
    assert {roles[k] for k in keys if k.startswith("lifecycle.")} == {"read-out"}
    assert {"seed", "horizon_days"} <= {k for k, r in roles.items() if r == "run"}
    # no model parameter is a run setting (a strategy's `kind` names its code: chosen by the entry, not swept)
    assert not any(r == "run" for k, r in roles.items() if "." in k and not k.endswith(".kind"))
    # the people in the market and what is chosen are declared, not left to the section's default
    assert roles["population.size"] == "market" and roles["community.organizers"] == "lever"
    # a key that does not exist has no role (a typo must not pass as an assumption)
    assert role_of("acquisition.no_such_key") is None and role_of("no_section.x") is None


@pytest.mark.parametrize("key, role", [
    ("strategies.points.value", "assumption"), ("strategies.points.wear_days", "assumption"),
    ("strategies.events.boost", "assumption"), ("strategies.invite_reward.share_boost", "assumption"),
    ("strategies.points.daily_cap", "lever"), ("strategies.points.post", "lever"), ("strategies.events.every", "lever"),
    ("strategies.events.format", "lever"), ("community.organizers", "lever"), ("community.group_cap", "lever"),
    # a unit cost changes no behaviour (sweeping it alone ranks the cheapest first): a price, not a lever
    ("strategies.events.cost", "assumption"), ("strategies.invite_reward.reward", "assumption"),
    ("strategies.content.quality", "assumption"), ("strategies.split_groups.admin_hours", "lever"),
    ("community.staff_hour_cost", "assumption"), ("acquisition.q_weak", "assumption"),
    ("population.size", "market"), ("population.graph.mean_degree", "market"),
    ("lifecycle.dormancy_share", "read-out"), ("seed", "run"),
])
def test_roles_of_keys_a_planner_meets(key, role):
    assert role_of(key) == role


def test_every_strategy_key_declares_its_role():
    """No default: a new strategy parameter must say whether operators choose it or the model assumes it
    (a default of 'lever' would let the next `points.value` through unnoticed)."""
    undeclared = [f"{kind}.{k}" for kind, cls in KINDS.items() for k, p in cls.PARAMS.items() if p.role is None]
    assert undeclared == []


def test_no_unit_cost_is_a_lever():
    """A cost per unit is only charged, never felt: as a lever a sweep would rank the cheapest first."""
    costs = [f"strategies.{kind}.{k}" for kind, cls in KINDS.items() for k, p in cls.PARAMS.items()
             if "currency" in p.unit]
    assert costs and all(role_of(k) == "assumption" for k in costs), {k: role_of(k) for k in costs}


def test_a_strategy_key_is_found_by_the_scenarios_own_name():
    sc = load_scenario(SCENARIOS / "baseline.yaml").with_overrides(["strategies.loyalty.kind=points"])
    assert role_of("strategies.loyalty.value", sc) == "assumption"
    assert role_of("strategies.loyalty.value") is None  # no kind 'loyalty' without the scenario
    assert role_of("strategies.loyalty.value", {"loyalty": "points"}) == "assumption"


def test_role_note_is_none_over_levers_and_names_every_other_key():
    assert role_note([ParamRange("strategies.points.daily_cap", 5, 35), ParamRange("community.organizers", 1, 5)]) \
        is None
    note = role_note([ParamRange("strategies.points.value", 0, 0.05), ParamRange("acquisition.q_weak", 0.02, 0.1),
                      ParamRange("strategies.points.daily_cap", 5, 35)])
    assert note.startswith("strategies.points.value and acquisition.q_weak are assumptions (")
    assert "not levers" in note and "sensitivity analysis" in note and "lever strategies.points.daily_cap" in note
    assert note.count("how people and the platform behave") == 1  # said once for both
    assert "rank worlds" in note
    assert "readings of the same runs" in role_note([ParamRange("lifecycle.dormancy_share", 0.05, 0.2)])
    # with a lever beside it the runs differ: the points are worlds again, not readings of the same runs
    assert "rank worlds" in role_note([ParamRange("lifecycle.dormancy_share", 0.05, 0.2),
                                       ParamRange("strategies.points.daily_cap", 5, 35)])
    assert "keeps the cheapest" not in note
    assert "keeps the cheapest" in role_note([ParamRange("strategies.events.cost", 100, 300)])
    assert "population.size is the market" in role_note([ParamRange("population.size", 200, 400)])


def _sweep(tmp_path, param: str):
    out = tmp_path / "sw"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "sweep", str(SCENARIOS / "points.yaml"), "--param", param,
         "--method", "grid", "--samples", "2", "-r", "1", "--set", "population.size=200", "--days", "20",
         "--serial", "--quiet", "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, (out / "report.md").read_text(encoding="utf-8"), (out / "report.html").read_text("utf-8")


def test_a_sweep_over_an_assumption_says_so_before_its_best_points_and_in_both_reports(tmp_path):
    stdout, md, html = _sweep(tmp_path, "strategies.points.value=0:0.05")
    assert "Note: strategies.points.value is an assumption" in stdout
    assert stdout.index("Note: strategies.points.value") < stdout.index("Best points")
    assert "design points" not in stdout  # the points are not designs
    assert "## Best points" in md
    assert "sensitivity analysis" in md and "sensitivity analysis" in html


def test_a_sweep_over_levers_carries_no_such_note(tmp_path):
    stdout, md, _ = _sweep(tmp_path, "strategies.points.daily_cap=5:35")
    assert "sensitivity analysis" not in stdout and "sensitivity analysis" not in md
    assert "Best design points" in stdout and "## Best design points" in md


def test_assumption_differences_ignore_levers_and_a_strategy_only_the_variant_runs():
    base = load_scenario(SCENARIOS / "baseline.yaml")
    points = load_scenario(SCENARIOS / "points.yaml")
    assert assumption_differences(base, points) == []  # adding points brings its own response assumptions
    lever = base.with_overrides(["community.organizers=6", "community.group_cap=150"])
    assert assumption_differences(base, lever) == []
    world = base.with_overrides(["motivation.adapt_rate=0.2"])
    assert assumption_differences(base, world) == [("motivation.adapt_rate", 0.08, 0.2)]
    both = points.with_overrides(["strategies.points.value=0.05", "strategies.points.daily_cap=40"])
    assert assumption_differences(points, both) == [("strategies.points.value", 0.02, 0.05)]


def test_the_shared_reports_paragraph_names_a_variants_different_assumptions():
    points = load_scenario(SCENARIOS / "points.yaml")
    rich = points.with_overrides(["strategies.points.value=0.05"])
    text = market_and_staff([points, rich], labels=["points", "rich points"])
    assert "Assumptions differ" in text and "strategies.points.value (0.02 in points; 0.05 in rich points)" in text
    capped = points.with_overrides(["strategies.points.daily_cap=40"])
    assert "Assumptions differ" not in market_and_staff([points, capped])
    # three designs: each value with the designs that hold it (not "points sets q_weak" when it keeps it)
    base = load_scenario(SCENARIOS / "baseline.yaml")
    wom = base.with_overrides(["acquisition.q_weak=0.1"])
    text = market_and_staff([base, wom, points], labels=["baseline", "wom", "points"])
    assert "acquisition.q_weak (0.05 in baseline and points; 0.1 in wom)" in text
    # the price of staff time is the staff sentence's, not an assumption listed again
    priced = base.with_overrides(["community.staff_hour_cost=20"])
    text = market_and_staff([base, priced])
    assert "priced differently" in text and "Assumptions differ" not in text


def test_the_dashboard_groups_its_sliders_by_role_levers_first():
    from sim.outputs.dashboard_runs import GLOBAL_LEVERS, ROLE_GROUPS, levers_for

    assert [lv.group for lv in GLOBAL_LEVERS] == sorted((ROLE_GROUPS[role_of(lv.key)] for lv in GLOBAL_LEVERS),
                                                         key=list(ROLE_GROUPS.values()).index)
    assert GLOBAL_LEVERS[0].group == ROLE_GROUPS["lever"]
    assert all(lv.group == ROLE_GROUPS[role_of(lv.key)] for lv in GLOBAL_LEVERS)
    labels = {lv.key: lv.label for lv in levers_for("points.yaml")}
    assert labels["strategies.points.value"].endswith("(assumption)")
    assert not labels["strategies.points.start"].endswith("(assumption)")


def test_priced_staff_with_no_hours_is_said_to_cost_nothing():
    base = load_scenario(SCENARIOS / "baseline.yaml").with_overrides(["community.staff_hour_cost=8"])
    idle = base.with_overrides(["community.organizer_hours=0"])
    text = market_and_staff([base, idle], labels=["baseline", "idle staff"])
    assert "priced at 8" in text and "no hours in idle staff" in text and "no staff cost is counted there" in text
    assert "no hours" not in market_and_staff([base, base])
    assert "no staff cost is counted." in market_and_staff([idle, idle])


def test_fitting_a_lever_is_noted_with_its_line_and_an_assumption_is_not(tmp_path):
    f = tmp_path / "fit.yaml"
    f.write_text(f"extends: {SCENARIOS / 'fit_example.yaml'}\n"
                 "fit:\n  parameters:\n"
                 "    community.organizers: {prior: uniform, low: 1, high: 6}\n"
                 "    acquisition.q_close: {prior: uniform, low: 0.05, high: 0.3}\n", encoding="utf-8")
    notices = [n for n in load_scenario(f).notices if n.key.startswith("fit.")]
    assert [(n.key, n.line) for n in notices] == [("fit.parameters.community.organizers", 4)]
    assert "is a lever" in notices[0].message
    assert not [n for n in load_scenario(SCENARIOS / "fit_example.yaml").notices if n.key.startswith("fit.")]
    g = tmp_path / "fit_graph.yaml"  # an unknown social graph is fair to fit; a read-out threshold is not
    g.write_text(f"extends: {SCENARIOS / 'fit_example.yaml'}\n"
                 "fit:\n  parameters:\n"
                 "    population.graph.mean_degree: {prior: uniform, low: 4, high: 20}\n"
                 "    lifecycle.dormancy_share: {prior: uniform, low: 0.05, high: 0.2}\n", encoding="utf-8")
    said = {n.key: n.message for n in load_scenario(g).notices if n.key.startswith("fit.")}
    assert list(said) == ["fit.parameters.lifecycle.dormancy_share"] and "cannot inform it" in said[
        "fit.parameters.lifecycle.dormancy_share"]


def test_a_price_set_away_from_its_default_is_said_to_change_spend_only(tmp_path):
    """A strategist doubled the invite reward and expected more invitations (a newcomer's first hour,
    2026-12-07): the note says what the price buys, and where to set it."""
    f = tmp_path / "mine.yaml"
    f.write_text(f"extends: {SCENARIOS / 'invite_fission.yaml'}\nstrategies:\n  invite_reward:\n    reward: 2.0\n",
                 encoding="utf-8")
    [note] = [n for n in load_scenario(f).notices if "changes what is spent" in n.message]
    assert (note.file, note.line, note.key) == (str(f), 4, "strategies.invite_reward.reward")
    assert "strategies.invite_reward.share_boost" in note.message
    assert "strategies.invite_reward.reward" not in note.message.split("buys is", 1)[1]  # not the price itself
    # from --set too; not for a price at its default, nor for one a base file set
    sc = load_scenario(SCENARIOS / "points.yaml", overrides=["strategies.points.cost=0.01"])
    assert [n.key for n in sc.notices if "changes what is spent" in n.message] == ["strategies.points.cost"]
    assert not [n for n in load_scenario(SCENARIOS / "points.yaml", overrides=["strategies.points.cost=0.005"]).notices
                if "changes what is spent" in n.message]
    child = tmp_path / "child.yaml"
    child.write_text(f"extends: {f}\nname: child\n", encoding="utf-8")
    assert not [n for n in load_scenario(child).notices if "changes what is spent" in n.message]
