"""The crowding-out measurement (sim.experiments.crowding_out): Deci et al.'s effect size, in the model."""

import numpy as np
import pytest

from sim.experiments import crowding_out as co
from sim.scenario import load_scenario
from sim.scenario.paths import scenario_dir


def test_undermining_shows_in_regular_members_visits_after_the_points_stop():
    """At strength 0.1 regular members visit less after the stop than without crowding out.

    Crowding out alone: on points that do not wear out (`wear_days=0`, model version 7's
    points; with wear-out the pull, and so the undermining, is smaller by the stop day: d =
    -0.15 and -0.17 at 2,000 persons over 8 seeds, standard deviations 0.12 and 0.10 per seed).
    Measured at 2,000 persons over 8 seeds: d = -0.37 in the first 30 days (standard deviation
    0.10 per seed) and -0.45 in the next 30 (0.085), when the points' pull has faded. The first
    four seeds' means have standard errors of about 0.05 and 0.04, so -0.2 and -0.3 are more
    than three standard errors from the expected values. Fails if the undermining stops
    lowering interest, or fades once the points stop (a red team's mutation, the undermined
    share decaying at the adapt rate after the stop, gave -0.23 in the first window and passed
    the first check alone). Without crowding out the two runs are the same run, so d is 0.
    """
    d, c = co.run(strengths=(0.0, 0.1), reps=4, size=2000, consequences=False,
                  overrides=["strategies.points.wear_days=0"])
    assert c is None
    assert (d.loc[d.strength == 0.0, ["d_visits", "d_late", "d_interest"]] == 0.0).all().all()
    strong = d[d.strength == 0.1]
    assert strong["regulars"].min() > 50  # enough regular members for a d
    assert strong["d_visits"].mean() < -0.2
    assert strong["d_late"].mean() < -0.3
    assert (strong["d_interest"] < 0).all()


def test_overrides_reach_the_points_scenarios_and_never_give_the_baseline_points():
    """A `strategies.points.*` override on the baseline would create a points programme there:
    the consequence table then compared points with points (a review found it)."""
    small = dict(strengths=(0.003,), reps=2, size=400, window=5, consequence_days=40)
    _, plain = co.run(**small)
    _, worn = co.run(**small, overrides=["strategies.points.wear_days=0"])
    base = plain["scenario"] == "baseline.yaml"
    assert plain[base].reset_index(drop=True).equals(worn[worn["scenario"] == "baseline.yaml"].reset_index(drop=True))
    points = plain["scenario"] == "points.yaml"
    assert not plain.loc[points, "active_member_days"].equals(worn.loc[worn["scenario"] == "points.yaml",
                                                                       "active_member_days"])
    with pytest.raises(ValueError, match="strengths"):
        co.run(**small, overrides=["motivation.crowding_out=0.5"])


def test_consequence_table_pairs_each_points_scenario_with_the_baseline():
    d, c = co.run(strengths=(0.003,), reps=2, size=400, window=5, consequence_days=40)
    assert set(c["scenario"]) == {"baseline.yaml", *co.CONSEQUENCES}
    assert len(c) == 2 * (1 + len(co.CONSEQUENCES))
    md = co.table(d, c)
    assert md.count("\n| 0.003 |") == 2  # one row in each table
    assert "points_removed lifespan" in md
    fig = co.figure(d, c)
    assert len(fig.axes) == 2 and fig.axes[0].get_legend() is not None


def test_a_scenario_whose_points_never_stop_is_refused():
    with pytest.raises(ValueError, match="no points strategy that stops"):
        co.stop_day(load_scenario(scenario_dir() / "points.yaml"))
    assert co.stop_day(load_scenario(scenario_dir() / "points_removed.yaml")) == 180


def test_cohens_d_is_the_pooled_standardised_difference():
    """Unequal sizes and spreads: the pooled SD is sqrt((3999 * 1 + 999 * 9) / 4998) = 1.612, so
    d = 1 / 1.612 = 0.620 (one group's SD alone would give 1.0 or 0.33). Standard error of d
    at these sizes is about 0.04."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(1.0, 1.0, 4000), rng.normal(0.0, 3.0, 1000)
    assert abs(co.cohens_d(a, b) - 0.620) < 0.12
    assert co.cohens_d([1.0, 1.0], [1.0, 1.0]) == 0.0
    assert np.isnan(co.cohens_d([1.0], [1.0, 2.0]))


def test_consequences_are_paired_by_seed_not_by_row_order():
    import pandas as pd

    from sim.experiments.stats import mean_pm

    d = pd.DataFrame({"strength": [0.003] * 2, "seed": [1, 2], "regulars": [10, 10],
                      "d_visits": [0.0, 0.0], "d_late": [0.0, 0.0], "d_interest": [0.0, 0.0]})
    rows = [("baseline.yaml", 0.0, 1, 700), ("baseline.yaml", 0.0, 2, 800),
            ("points.yaml", 0.003, 2, 820), ("points.yaml", 0.003, 1, 760)]
    c = pd.DataFrame([{"scenario": f, "strength": s, "seed": seed, "lifespan": life, "alive_at_horizon": False,
                       "active_member_days": 1000.0} for f, s, seed, life in rows])
    md = co.table(d, c)
    assert f"| 0.003 | {mean_pm([60, 20])} |" in md  # seed 1: 760 - 700, seed 2: 820 - 800
    assert mean_pm([60, 20]) != mean_pm([120, -40])  # what pairing by row order would give


@pytest.mark.parametrize("args, said", [
    (["--strengths", "2"], "--strengths"),
    (["--regular", "2"], "--regular"),
    (["--workers", "0"], "--workers"),
    (["--out", "/nonexistent-folder/crowding.md"], "does not exist"),
    (["--size", "5"], "--size 5"),
    (["--set", "strategies.points.wear_dayz=0"], "wear_dayz"),
    (["--set", "population.size=300"], "use --size"),
])
def test_cli_refuses_bad_arguments_before_any_run(capsys, args, said):
    with pytest.raises(SystemExit) as e:
        co.main([*args, "--reps", "2"])
    assert e.value.code == 2
    assert said in capsys.readouterr().err
