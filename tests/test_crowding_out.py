"""The crowding-out measurement (sim.experiments.crowding_out): Deci et al.'s effect size, in the model."""

import numpy as np
import pytest

from sim.experiments import crowding_out as co
from sim.scenario import load_scenario
from sim.scenario.paths import scenario_dir


def test_undermining_shows_in_regular_members_visits_after_the_points_stop():
    """At strength 0.1 regular members visit less after the stop than without crowding out.

    Measured at 2,000 persons over 8 seeds: d = -0.37, standard deviation 0.10 per seed; the
    first four seeds' mean has a standard error of about 0.05, so -0.2 is more than three
    standard errors from the expected value. Fails if the undermining does not outlast the
    points or stops lowering interest. Without crowding out the two runs are the same run, so
    d is exactly 0 (the comparison is paired by seed).
    """
    d, c = co.run(strengths=(0.0, 0.1), reps=4, size=2000, consequences=False)
    assert c is None
    assert (d.loc[d.strength == 0.0, "d_visits"] == 0.0).all()
    strong = d[d.strength == 0.1]
    assert strong["regulars"].min() > 50  # enough regular members for a d
    assert strong["d_visits"].mean() < -0.2
    assert (strong["d_interest"] < 0).all()


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
    rng = np.random.default_rng(0)
    a, b = rng.normal(1.0, 2.0, 4000), rng.normal(0.0, 2.0, 6000)
    assert abs(co.cohens_d(a, b) - 0.5) < 0.05  # SE of d at these sizes is about 0.02
    assert co.cohens_d([1.0, 1.0], [1.0, 1.0]) == 0.0


def test_cli_refuses_a_strength_outside_the_parameter_range(capsys):
    with pytest.raises(SystemExit) as e:
        co.main(["--strengths", "2", "--reps", "2"])
    assert e.value.code == 2
    assert "--strengths" in capsys.readouterr().err
