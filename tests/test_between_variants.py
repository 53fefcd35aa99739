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
    # Holm's adjustment within the pair, over the headline measures (those tested: not equal in every pair)
    from sim.experiments.compare import verdict_measures

    spend = table.set_index("measure").loc["total_spend", "mean"]  # incentives that are all of it: spend's test
    family = table[table["measure"].isin(verdict_measures()) & (table["sd"] > 0)
                   & ~((table["measure"] == "incentive_spend") & np.isclose(table["mean"], spend))]
    assert set(family["measure"]) == set(table.dropna(subset=["p_holm"])["measure"])
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
    checked = []
    for m in table.index:
        row = table.loc[m]
        if not (row["significant"] and row["p_holm"] < 0.05):
            continue
        if m == "total_spend":  # spend is said as a price, not as better or worse
            assert f"; {'costs' if row['mean'] > 0 else 'saves'} " in line, line
            checked.append(m)
        elif measure(m).better is not None and "spend" not in m:
            side = "better on" if (row["mean"] > 0) == measure(m).better else "worse on"
            assert side in line, (m, line)
            said = line.split(side, 1)[1].split(";", 1)[0]
            assert measure(m).label in said
            checked.append(m)
    # at 500 persons, 5 seeds, points against invite fission differ in peak members, viral K and spend
    assert len(checked) >= 2, ("too few significant differences between the two variants: the fixture no "
                               "longer tests the line", checked)


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
    assert list(table.columns) == list(pd.read_csv(out / "differences.csv").columns)  # one schema, one order
    assert np.isfinite(table.set_index("measure").loc["total_spend", "mean"])


def test_two_designs_write_no_pairs(tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "points.yaml"), "-r", "2",
                 "--days", "20", "--set", "population.size=300", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "Between the variants" not in printed and not (out / "between_variants.csv").exists()
    assert "Between the variants" not in (out / "report.md").read_text(encoding="utf-8")


def _small(name: str, *sets: str):
    return sim.load_scenario(SCENARIOS / name, overrides=["population.size=300", *sets], days=40)


def test_holm_runs_within_each_pair_not_across_pairs():
    """Three variants make three pairs; each pair's headline family gets its own Holm adjustment."""
    scs = [_small(f) for f in ("baseline.yaml", "points.yaml", "invite_fission.yaml", "monthly_events.yaml")]
    res = sim.compare(scs, replications=4, executor="serial", progress=False)
    table = res.between_variants()
    assert len(res.variant_pairs()) == 3
    for (a, b), rows in table.groupby(["baseline", "variant"], sort=False):
        family = rows.dropna(subset=["p_holm"])
        assert len(family) >= 2
        assert list(family["p_holm"]) == pytest.approx(list(holm(family["p"].tolist())))
    everything = table.dropna(subset=["p_holm"])  # adjusting all pairs together would give other values
    assert not np.allclose(holm(everything["p"].tolist()), everything["p_holm"])


def test_pair_lines_point_at_nothing_they_lack_and_a_colon_in_a_name_is_harmless():
    """The pairs have no verdicts: their lines carry no '(see its verdict)'. A design named 'A' after ones
    named 'A: fission' and 'A: events' gets its own line (a lookup by the 'A: ' prefix gave it another's)."""
    scs = [_small("baseline.yaml"), _small("invite_fission.yaml", "name='A: fission'"),
           _small("monthly_events.yaml", "name='A: events'"), _small("points.yaml", "name=A")]
    res = sim.compare(scs, replications=3, executor="serial", progress=False)
    assert res.labels == ["baseline", "A: fission", "A: events", "A"]
    lines = res.variant_trade_offs()
    diff = res.between_variants().set_index(["baseline", "variant", "measure"])
    priced = 0
    for (a, b), line in zip(res.variant_pairs(), lines):
        assert line.startswith(f"{b} against {a}: ")
        assert "see its verdict" not in line and "see the verdicts" not in line
        spend = diff.loc[(a, b, "total_spend"), "mean"]
        amount = res._amount("total_spend", abs(spend))
        if " more per run" in line or "saves" in line:  # the amount is this pair's, not another's
            priced += 1
            assert f"{'costs' if spend > 0 else 'saves'} {amount}" in line
    assert priced >= 2


def test_a_pair_that_differs_in_an_assumption_says_so():
    """Two variants of one strategy that differ only in how members respond are two worlds, not two designs."""
    scs = [_small("baseline.yaml"), _small("points.yaml"), _small("points.yaml", "name=rich points",
                                                                   "strategies.points.value=0.05")]
    res = sim.compare(scs, replications=2, executor="serial", progress=False)
    [line] = res.variant_trade_offs()
    assert line.startswith("rich points against points: ")
    assert "Not only a design: they differ in assumptions (strategies.points.value 0.05 against 0.02)" in line
    from sim.outputs.report import market_note

    assert "strategies.points.value (0.02 in points; 0.05 in rich points)" in market_note(res)


def test_a_variant_identical_to_the_baseline_makes_no_pairs_and_is_said_to_be_left_out():
    scs = [_small("baseline.yaml"), _small("hybrid.yaml"), _small("points.yaml"), _small("invite_fission.yaml")]
    res = sim.compare(scs, replications=2, executor="serial", progress=False)
    assert res._identical("hybrid") and res.left_out_of_pairs() == ["hybrid"]
    assert res.variant_pairs() == [("points", "invite fission")]
    lines = res.variant_trade_offs()
    assert lines[0].startswith("invite fission against points: ")
    assert lines[-1].startswith("hybrid is left out: identical to the baseline")
    two = sim.compare(scs[:3], replications=2, executor="serial", progress=False)
    assert two.variant_pairs() == [] and two.between_variants().empty
    assert [ln[:len("hybrid is left out")] for ln in two.variant_trade_offs()] == ["hybrid is left out"]


def test_between_variants_notes_name_the_earlier_variant_not_the_baseline():
    scs = [_small("points.yaml"), _small("baseline.yaml"), _small("hybrid.yaml")]
    res = sim.compare(scs, replications=2, executor="serial", progress=False)
    notes = set(res.between_variants()["note"].dropna())
    assert notes == {"no test: identical to baseline in every run"}


def test_between_variants_is_computed_once_and_handed_out_as_a_copy(three):
    first = three.between_variants()
    first.loc[:, "mean"] = 12345.0  # a caller's edit must not reach the next reader
    assert not (three.between_variants()["mean"] == 12345.0).any()
    # new runs (a result whose rows were replaced) are read afresh, not from the memo
    other = three.against(three.labels[0])
    other._rows = [dict(r, viral_k=0.0) for r in three._rows]
    assert (other.between_variants().set_index("measure").loc["viral_k", "mean"] == 0.0)
    assert three.between_variants().set_index("measure").loc["viral_k", "mean"] != 0.0
    # rows edited in place are noticed too (the memo is keyed on the runs, not on the list)
    for r in other._rows:
        if r["scenario"] == other.labels[2]:
            r["viral_k"] = 1.0
    assert other.between_variants().set_index("measure").loc["viral_k", "mean"] == 1.0
