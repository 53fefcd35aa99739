"""What a planner's red team found in compare and sweep (2026-12-07), each pinned by a test that fails on
the code it was found in (beae1f9): a comparison's sign that depended on which design was the
reference, designs compared on different markets, a sweep's Pareto set blind to all spend but
incentives, a censored lifespan row that read as a tested null, and a design's own seed dropped
without a word.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import sim
from sim.cli import main
from tests.conftest import SCENARIOS


def _small(name: str, *sets: str, days: int = 40):
    return sim.load_scenario(SCENARIOS / name, overrides=["population.size=400", *sets], days=days)


def test_which_design_is_the_reference_does_not_change_the_sign_of_a_spend_difference():
    """Staff time is priced the same in every design: decentralized against the baseline and against
    hybrid (which runs exactly as the baseline) give the same spend difference, priced or not."""
    for price in ((), ("community.staff_hour_cost=10",)):
        base, hybrid, dec = (_small(f, *price) for f in ("baseline.yaml", "hybrid.yaml", "decentralized.yaml"))
        one = sim.compare([base, dec], replications=2, executor="serial", progress=False).differences()
        two = sim.compare([hybrid, dec], replications=2, executor="serial", progress=False).differences()
        spend = [d.set_index("measure").loc["total_spend", "mean"] for d in (one, two)]
        assert spend[0] == pytest.approx(spend[1])
        assert (spend[0] < 0) if price else (spend[0] == 0)  # user-led: fewer paid hours (0.64x)


def test_compare_refuses_designs_on_different_markets(tmp_path, capsys):
    """A bigger market is not a better design: 3,000 persons against 2,000 read as "better on peak
    members (+556)"; now refused, naming both files and the key, before anything runs or is written."""
    bigger = tmp_path / "points_3000.yaml"
    bigger.write_text(f"extends: {SCENARIOS / 'points.yaml'}\npopulation:\n  size: 3000\n", encoding="utf-8")
    out = tmp_path / "c"
    code = main(["compare", str(SCENARIOS / "baseline.yaml"), str(bigger), "-r", "2", "--days", "20",
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code != 0 and not out.exists()
    assert "same market" in err and "population.size: 5000 vs 3000" in err and "points_3000.yaml" in err
    with pytest.raises(ValueError, match="same market"):
        sim.compare([_small("baseline.yaml"), _small("points.yaml", "population.size=500")], replications=1,
                    executor="serial", progress=False)
    clustered = _small("points.yaml", "population.graph.clustering=0.1")
    with pytest.raises(ValueError, match=r"population\.graph\.clustering: 0\.3 vs 0\.1"):
        sim.compare([_small("baseline.yaml"), clustered], replications=1, executor="serial", progress=False)
    # people's traits may differ: some designs are about them
    sim.compare([_small("baseline.yaml"), _small("baseline.yaml", "population.dunbar_limit=30")],
                replications=1, executor="serial", progress=False)


def test_a_designs_own_seed_is_said_to_be_unused():
    other = _small("points.yaml", "seed=9")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sim.compare([_small("baseline.yaml"), other], replications=1, executor="serial", progress=False)
    said = [str(w.message) for w in caught if "not used" in str(w.message)]
    assert len(said) == 1 and "seed 9" in said[0] and "same replication seeds" in said[0]


def test_the_report_says_the_market_the_staff_pricing_and_the_overrides(tmp_path, capsys):
    out = tmp_path / "c"
    assert main(["compare", str(SCENARIOS / "baseline.yaml"), str(SCENARIOS / "centralized.yaml"), "-r", "2",
                 "--days", "30", "--set", "population.size=400", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    report = (out / "report.md").read_text(encoding="utf-8")
    for text in (printed, report, (out / "report.html").read_text(encoding="utf-8")):
        assert "Market: 400 persons" in text and "Staff time is not priced" in text
        assert "population.size=400" in text


def test_a_lifespan_row_every_run_outlived_is_marked_no_test_in_differences_csv():
    res = sim.compare([_small("baseline.yaml"), _small("points.yaml")], replications=2, executor="serial",
                      progress=False)
    d = res.differences().set_index("measure")
    assert d.loc["lifespan", "note"].startswith("no test: every run of both alive at the horizon (day 40)")
    assert pd.isna(d.loc["peak_dau", "note"])


def test_the_sweeps_pareto_set_weighs_total_spend_not_incentives_only():
    """Sweeping event frequency: events cost money but pay no incentive, so on incentive spend every
    point cost 0 and only the best-attended (most expensive) survived; on total spend the cheaper
    points that give fewer member-days for less money are in the set."""
    res = sim.sweep(_small("monthly_events.yaml", days=120), ["strategies.events.every=7:91"],
                    method="grid", samples=3, replications=1, executor="serial", progress=False)
    table = res.table()
    assert (table["incentive_spend"] == 0).all() and table["total_spend"].nunique() == 3
    front = res.pareto()
    assert "total_spend" in front.columns and len(front) >= 2
    assert front["total_spend"].min() == table["total_spend"].min()


def test_a_strategy_never_in_force_is_named_in_the_shared_report():
    """With --days 30 the monthly events never start; their "no detectable difference" verdicts went
    into report.md with the reason only on stderr (and not at all under --quiet)."""
    from sim.outputs.report import market_and_staff

    text = market_and_staff([_small("baseline.yaml", days=30), _small("monthly_events.yaml", days=30)])
    assert "Notes on the designs: monthly events: strategies.events.start" in text and "never in force" in text
    assert "Notes on the designs" not in market_and_staff([_small("baseline.yaml"), _small("points.yaml")])


def _edges(path, n=60):
    path.write_text("source,target\n" + "".join(f"{i},{(i + 1) % n}\n{i},{(i + 7) % n}\n" for i in range(n)),
                    encoding="utf-8")
    return path


def test_the_market_is_what_the_graph_type_reads(tmp_path):
    """Settings a graph type does not read cannot make two designs on one market differ (a review of
    the market check): a file graph's mean_degree, a scale-free graph's rewire; the same file reached
    by two relative paths is one market, another file is another."""
    from sim.experiments.compare import check_same_market

    _edges(tmp_path / "g.csv")
    _edges(tmp_path / "other.csv", n=70)
    (tmp_path / "sub").mkdir()

    def on(folder, text):
        f = folder / f"s{len(list(folder.glob('*.yaml')))}.yaml"
        f.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\n{text}", encoding="utf-8")
        return sim.load_scenario(f, days=10)

    a = on(tmp_path, "population:\n  graph: {type: file, file: g.csv}\n")
    b = on(tmp_path / "sub", "population:\n  graph: {type: file, file: ../g.csv, mean_degree: 6}\n")
    check_same_market([a, b])
    with pytest.raises(ValueError, match="population.graph.file"):
        check_same_market([a, on(tmp_path, "population:\n  graph: {type: file, file: other.csv}\n")])
    check_same_market([_small("baseline.yaml"), _small("points.yaml", "population.graph.rewire=0.5")])
    with pytest.raises(ValueError, match="mean_degree"):
        check_same_market([_small("baseline.yaml"), _small("points.yaml", "population.graph.mean_degree=6")])


def test_staff_pricing_is_said_for_each_case():
    from sim.outputs.report import market_and_staff

    free, longer = _small("baseline.yaml"), _small("baseline.yaml", "community.organizer_hours=8")
    assert "Staff time is not priced" in market_and_staff([free, longer])  # hours are a design's, not a price
    priced = [_small(f, "community.staff_hour_cost=8") for f in ("baseline.yaml", "centralized.yaml")]
    assert "Staff time is priced at 8 cost units an hour in every design" in market_and_staff(priced)
    mixed = market_and_staff([free, priced[1]])
    assert "priced differently between the designs (community.staff_hour_cost: 0, 8 an hour)" in mixed
    assert "in the fitted scenario's file" in market_and_staff([free, free], from_fit=True)


def test_notes_name_designs_by_their_labels():
    from sim.outputs.report import market_and_staff
    from sim.scenario import scenario_from_dict

    late = scenario_from_dict({"horizon_days": 30, "population": {"size": 400},
                               "strategies": {"points": {"start": 40}}})
    text = market_and_staff([_small("baseline.yaml", days=30), late], labels=["baseline", "late points"])
    assert "late points: strategies.points.start" in text and "None:" not in text


def test_a_removed_key_in_a_file_is_blamed_on_its_line(tmp_path):
    f = tmp_path / "mode.yaml"
    f.write_text(f"extends: {SCENARIOS / 'baseline.yaml'}\nstrategies:\n  operating_mode:\n    mode: centralized\n"
                 "    staff_cost: 40\n", encoding="utf-8")
    with pytest.raises(sim.ScenarioError) as err:
        sim.load_scenario(f)
    (problem,) = err.value.problems
    assert (problem.file, problem.line, problem.key) == (str(f), 5, "strategies.operating_mode.staff_cost")


def test_a_cost_per_extra_member_day_comes_with_fiellers_interval():
    """A ratio of two paired means had no interval; most of its uncertainty is in the extra days (a
    planner's red team: points' 0.44 a day was roughly 0.28 to 1.05). The interval is recomputed here
    by its definition: the ratios R at which the paired t-test of (extra spend - R x extra days) sits
    exactly at its critical value."""
    from scipy import stats

    res = sim.compare([_small("baseline.yaml", days=200), _small("monthly_events.yaml", days=200)],
                      replications=5, executor="serial", progress=False)
    c = res.costs().iloc[0]
    assert c["note"] == "", c["note"]
    lo, hi = c["spend_per_extra_day_low"], c["spend_per_extra_day_high"]
    assert lo < c["spend_per_extra_day"] < hi
    runs = res.runs().set_index(["scenario", "seed"])
    base, var = runs.loc[res.labels[0]], runs.loc[res.labels[1]]
    spend = (var["total_spend"] - base["total_spend"]).to_numpy(float)
    days = (var["active_member_days"] - base["active_member_days"]).to_numpy(float)
    crit = stats.t.ppf(0.975, len(days) - 1)
    for r in (lo, hi):
        d = spend - r * days
        assert abs(abs(d.mean() / (d.std(ddof=1) / len(d) ** 0.5)) - crit) < 1e-6
    verdicts = " ".join(res.verdicts())
    assert "per extra active member-day" in verdicts and "95% CI" in verdicts.split("per extra active member-day")[0]


def test_a_variant_identical_to_the_baseline_is_not_reported_as_a_tested_null():
    """With --days 30 monthly events never start, and the hybrid runs as the baseline does: their runs
    equal the baseline's, and "no detectable difference (Δ +0, 95% CI 0 to 0, p = 1.000)" read as the
    strategy's verdict. Now one sentence says the runs are identical, and why when a notice knows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sim.compare([_small("baseline.yaml", days=30), _small("hybrid.yaml", days=30),
                           _small("monthly_events.yaml", days=30), _small("points.yaml", days=30)],
                          replications=2, executor="serial", progress=False)
    verdicts, short = res.verdicts(), res.trade_offs()
    hybrid, events = (next(v for v in verdicts if v.startswith(name)) for name in ("hybrid", "monthly events"))
    assert "identical to the baseline's on every read-out" in hybrid and "p = 1.000" not in " ".join(verdicts[:2])
    assert "never in force" in events and sum(v.startswith("monthly events") for v in verdicts) == 1
    assert short[0] == "hybrid: identical to the baseline in every run (see its verdict)."
    assert not any(v.startswith("points") and "identical" in v for v in verdicts)  # points does change runs



def test_identical_runs_read_the_same_in_the_tables_and_a_failed_run_is_not_called_identical():
    """The verdict's "identical" sentence sat beside tables saying "no detectable difference", p = 1.000
    (a review); and with runs missing, "every run is identical" was not known."""
    from sim.experiments.compare import CompareResult
    from sim.outputs.report import compare_markdown

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sim.compare([_small("baseline.yaml", days=30), _small("hybrid.yaml", days=30)], replications=3,
                          executor="serial", progress=False)
    d = res.differences()
    assert (d["note"] == "no test: identical to the baseline in every run").all()
    assert res.costs().iloc[0]["note"].startswith("identical to the baseline in every run")
    md = compare_markdown(res)
    assert "no test: identical to the baseline in every run" in md and "| no detectable difference |" not in md
    rows = [r for r in res.runs().to_dict("records")  # two of the variant's three runs failed
            if not (r["scenario"] == res.labels[1] and r["seed"] != res.seeds[0])]
    failed = CompareResult(res.scenarios, res.labels, res.seeds, rows, {}, [], None, 0.0, 0, "serial")
    assert not any("identical" in v for v in failed.verdicts() + failed.trade_offs())


def test_the_same_spend_in_every_pair_is_not_a_test_of_zeros():
    """Staff priced alike and nothing else spent: total spend equal in every pair (not zero) read as
    "total spend (Δ +0, 95% CI 0 to 0, p = 1.000)" (a review)."""
    res = sim.compare([_small("baseline.yaml", "community.staff_hour_cost=8", days=60),
                       _small("dunbar_150.yaml", "community.staff_hour_cost=8", days=60)],
                      replications=3, executor="serial", progress=False)
    quiet = next(v for v in res.verdicts() if "no detectable difference in" in v)
    assert "total spend (the same in every pair of runs)" in quiet and "total spend (Δ" not in quiet


def test_a_ratio_interval_survives_rounding_when_spend_is_proportional_to_days():
    import numpy as np

    from sim.experiments.stats import ratio_interval

    rng = np.random.default_rng(0)
    for _ in range(500):
        days = rng.uniform(50, 150, 6)
        lo, hi = ratio_interval(0.37 * days, days)
        assert lo == pytest.approx(0.37) and hi == pytest.approx(0.37)
    assert ratio_interval(np.full(5, 6.0), np.full(5, 3.0)) == (2.0, 2.0)
