"""Variants compared with each other, not only with the baseline: a planner who ran a baseline and
two designs asks which design is better as often as whether either beats the baseline.

`CompareResult.against` re-reads the same runs with another design as the reference; the
between-variant table, trade-off lines, CSV and report sections are built on it. The
statistics are checked against scipy's paired t-test on the runs themselves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.cli import main
from sim.experiments.stats import holm
from sim.readouts.registry import measure
from tests.conftest import SCENARIOS

DESIGNS = ("baseline.yaml", "invite_fission.yaml", "points.yaml")


@pytest.fixture(scope="module")
def three():
    scs = [sim.load_scenario(SCENARIOS / f, overrides=["population.size=500"], days=120) for f in DESIGNS]
    return sim.compare(scs, replications=5, executor="serial", progress=False)


def test_between_variants_is_the_later_minus_the_earlier_paired_by_seed(three):
    a, b = three.labels[1], three.labels[2]
    table = three.between_variants()
    assert set(zip(table["baseline"], table["variant"])) == {(a, b)}
    runs = three.runs()
    for m in ("active_member_days", "peak_members", "viral_k", "total_spend"):
        x = runs[runs["scenario"] == a].set_index("seed")[m].astype(float)
        y = runs[runs["scenario"] == b].set_index("seed")[m].astype(float).loc[x.index]
        row = table.set_index("measure").loc[m]
        assert row["mean"] == pytest.approx((y - x).mean())
        if (y - x).std() > 0:
            assert row["p"] == pytest.approx(stats.ttest_rel(y, x).pvalue)
    # Holm's adjustment within the pair, over the same family as against the baseline
    family = table.dropna(subset=["p_holm"])
    assert list(family["p_holm"]) == pytest.approx(list(holm(family["p"].tolist())))


def test_against_reads_the_same_runs_with_another_reference(three):
    a = three.labels[1]
    other = three.against(a)
    assert other.labels[0] == a and sorted(other.labels) == sorted(three.labels)
    assert other.runs().sort_values(["scenario", "seed"]).reset_index(drop=True).equals(
        three.runs().sort_values(["scenario", "seed"]).reset_index(drop=True))
    back = other.against(three.labels[0]).differences()
    pd.testing.assert_frame_equal(back, three.differences())  # the original reference, the original table
    assert three.labels[0] == "baseline"  # the original is left as it was
    with pytest.raises(ValueError, match="not one of the compared designs"):
        three.against("no such design")


def test_each_pair_gets_one_trade_off_line_in_the_direction_of_better(three):
    a, b = three.labels[1], three.labels[2]
    [line] = three.variant_trade_offs()
    assert line.startswith(f"{b} against {a}: ")
    table = three.between_variants().set_index("measure")
    for m in ("peak_members", "viral_k"):
        row = table.loc[m]
        if row["significant"] and row["p_holm"] < 0.05:
            side = "better on" if (row["mean"] > 0) == measure(m).better else "worse on"
            said = line.split(side, 1)[1].split(";", 1)[0]
            assert measure(m).label in said


def test_one_variant_has_no_pairs(three):
    two = three.against(three.labels[0])
    two.labels, two.scenarios = two.labels[:2], two.scenarios[:2]
    two._rows = [r for r in three._rows if r["scenario"] in two.labels]
    assert two.variant_pairs() == [] and two.variant_trade_offs() == [] and two.between_variants().empty


def test_identical_variants_are_said_to_be_identical_to_each_other():
    base = sim.load_scenario(SCENARIOS / "baseline.yaml", overrides=["population.size=300"], days=40)
    hybrid = sim.load_scenario(SCENARIOS / "hybrid.yaml", overrides=["population.size=300"], days=40)
    points = sim.load_scenario(SCENARIOS / "points.yaml", overrides=["population.size=300"], days=40)
    res = sim.compare([points, base, hybrid], replications=2, executor="serial", progress=False)
    [line] = res.variant_trade_offs()
    assert line.startswith(f"{res.labels[2]} against {res.labels[1]}: identical to {res.labels[1]}")
    assert "the baseline" not in line  # the reference here is the earlier variant


def test_the_terminal_the_reports_and_a_csv_carry_the_pairs(tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["compare", *(str(SCENARIOS / f) for f in DESIGNS), "-r", "2", "--days", "30",
                 "--set", "population.size=300", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert printed.index("Between the variants") < printed.index("Verdicts:")
    assert "between_variants.csv" in printed.splitlines()[-1]
    for report in ("report.md", "report.html"):
        assert "Between the variants" in (out / report).read_text(encoding="utf-8")
    table = pd.read_csv(out / "between_variants.csv")
    assert set(table["baseline"]) == {"invite fission"} and set(table["variant"]) == {"points"}
    assert np.isfinite(table.set_index("measure").loc["total_spend", "mean"])


def test_two_designs_write_no_pairs(tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "points.yaml"), "-r", "2",
                 "--days", "20", "--set", "population.size=300", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "Between the variants" not in printed and not (out / "between_variants.csv").exists()
    assert "Between the variants" not in (out / "report.md").read_text(encoding="utf-8")
